"""Every file of the built site, each with its key and how to make it.

The plan is made without rendering anything: a file's key hashes what it is
made from (see cache.py), so the build can tell which files of the previous
output are still right and render only the others.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    import jinja2

from .cache import Hasher, code_version, digest, full_notice
from .calendars import calendar_paths, notice_calendars
from .model import Notice, Site, SiteConfig
from .render import Page, render_page, site_pages

# Files of layouts/ that are templates or their folders, not copied to the site.
TEMPLATE_SUFFIXES = {".html", ".xml", ".txt", ".j2"}
TEMPLATE_DIRS = {"partials", "attachments", "print"}
FEEDS = ("feed.xml", "sitemap.xml")
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
                        for p in sorted(self.layouts.rglob("*")) if p.is_file()}
            found |= self._closure(ref, seen)
        return found


    def _references(self, name: str, path: Path, file_hash: str) -> list[str | None]:
        key = (str(path), file_hash)
        if key not in _REFERENCES:
            source = path.read_text(encoding="utf-8") if path.is_file() else ""
            from jinja2 import meta  # only for a template not seen before: Jinja is imported on demand

            _REFERENCES[key] = list(meta.find_referenced_templates(self.env.parse(source, name, str(path))))
        return _REFERENCES[key]


def listing_key(notice: Notice) -> str:
    """What a list of notices shows of one: an edit to its body or attachments leaves lists alone."""
    return digest(notice.slug, notice.number, notice.title, notice.issuer, str(notice.date), str(notice.year),
                  str(len(notice.attachments)))


# What each template (by path and content hash) extends, includes or imports: parsed once a process.
_REFERENCES: dict[tuple[str, str], list[str | None]] = {}


def notice_key(notice: Notice) -> str:
    if "key" not in notice.derived:
        notice.derived["key"] = digest(notice.slug, notice.inputs)
    return notice.derived["key"]


def derive(config: SiteConfig, notice: Notice) -> None:
    """What the plan works out from a notice alone, done ahead (by a loading worker) and kept in
    the notice's ``derived`` memo, which the load cache keeps with the notice's summary."""
    notice_key(notice)
    calendar_paths(config, notice)


def set_template_references(memo: dict) -> None:
    """Seed the memo of template references (a build's load cache keeps it between commands)."""
    _REFERENCES.update(memo)


def template_references() -> dict:
    return dict(_REFERENCES)


def plan(site: Site, env: jinja2.Environment, layouts: Path, hasher: Hasher,
         pdf_links: dict[str, tuple[str, int]], pdf_files: list[tuple[str, str, Path]] = ()) -> list[Output]:
    """Every file of the site: pages, feeds, calendars, the PDFs printed into the cache
    (``pdf_files``: name, input hash, cached file) and the assets of layouts/."""
    templates = TemplateKeys(env, layouts, hasher)
    base = digest(code_version(), site.config.__dict__ | {"source": None})
    newest = digest([notice_key(n) for n in site.notices[:FEED_ENTRIES]])  # the feed shows their bodies
    listings = digest([listing_key(n) for n in site.notices])  # lists show only what listing_key covers
    calendars = {n.slug: _CalendarsOnce(site.config, n) for n in site.notices}
    outputs: list[Output] = []
    pdfs_of = {}  # notice slug -> its PDF links, which its pages show
    for path, link in pdf_links.items():
        pdfs_of.setdefault(path.split("/", 1)[0], []).append(f"{path}={link[0]}:{link[1]}")
    listing_extra = {"pdf_links": pdf_links}
    notice_inputs: dict[str, tuple[str, dict]] = {}  # slug -> what its pages are made from
    for page in site_pages(site):
        notice = page.context.get("notice")
        if notice is None:
            inputs, extra = listings, listing_extra
        else:
            if notice.slug not in notice_inputs:
                notice_inputs[notice.slug] = (
                    notice_key(notice) + "|" + ",".join(sorted(pdfs_of.get(notice.slug, []))),
                    {"calendars": calendars[notice.slug], "pdf_links": pdf_links})
            inputs, extra = notice_inputs[notice.slug]
        key = digest(base, templates.key(page.template), inputs, page.path)
        outputs.append(Output(page.path, key, _page_maker(env, site, page, extra)))
    for name in FEEDS:  # the sitemap shows what lists show; the feed, the newest notices whole
        inputs = newest if name == "feed.xml" else listings
        outputs.append(Output(name, digest(base, templates.key(name), inputs), _feed_maker(env, site, name)))
    for notice in site.notices:
        once = calendars[notice.slug]
        key = digest(base, notice_key(notice))  # one for all its files: the manifest tells them apart by path
        for path in calendar_paths(site.config, notice):  # known without reading a cached notice
            outputs.append(Output(path, key, lambda path=path, once=once: once.file(path)))
    outputs += notice_images(site, hasher)
    for name, pdf_key, cached in pdf_files:
        outputs.append(Output(name, digest("pdf", pdf_key), cached.read_bytes, link=str(cached)))
    outputs += assets(layouts, hasher)
    return outputs


class _CalendarsOnce:
    """A notice's calendar files and events, worked out at most once, and only if a page that
    links to them or one of the files is made."""

    def __init__(self, config: SiteConfig, notice: Notice):
        self.config, self.notice = config, notice
        self._files: dict | None = None

    def calendars(self):
        return notice_calendars(self.config, full_notice(self.notice))

    def file(self, path: str) -> bytes:
        calendars = self.calendars()
        if self._files is None:
            self._files = {f.path: f for f in calendars.files}
        return self._files[path].render(calendars.vevents)


def _page_maker(env: jinja2.Environment, site: Site, page: Page, extra: dict) -> Callable[[], bytes]:
    def make() -> bytes:
        values = dict(extra)
        if "calendars" in values:
            values["calendars"] = values["calendars"].calendars()
        return render_page(env, site, page, values).encode("utf-8")
    return make


def _feed_maker(env: jinja2.Environment, site: Site, name: str) -> Callable[[], bytes]:
    def make() -> bytes:
        notices = site.notices[:FEED_ENTRIES] if name == "feed.xml" else site.notices
        if name == "feed.xml":
            notices = [full_notice(n) for n in notices]
        return env.get_template(name).render(site=site, config=site.config, notices=notices).encode("utf-8")
    return make


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
    for path in sorted(layouts.rglob("*")):
        rel = path.relative_to(layouts)
        if (path.is_dir() or rel.parts[0] in TEMPLATE_DIRS or path.suffix in TEMPLATE_SUFFIXES
                or any(part.startswith(".") for part in rel.parts)):
            continue
        found.append(Output(rel.as_posix(), digest("asset", hasher.file(path)), path.read_bytes))
    return found
