"""Print-ready PDFs of a notice and its attachments, in the GB/T 9704-2012 format.

Three steps, each callable on its own:

* ``print_documents`` turns a notice into HTML documents (one per attachment,
  one for the whole notice) from the templates in ``layouts/print/``;
* ``check_fonts`` makes sure the print fonts have a glyph for every character,
  before anything is rendered (a PDF with empty boxes is never written);
* ``render_pdfs`` prints them with WeasyPrint, in parallel, re-rendering only
  documents whose inputs changed, and copies them into the output folder only
  when every one succeeded.

``write_site_pdfs`` runs the three for the build (``site.build``).

All the measurements of the page live in ``layouts/print.css``; this module
decides what goes on the page, and estimates widths only to choose between
layouts (a title's line breaks, a portrait or a landscape table).
"""
from __future__ import annotations

import bisect
import contextlib
import dataclasses
import datetime as dt
import gc
import hashlib
import html as htmlmod
import multiprocessing
import os
import pickle
import re
import subprocess
import time
import unicodedata
import urllib.parse
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Callable, Iterable

import jinja2
from markupsafe import Markup

from . import urls
from .cache import code_version, write_atomic
from .errors import BuildError, Problem
from .children import worker_count
from .fontsubset import compact_fonts
from .cjktext import balance_lines, text_em
from .justify import FONT_PT, GRID_SPACING_PT, Face, body_face, font_lists, ideograph_height, justify_paragraph, locate
from .qrcode import notice_qr
from .printed import RenderReport  # the PDF stage's value (re-exported: pdf.RenderReport)
from .render import zh_date
from .timetable import schedule_days, schedule_totals
from .model import FONT_ROLES as SITE_FONT_ROLES
from .model import Attachment, CheckedProcedure, Location, Makeup, Notice, Procedure, Schedule, Site

# Told how far a long stage has come: (stage, done, total).
Progress = Callable[[str, int, int], None]
PDF_STAGE = "printing PDFs"

STYLESHEET = "print.css"  # found through the environment's loader, like the templates
TEMPLATES = "print"

# How wide a character is, in em, when deciding whether a table or a line fits:
# CJK characters are full-width; Noto CJK's Latin letters and digits are
# proportional (digits 0.56 em, colon and full stop 0.33 em, the dash 0.89 em).
# Text columns (addresses, remarks) may wrap; they need at least this many
# characters a line to stay readable. Columns whose every cell is at most
# _NOWRAP_EM wide (names of colleges and offices) never wrap.
_MIN_WRAP_EM = 8
_NOWRAP_EM = 6
# Width of the text area in points: 156 mm (GB/T 9704-2012 §5.2.1); tables are
# set in 4号 (14 pt), see print.css.
_TEXT_WIDTH_PT = 156 / 25.4 * 72
_TEXT_HEIGHT_PT = 225 / 25.4 * 72
_LINE_PT = 28.95  # the grid: 22 lines in the 225 mm text area (§5.2.3)
_TABLE_FONT_PT = 14
_CELL_PADDING_EM = 0.6  # left + right padding of a cell, as in print.css


# ---- what the build gets --------------------------------------------------------------


@dataclass(frozen=True)
class PrintMetadata:
    """What the PDF says about itself (document information and XMP)."""

    title: str
    author: str  # the issuing office
    language: str  # BCP 47, zh-CN
    date: dt.date | None  # the notice's date, when known
    subject: str  # the document number, e.g. 校教通〔2012〕104号


@dataclass(frozen=True)
class PrintDocument:
    """One PDF to print: where it goes, its HTML, and what it is made from."""

    name: str  # output path under the output folder, e.g. 2012-104/attachment-1.pdf
    title: str
    html: str
    metadata: PrintMetadata
    stylesheets: tuple[str, ...]  # absolute paths of the CSS files it is printed with
    base_url: str  # folder that relative URLs (images) resolve against
    source: Location  # where problems about it point
    readable: tuple[str, ...] = ()  # folders the printer may read files from besides base_url's
    font_css: str = ""  # the office's faces (font_stylesheet), printed after the stylesheets


# ---- filters ----------------------------------------------------------------------------


def register_filters(env: jinja2.Environment) -> None:
    """Adds the filters the print templates use (all prefixed ``print_``)."""
    env.filters["print_date"] = print_date
    env.filters["print_time"] = print_time
    face = body_face(_loader_path(env, STYLESHEET)) if env.loader is not None else None
    env.filters["print_body"] = lambda html, attachments=(), internal=False: print_body(
        html, attachments, internal, face)


def print_date(day: dt.date | None) -> str:
    """2012年12月5日: Arabic numerals, full year, no zero padding (GB/T 9704-2012 §7.3.5.4)."""
    return zh_date(day)


def print_time(t: dt.time) -> str:
    """8:00, 14:35: the hour without a leading zero, as times are written in running text."""
    return f"{t.hour}:{t.minute:02d}"


_ORDINAL_1 = re.compile(r"^[一二三四五六七八九十]+、")
_ORDINAL_2 = re.compile(r"^（[一二三四五六七八九十]+）")
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_LINK = re.compile(r'<a\s+href="([^"]*)"[^>]*>(.*?)</a>', re.S)
_HEADING_MAX_CHARS = 28  # one line of body text (GB/T 9704-2012 §5.2.3)


def print_body(html: str, attachments: Iterable[Attachment] = (), internal: bool = False,
               face: Face | None = None) -> Markup:
    """Body HTML from Markdown, prepared for print.

    * A short paragraph that is only a structure ordinal and a heading
      (``一、…`` or ``（一）…``, one line, no full stop) becomes a first- or
      second-level heading: GB/T 9704-2012 §7.3.3 sets them in 黑体 and 楷体.
    * Leading ideographic spaces are dropped: the stylesheet indents every
      paragraph by two characters (§7.3.3), and typed spaces would double it.
    * Links to attachments point inside the PDF when the attachments are in it
      (``internal``), else become plain text, like every other relative link;
      absolute links stay, and a URL shown as text is kept whole (one link
      annotation; a line break only after a '/' past '://' when it cannot fit).
    * A first paragraph that is one short line ending in "：" is a salutation (主送机关), set
      flush left (§7.3.2).
    * Given the body's ``face``, every other paragraph is broken into lines justified on the
      grid (justify.py), the paragraph marked ``justified``.
    """
    slugs = {a.slug: a for a in attachments}

    seen: list[str] = []  # paragraphs before this one

    def paragraph(m: re.Match) -> str:
        inner = m[1].lstrip("\u3000 ")
        text = htmlmod.unescape(re.sub(r"<[^>]+>", "", inner)).strip()
        short = len(text) <= _HEADING_MAX_CHARS and "。" not in text
        if short and _ORDINAL_1.match(text):
            return f'<p class="heading-1">{inner}</p>'
        if short and _ORDINAL_2.match(text):
            return f'<p class="heading-2">{inner}</p>'
        if short and text.endswith("：") and not seen:  # a text attachment's addressees (各高校毕业生：)
            seen.append(text)
            return f'<p class="salutation">{inner}</p>'
        seen.append(text)
        if face is not None:
            lines, broken = justify_paragraph(inner, face)
            if broken:
                return f'<p class="justified">{lines}</p>'
        return f"<p>{inner}</p>"

    def link(m: re.Match) -> str:
        # Judged again by the URL policy as the PDF reader will read it (entities decoded): a
        # refused or local href is dropped, keeping the text.
        href, text = m[1], m[2]
        verdict = urls.judge(urls.browser_view(href))
        if verdict.refused is not None:
            return text
        if re.match(r"(?i)https?://", text):
            # A URL shown as text is kept whole on one line (print.css: a.url): a URL broken across
            # lines is misread when typed from paper, and WeasyPrint tags each line's piece, and
            # each <wbr> in it, as a link annotation of its own (slivers 0.2 pt wide;
            # tests/test_pdf_tags.py).
            return m[0].replace("<a ", '<a class="url" ', 1)
        if verdict.local is None:  # an allowed scheme: http, https, mailto, tel
            return m[0]
        stem = verdict.local.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html").removesuffix(".pdf")
        if internal and stem in slugs:
            return f'<a href="#{stem}">{text}</a>'
        return text

    # links first: a justified paragraph's lines wrap the link's text in spans
    return Markup(_PARAGRAPH.sub(paragraph, _LINK.sub(link, html)))


# ---- the documents ----------------------------------------------------------------------


@dataclass
class Cell:
    text: str
    kind: str = "text"  # column type: text, count, person, phone, place; drives alignment
    nowrap: bool = False  # short in every row: a college's name is never broken


@dataclass
class Row:
    header: str  # the row's header cell (time of a session, name of an office)
    cells: list[Cell]


@dataclass
class RowGroup:
    """Rows that share a row header spanning them (one half-day of the schedule)."""

    label: list[str]  # lines of the spanning header, e.g. ["1月3日", "上午"]
    rows: list[Row]


@dataclass
class PrintTable:
    caption: str
    columns: list[str]  # header labels, the row header(s) first
    groups: list[RowGroup]
    totals: list[Cell] | None  # a 合计 row, when columns are counted
    landscape: bool  # too wide for the portrait text area at a readable size
    id: str = ""  # the <table>'s id: tells a table continued on the next page from a new one (pdftags)


def print_documents(site: Site, notice: Notice, env: jinja2.Environment) -> list[PrintDocument]:
    """The notice with its attachments, then each attachment on its own."""
    stylesheet = _loader_path(env, STYLESHEET)
    font_css = font_stylesheet(site.config.print_fonts, site.root, stylesheet)
    font_css += role_sizes(stylesheet, font_css, site.root)
    content_dir = Path(site.root) / Path(notice.source.path).parent
    common = {"config": site.config, "notice": notice,  # not the site: a notice's key covers what it is handed
              "office_size": _office_size(site.config.office),
              "title_lines": balance_lines(notice.title, _TITLE_CHARS)}
    face = body_face(stylesheet)
    whole = [_attachment_context(notice, a, face) for a in notice.attachments]
    # The QR code (its setting and the notice's address) is in the HTML, which the PDF's key hashes.
    docs = [_document(env, "notice.html", f"{notice.slug}/notice.pdf", notice.title,
                      _metadata(notice, notice.title), stylesheet, content_dir, notice.source, site.root,
                      common | {"attachments": whole, "qr": notice_qr(site.config, notice)})]
    for a, ctx in zip(notice.attachments, whole):
        title = f"附件{a.number}：{a.title}"
        docs.append(_document(env, "attachment.html", f"{notice.slug}/{a.slug}.pdf", title,
                              _metadata(notice, title), stylesheet,
                              Path(site.root) / Path(a.source.path).parent, a.source, site.root,
                              common | {"attachment": ctx}))
    return [dataclasses.replace(d, font_css=font_css) for d in docs] if font_css else docs


_TITLE_CHARS = 20  # 2号 (22 pt) characters in the 156 mm line (§7.3.1)


def _document(env: jinja2.Environment, template: str, name: str, title: str, meta: PrintMetadata,
              stylesheet: str, base: Path, source: Location, root: str, context: dict) -> PrintDocument:
    html = env.get_template(f"{TEMPLATES}/{template}").render(meta=meta, **context)
    # The printer reads the notice's images (inside the project, see urls.local_file) and the
    # stylesheet's folder; nothing else, whatever a URL in the HTML or CSS says.
    readable = (root, str(Path(stylesheet).parent))
    return PrintDocument(name, title, html, meta, (stylesheet,), str(base), source, readable)


# The print format is the mainland one, set in Simplified Chinese fonts: always
# zh-CN, whatever the site's language tag (it also selects Noto CJK's
# Simplified Chinese glyph forms; without it WeasyPrint picks Japanese ones).
LANGUAGE = "zh-CN"


def _metadata(notice: Notice, title: str) -> PrintMetadata:
    return PrintMetadata(title, notice.issuer, LANGUAGE, notice.date, notice.number)


def _loader_path(env: jinja2.Environment, name: str) -> str:
    assert env.loader is not None
    _, filename, _ = env.loader.get_source(env, name)
    assert filename, f"the template loader has no file for {name}"
    return str(Path(filename).resolve())


def _office_size(office: str) -> str:
    """The largest traditional type size at which the office's name fits one line (§7.2.4)."""
    width = text_em(office)
    for size, points in (("chuhao", 42), ("xiaochu", 36), ("yihao", 26), ("erhao", 22)):
        if width * points <= _TEXT_WIDTH_PT * 0.9:
            return size
    return "sanhao"


@dataclass
class AttachmentContext:
    attachment: Attachment
    kind: str  # text, schedule, directory, procedure
    body: Markup  # intro or text body, prepared for print
    table: PrintTable | None = None
    makeup: Makeup | None = None
    svg: list[Markup] = field(default_factory=list)  # the flow chart, a part per page
    title_lines: list[str] = field(default_factory=list)


def _attachment_context(notice: Notice, a: Attachment, face: Face | None = None) -> AttachmentContext:
    ctx = AttachmentContext(a, a.type, print_body(a.body_html, notice.attachments, internal=True, face=face),
                            title_lines=balance_lines(a.title, _TITLE_CHARS))
    if isinstance(a.data, Schedule):
        ctx.table = schedule_table(a.data)
        ctx.table.id = f"{a.slug}-table"
        if ctx.table.caption == a.title:
            ctx.table.caption = ""  # the attachment's title already says it
    elif isinstance(a.data, Makeup):
        ctx.makeup = a.data
        ctx.table = directory_table(a.data)
        ctx.table.id = f"{a.slug}-table"
    elif isinstance(a.data, Procedure):
        ctx.svg = _flow_svgs(a.data, a.title, _first_page_room(ctx))
    return ctx


def _flow_svgs(proc: CheckedProcedure, title: str, first_page_pt: float) -> list[Markup]:
    """The flow chart from ``noticesite.flow`` at print size (labels 10.5 pt, notes 9 pt, the text
    area's width), cut into page-sized parts. Each part carries its own steps' description as its
    alternative text; the last carries the procedure's notes ("注：…"), as the template expects."""
    from . import flow  # noqa: PLC0415 (as in loading.py: only for a notice that has a chart)

    parts = flow.render_print_svgs(proc, title=title, width_pt=_TEXT_WIDTH_PT, first_height_pt=first_page_pt,
                                   height_pt=_TEXT_HEIGHT_PT)
    return [Markup(_alt_text(svg)) for svg in parts]


def _first_page_room(ctx: AttachmentContext) -> float:
    """The height left on an attachment's first page under 附件N, the blank line, the title and
    the blank line under it (§7.3.7), and under its text if it has any: that text's lines
    estimated at 28 characters each, plus one line to spare."""
    used = (3 + len(ctx.title_lines)) * _LINE_PT
    paragraphs = [re.sub(r"<[^>]+>", "", p) for p in re.findall(r"<p\b[^>]*>(.*?)</p>", str(ctx.body), re.S)]
    if paragraphs:
        used += _LINE_PT * (1 + sum(-(-int(text_em(htmlmod.unescape(p)) + 2) // _HEADING_MAX_CHARS)
                                    for p in paragraphs))
    return max(_LINE_PT * 4, _TEXT_HEIGHT_PT - used - 2)  # 2 pt for rounding in WeasyPrint


def _alt_text(svg: str) -> str:
    """The chart's title followed by its <desc> (every step in reading order) as its <title>:
    WeasyPrint (70) makes an inline SVG's /Alt from its <title> alone and ignores <desc>
    and aria-labelledby, so a screen reader would hear only the chart's name."""
    title = re.search(r"(<title\b[^>]*>)(.*?)(</title>)", svg, re.S)
    desc = re.search(r"<desc\b[^>]*>(.*?)</desc>", svg, re.S)
    if not title or not desc or not desc[1].strip():
        return svg
    return svg.replace(title[0], f"{title[1]}{title[2]}：{desc[1]}{title[3]}", 1)


def schedule_table(schedule: Schedule) -> PrintTable:
    """The schedule grouped as on the web page (timetable.py): a row group per half-day."""
    groups: list[RowGroup] = []
    for day in schedule_days(schedule):
        for half in day.halves:
            rows = [Row(f"{print_time(s.start)}—{print_time(s.end)}",
                        [Cell(_cell_text(s.values.get(c.key, "")), c.type) for c in schedule.columns])
                    for s in half.sessions]
            groups.append(RowGroup([f"{day.date.month}月{day.date.day}日", half.label], rows))
    totals = None
    if schedule.count_columns:
        sums = schedule_totals(schedule)
        totals = [Cell(str(sums[c.key]) if c.type == "count" else "", c.type) for c in schedule.columns]
    columns = ["日期", "时间", *(c.label for c in schedule.columns)]
    _mark_short_columns(groups)
    return PrintTable(schedule.title, columns, groups, totals, _too_wide(columns, groups))


def directory_table(makeup: Makeup) -> PrintTable:
    d = makeup.directory
    rows = [Row(o.name, [Cell(o.phone.display, "phone"), Cell(o.address, "place")]) for o in d.offices]
    columns = ["名称", "电话", "地址"]
    groups = [RowGroup([], rows)]
    _mark_short_columns(groups)
    return PrintTable(d.title, columns, groups, None, _too_wide(columns, groups))


def _mark_short_columns(groups: list[RowGroup]) -> None:
    rows = [r for g in groups for r in g.rows]
    for i in range(len(rows[0].cells) if rows else 0):
        if max(text_em(r.cells[i].text) for r in rows) <= _NOWRAP_EM:
            for r in rows:
                r.cells[i].nowrap = True


def _cell_text(value: object) -> str:
    display = getattr(value, "display", None)  # a Phone
    return display if isinstance(display, str) else str(value)


def _too_wide(columns: list[str], groups: list[RowGroup]) -> bool:
    """Whether the table needs a landscape page to keep every column readable.

    Short cells (``nowrap``), numbers, phones and times must not wrap; longer
    text (places, addresses, remarks) may wrap down to ``_MIN_WRAP_EM``
    characters a line.
    """
    widths = [text_em(label) for label in columns]
    wraps = [False] * len(columns)
    first = 1 if any(g.label for g in groups) else 0  # a spanning group header comes first
    for g in groups:
        if g.label:
            widths[0] = max(widths[0], *(text_em(line) for line in g.label))
        for r in g.rows:
            cells = [(r.header, False), *((c.text, not c.nowrap and c.kind in ("text", "place")) for c in r.cells)]
            for i, (text, may_wrap) in enumerate(cells, start=first):
                widths[i] = max(widths[i], text_em(text))
                wraps[i] = wraps[i] or may_wrap
    need = sum(min(w, _MIN_WRAP_EM) if wrap else w for w, wrap in zip(widths, wraps))
    need += _CELL_PADDING_EM * len(columns)
    return need * _TABLE_FONT_PT > _TEXT_WIDTH_PT


# ---- fonts ------------------------------------------------------------------------------

_GENERIC = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "inherit", "initial"}


@dataclass(frozen=True)
class Font:
    """A font family as fontconfig resolves it: the files of its styles and what it covers."""

    family: str
    files: tuple[str, ...]  # every style's file (regular, bold), for the cache key
    ranges: tuple[tuple[int, int], ...]  # covered code points, sorted inclusive ranges

    def covers(self, cp: int) -> bool:
        i = bisect.bisect_right(self.ranges, (cp, 0x10FFFF + 1)) - 1
        return i >= 0 and self.ranges[i][0] <= cp <= self.ranges[i][1]


@dataclass(frozen=True)
class FontSet:
    """The print fonts named in the stylesheets, and who else could draw a character."""

    fonts: tuple[Font, ...]
    missing: tuple[str, ...] = ()  # families the stylesheets name that are not installed
    fallback: Callable[[int], list[str]] = lambda cp: []  # installed families covering cp
    # the office's faces found (site.yaml print: fonts): (role, its face, the role's faces after it)
    preferred: tuple[tuple[str, Font, tuple[Font, ...]], ...] = ()

    @property
    def families(self) -> list[str]:
        return [f.family for f in self.fonts]

    def covers(self, cp: int) -> bool:
        return any(f.covers(cp) for f in self.fonts)


def stylesheet_families(css: str) -> list[str]:
    """Named font families of every ``font-family`` and ``font`` declaration, in order."""
    names: list[str] = []
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    for m in re.finditer(r"(?:font-family|--font-[\w-]+)\s*:\s*([^;}]+)", css):
        for part in m[1].split(","):
            name = part.strip().strip("'\"").strip()
            if name and name.lower() not in _GENERIC and "var(" not in name and name not in names:
                names.append(name)
    return names


def installed_fonts(stylesheets: Iterable[str], font_css: str = "") -> FontSet:
    """Resolves the families the stylesheets name with fontconfig (``fc-match``, ``fc-list``), and
    those of ``font_css`` (the office's) from its @font-face files or fontconfig."""
    families: list[str] = []
    for css in [Path(p).read_text(encoding="utf-8") for p in stylesheets] + [font_css]:
        # the office's faces come first: they are tried first (font_stylesheet)
        found = [f for f in stylesheet_families(css) if f not in families]
        families = found + families if css is font_css else families + found
    files = dict(_FONT_FACE.findall(font_css))
    fonts, missing = [], []
    for family in families:
        font = _file_font(family, _file_path(files[family])) if family in files else _fontconfig_font(family)
        if font is None:
            missing.append(family)
        else:
            fonts.append(font)
    by_family = {f.family: f for f in fonts}
    preferred = []
    for prop, names in font_lists(font_css).items():
        label = next((label for _, p, label in FONT_ROLES if p == prop), prop)
        if names and names[0] in by_family:
            preferred.append((label, by_family[names[0]], tuple(by_family[n] for n in names[1:] if n in by_family)))
    return FontSet(tuple(fonts), tuple(missing), _fontconfig_fallback, tuple(preferred))


# Roles of the printed notice: (site.yaml key, custom property of print.css, what the build calls it).
FONT_ROLES = tuple((key, "--font-" + key.replace("_", "-"), label) for key, label, *_ in SITE_FONT_ROLES)
FONT_FOLDER = "fonts"  # the project's folder of the office's own licensed font files
_FONT_FILES = (".ttf", ".otf", ".ttc", ".otc")
_FONT_FACE = re.compile(r'@font-face \{ font-family: "([^"]+)"; src: url\("([^"]+)"\)')


def _file_path(url: str) -> str:
    return urllib.parse.unquote(url.removeprefix("file://"))


def project_font_files(root: str) -> dict[str, str]:
    """Family name → file, for each font file of the project's ``fonts/`` folder (each of its
    family names: a Chinese face is often named in English and in Chinese). Files are read with
    ``fc-scan``; a link that leads out of the project is left out (paths.py's rule)."""
    folder = Path(root) / FONT_FOLDER
    found: dict[str, str] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in _FONT_FILES or not path.resolve().is_relative_to(Path(root).resolve()):
            continue
        try:
            out = subprocess.run(["fc-scan", "--format", "%{family}\n", str(path)], capture_output=True,
                                 text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            continue
        for line in out.splitlines():
            for name in line.split(","):
                found.setdefault(name.strip(), str(path.resolve()))
    return found


def font_stylesheet(chosen: Iterable[tuple[str, str]], root: str, stylesheet: str) -> str:
    """CSS that puts the office's faces (site.yaml ``print: fonts``) in front of each role's free
    faces: an ``@font-face`` for a face found in the project's ``fonts/`` folder (WeasyPrint's
    documented way to use a font file; the printer may read it: it is a project file), and the
    role's custom property with that face first. A face set for 标志 or 标题 is set regular: an
    office's 小标宋 is a heavy face already (print.css sets Noto's Bold)."""
    chosen = list(chosen)
    if not chosen:
        return ""
    files = project_font_files(root)
    defaults = _role_defaults(stylesheet)
    rules = [f'@font-face {{ font-family: "{family}"; src: url("{Path(files[family]).as_uri()}"); }}'
             for family in dict.fromkeys(f for _, f in chosen) if family in files]
    props = [f'{prop}: "{family}", {defaults.get(prop, "serif")};'
             for role, family in chosen for key, prop, _ in FONT_ROLES if key == role]
    props += [f"--weight-{role}: normal;" for role, _ in chosen if role in ("mark", "title")]
    return "\n".join(rules + [":root { " + " ".join(props) + " }"]) + "\n"


# Roles set at the body's size, 3号 (§7.3.3: 一级标题 in 黑体, 二级标题 in 楷体)
SIZED_ROLES = ("heading1", "heading2")
_SCALE_LIMITS = (0.8, 1.25)  # past these a face is not a text face: keep the nominal size


def role_sizes(stylesheet: str, font_css: str, root: str) -> str:
    """CSS that sets each role of SIZED_ROLES at the size at which its face's ideographs are as
    tall in the ink as the body face's at 16 pt (``--size-heading2``, print.css), with the
    letter-spacing that keeps a character on the grid's 15.79 pt pitch. A Kai face draws its
    ideographs about a tenth smaller in their em than FandolFang (AR PL UKai: 0.83 em against
    0.94), so a 楷体 heading at 16 pt looked smaller and lighter than the text; set at 18 pt it
    looks the same size. The first face of each role's list that is there is measured (an
    office's face of ``fonts/`` or fontconfig's); "" when every role matches within 1%."""
    lists = font_lists(Path(stylesheet).read_text(encoding="utf-8")) | font_lists(font_css)
    files = project_font_files(root) if font_css else {}  # an office's faces only with print: fonts

    def height(prop: str) -> float | None:
        for name in lists.get(prop, []):
            where = (files[name], 0) if name in files else locate(name)
            if where:
                return ideograph_height(*where)
        return None

    body = height("--font-body")
    props = []
    for role in SIZED_ROLES:
        own = height(f"--font-{role}")
        if not body or not own or not _SCALE_LIMITS[0] <= body / own <= _SCALE_LIMITS[1]:
            continue
        if abs(body / own - 1) >= 0.01:
            size = round(FONT_PT * body / own, 2)
            props.append(f"--size-{role}: {size}pt; --spacing-{role}: {round(FONT_PT + GRID_SPACING_PT - size, 2)}pt;")
    return ":root { " + " ".join(props) + " }\n" if props else ""


def _role_defaults(stylesheet: str) -> dict[str, str]:
    """Each role's free faces as the project's print.css lists them."""
    text = re.sub(r"/\*.*?\*/", "", Path(stylesheet).read_text(encoding="utf-8"), flags=re.S)
    return {m[1]: m[2].strip() for m in re.finditer(r"(--font-[\w-]+)\s*:\s*([^;}]+);", text)}


def role_faces(stylesheets: Iterable[str], font_css: str, fonts: FontSet) -> str:
    """Which face each role got: the first of its list that is there (``正文 FandolFang, …``)."""
    props: dict[str, list[str]] = {}
    for css in [Path(p).read_text(encoding="utf-8") for p in stylesheets] + [font_css]:
        props |= font_lists(css)
    have = set(fonts.families)
    said = []
    for _, prop, label in FONT_ROLES:
        names = props.get(prop, [])
        said.append(f"{label} {next((n for n in names if n in have), 'none installed')}")
    return ", ".join(said)


@lru_cache(maxsize=None)
def _file_font(family: str, path: str) -> Font | None:
    """A face of the project's fonts/ folder, with what it covers (``fc-query`` of the file)."""
    try:
        charset = subprocess.run(["fc-query", "--index", "0", "--format", "%{charset}", path],
                                 capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return Font(family, (path,), _charset_ranges(charset))


def _charset_ranges(charset: str) -> tuple[tuple[int, int], ...]:
    ranges = []
    for part in charset.split():
        lo, _, hi = part.partition("-")
        ranges.append((int(lo, 16), int(hi or lo, 16)))
    return tuple(sorted(ranges))


@lru_cache(maxsize=None)
def _fontconfig_font(family: str) -> Font | None:
    try:
        out = subprocess.run(["fc-match", "--format", "%{family}\n%{charset}", family],
                             capture_output=True, text=True, check=True).stdout
        files = subprocess.run(["fc-list", family, "file"], capture_output=True, text=True,
                               check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    matched, _, charset = out.partition("\n")
    if family.lower() not in (f.strip().lower() for f in matched.split(",")):
        return None  # fontconfig substituted another family: this one is not installed
    paths = sorted({line.split(":", 1)[0].strip() for line in files.splitlines() if line.strip()})
    return Font(family, tuple(paths), _charset_ranges(charset))


@lru_cache(maxsize=4096)
def _fontconfig_fallback(cp: int) -> list[str]:
    try:
        out = subprocess.run(["fc-list", f":charset={cp:x}", "family"], capture_output=True,
                             text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    return sorted({line.split(",")[0].strip() for line in out.splitlines() if line.strip()})


class _TextCollector(HTMLParser):
    """The characters a reader sees: text of the body, not of head, style or script."""

    _SKIP = {"head", "style", "script", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chars: set[str] = set()
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self._SKIP:
            self._skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.chars.update(data)


class _KeptMemo:
    """Answers kept in the PDF cache folder between commands, each under a key over everything
    it was worked out from (so a kept answer is the answer). What a run used is what it keeps:
    answers for documents no longer made are dropped."""

    FILE = ""

    def __init__(self, folder: Path | None):
        self.path = folder / self.FILE if folder is not None else None
        self.known: dict = {}
        self.used: dict = {}
        if self.path is not None:
            with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError,
                                     AttributeError):
                self.known = pickle.loads(self.path.read_bytes())

    def save(self) -> None:
        if self.path is not None and self.used != self.known:
            with contextlib.suppress(OSError):  # a read-only project: not kept, only worked out again next time
                self.path.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(self.path, pickle.dumps(self.used, protocol=pickle.HIGHEST_PROTOCOL))


class CharacterMemo(_KeptMemo):
    """What each print document's text holds, by a hash of its HTML and stylesheets: reading the
    characters (Python's HTML parser) was most of the font check's time, and most documents do
    not change between two builds or checks."""

    FILE = "characters.pickle"

    def __init__(self, folder: Path | None = None):
        super().__init__(folder)
        self._stylesheets: dict[str, bytes] = {}  # read once a run, not once a document

    def characters(self, doc: PrintDocument) -> set[str]:
        h = hashlib.sha256(doc.html.encode())
        for path in doc.stylesheets:
            if path not in self._stylesheets:
                self._stylesheets[path] = Path(path).read_bytes()
            h.update(b"\0" + self._stylesheets[path])
        key = h.hexdigest()
        found = self.used.get(key) or self.known.get(key)
        if found is None:
            found = frozenset(document_characters(doc))
        self.used[key] = found
        return set(found)


def document_characters(doc: PrintDocument) -> set[str]:
    """Every printable character of the document, with those the stylesheets generate."""
    parser = _TextCollector()
    parser.feed(doc.html)
    chars = parser.chars
    for path in doc.stylesheets:
        css = re.sub(r"/\*.*?\*/", "", Path(path).read_text(encoding="utf-8"), flags=re.S)
        for m in re.finditer(r"content\s*:([^;}]*)", css):
            for s in re.findall(r'"([^"]*)"', m[1]):
                chars.update(s)
            if "counter(" in m[1]:
                chars.update("0123456789")
    return {ch for ch in chars if not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf")}


def check_fonts(docs: Iterable[PrintDocument], fonts: FontSet | None = None,
                memo: CharacterMemo | None = None) -> list[Problem]:
    """A problem for each document with characters no print font can draw.

    An error when no installed font has the character at all (the PDF would
    show empty boxes); a warning when only a font outside the stylesheets'
    families has it (it prints, but in another typeface). ``fonts`` replaces
    the installed fonts, for tests.
    """
    problems: list[Problem] = []
    cache: dict[tuple[str, ...], FontSet] = {}
    memo = memo or CharacterMemo()
    for doc in docs:
        key = (*doc.stylesheets, doc.font_css)
        if fonts is None and key not in cache:
            cache[key] = installed_fonts(doc.stylesheets, doc.font_css)
            problems += _missing_fonts(", ".join(doc.stylesheets), cache[key])
        fs = fonts or cache[key]
        chars = memo.characters(doc)
        problems += _office_fallback(doc, fs, chars)
        uncovered = sorted(ch for ch in chars if not fs.covers(ord(ch)))
        if not uncovered:
            continue
        families = ", ".join(fs.families) or "none installed"
        boxes = [ch for ch in uncovered if not fs.fallback(ord(ch))]
        if boxes:
            problems.append(Problem.at(doc.source, f"{doc.name}: no installed font has "
                                       f"{_char_list(boxes)}; the PDF would show empty boxes "
                                       f"(print fonts: {families})"))
        others = [ch for ch in uncovered if ch not in boxes]
        if others:
            used = sorted({f for ch in others for f in fs.fallback(ord(ch))[:1]})
            problems.append(Problem.at(doc.source, f"{doc.name}: the print fonts ({families}) lack "
                                       f"{_char_list(others)}; they would print in {', '.join(used)}",
                                       "warning", "font-fallback"))
    return problems


def _office_fallback(doc: PrintDocument, fonts: FontSet, chars: set[str]) -> list[Problem]:
    """A warning for each of the office's faces that lacks characters of the document: each
    prints in the next face of the role that has it (CSS font fallback, character by character).
    The free faces are not reported: print.css lists Noto Serif CJK SC after FandolFang for the
    characters FandolFang lacks, by design."""
    found = []
    for label, face, after in fonts.preferred:
        lacking = sorted(ch for ch in chars if not face.covers(ord(ch)) and fonts.covers(ord(ch)))
        if lacking:
            used = sorted({next((f.family for f in after if f.covers(ord(ch))), "another face") for ch in lacking})
            found.append(Problem.at(doc.source, f"{doc.name}: the {label} face '{face.family}' lacks "
                                    f"{_char_list(lacking)}; they print in {', '.join(used)}",
                                    "warning", "font-fallback"))
    return found


def _missing_fonts(where: str, fonts: FontSet) -> list[Problem]:
    return [Problem(where, 0, 0, f"the print font '{family}' is not installed (fc-match finds another family)",
                    "warning", "font-missing") for family in fonts.missing]


def _char_list(chars: list[str]) -> str:
    shown = ", ".join(f"'{ch}' U+{ord(ch):04X}" for ch in chars[:10])
    more = f" and {len(chars) - 10} more" if len(chars) > 10 else ""
    return f"{len(chars)} character{'s' * (len(chars) != 1)}: {shown}{more}"


# ---- rendering --------------------------------------------------------------------------

# Asks for a tagged PDF (structure tree, /Lang, table headers) with PDF/UA-1
# identification; WeasyPrint 70 supports both (``pdf_variant``, ``pdf_tags``).
RENDER_OPTIONS = {"pdf_variant": "pdf/ua-1"}
_CACHE_FORMAT = "3"  # bump when the way a PDF is made changes outside its inputs
_IMG_SRC = re.compile(r'<img\b[^>]*\bsrc="([^"]+)"')


def input_hash(doc: PrintDocument, fonts: FontSet) -> str:
    """What a PDF depends on: its HTML, stylesheets, images, the font files, and the code that
    prints it (this package and the installed libraries, WeasyPrint among them: code_version)."""
    h = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        h.update(f"{label}:{len(data)}:".encode())
        h.update(data)

    add("format", _CACHE_FORMAT.encode())
    add("code", code_version().encode())
    add("options", repr(sorted(RENDER_OPTIONS.items())).encode())
    add("html", doc.html.encode())
    add("font_css", doc.font_css.encode())
    for path in doc.stylesheets:
        add("css", Path(path).read_bytes())
    for src in _IMG_SRC.findall(doc.html):
        rel = urls.src_path(src)
        image = Path(doc.base_url) / rel if rel else None
        add("img", image.read_bytes() if image and image.is_file() else b"")
    for font in fonts.fonts:
        for path in font.files:
            st = os.stat(path)  # fonts are large: their identity, not their bytes
            add("font", f"{path}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


@dataclass(frozen=True)
class _Job:
    name: str
    html: str
    stylesheets: tuple[str, ...]
    base_url: str
    target: str  # temporary file in the cache
    readable: tuple[str, ...] = ()  # the only folders WeasyPrint may read from (see urls.print_fetcher)
    font_css: str = ""


# WeasyPrint logs this (to its "weasyprint" logger) for every font of every PDF it subsets without
# libharfbuzz-subset: eleven times for the example's five PDFs. It is said once instead.
FONTTOOLS_SUBSET = "Using fontTools instead of HarfBuzz-Subset"
INSTALL_HARFBUZZ_SUBSET = "sudo apt-get install libharfbuzz-subset0"


def font_subsetter(logged: list[str], printed: bool) -> tuple[str, list[Problem]]:
    """Which library cut the fonts of the PDFs printed (from what WeasyPrint logged while
    printing them), and for fontTools the one warning that says how to print faster."""
    if not printed:
        return "", []
    if not any(m.startswith(FONTTOOLS_SUBSET) for m in logged):
        return "HarfBuzz", []
    return "fontTools", [Problem("PDF fonts", 0, 0, (
        "subset with fontTools, several times slower than HarfBuzz: install HarfBuzz's subset "
        f"library (on Debian: {INSTALL_HARFBUZZ_SUBSET}; scripts/bootstrap does)"),
        "warning", "font-subsetter")]


def _render(job: _Job, fonts: Any = None) -> tuple[str, str | None, list[str]]:
    """Prints one document; returns (name, error or None, WeasyPrint's warnings). ``fonts``: the
    printer's ``FontConfiguration`` for this document's fonts, shared with the documents it
    printed before (a new one if not given)."""
    import logging  # noqa: PLC0415

    import weasyprint  # noqa: PLC0415

    logged: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            logged.append(record.getMessage())

    handler = Collect(logging.WARNING)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        fetcher = urls.print_fetcher(job.readable or (job.base_url, *map(os.path.dirname, job.stylesheets)))
        # @font-face rules (the office's fonts/ files) are loaded only through a FontConfiguration
        # handed to the stylesheets and to write_pdf (WeasyPrint's "Fonts" tutorial).
        if fonts is None:
            from weasyprint.text.fonts import FontConfiguration  # noqa: PLC0415

            fonts = FontConfiguration()
        css = [weasyprint.CSS(filename=path, url_fetcher=fetcher, font_config=fonts) for path in job.stylesheets]
        if job.font_css:  # last: its custom properties override print.css's
            css.append(weasyprint.CSS(string=job.font_css, url_fetcher=fetcher, font_config=fonts))
        weasyprint.HTML(string=job.html, base_url=job.base_url + os.sep, url_fetcher=fetcher).write_pdf(
            job.target, stylesheets=css, font_config=fonts, finisher=_finisher(job.html), **RENDER_OPTIONS)
        return job.name, None, logged
    except Exception as exc:  # noqa: BLE001 (reported as a located problem)
        return job.name, f"{type(exc).__name__}: {exc}", logged
    finally:
        logger.removeHandler(handler)


_SECTION_ID = re.compile(r'<section\b[^>]*\bid="([^"]+)"')
_TABLE_ID = re.compile(r'<table\b[^>]*\bid="([^"]+)"')


def _finisher(html: str) -> Callable:
    """WeasyPrint's one ``finisher``, run on the PDF before it is written: the tags joined over
    pages (pdftags), then the fonts cut to their glyphs under tags of their own (fontsubset)."""
    join_tags = _tag_joiner(html)

    def finish(document: Any, pdf: Any) -> None:
        join_tags(document, pdf)
        compact_fonts(document, pdf)

    return finish


def _tag_joiner(html: str) -> Callable:
    """The finisher that joins a section or table WeasyPrint tagged once per page (pdftags)."""
    from . import pdftags  # noqa: PLC0415 (imports pydyf, as WeasyPrint does: in the printer)

    return pdftags.joiner({"Sect": _SECTION_ID.findall(html), "Table": _TABLE_ID.findall(html)})


def render_pdfs(docs: list[PrintDocument], cache_dir: Path,
                workers: int | None = None, progress: Progress | None = None) -> RenderReport:
    """Prints the documents that changed into the cache and reuses the others; ``report.files``
    lists every document's PDF there, for the build to link into the output folder. ``progress``
    is told how many of the documents to print are done, after each (at about a second each, an
    archive's first build prints for minutes).

    The cache keeps one PDF per document name beside the hash of its inputs.
    Documents render in a process pool (WeasyPrint is CPU bound and holds
    the GIL). A failure raises ``BuildError`` with a problem for each.
    """
    start = time.perf_counter()
    report = RenderReport()
    cache_dir.mkdir(parents=True, exist_ok=True)
    _remove_orphans(cache_dir / "pdf")
    font_sets: dict[tuple[str, ...], FontSet] = {}
    jobs: list[_Job] = []
    keys: dict[str, str] = {}
    for doc in docs:
        fonts = font_sets.setdefault((*doc.stylesheets, doc.font_css),
                                     installed_fonts(doc.stylesheets, doc.font_css))
        key = keys[doc.name] = input_hash(doc, fonts)
        cached = _cached(cache_dir, doc.name)
        key_file = cached.with_suffix(".key")
        if cached.is_file() and key_file.is_file() and key_file.read_text() == key:
            report.reused.append(doc.name)
            continue
        cached.parent.mkdir(parents=True, exist_ok=True)
        jobs.append(_Job(doc.name, doc.html, doc.stylesheets, doc.base_url,
                         str(cached.with_name(f"{cached.name}.{os.getpid()}.tmp")), doc.readable, doc.font_css))

    # Largest first: the whole notice takes as long as its attachments together.
    jobs.sort(key=lambda j: len(j.html), reverse=True)
    requested = worker_count(workers)
    report.workers = max(1, min(requested, len(jobs)))
    results, report.peak_rss = _run(jobs, requested, progress) if jobs else ([], 0)

    by_name = {d.name: d for d in docs}
    failures = []
    for name, error, logged in results:
        report.warnings += [Problem.at(by_name[name].source, f"{name}: WeasyPrint: {m}", "warning", "weasyprint")
                            for m in dict.fromkeys(logged) if not m.startswith(FONTTOOLS_SUBSET)]
        if error:
            failures.append(Problem.at(by_name[name].source, f"{name}: printing failed: {error}"))
    report.subsetter, slow = font_subsetter([m for _, _, logged in results for m in logged], printed=bool(results))
    report.warnings += slow
    failed = {name for name, error, _ in results if error}
    for job in jobs:
        tmp = Path(job.target)
        if job.name in failed:
            tmp.unlink(missing_ok=True)
            continue
        cached = _cached(cache_dir, job.name)
        key_file = cached.with_suffix(".key")
        # the old key goes first: a build killed before the new key is written leaves a PDF with
        # no key (printed again), never the new PDF under the old key (reused for the old inputs)
        key_file.unlink(missing_ok=True)
        os.replace(tmp, cached)
        key_file.write_text(keys[job.name])
        report.rendered.append(job.name)
    if failures:
        raise BuildError(failures)

    report.files = [(doc.name, keys[doc.name], _cached(cache_dir, doc.name)) for doc in docs]
    report.rendered.sort()
    report.reused.sort()
    report.seconds = time.perf_counter() - start
    return report


def write_site_pdfs(site: Site, env: jinja2.Environment, cache_dir: Path, workers: int | None = None,
                    progress: Progress | None = None) -> RenderReport:
    """The build's PDF stage: check the fonts, print every notice into the cache (``cache_dir``),
    and return what the later stages need as values: ``files`` (to link into the output folder),
    ``links`` (page path -> href from that page and size in bytes, for the pages to offer the
    print version) and ``texts`` (what each PDF says, for the site search). Raises
    ``BuildError`` before printing anything when a character has no font.
    """
    docs = site_print_documents(site, env)
    memo = CharacterMemo(cache_dir / "pdf")
    problems = check_fonts(docs, memo=memo)
    memo.save()
    if any(p.severity == "error" for p in problems):
        raise BuildError(p for p in problems if p.severity == "error")
    report = render_pdfs(docs, cache_dir, workers, progress)
    report.warnings = [p for p in problems if p.severity == "warning"] + report.warnings
    report.texts = [(doc.name, doc.title, _plain_text(doc.html)) for doc in docs]
    report.links = pdf_links(site, cache_dir)
    if docs:
        report.faces = role_faces(docs[0].stylesheets, docs[0].font_css,
                                  installed_fonts(docs[0].stylesheets, docs[0].font_css))
    return report


def check_print(site: Site, env: jinja2.Environment, cache_dir: Path | None = None,
                key_of: Callable[[Notice], str] | None = None) -> list[Problem]:
    """What the PDF stage checks before printing, printing nothing: every print document is made
    (its templates rendered) and its characters checked against the print fonts.

    With ``key_of`` (a key over all a notice's print documents are made from besides the
    layouts and the fonts: the code, the site settings, the notice's inputs), a notice checked
    before under the same key, the same layouts/ and the same installed fonts is not made again:
    its problems are the ones found then (kept in the PDF cache)."""
    stylesheet = _loader_path(env, STYLESHEET)
    fonts = installed_fonts((stylesheet,), font_stylesheet(site.config.print_fonts, site.root, stylesheet))
    problems = _missing_fonts(stylesheet, fonts)
    register_filters(env)
    chars = CharacterMemo(cache_dir / "pdf" if cache_dir is not None else None)
    checked = _CheckedNotices(cache_dir / "pdf" if cache_dir is not None and key_of else None,
                              _layouts_and_fonts(Path(stylesheet).parent, fonts))
    for notice in site.notices:
        key = checked.key(key_of(notice)) if key_of else None
        found = checked.known.get(key) if key else None
        if found is None:
            found = check_fonts(print_documents(site, notice, env), fonts, chars)
        if key:
            checked.used[key] = found
        problems += found
    chars.save()
    checked.save()
    return problems


class _CheckedNotices(_KeptMemo):
    """The font check's problems per notice, by a key over its inputs, the layouts and the fonts."""

    FILE = "checked.pickle"

    def __init__(self, folder: Path | None, base: str):
        super().__init__(folder)
        self.base = base

    def key(self, inputs: str) -> str:
        return hashlib.sha256(f"{self.base}\0{inputs}".encode()).hexdigest()


def _layouts_and_fonts(layouts: Path, fonts: FontSet) -> str:
    """A hash of every file of layouts/ (print templates, partials, stylesheets), of the print
    fonts' files, and of the list of every installed font file (a font installed or removed
    changes which face draws a character the print fonts lack). The code is in ``key_of``'s key."""
    h = hashlib.sha256()
    for path in sorted(p for p in layouts.rglob("*") if p.is_file()):
        h.update(f"\0{path.relative_to(layouts).as_posix()}\0".encode() + path.read_bytes())
    for font in fonts.fonts:
        for file in font.files:
            st = os.stat(file)
            h.update(f"\0{file}:{st.st_size}:{st.st_mtime_ns}".encode())
    try:
        listed = subprocess.run(["fc-list", "--format", "%{file}\n"], capture_output=True, text=True,
                                check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        listed = ""
    h.update("\n".join(sorted(listed.splitlines())).encode())
    return h.hexdigest()


def site_print_documents(site: Site, env: jinja2.Environment) -> list[PrintDocument]:
    register_filters(env)
    return [doc for notice in site.notices for doc in print_documents(site, notice, env)]


def pdf_links(site: Site, cache_dir: Path) -> dict[str, tuple[str, int | None]]:
    """Page path -> (href of its PDF from the page, the PDF's size in bytes; 0 if not printed yet)."""
    links: dict[str, tuple[str, int | None]] = {}
    for notice in site.notices:
        pages = {"notice": f"{notice.slug}/index.html",
                 **{a.slug: f"{notice.slug}/{a.slug}.html" for a in notice.attachments}}
        for stem, page in pages.items():
            cached = _cached(cache_dir, f"{notice.slug}/{stem}.pdf")  # beside the page: the href is the name
            links[page] = (f"{stem}.pdf", cached.stat().st_size if cached.is_file() else 0)
    return links


def _plain_text(html: str) -> str:
    body = re.sub(r"(?is)<(style|script|title)[^>]*>.*?</\1>", " ", html)
    # a justified line's end is no space (justify.py): its spans and break go without one
    body = re.sub(r'<span class="jl"[^>]*>|</span><br class="jl">|</span>', "", body)
    return " ".join(htmlmod.unescape(re.sub(r"<[^>]+>", " ", body)).split())


_TEMPORARY = re.compile(r"\.(\d+)(?:-\d+)?\.tmp$")  # <name>.<pid>.tmp (a PDF), <name>.<pid>-<thread>.tmp


def _remove_orphans(folder: Path) -> None:
    """Temporary files of printers whose process is gone (a killed build): never taken for a
    PDF, since a PDF is renamed into place whole, but they would pile up. (Linux: /proc tells.)"""
    if not os.path.isdir("/proc/self"):
        return
    for tmp in folder.rglob("*.tmp"):
        match = _TEMPORARY.search(tmp.name)
        if match and not os.path.exists(f"/proc/{match[1]}"):
            tmp.unlink(missing_ok=True)


def _cached(cache_dir: Path, name: str) -> Path:
    return cache_dir / "pdf" / name


def _run(jobs: list[_Job], workers: int,
         progress: Progress | None = None) -> tuple[list[tuple[str, str | None, list[str]]], int]:
    """Print the jobs; returns their results and the peak memory (bytes) of a printing process.

    The documents are printed by ``workers`` printers (one at least): long-lived processes forked
    from a server that has imported only WeasyPrint, so that a printer holds no copy of the
    build's data (a thousand notices' model beside a notice's fonts would pass 350 MB), each
    printing document after document with the fonts it has loaded already
    (``_print_in_printer``). WeasyPrint's layout of a document leaves reference cycles that hold
    its fonts (a copy of each CJK font file per size used, ~160 MB a notice): each printer
    collects them after each document, so its memory is that of its largest document, not the
    sum (measured against one process per document by ``bench/pdf_build.py``). The fork server
    also keeps the forking away from the preview's threads.
    """
    def tell(done: int) -> None:
        if progress is not None:
            progress(PDF_STAGE, done, len(jobs))

    tell(0)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["noticesite.print_server", __name__])
    # An executor, not a Pool: a Pool replaces a retired worker only when its maintenance
    # thread next wakes (every 0.1 s), which a process per document would pay each time.
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # A printer waits on the executor's queue, which a killed build never closes: it ends when the
    # build does (and the fork server, once no printer holds its alive pipe: children.die_with_build).
    from .children import die_with_build

    with ProcessPoolExecutor(max(1, min(workers, len(jobs))), mp_context=context,
                             initializer=die_with_build) as pool:
        futures = [pool.submit(_print_in_printer, job) for job in jobs]
        for done, _ in enumerate(as_completed(futures), 1):
            tell(done)
        printed = [future.result() for future in futures]
    return [r[:3] for r in printed], max((r[3] for r in printed), default=0)


# A printer's FontConfiguration for each set of the office's @font-face rules it has printed with
# (WeasyPrint's "Fonts" tutorial shares one across documents: the faces are loaded once). A printer
# lives for one PDF stage, so a font file replaced between two builds is read again.
_PRINTER_FONTS: dict[str, Any] = {}


def _print_in_printer(job: _Job) -> tuple[str, str | None, list[str], int]:
    from weasyprint.text.fonts import FontConfiguration  # noqa: PLC0415

    if job.font_css not in _PRINTER_FONTS:  # made once: a FontConfiguration sets up fontconfig
        _PRINTER_FONTS[job.font_css] = FontConfiguration()
    fonts = _PRINTER_FONTS[job.font_css]
    result = _render(job, fonts)
    gc.collect()  # see _run
    return (*result, _peak_rss())


def _peak_rss() -> int:
    import resource  # noqa: PLC0415 (POSIX only, as the fork server is)

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
