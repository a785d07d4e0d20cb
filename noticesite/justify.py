"""Body paragraphs justified on the grid of GB/T 9704-2012 (§5.2.3: 28 characters a line).

WeasyPrint justifies a line by widening its spaces only (``layout/inline.py``: "Count expandable
spaces (space and nbsp)"), and Chinese text has none, so ``text-align: justify`` leaves every
line ragged. The grid does most of the work: at 16 pt with a letter-spacing of -0.21 pt a Chinese
character takes 156 mm / 28 (print.css), so a line of Chinese characters only ends flush. A line
with Latin letters or digits (proportional), or one that had to give a character to the next line
(no line starts with ，。、）》… nor ends with （《“, cjktext.CLOSERS / OPENERS) does not. So the
paragraph is broken into lines here, as Word and WPS do, and each line but the last gets the
letter-spacing that makes it exactly as wide as the text area: slightly wider spacing, or
slightly tighter, whichever changes the line less (a comma drawn into a full line rather than its
word pushed out: 行尾挤压). The line ends are forced (``<br>``) and the paragraph does not wrap
(print.css ``p.justified``), so WeasyPrint cannot break it elsewhere. No character is added: the
text copied from the PDF is the text written.

Widths come from the face that prints the body: the first family of print.css's ``html`` rule
that fontconfig has, its advances read with fontTools. Without it (no fontconfig, an unreadable
font) paragraphs are left as they are: aligned left on the grid, as before.
"""
from __future__ import annotations

import html as htmlmod
import re
import statistics
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .cjktext import CLOSERS, OPENERS, char_em

# The grid of print.css: 三号 type, the letter-spacing that makes 28 characters fill the line,
# the 156 mm line (§5.2.1), a first-line indent of two characters (§7.3.3).
FONT_PT = 16.0
GRID_SPACING_PT = -0.21
LINE_PT = 156 / 25.4 * 72
INDENT_PT = 2 * (FONT_PT + GRID_SPACING_PT)
# The most a line is tightened to take one more character (a closing mark): 0.1 em a gap.
MAX_SQUEEZE_PT = 1.6


@dataclass(frozen=True)
class Face:
    """Advances of a font's characters, in em."""

    family: str
    advances: dict[int, float]

    def em(self, ch: str) -> float:
        if unicodedata.east_asian_width(ch) == "A" and not ch.isascii():
            # — … “ ” · : the font's own advance is proportional, but lang="zh-CN" shapes them
            # with the full-width Chinese forms (OpenType locl): measured, — is one em, not 0.89
            return 1.0
        found = self.advances.get(ord(ch))
        if found is not None:
            return found
        # a character the face lacks is drawn by a fallback face: CJK is one em in any of them
        return 1.0 if unicodedata.east_asian_width(ch) in "WF" else char_em(ch)


def body_face(stylesheet: str) -> Face | None:
    """The face of the body text named by the stylesheet's ``html`` rule, measured; None when
    it cannot be read (then nothing is justified)."""
    css = re.sub(r"/\*.*?\*/", "", Path(stylesheet).read_text(encoding="utf-8"), flags=re.S)
    rule = re.search(r"(?:^|})\s*html\s*{([^}]*)}", css)
    families = re.search(r"font-family\s*:\s*([^;}]+)", rule[1]) if rule else None
    if not families:
        return None
    listed = families[1].strip()
    var = re.fullmatch(r"var\(\s*(--[\w-]+)\s*\)", listed)
    # a role's faces kept in a custom property (print.css: --font-body): its last declaration
    names = font_lists(css).get(var[1], []) if var else _family_names(listed)
    for name in names:
        face = _face(name)
        if face is not None:
            return face
    return None


def font_lists(css: str) -> dict[str, list[str]]:
    """Each ``--font-…`` custom property of ``css`` and the families it lists, in order (the
    last declaration of a property wins, as in CSS)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return {m[1]: _family_names(m[2]) for m in re.finditer(r"(--font-[\w-]+)\s*:\s*([^;}]+)", css)}


def _family_names(listed: str) -> list[str]:
    return [part.strip().strip("'\"").strip() for part in listed.split(",")]


@lru_cache(maxsize=8)
def _face(family: str) -> Face | None:
    found = locate(family)
    return _read_face(family, *found) if found else None


@lru_cache(maxsize=32)
def locate(family: str) -> tuple[str, int] | None:
    """The file and face index fontconfig gives ``family``; None when it is not installed."""
    try:
        out = subprocess.run(["fc-match", "--format", "%{family}\n%{file}\n%{index}", family],
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    names, file, index = (out.split("\n") + ["", ""])[:3]
    if family.lower() not in (n.strip().lower() for n in names.split(",")):
        return None  # fontconfig would substitute another family
    return file, int(index or 0)


# Ideographs frequent in notices, of every shape (tall, wide, few and many strokes): the median
# height of their outlines is how large a face looks at a given size. Faces differ by more than
# a tenth: FandolFang 0.94 em, Noto Serif CJK 0.91, AR PL UKai 0.83 (fontTools, these glyphs).
IDEOGRAPHS = "信息核对本次采集关系到学生一在历网及毕业证和位上的形象各院定要提前检查个人准备时间安排通知工作"


@lru_cache(maxsize=16)
def ideograph_height(file: str, index: int = 0) -> float | None:
    """The median ink height of IDEOGRAPHS in the face, in em; None when the face cannot be read
    or has too few of them."""
    try:
        from fontTools.pens.boundsPen import BoundsPen  # noqa: PLC0415 (WeasyPrint's dependency)
        from fontTools.ttLib import TTFont  # noqa: PLC0415

        with TTFont(file, fontNumber=index, lazy=True) as font:
            upm = font["head"].unitsPerEm
            cmap = font.getBestCmap()
            glyphs = font.getGlyphSet()
            heights = []
            for ch in IDEOGRAPHS:
                if ord(ch) not in cmap:
                    continue
                pen = BoundsPen(glyphs)
                glyphs[cmap[ord(ch)]].draw(pen)
                if pen.bounds:
                    heights.append((pen.bounds[3] - pen.bounds[1]) / upm)
    except Exception:  # noqa: BLE001 (an unreadable font: its role keeps the nominal size)
        return None
    return statistics.median(heights) if len(heights) >= len(IDEOGRAPHS) // 2 else None


@lru_cache(maxsize=8)
def _read_face(family: str, file: str, index: int) -> Face | None:
    try:
        from fontTools.ttLib import TTFont  # noqa: PLC0415 (WeasyPrint's dependency)

        with TTFont(file, fontNumber=index, lazy=True) as font:
            upm = font["head"].unitsPerEm
            metrics = font["hmtx"].metrics
            cmap = font.getBestCmap()
            return Face(family, {cp: metrics[glyph][0] / upm for cp, glyph in cmap.items() if glyph in metrics})
    except Exception:  # noqa: BLE001 (an unreadable font: the paragraphs stay unjustified)
        return None


# ---- a paragraph ---------------------------------------------------------------------------

_TOKEN = re.compile(r"(<[^>]*>)|(&#?\w+;)|(\s+)|(.)", re.S)


@dataclass
class _Char:
    source: str  # as written in the HTML (an entity stays an entity)
    ch: str  # what it draws
    at: int  # index of its token


def _units(chars: list[_Char]) -> list[list[int]]:
    """Indices of the characters grouped into what is never broken inside: one Chinese character,
    or a run of Latin letters and digits (a URL breaks only after a '/' of its path)."""
    units: list[list[int]] = []
    for i, c in enumerate(chars):
        wide = unicodedata.east_asian_width(c.ch) in "WFA" or not c.ch.isascii()
        prev = chars[i - 1].ch if i else ""
        joins = (i and not wide and not c.ch.isspace() and units
                 and not _wide(prev) and not prev.isspace()
                 and not (prev == "/" and c.ch != "/" and _in_url(chars, i)))
        if joins:
            units[-1].append(i)
        else:
            units.append([i])
    return units


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WFA" or not ch.isascii()


def _in_url(chars: list[_Char], i: int) -> bool:
    """Whether a URL's scheme ("://") comes before position i in its run of Latin characters."""
    j = i
    while j > 0 and not _wide(chars[j - 1].ch) and not chars[j - 1].ch.isspace():
        j -= 1
    run = "".join(c.ch for c in chars[j:i])
    # past the host: a break right after "scheme://" would leave the scheme alone on its line
    return "://" in run and "/" in run.split("://", 1)[1]


def _breakable(chars: list[_Char], units: list[list[int]], k: int) -> bool:
    """May a line end before unit k? Not before a closing mark, nor after an opening one."""
    first, last = chars[units[k][0]].ch, chars[units[k - 1][-1]].ch
    return first not in CLOSERS and last not in OPENERS


def justify_paragraph(inner: str, face: Face) -> tuple[str, bool]:
    """The paragraph's inner HTML with every line but the last set to the full measure (the first
    indented two characters), and whether it was broken into lines (a one-line paragraph is returned as it was)."""
    tokens = [m[0] for m in _TOKEN.finditer(inner)]
    chars: list[_Char] = []
    for at, tok in enumerate(tokens):
        if tok.startswith("<"):
            continue
        ch = htmlmod.unescape(tok) if tok.startswith("&") else (" " if tok.isspace() else tok)
        chars.append(_Char(tok, ch, at))
    if not chars:
        return inner, False
    units = _units(chars)
    widths = [sum(face.em(chars[i].ch) for i in u) * FONT_PT for u in units]
    counts = [len(u) for u in units]
    lines: list[tuple[int, int, float]] = []  # (first unit, end unit, letter-spacing)
    start = 0
    while start < len(units):
        cap = LINE_PT - (INDENT_PT if not lines else 0)
        end, spacing = _line_end(chars, units, widths, counts, start, cap)
        if end >= len(units) and spacing == GRID_SPACING_PT:
            break  # the last line, on the grid and aligned left
        lines.append((start, end, spacing))
        start = end
    if not lines:
        return inner, False
    return _write(tokens, chars, units, lines), True


def _line_end(chars: list[_Char], units: list[list[int]], widths: list[float], counts: list[int],
              start: int, cap: float) -> tuple[int, float]:
    """Where the line starting at unit ``start`` ends, and its letter-spacing in pt."""
    def spacing(end: int) -> float:
        n = sum(counts[start:end])
        return (cap - sum(widths[start:end])) / max(n - 1, 1)

    fits = start + 1  # a unit wider than the line stands alone
    end = start + 1
    while end < len(units):
        if _breakable(chars, units, end):
            if spacing(end) < GRID_SPACING_PT - 0.01:
                break
            fits = end
        end += 1
    else:
        if spacing(len(units)) >= GRID_SPACING_PT - 0.01:
            return len(units), GRID_SPACING_PT  # the rest fits: the last line
    # end is the first legal break past the measure (or the end): take it if tightening the line
    # to it changes the line less than widening the line that ends at the last break that fits
    while end < len(units) and not _breakable(chars, units, end):
        end += 1
    tight, loose = spacing(end), spacing(fits)
    # only a closing mark is squeezed in (行尾挤压): an opening one keeps its character company
    # on the next line rather than pull a character past the grid's 28
    closes = chars[units[end - 1][-1]].ch in CLOSERS
    if closes and GRID_SPACING_PT - tight <= MAX_SQUEEZE_PT and GRID_SPACING_PT - tight < loose - GRID_SPACING_PT:
        return end, tight  # (the paragraph's end, when the line takes its last characters squeezed)
    return fits, loose


def _write(tokens: list[str], chars: list[_Char], units: list[list[int]],
           lines: list[tuple[int, int, float]]) -> str:
    """Each line's text wrapped (between tags, so that nesting stays valid) in a span with its
    spacing, and a forced break after it."""
    spacing_at: dict[int, float] = {}
    line_end_at: set[int] = set()
    for first, end, spacing in lines:
        for u in units[first:end]:
            for i in u:
                spacing_at[chars[i].at] = spacing
        line_end_at.add(chars[units[end - 1][-1]].at)
    out: list[str] = []
    open_spacing: float | None = None
    for at, tok in enumerate(tokens):
        now = spacing_at.get(at)
        if open_spacing is not None and (now != open_spacing or tok.startswith("<")):
            out.append("</span>")
            open_spacing = None
        if now is not None and open_spacing is None:
            out.append(f'<span class="jl" style="letter-spacing: {now:.3f}pt">')
            open_spacing = now
        out.append(tok)
        if at in line_end_at:
            out.append('</span><br class="jl">')
            open_spacing = None
    if open_spacing is not None:
        out.append("</span>")
    return "".join(out)
