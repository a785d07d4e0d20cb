"""Every file of the built site, each with its key and how to make it.

The plan is made without rendering anything: a file's key hashes what it is
made from (see cache.py), so the build can tell which files of the previous
output are still right and render only the others.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import jinja2
from jinja2 import meta

from .cache import Hasher, code_version, digest
from .calendars import events_by_uid, notice_calendars
from .model import Notice, Site
from .render import Page, render_page, site_pages

# Files of layouts/ that are templates or their folders, not copied to the site.
TEMPLATE_SUFFIXES = {".html", ".xml", ".txt", ".j2"}
TEMPLATE_DIRS = {"partials", "attachments", "print"}
FEEDS = ("feed.xml", "sitemap.xml")
FEED_ENTRIES = 50  # the newest notices in the Atom feed


@dataclass
class Output:
    path: str  # under the output folder
    key: str
    make: Callable[[], bytes]


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


def plan(site: Site, env: jinja2.Environment, layouts: Path, hasher: Hasher,
         pdf_links: dict[str, tuple[str, int]]) -> list[Output]:
    templates = TemplateKeys(env, layouts, hasher)
    base = digest(code_version(), site.config.__dict__ | {"source": None})
    all_notices = digest([notice_key(n) for n in site.notices])  # feeds show bodies
    listings = digest([listing_key(n) for n in site.notices])  # lists show only what listing_key covers
    calendars = {n.slug: notice_calendars(site.config, n) for n in site.notices}
    outputs: list[Output] = []
    pdfs_of = {}  # notice slug -> its PDF links, which its pages show
    for path, link in pdf_links.items():
        pdfs_of.setdefault(path.split("/", 1)[0], []).append(f"{path}={link[0]}:{link[1]}")
    for page in site_pages(site):
        notice = page.context.get("notice")
        if notice is not None:
            extra = {"calendars": calendars[notice.slug], "pdf_links": pdf_links}
            inputs = notice_key(notice) + "|" + ",".join(sorted(pdfs_of.get(notice.slug, [])))
        else:
            extra = {"pdf_links": pdf_links}
            inputs = listings
        key = digest(base, templates.key(page.template), inputs, page.path)
        outputs.append(Output(page.path, key, _page_maker(env, site, page, extra)))
    for name in FEEDS:
        outputs.append(Output(name, digest(base, templates.key(name), all_notices),
                              _feed_maker(env, site, name)))
    for notice in site.notices:
        events = _EventsOnce(site, notice)
        for file in calendars[notice.slug].files:
            outputs.append(Output(file.path, digest(base, notice_key(notice), file.path),
                                  lambda file=file, events=events: file.render(events.get())))
    outputs += assets(layouts, hasher)
    return outputs


class _EventsOnce:
    """A notice's calendar events, made at most once, and only if one of its files is written."""

    def __init__(self, site: Site, notice: Notice):
        self.site, self.notice, self.events = site, notice, None

    def get(self) -> dict:
        if self.events is None:
            self.events = events_by_uid(self.site.config, self.notice)
        return self.events


def _page_maker(env: jinja2.Environment, site: Site, page: Page, extra: dict) -> Callable[[], bytes]:
    return lambda: render_page(env, site, page, extra).encode("utf-8")


def _feed_maker(env: jinja2.Environment, site: Site, name: str) -> Callable[[], bytes]:
    def make() -> bytes:
        notices = site.notices[:FEED_ENTRIES] if name == "feed.xml" else site.notices
        return env.get_template(name).render(site=site, config=site.config, notices=notices).encode("utf-8")
    return make


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
