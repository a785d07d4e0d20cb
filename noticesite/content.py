"""Markdown with YAML front matter into notices and their text attachments.

Raw HTML in Markdown is shown as text, not passed through: a notice is typed
by office staff and must not be able to inject markup. Links keep only safe
schemes, images may not come from another host, and ``附件N`` in a body
becomes a link to attachment N.
"""
from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as etree
from html import unescape
from pathlib import Path
from typing import Callable, TypedDict
from urllib.parse import urlsplit

import markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from . import fields as f
from . import limits, textcheck, urls, yamlio
from .errors import Problems
from .fields import Field
from .keydates import parse_key_dates
from .model import (Amendment, Attachment, AttachmentType, CheckedProcedure, Imprint, Location, Makeup, Notice,
                    Revision, RevisionKind, Schedule)
from .yamlio import Node

# (reference node, attachment type) -> record
LoadData = Callable[[Node, str], Schedule | Makeup | CheckedProcedure | None]
ReadPage = Callable[[Node], tuple[str, str] | None]  # (reference node) -> (text, display path)

NOTICE_FIELDS = [
    Field("number", "the document number, e.g. 校教通〔2012〕104号"),
    Field("title", "the notice's title"),
    Field("issuer", "the issuing office, signed at the end"),
    Field("addressees", "to whom the notice is addressed, e.g. 校属各教学院"),
    Field("date", "the date of issue as YYYY-MM-DD; may be left empty", required=False),
    Field("slug", "the notice's URL segment; defaults to its folder's name", required=False),
    Field("attachments", "the attachments, in order: title, type, data or page", required=False),
    Field("key_dates", "dates to show on a timeline and in calendars", required=False),
    Field("summary", "one sentence for link previews; defaults to the body's first sentence", required=False),
    Field("revisions", "changes made after publication, each with date, kind (更正 or 补充), summary "
                       "and optionally number", required=False),
    Field("replaces", "the notice of the site this one corrects (更正): its URL segment or document number",
          required=False),
    Field("supplements", "the notice of the site this one supplements (补充): its URL segment or document "
                         "number", required=False),
    Field("imprint", "版记: issuer (印发机关), date (印发日期) and optionally cc (抄送机关)", required=False),
]
REVISION_KINDS: tuple[RevisionKind, ...] = ("更正", "补充")
REVISION_FIELDS = [
    Field("date", "the date of the change as YYYY-MM-DD"),
    Field("kind", "更正 (a correction) or 补充 (an addition)"),
    Field("summary", "what changed, in a sentence"),
    Field("number", "the document number of the 更正通知 or 补充通知 it refers to", required=False),
]
IMPRINT_FIELDS = [
    Field("issuer", "印发机关, the office that printed and sent the notice"),
    Field("date", "印发日期 as YYYY-MM-DD"),
    Field("cc", "抄送机关: a list of the offices sent a copy", required=False),
]
ATTACHMENT_TYPES: tuple[AttachmentType, ...] = ("text", "schedule", "directory", "procedure")
ATTACHMENT_FIELDS = [
    Field("title", "the attachment's title"),
    Field("type", "one of " + ", ".join(ATTACHMENT_TYPES)),
    Field("data", "for schedule, directory and procedure: a file under data/", required=False),
    Field("page", "for text: a Markdown file beside notice.md", required=False),
]
_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)
_YEAR_IN_NUMBER = re.compile(r"[〔\[(（](\d{4})[〕\])）]")
_ATTACHMENT_REF = re.compile(r"附件\s*(\d+)")


def split_front_matter(text: str, path: str, problems: Problems) -> tuple[Node | None, str, int]:
    """Returns the front matter tree, the body, and the body's first line number."""
    match = _FRONT.match(text)
    if not match:
        problems.error(Location(path, 1, 1), _no_front_matter(text))
        return None, text, 1
    node, yaml_problems = yamlio.parse(match[1] or "", path, first_line=2)  # after the opening '---'
    problems.extend(yaml_problems)
    return node, text[match.end():], text[:match.end()].count("\n") + 1


_OPENING = re.compile(r"---[ \t]*(?:\n|\Z)")
# A line meant to close the front matter but mistyped: other dashes, spaced, too few or many.
_BROKEN_CLOSING = re.compile(r"[ \t]*[-—－–‐][-—－–‐ \t]*")


def _no_front_matter(text: str) -> str:
    """Why the top of a notice is not front matter: none at all, or a '---' that opens it and
    no line that closes it (then the message names the closing '---', at the opening line,
    and the line that looks like a broken one, if any)."""
    if not _OPENING.match(text):
        return "expected front matter between '---' lines at the top"
    message = ("the front matter opened by '---' on line 1 is not closed: end it with a line of three "
               "hyphens '---' (nothing else on that line)")
    for number, line in enumerate(text.split("\n")[1:], start=2):
        if _BROKEN_CLOSING.fullmatch(line) and line.strip():
            return f"{message} (line {number}, '{line.strip()}', looks like a broken one)"
    return message


class _Media(TypedDict):
    """Where a notice's Markdown finds its images (render_markdown's keyword arguments)."""

    folder: Path
    root: Path
    images: set[str]
    files: set[Path] | None


def load_notice(path: Path, shown: str, load_data: LoadData, read_page: ReadPage,
                problems: Problems, root: Path | None = None, files: set[Path] | None = None) -> Notice | None:
    """The notice of ``path``; ``root`` is the project's folder (an image must be inside it, see
    urls.py), ``files`` is given every image file looked for."""
    text, unreadable = yamlio.read_text(path, shown)
    if text is None:
        problems.extend(unreadable)
        return None
    images: set[str] = set()
    media: _Media = {"folder": path.parent, "root": root or path.parent, "images": images, "files": files}
    front, body, body_line = split_front_matter(text, shown, problems)
    rec = f.record(front, NOTICE_FIELDS, "notice", problems)
    if rec is None:
        return None
    values = {k: f.text(rec.get(k), f"notice: {k}", problems)
              for k in ("number", "title", "issuer", "addressees")}
    date = f.date(rec.get("date"), "notice: date", problems) if "date" in rec else None
    slug = f.slug(rec.get("slug"), "notice: slug", problems) if "slug" in rec else _folder_slug(path, shown, problems)
    year = date.year if date else _year_from_number(values["number"] or "")
    if year is None and values["number"]:
        problems.error(rec["number"].loc, (
            f"notice: the date is empty and the number '{values['number']}' carries no year "
            "like 〔2012〕: give a date"))
    attachments = _load_attachments(rec.get("attachments"), load_data, read_page, problems, media)
    key_dates = _load_key_dates(rec.get("key_dates"), problems)
    summary = f.text(rec.get("summary"), "notice: summary", problems, required=False) if "summary" in rec else ""
    revisions = _load_revisions(rec.get("revisions"), date, problems)
    relations: tuple[tuple[str, RevisionKind], ...] = (("replaces", "更正"), ("supplements", "补充"))
    amends = [Amendment(kind, target, rec[key].loc) for key, kind in relations
              if key in rec and (target := f.text(rec[key], f"notice: {key}", problems)) is not None]
    imprint = _load_imprint(rec.get("imprint"), problems)
    if date is None and not revisions and imprint is None and "date" not in rec and "revisions" not in rec \
            and "imprint" not in rec:
        # Atom requires an entry's date and nothing here gives one: left out, said once (docs/data-format.md).
        # At an empty `date:` when there is one: the place where staff acknowledge it (the source has none).
        given = front.value.get("date") if front is not None and isinstance(front.value, dict) else None
        where = (given.key_loc if given is not None else None) or (front.loc if front else Location(shown))
        problems.warn(where, (
            "notice: no date is declared (date, revisions or imprint): the feed leaves this notice out and "
            "the sitemap gives it no lastmod, rather than make a date up"), code="no-date")
    # Every declared attachment counts, loaded or not: one broken data file is one problem.
    declared_node = rec.get("attachments")
    declared = declared_node.value if declared_node is not None and isinstance(declared_node.value, list) else []
    numbers = set(range(1, len(declared) + 1))
    body_html, body_text = render_markdown(body, shown, body_line, problems,
                                           numbers=numbers, link=attachment_href, **media)
    number, title, issuer, addressees = values["number"], values["title"], values["issuer"], values["addressees"]
    if number is None or title is None or issuer is None or addressees is None or year is None or slug is None or (
            "date" in rec and date is None) or len(attachments) != len(numbers):
        return None
    if summary is None or ("imprint" in rec and imprint is None) or \
            len(amends) != len([k for k in ("replaces", "supplements") if k in rec]):
        return None
    return Notice(slug, number, title, issuer, addressees, date, year, body_html, body_text,
                  attachments, front.loc if front else Location(shown), key_dates, images=sorted(images),
                  revisions=revisions, amends=amends, imprint=imprint, summary=summary)


def _folder_slug(path: Path, shown: str, problems: Problems) -> str | None:
    """The folder's name as the notice's URL segment, held to what 'slug:' accepts: 'a?b' made a
    site of broken links, and 'a#b' failed later, in Pagefind, without a location."""
    name = path.parent.name
    if f.is_slug(name):
        return name
    problems.error(Location(shown, 1, 1), (
        f"notice: the folder name '{name}' is not a valid URL segment (lowercase letters, digits, '-' "
        f"or '_', at most {f.MAX_SLUG}): rename the folder, or give the URL segment as 'slug:'"))
    return None


def _load_key_dates(node: Node | None, problems: Problems) -> list:
    """The key_dates list, read and computed by keydates.py."""
    if node is None:
        return []
    key_dates, found = parse_key_dates(f.items(node, "notice: key_dates", problems, allow_empty=True))
    problems.extend(found)
    return key_dates


_MAX_REVISIONS = 200  # far more than a notice is ever corrected; a longer list is a mistake


def _load_revisions(node: Node | None, issued: dt.date | None, problems: Problems) -> list[Revision]:
    """The revisions, newest first (a wrong one is reported, and the load fails with it)."""
    revisions: list[Revision] = []
    listed = f.items(node, "notice: revisions", problems, most=_MAX_REVISIONS)
    for number, item in enumerate(listed, 1):
        what = f"revision {number}"
        rec = f.record(item, REVISION_FIELDS, what, problems)
        if rec is None:
            continue
        day = f.date(rec.get("date"), f"{what}: date", problems) if "date" in rec else None
        kind = f.choice(rec.get("kind"), f"{what}: kind", REVISION_KINDS, problems) if "kind" in rec else None
        summary = f.text(rec.get("summary"), f"{what}: summary", problems) if "summary" in rec else None
        doc = f.text(rec.get("number"), f"{what}: number", problems) if "number" in rec else ""
        if day is None or kind is None or summary is None or doc is None:
            continue
        if issued is not None and day < issued:
            problems.error(rec["date"].loc, f"{what}: date: {day.isoformat()} is before the notice's own date "
                                            f"{issued.isoformat()}")
            continue
        revisions.append(Revision(day, kind, summary, doc, item.loc))
    # Newest first; revisions of one day keep the order they are listed in.
    return sorted(revisions, key=lambda r: r.date, reverse=True)


def _load_imprint(node: Node | None, problems: Problems) -> Imprint | None:
    rec = f.record(node, IMPRINT_FIELDS, "imprint", problems)
    if rec is None:
        return None
    issuer = f.text(rec.get("issuer"), "imprint: issuer", problems) if "issuer" in rec else None
    day = f.date(rec.get("date"), "imprint: date", problems) if "date" in rec else None
    cc_node = rec.get("cc")
    if cc_node is not None and isinstance(cc_node.value, str):  # one office: a list of one
        cc = [f.text(cc_node, "imprint: cc", problems)]
    else:
        cc = [f.text(item, "imprint: cc", problems) for item in f.items(cc_node, "imprint: cc", problems)]
    if issuer is None or day is None or any(c is None for c in cc):
        return None
    return Imprint(issuer, day, tuple(c for c in cc if c is not None))


def attachment_href(number: int) -> str:
    return f"attachment-{number}.html"


def _year_from_number(number: str) -> int | None:
    match = _YEAR_IN_NUMBER.search(number)
    return int(match[1]) if match else None


def _load_attachments(node: Node | None, load_data: LoadData, read_page: ReadPage,
                      problems: Problems, media: _Media) -> list[Attachment]:
    attachments: list[Attachment] = []
    data_of: dict[int, tuple[int, Node]] = {}  # a loaded data file (one object per file) -> first user
    for number, item in enumerate(f.items(node, "notice: attachments", problems, allow_empty=True), 1):
        what = f"attachment {number}"
        rec = f.record(item, ATTACHMENT_FIELDS, what, problems)
        if rec is None:
            continue
        title = f.text(rec.get("title"), f"{what}: title", problems)
        kind = f.choice(rec.get("type"), f"{what}: type", ATTACHMENT_TYPES, problems)
        if kind is None or title is None:
            continue
        body_html, data = "", None
        if kind == "text":
            if "page" not in rec:
                problems.error(item.loc, f"{what}: a text attachment needs 'page' (a Markdown file beside notice.md)")
                continue
            page = read_page(rec["page"])
            if page is None:
                continue
            page_text, page_path = page
            # Its page is shown beside the notice's: its images are the notice folder's files.
            body_html, _ = render_markdown(page_text, page_path, 1, problems, numbers=set(),
                                           link=attachment_href, check_refs=False, **media)
        else:
            if "data" not in rec:
                problems.error(item.loc, f"{what}: a {kind} attachment needs 'data' (a file under data/)")
                continue
            data = load_data(rec["data"], kind)
            if data is None:
                continue
            if id(data) in data_of:  # listed twice, its sessions would be counted and calendared twice
                first, ref = data_of[id(data)]
                problems.error(rec["data"].loc, (
                    f"{what}: {ref.describe()} is already the data of attachment {first} (line {ref.line}); "
                    "a data file may be listed once per notice"))
                continue
            data_of[id(data)] = (number, rec["data"])
        attachments.append(Attachment(number, title, kind, f"attachment-{number}", body_html, data, item.loc))
    return attachments


# ---- Markdown ------------------------------------------------------------------

# What opens a level of nesting at the start of a line: a block quote's '>', a list item's marker.
_CONTAINER = re.compile(r"[ \t]*(?:>|[-*+](?=[ \t]|$)|[0-9]{1,9}[.)](?=[ \t]|$))")
_FENCE = re.compile(r"[ \t]*(```|~~~)")


def _check_text(lines: list[str], path: str, first_line: int, problems: Problems) -> bool:
    """Refused characters, each where it is; False when lists or quotes nest deeper than the limit.

    The depth of a line is counted generously (every marker at its start, and every four columns
    of indentation) so that whatever Python-Markdown would nest is counted: it recurses once per
    level and overflows Python's stack at 250, WeasyPrint at under 100 (limits.py, issue 13).
    """
    shallow, fenced = True, False
    for i, line in enumerate(lines):
        for found in textcheck.MARKDOWN_CHARACTERS.finditer(line + "\n"):
            problems.error(Location(path, first_line + i, found.start() + 1), textcheck.message(found[0][0]))
        if _FENCE.match(line):
            fenced = not fenced
        if fenced or not shallow:
            continue
        depth, at = 0, 0
        while (marker := _CONTAINER.match(line, at)) is not None:
            depth, at = depth + 1, marker.end()
        spaced = line.expandtabs(4)
        depth += (len(spaced) - len(spaced.lstrip(" "))) // 4
        if depth > limits.MARKDOWN_MAX_DEPTH:
            problems.error(Location(path, first_line + i, at + 1), (
                f"lists or block quotes nested {depth} levels deep, more than the limit of "
                f"{limits.MARKDOWN_MAX_DEPTH}"))
            shallow = False  # one message is enough
    return shallow


class _AttachmentLinks(InlineProcessor):
    """附件1 → <a href="attachment-1.html">附件1</a>, for attachments that exist."""

    def __init__(self, numbers: set[int], link: Callable[[int], str]):
        super().__init__(_ATTACHMENT_REF.pattern)
        self.numbers, self.link = numbers, link

    # InlineProcessor changes Pattern's signature (Python-Markdown's design; its stubs ignore it too).
    def handleMatch(  # type: ignore[override]  # see above
            self, m: re.Match[str], data: str) -> tuple[etree.Element | None, int | None, int | None]:
        number = int(m[1])
        if number not in self.numbers:
            return None, None, None
        el = etree.Element("a", {"href": self.link(number)})
        el.text = m[0]
        return el, m.start(0), m.end(0)


class _BareUrls(InlineProcessor):
    """Bare http(s) URLs become links; the URL ends at the first non-ASCII character."""

    def __init__(self) -> None:
        super().__init__(r"https?://[A-Za-z0-9._~:/?#@!$&'*+,;=%-]+")

    # InlineProcessor changes Pattern's signature (Python-Markdown's design; its stubs ignore it too).
    def handleMatch(  # type: ignore[override]  # see above
            self, m: re.Match[str], data: str) -> tuple[etree.Element | None, int | None, int | None]:
        url = m[0].rstrip(".,;:!?'")
        el = etree.Element("a", {"href": url})
        el.text = url
        return el, m.start(0), m.start(0) + len(url)


class _SafeUrls(Treeprocessor):
    """Every link and image of the final tree judged by the URL policy (urls.py) as the browser
    will read it; a refused one loses its href or src and is reported. Runs last (priority 0,
    after Python-Markdown's own unescaping), so no later stage changes an attribute."""

    def __init__(self, md: markdown.Markdown, report: Callable[[str, str], None]):
        super().__init__(md)
        self.report = report
        self.image_file: Callable[[str], str | None] = lambda rel: None  # why an image file is refused

    def run(self, root: etree.Element) -> None:
        for el in root.iter():
            if el.tag == "a" and "href" in el.attrib:
                self._judge(el, "href", "link")
            elif el.tag == "img" and "src" in el.attrib:
                self._judge(el, "src", "image")

    def _judge(self, el: etree.Element, attr: str, kind: str) -> None:
        raw = _placeholders_out(el.attrib[attr])  # the attribute as it will be serialized
        verdict = urls.judge(urls.browser_view(raw), image=kind == "image")
        if verdict.refused is None and kind == "image" and verdict.local is not None:
            why = self.image_file(verdict.local)
            if why:
                verdict = urls.Verdict(verdict.seen, why, verdict.local)
        if verdict.refused is not None:
            self.report(raw, urls.message(kind, raw, verdict))
            del el.attrib[attr]
            return
        # Written back so that what the browser decodes is exactly what was judged.
        el.set(attr, urls.attribute(verdict.seen))
        if kind == "link" and urlsplit(verdict.seen).scheme.lower() in ("http", "https"):
            el.set("rel", "external noopener")


_ESCAPED = re.compile(f"{markdown.util.STX}(\\d+){markdown.util.ETX}")


def _placeholders_out(value: str) -> str:
    """An attribute with Python-Markdown's placeholders replaced as its later stages will: an
    escaped character, and the '&' of the entities it writes itself (an automatic mailto link)."""
    value = value.replace(markdown.util.AMP_SUBSTITUTE, "&")
    return _ESCAPED.sub(lambda m: chr(int(m[1])), value)


# What each inline pattern needs in a text before it can match (a regex that finds it wherever
# the pattern would match). Text with none of them is left alone by every inline pattern.
_INLINE_TRIGGERS = {
    "backtick": "`", "escape": r"\\",
    "reference": r"\[", "link": r"\[", "short_reference": r"\[",
    "image_link": r"\[", "image_reference": r"\[", "short_image_ref": r"\[",
    "autolink": "<", "automail": "<", "linebreak": "  \n", "entity": "&",
    "em_strong": r"[*_]", "em_strong2": "_", "not_strong": r"[*_]",
    "attachment_links": _ATTACHMENT_REF.pattern, "bare_urls": "https?://",
}


def _inline_triggers(md: markdown.Markdown) -> re.Pattern | None:
    """One regex for what any registered inline pattern needs; None if a pattern is not in the
    table (then every text goes through the inline patterns, as Python-Markdown does it)."""
    # Through the registry's documented interface (``in``, ``len``): every registered pattern
    # must be one of the table's.
    names = [name for name in _INLINE_TRIGGERS if name in md.inlinePatterns]
    if len(names) != len(md.inlinePatterns):
        return None
    return re.compile("|".join(dict.fromkeys(_INLINE_TRIGGERS[name] for name in names)))


class _PlainText(Treeprocessor):
    """Marks texts no inline pattern can match as atomic, so Python-Markdown's inline stage
    skips them instead of trying each of its patterns on each of them: most of a Chinese
    notice's paragraphs have no markup at all, and this halves the time of a conversion."""

    def __init__(self, md: markdown.Markdown, triggers: re.Pattern):
        super().__init__(md)
        self.triggers = triggers

    def run(self, root: etree.Element) -> None:
        search, atomic = self.triggers.search, markdown.util.AtomicString
        for el in root.iter():
            text, tail = el.text, el.tail
            if text and type(text) is str and not search(text):
                el.text = atomic(text)
            if tail and type(tail) is str and not search(tail):
                el.tail = atomic(tail)


class _Markdown(markdown.Markdown):
    """The converter, with the two stages each document sets up at hand."""

    attachment_links: _AttachmentLinks
    safe_urls: _SafeUrls


_MARKDOWN: _Markdown | None = None


def _markdown() -> _Markdown:
    """One configured converter, reset between documents: setting one up costs more than converting."""
    global _MARKDOWN
    if _MARKDOWN is None:
        from markdown.extensions.sane_lists import SaneListExtension
        from markdown.extensions.tables import TableExtension

        # Instances, not names: a name is looked up among the installed packages' entry points,
        # which costs more than the conversion of a notice.
        md = _Markdown(extensions=[SaneListExtension(), TableExtension()], output_format="html")
        # Raw HTML is escaped, not passed through (markup injection).
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.attachment_links = _AttachmentLinks(set(), attachment_href)
        md.inlinePatterns.register(md.attachment_links, "attachment_links", 25)
        md.inlinePatterns.register(_BareUrls(), "bare_urls", 24)
        md.safe_urls = _SafeUrls(md, lambda needle, message: None)
        md.treeprocessors.register(md.safe_urls, "safe_urls", 0)
        triggers = _inline_triggers(md)
        if triggers is not None:  # just before the inline patterns run (priority 20)
            md.treeprocessors.register(_PlainText(md, triggers), "plain_text", 20.5)
        _MARKDOWN = md
    return _MARKDOWN


def render_markdown(text: str, path: str, first_line: int, problems: Problems, *,
                    numbers: set[int], link: Callable[[int], str], check_refs: bool = True,
                    folder: Path | None = None, root: Path | None = None,
                    images: set[str] | None = None, files: set[Path] | None = None) -> tuple[str, str]:
    """Markdown to (HTML, plain text). Problems point at the line in the source file.

    With ``folder`` (the notice's, inside the project ``root``), each image must be a file of
    it: the paths of those used are added to ``images``, and every file looked for to ``files``
    (a missing one too: creating it must load the notice again)."""
    lines = text.split("\n")

    def line_of(needle: str) -> Location:
        for i, line in enumerate(lines):
            col = line.find(needle)
            if col >= 0:
                return Location(path, first_line + i, col + 1)
        # Python-Markdown expanded its tabs: find it with any run of spaces where it has one.
        flexible = re.compile(r"\s+".join(map(re.escape, needle.split())) if needle.split() else "$^")
        for i, line in enumerate(lines):
            m = flexible.search(line)
            if m:
                return Location(path, first_line + i, m.start() + 1)
        return Location(path, first_line, 1)

    def image_file(rel: str) -> str | None:
        if folder is None:
            return None
        if files is not None:
            files.add(folder / rel)
        found, why = urls.local_file(folder, rel, root or folder)
        if found is not None and images is not None:
            images.add(rel)
        return why

    for i, line in enumerate(lines):
        for m in _ATTACHMENT_REF.finditer(line):
            if check_refs and int(m[1]) not in numbers:
                problems.error(Location(path, first_line + i, m.start() + 1),
                               f"'{m[0]}' names an attachment this notice does not have "
                               f"(it has {len(numbers) or 'none'})")
    if not _check_text(lines, path, first_line, problems):
        return "", ""  # nested too deeply for the converter's recursion (and the PDF printing's)
    md = _markdown()
    md.attachment_links.numbers, md.attachment_links.link = numbers, link
    md.safe_urls.report = lambda needle, message: problems.error(line_of(needle), message)
    md.safe_urls.image_file = image_file
    html = md.reset().convert(text)
    plain = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()
    return html, plain
