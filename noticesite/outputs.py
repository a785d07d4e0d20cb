"""Every file of the built site, each with its key and how to make it.

The plan is made without rendering anything: a file's key hashes what it is
made from (see cache.py), so the build can tell which files of the previous
output are still right and render only the others.
"""
from __future__ import annotations

import dataclasses
import functools
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    import jinja2

from .cache import Hasher, code_version, digest
from .calendars import calendar_paths, ledger_settled, notice_calendars
from .errors import BuildError, Problem
from .memos import Memos, NoticeMemos
from .paths import FilePolicy
from .model import Ledger, Notice, NoticeStandIn, NoticeSummary, Site, SiteConfig, whole
from .render import feed_notices, listed_pages, page_values, render_page, site_pages, summaries
from .spreadsheet import SHEET_TYPES, attachment_rows, to_csv, to_xlsx

# Files of layouts/ that are templates or their folders, not copied to the site.
TEMPLATE_SUFFIXES = {".html", ".xml", ".txt", ".j2"}
TEMPLATE_DIRS = {"partials", "attachments", "print"}
FEED_ENTRIES = 50  # the newest notices in the Atom feed


@dataclass(slots=True)
class Output:
    path: str  # under the output folder
    key: str
    make: Callable[[], bytes]
    link: str | None = None  # a file never changed in place (a cached PDF): hard-linked, not copied


class TemplateKeys:
    """A hash per template of its source and of every template it extends, includes or imports."""

    def __init__(self, env: jinja2.Environment, layouts: Path, hasher: Hasher):
        self.env, self.layouts, self.hasher = env, layouts, hasher
        self._keys: dict[str, str] = {}

    def key(self, name: str) -> str:
        if name not in self._keys:
            self._keys[name] = digest(sorted(self._closure(name, set())))
        return self._keys[name]

    def _closure(self, name: str, seen: set[str]) -> set[tuple[str, str]]:
        if name in seen:
            return set()
        seen.add(name)
        path = self.layouts / name
        file_hash = self.hasher.file(path) or "missing"
        found = {(name, file_hash)}
        for ref in self._references(name, path, file_hash):
            if ref is None:  # a computed name: any template may be used
                return {(p.relative_to(self.layouts).as_posix(), self.hasher.file(p) or "")
                        for p in layout_files(self.layouts)}
            found |= self._closure(ref, seen)
        return found


    def _references(self, name: str, path: Path, file_hash: str) -> list[str | None]:
        key = (str(path), file_hash)
        if key not in _REFERENCES:
            source = path.read_text(encoding="utf-8") if path.is_file() else ""
            from jinja2 import meta  # only for a template not seen before: Jinja is imported on demand

            _REFERENCES[key] = list(meta.find_referenced_templates(self.env.parse(source, name, str(path))))
        return _REFERENCES[key]


def fingerprint(value: Any, memos: Memos | None = None) -> Any:
    """A stand-in for a value handed to a template, made of strings and numbers: equal
    fingerprints mean equal values. Keys are made from the fingerprint of *everything* a template
    is handed (page_values), so no key lists fields by hand. A whole notice stands for the files it
    was read from (its recorded inputs: its key, from ``memos`` when given); a summary, a config or
    any other record for all its fields. A value of a type not known here is an error, not a
    silent gap in a key."""
    return Fingerprints(memos)(value)


class Fingerprints:
    """fingerprint() over many values, as one plan makes them: a record met again as the same
    object (the site's config, handed to every page; a notice's summary, on its index, archive
    and sitemap pages) is not walked again, and a notice's summary stands as the digest of its
    fingerprint (a list page's key is then made of 20 digests, not 20 trees)."""

    def __init__(self, memos: Memos | None = None):
        self.memos = memos
        self._records: dict[int, tuple[Any, Any]] = {}  # id -> (the record, kept alive; its fingerprint)

    def __call__(self, value: Any) -> Any:
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        names = _FIELD_NAMES.get(type(value))
        if names is not None:  # a record type met before (below): thousands of summaries and dates a build
            return self._record(value, names)
        if isinstance(value, (list, tuple)):
            return [self(v) for v in value]
        if isinstance(value, dict):
            return [[str(k), self(v)] for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))]
        if isinstance(value, (Notice, NoticeStandIn)):
            return ["notice", notice_key(value, self.memos.of(value) if self.memos is not None else NoticeMemos())]
        if isinstance(value, (dt.date, dt.time)):
            return value.isoformat()
        if hasattr(value, "fingerprint"):  # what stands for it, fingerprinted here: records in it met once
            return self(value.fingerprint())
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            names = _FIELD_NAMES[type(value)] = tuple(f.name for f in dataclasses.fields(value))
            return self._record(value, names)
        raise TypeError(f"no fingerprint for a {type(value).__name__} handed to a template")

    def _record(self, value: Any, names: tuple[str, ...]) -> Any:
        seen = self._records.get(id(value))
        if seen is not None and seen[0] is value:
            return seen[1]
        made: Any = [type(value).__name__] + [self(getattr(value, name)) for name in names]
        if isinstance(value, NoticeSummary):
            made = [made[0], digest(made)]
        self._records[id(value)] = (value, made)
        return made


# The field names of each record type fingerprint() has met that none of its earlier cases
# takes (dataclasses.fields() per value was a fifth of the plan's time at 1,000 notices).
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}

# What each template (by path and content hash) extends, includes or imports: parsed once a process.
_REFERENCES: dict[tuple[str, str], list[str | None]] = {}


def notice_key(notice: Any, memos: NoticeMemos) -> str:
    """The notice (a Notice or what stands for one) as the files it was read from: a summary memo."""
    if "key" not in memos.summary:
        memos.summary["key"] = digest(notice.slug, notice.inputs)
    return memos.summary["key"]


def derive(config: SiteConfig, notice: Notice, memos: NoticeMemos) -> None:
    """What the plan works out from a notice alone, done ahead (by a loading worker) into the
    notice's memos, which the load cache keeps beside it (its summary's, its shard's)."""
    notice_key(notice, memos)
    calendar_paths(config, notice, memos)
    ledger_settled(config, notice, memos)


def set_template_references(memo: dict) -> None:
    """Seed the memo of template references (a build's load cache keeps it between commands)."""
    _REFERENCES.update(memo)


def template_references() -> dict:
    return dict(_REFERENCES)


def plan(site: Site, env: jinja2.Environment, layouts: Path, hasher: Hasher,
         pdf_links: dict[str, tuple[str, int | None]], pdf_files: Sequence[tuple[str, str, Path]] = (),
         ledgers: dict[str, Ledger] | None = None, memos: Memos | None = None) -> list[Output]:
    """Every file of the site: pages, feeds, calendars, the PDFs printed into the cache
    (``pdf_files``: name, input hash, cached file) and the assets of layouts/. ``ledgers``: the
    calendar ledger of each notice whose events changed since its ledger file (by slug), as this
    build leaves it; the others' ledger files say what their calendars publish. ``memos``: those
    of the site's notices as loaded (memos.py); without them, worked out here."""
    templates = TemplateKeys(env, layouts, hasher)
    base = digest(code_version())
    ledgers = ledgers or {}
    memos = memos if memos is not None else Memos()
    calendars = {n.slug: _CalendarsOnce(site.config, n, memos.of(n), ledgers.get(n.slug)) for n in site.notices}
    sheets = {n.slug: _SheetsOnce(n, memos.of(n)) for n in site.notices}
    outputs: list[Output] = []
    pdfs_of: dict[str, dict[str, tuple[str, int | None]]] = {}  # notice slug -> its PDF links, which its pages show
    for path, link in pdf_links.items():
        pdfs_of.setdefault(path.split("/", 1)[0], {})[path] = link
    notice_extras: dict[str, tuple[dict, Any]] = {}  # slug -> what its pages are handed besides the page's own
    listed = summaries(site.notices)  # one summary object per notice: fingerprinted once (Fingerprints)
    pages = site_pages(site, listed)
    prints = Fingerprints(memos)
    for page in pages:
        notice = page.context.get("notice")
        extra: dict = {}
        if notice is not None:
            if notice.slug not in notice_extras:
                extras = {"calendars": calendars[notice.slug], "pdf_links": pdfs_of.get(notice.slug, {}),
                          "sheets": sheets[notice.slug]}
                notice_extras[notice.slug] = (extras, prints(extras))
            extra = notice_extras[notice.slug][0]
        values = page_values(site.config, page, extra)
        shown = prints(page_values(site.config, page)) + [notice_extras[notice.slug][1] if notice else None]
        key = digest(base, templates.key(page.template), shown)
        outputs.append(Output(page.path, key, _page_maker(env, page.template, values)))
    feeds: dict[str, dict[str, Any]] = {
        "feed.xml": {"notices": feed_notices(site.notices, FEED_ENTRIES)},  # the latest changed, whole
        "sitemap.xml": {"notices": listed,  # what lists show of every notice
                        "listings": listed_pages(pages)}}  # and every other page to index
    for name, given in feeds.items():
        values = {"config": site.config, **given}
        outputs.append(Output(name, digest(base, templates.key(name), prints(values)),
                              _feed_maker(env, name, values)))
    for notice in site.notices:
        once = calendars[notice.slug]
        # one for all its files (the manifest tells them apart by path); the ledger's file is one
        # of the notice's inputs, and a ledger this build updated is in the key as it leaves it
        key = digest(base, prints(once), once.ledger_fingerprint())
        for path in calendar_paths(site.config, notice, once.memos):  # known without reading a cached notice
            outputs.append(Output(path, key, functools.partial(once.file, path)))
    for notice in site.notices:
        made = sheets[notice.slug]
        key = digest(base, "sheet", prints(made))  # base: the code, XlsxWriter's version among it
        for path in made.paths():
            outputs.append(Output(path, key, functools.partial(made.file, path)))
    outputs += notice_images(site, hasher)
    for name, pdf_key, cached in pdf_files:
        outputs.append(Output(name, digest("pdf", pdf_key), cached.read_bytes, link=str(cached)))
    outputs += assets(layouts, hasher)
    return outputs


class _CalendarsOnce:
    """A notice's calendar files and events, worked out at most once, and only if a page that
    links to them or one of the files is made."""

    def __init__(self, config: SiteConfig, notice: Notice, memos: NoticeMemos, ledger: Ledger | None = None):
        self.config, self.notice, self.memos = config, notice, memos
        self.ledger = ledger  # as this build updated it; None: as the notice's ledger file says
        self._files: dict | None = None
        self._vevents: dict[str, str] | None = None

    def fingerprint(self) -> Any:  # which files and links: from the config and the notice alone
        return [self.config, notice_key(self.notice, self.memos)]

    def ledger_fingerprint(self) -> Any:
        """What the files' stamps come from beyond the notice's inputs (None: nothing)."""
        return None if self.ledger is None else fingerprint(self.ledger)

    def calendars(self):
        return notice_calendars(self.config, self.notice, self.memos)

    def file(self, path: str) -> bytes:
        calendars = self.calendars()
        if self._files is None or self._vevents is None:
            self._files = {f.path: f for f in calendars.files}
            entries = self.ledger if self.ledger is not None else whole(self.notice).calendar_ledger
            self._vevents = calendars.vevents(entries)
        return self._files[path].render(self._vevents)


@dataclass(frozen=True, slots=True)
class SheetLink:
    """A spreadsheet download as a page shows it: the href from the page, the format's name
    (the link's words), its media type and its size in bytes."""
    href: str
    label: str
    type: str
    size: int


_SHEET_FORMATS = (("xlsx", "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                  ("csv", "CSV", "text/csv"))


class _SheetsOnce:
    """The .xlsx and .csv of each schedule and directory attachment of a notice, beside its PDF
    (``<slug>/attachment-1.xlsx`` beside ``attachment-1.pdf``). Made at most once each, and only
    when a page that shows their sizes or one of the files is made: planning a build of a large
    archive reads no notice and makes no workbook."""

    def __init__(self, notice: Notice, memos: NoticeMemos):
        self.notice, self.memos = notice, memos
        self._made: dict[int, dict[str, bytes]] = {}  # attachment number -> suffix -> bytes

    def fingerprint(self) -> Any:  # the tables are made from the notice alone (and the code)
        return ["sheets", notice_key(self.notice, self.memos)]

    def paths(self) -> list[str]:
        """Known from the notice's summary: the attachments' types and slugs."""
        return [f"{self.notice.slug}/{a.slug}.{suffix}" for a in self._attachments() for suffix, _, _ in _SHEET_FORMATS]

    def get(self, page_path: str) -> list[SheetLink]:
        """The downloads of the attachment page ``page_path`` (none for another page)."""
        for a in self._attachments():
            if page_path == f"{self.notice.slug}/{a.slug}.html":
                made = self._make(a.number)
                return [SheetLink(f"{a.slug}.{suffix}", label, media, len(made[suffix]))
                        for suffix, label, media in _SHEET_FORMATS]
        return []

    def file(self, path: str) -> bytes:
        stem, _, suffix = path.rpartition("/")[2].rpartition(".")
        number = next(a.number for a in self._attachments() if a.slug == stem)
        return self._make(number)[suffix]

    def _attachments(self) -> list:
        return [a for a in self.notice.attachments if a.type in SHEET_TYPES]

    def _make(self, number: int) -> dict[str, bytes]:
        if number not in self._made:
            attachment = whole(self.notice).attachments[number - 1]
            rows = attachment_rows(attachment)
            self._made[number] = {"xlsx": to_xlsx(rows, f"附件{attachment.number} {attachment.title}"),
                                  "csv": to_csv(rows)}
        return self._made[number]


def _page_maker(env: jinja2.Environment, template: str, values: dict) -> Callable[[], bytes]:
    def make() -> bytes:
        made = dict(values)
        if "calendars" in made:
            made["calendars"] = made["calendars"].calendars()
        if made.get("notice") is not None:
            made["notice"] = whole(made["notice"])  # read from the load cache only when made
        return render_page(env, made, template).encode("utf-8")
    return make


def _feed_maker(env: jinja2.Environment, name: str, values: dict) -> Callable[[], bytes]:
    def make() -> bytes:
        made = dict(values, notices=[whole(n) for n in values["notices"]])
        return env.get_template(name).render(made).encode("utf-8")
    return make


def layout_files(layouts: Path) -> list[Path]:
    """Every file of layouts/ (hidden ones left out), through the links that stay in the project
    (paths.py); one that leads out stops the build (load() has reported it already, unless it
    was made since)."""
    refused: list[Problem] = []
    found = sorted(FilePolicy(layouts.parent).files(layouts, refused))
    if refused:
        raise BuildError(refused)
    return found


def notice_images(site: Site, hasher: Hasher) -> list[Output]:
    """The images a notice shows, copied beside its pages: content/<slug>/photo.png to
    <slug>/photo.png (urls.py allowed only image files inside the notice's folder)."""
    found = []
    for notice in site.notices:
        folder = Path(site.root) / Path(notice.source.path).parent
        for rel in notice.images:
            path = folder / rel
            found.append(Output(f"{notice.slug}/{rel}", digest("image", hasher.file(path)), path.read_bytes))
    return found


def assets(layouts: Path, hasher: Hasher) -> list[Output]:
    """Stylesheets, scripts and images of layouts/, copied as they are."""
    found = []
    for path in layout_files(layouts):
        rel = path.relative_to(layouts)
        if rel.parts[0] in TEMPLATE_DIRS or path.suffix in TEMPLATE_SUFFIXES:
            continue
        found.append(Output(rel.as_posix(), digest("asset", hasher.file(path)), path.read_bytes))
    return found
