"""Measurements of a printed PDF, taken from the PDF itself: text positions with pdfplumber,
ink (the red mark's top, the page number's dash) from pdftoppm's rendering of a strip of the
page, as a clerk's ruler would see it. All in millimetres from the page's top-left corner.

GB/T 9704-2012 fixes the text area (版心) at 156 mm × 225 mm, 37 mm from the top and 28 mm
from the binding edge (§5.2.1): on a single-sided page the binding is on the left.
"""
from __future__ import annotations

import io
import itertools
import re
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pdfplumber
from PIL import Image

MM = 72 / 25.4  # points in a millimetre
TEXT_TOP = 37.0
TEXT_HEIGHT = 225.0
TEXT_WIDTH = 156.0
DPI = 600


@dataclass
class Line:
    page: int  # 1-based
    text: str
    x0: float
    x1: float  # the right edge of the last glyph's advance
    top: float
    size: float  # the largest font size on the line, in pt
    chars: int


@lru_cache(maxsize=32)
def lines(pdf: Path) -> list[list[Line]]:
    """Every page's text lines, top to bottom (pdfplumber's grouping of characters)."""
    pages = []
    with pdfplumber.open(pdf) as doc:
        for n, page in enumerate(doc.pages, 1):
            found = []
            for ln in page.extract_text_lines(return_chars=True, strip=False):
                chars = [c for c in ln["chars"] if not c["text"].isspace()]
                if not chars:
                    continue
                found.append(Line(n, "".join(c["text"] for c in chars), chars[0]["x0"] / MM,
                                  chars[-1]["x1"] / MM, ln["top"] / MM, max(c["size"] for c in chars),
                                  len(chars)))
            pages.append(found)
    return pages


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    with pdfplumber.open(pdf) as doc:
        return [(p.width / MM, p.height / MM) for p in doc.pages]


def red_rule(pdf: Path, page: int = 1) -> tuple[float, float]:
    """(top, bottom) of the red rule under the document number: WeasyPrint fills a border as the
    space between two rectangles (even-odd), so the rule runs from the inner one's bottom to the
    outer one's; a rule drawn as one thin rectangle is that rectangle."""
    with pdfplumber.open(pdf) as doc:
        p = doc.pages[page - 1]
        red = []
        for r in p.rects:
            color = r.get("non_stroking_color")
            if color and len(color) == 4 and color[1] > 0.5 and color[0] < 0.2:
                red.append((r["top"] / MM, r["bottom"] / MM))
        assert red, "no red rule on the page"
        thin = [r for r in red if r[1] - r[0] < 2]
        if thin:
            return thin[0]
        bottoms = sorted({round(b, 3) for _, b in red})
        return bottoms[0], bottoms[-1]


def ink_rows(pdf: Path, page: int, left: float, top: float, width: float, height: float,
             red: bool = False) -> list[float]:
    """The rows (mm from the page's top) of a rectangle of the page that carry ink: any dark pixel,
    or with ``red`` any red one, in a rendering at 600 dpi."""
    px = DPI / 25.4
    png = subprocess.run(["pdftoppm", "-r", str(DPI), "-f", str(page), "-l", str(page), "-png",
                          "-x", str(round(left * px)), "-y", str(round(top * px)),
                          "-W", str(round(width * px)), "-H", str(round(height * px)), str(pdf)],
                         capture_output=True, check=True).stdout
    image = Image.open(io.BytesIO(png)).convert("RGB")
    w, h = image.size
    data = image.load()
    assert data is not None
    rows = []
    for y in range(h):
        for x in range(w):
            r, g, b = data[x, y]
            if (r > 150 and g < 110 and b < 110) if red else (r + g + b < 300):
                rows.append(round(y / px + round(top * px) / px, 3))
                break
    return rows


def mark_top(pdf: Path) -> float:
    """How far the red mark's (发文机关标志) ink starts below the text area's top (§7.2.4: 35 mm)."""
    rule = red_rule(pdf)[0]
    rows = ink_rows(pdf, 1, 20, TEXT_TOP, 170, rule - 20 - TEXT_TOP, red=True)
    return rows[0] - TEXT_TOP


def rule_gap(pdf: Path) -> float:
    """From the document number's ink bottom to the red rule's top (§7.2.7: 4 mm)."""
    rule = red_rule(pdf)[0]
    number = next(ln for ln in lines(pdf)[0] if "号" in ln.text and ln.top < rule / 1)
    rows = ink_rows(pdf, 1, number.x0, number.top - 2, number.x1 - number.x0, rule - number.top + 1)
    return rule - rows[-1]


def page_number_drops(pdf: Path) -> list[tuple[int, float]]:
    """(page, how far the page number's first dash lies below the text area's bottom) for every
    portrait page (§7.5: 7 mm): the middle of the dash's stroke, measured in its ink."""
    found = []
    for (width, height), page_lines in zip(page_sizes(pdf), lines(pdf)):
        if width > height:
            continue
        bottom = TEXT_TOP + TEXT_HEIGHT
        number = [ln for ln in page_lines if ln.text.startswith("—") and ln.top > bottom]
        if not number:
            continue
        ln = number[-1]
        rows = ink_rows(pdf, ln.page, ln.x0, bottom, 3.5, 15)
        found.append((ln.page, (rows[0] + rows[-1]) / 2 - bottom))
    return found


def text_edges(pdf: Path, page: int, width: float) -> tuple[float, float]:
    """The text area's left and right edges on a portrait page: 28 mm from the binding edge,
    which is on the left of odd pages and, when printed on both sides, the right of even ones."""
    left = 28.0 if page % 2 or not mirrored(pdf) else 26.0
    return left, left + TEXT_WIDTH


@lru_cache(maxsize=32)
def mirrored(pdf: Path) -> bool:
    """Whether even pages are mirrored (double-sided printing): page 2's text starts 26 mm in."""
    pages = lines(pdf)
    return len(pages) > 1 and any(abs(ln.x0 - 26.0) < 0.2 for ln in pages[1])


def body_lines(pdf: Path) -> list[tuple[Line, bool]]:
    """Each line of running text (16 pt, starting at the text area's left edge or two characters
    in), with whether it continues a paragraph: the next such line starts flush left. Titles,
    tables, the signature and page numbers are other sizes or start elsewhere."""
    found: list[Line] = []
    for (width, height), page_lines in zip(page_sizes(pdf), lines(pdf)):
        if width > height:
            continue
        for ln in page_lines:
            left, _ = text_edges(pdf, ln.page, width)
            if abs(ln.size - 16) < 0.1 and TEXT_TOP <= ln.top < TEXT_TOP + TEXT_HEIGHT \
                    and (abs(ln.x0 - left) < 0.3 or abs(ln.x0 - left - 11.14) < 0.3):
                found.append(ln)
    return [(ln, i + 1 < len(found) and _continued_by(pdf, ln, found[i + 1])) for i, ln in enumerate(found)]


def _continued_by(pdf: Path, ln: Line, nxt: Line) -> bool:
    """Whether ``nxt`` is the next line of ``ln``'s paragraph: flush left, on the next line of the
    grid (28.95 pt = 10.21 mm lower) or at the top of the next page."""
    flush = abs(nxt.x0 - text_edges(pdf, nxt.page, 0)[0]) < 0.3
    below = nxt.page == ln.page and 9.9 < nxt.top - ln.top < 10.5
    over = nxt.page == ln.page + 1 and nxt.top < TEXT_TOP + 5 and ln.top > TEXT_TOP + TEXT_HEIGHT - 15
    return flush and (below or over)


def ragged(pdf: Path, tolerance: float = 0.5) -> list[tuple[int, str, float]]:
    """(page, line, mm short of the right edge, negative when past it) for each line that continues
    a paragraph yet does not end within ``tolerance`` of the text area's right edge."""
    return [(ln.page, ln.text, round(text_edges(pdf, ln.page, 0)[1] - ln.x1, 2))
            for ln, continues in body_lines(pdf)
            if continues and abs(text_edges(pdf, ln.page, 0)[1] - ln.x1) > tolerance]


@dataclass
class Glyph:
    page: int  # 1-based
    text: str
    x0: float
    x1: float
    top: float  # of the glyph's em box, as pdfplumber places it
    bottom: float
    size: float  # in pt


@lru_cache(maxsize=32)
def glyphs(pdf: Path) -> list[Glyph]:
    """Every character drawn, with its em box (mm)."""
    with pdfplumber.open(pdf) as doc:
        return [Glyph(n, c["text"], c["x0"] / MM, c["x1"] / MM, c["top"] / MM, c["bottom"] / MM, c["size"])
                for n, page in enumerate(doc.pages, 1) for c in page.chars]


def ink_height(pdf: Path, g: Glyph) -> float:
    """How tall a character's ink is (mm), as a ruler measures it on paper: the dark rows of its
    advance's column, from 2 mm above its em box to 2 mm below (the lines of the grid are 4.5 mm
    apart: no ink of a neighbouring line is in it)."""
    rows = ink_rows(pdf, g.page, g.x0, g.top - 2, g.x1 - g.x0, g.bottom - g.top + 4)
    return rows[-1] - rows[0]


def titles(pdf: Path, size: float = 22) -> list[list[str]]:
    """The lines of each title (2号, §7.3.1): runs of 22 pt lines one grid line apart."""
    found: list[list[Line]] = []
    for ln in (ln for page in lines(pdf) for ln in page if abs(ln.size - size) < 0.1):
        if found and found[-1][-1].page == ln.page and 9.9 < ln.top - found[-1][-1].top < 10.5:
            found[-1].append(ln)
        else:
            found.append([ln])
    return [[ln.text for ln in title] for title in found]


def bracketed_groups(title: str) -> list[tuple[int, int]]:
    """(start, end) of each bracketed group of a title, its marks included."""
    return [(m.start(), m.end()) for m in re.finditer(r"（[^）]*）|《[^》]*》|〔[^〕]*〕", title)]


def named_spans(title: str) -> list[tuple[int, int]]:
    """The phrase around each bracketed group, from the particle or conjunction before it to the
    one after (的 及 和 与 、 ，): the name the group belongs to, e.g. 新华社各省（自治区）分社地址及."""
    spans = []
    for start, end in bracketed_groups(title):
        before = max((i + 1 for i in range(start) if title[i] in "的及和与、，"), default=0)
        after = next((i + 1 for i in range(end, len(title)) if title[i] in "的及和与、，"), len(title))
        spans.append((before, after))
    return spans


def names_broken(title_lines: list[str], per_line: float = 20) -> list[str]:
    """Where a title's line breaks fall inside a bracketed group, between a name and its bracket,
    or inside the name a group belongs to when that name would fit on a line (``per_line`` one em
    characters; Latin letters and digits counted as one, an upper bound)."""
    title = "".join(title_lines)
    ends = set(itertools.accumulate(len(line) for line in title_lines[:-1]))
    wrong = []
    for start, end in bracketed_groups(title):
        wrong += [f"inside {title[start:end]}" for b in ends if start < b < end]
        wrong += [f"before {title[start:end]}" for b in ends if b == start]
    for start, end in named_spans(title):
        if end - start <= per_line:
            wrong += [f"inside {title[start:end]}" for b in ends if start < b < end]
    return wrong
