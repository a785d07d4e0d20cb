"""The Jinja environment and the HTML pages of the site.

Autoescape is on and undefined names are errors: a template never guesses
what it gets, and nothing from a data file reaches the page unescaped. Every
internal link is relative (``root`` is the way back to the site's top), so a
site published under a sub-path such as ``/jwc/`` works unchanged.
"""
from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    import jinja2

from .calendars import notice_url
from .model import (
    Attachment, CheckedProcedure, Notice, NoticeSummary, Procedure, RevisionKind, Schedule, Site, SiteConfig,
    notices_by_name,
)
from .timetable import schedule_days, schedule_totals


def environment(layouts: Path, bytecode_cache: Path | None = None) -> jinja2.Environment:
    """``bytecode_cache``: a folder where compiled templates are kept between commands (Jinja
    checks each template's source time before using its entry)."""
    import jinja2

    env = jinja2.Environment(
        loader=_project_loader(layouts),
        bytecode_cache=_bytecode_cache(bytecode_cache) if bytecode_cache else None,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["zh_date"] = zh_date
    env.filters["hhmm"] = lambda t: t.strftime("%H:%M")
    env.filters["kb"] = lambda size: f"{max(1, round(size / 1024))} KB"
    env.filters["atom_date"] = atom_date
    env.filters["absolute_links"] = absolute_links
    env.filters["pinyin_keys"] = _pinyin_keys
    env.globals["schedule_days"] = schedule_days
    env.globals["schedule_totals"] = schedule_totals
    env.filters["for_wechat"] = _for_wechat
    return env


def _pinyin_keys(texts: list[str]) -> str:
    from . import pinyin  # imported here: its dictionaries take half a second to load

    return pinyin.text_keys([t for t in texts if t])


def _for_wechat(markup: str, styles: dict, page_url: str):
    from .wechat import for_wechat  # imported by a build that renders a WeChat article only

    return for_wechat(markup, styles, page_url)


_LOADER_CLASS: type | None = None


def _project_loader(layouts: Path) -> jinja2.BaseLoader:
    """Jinja's FileSystemLoader over layouts/, refusing a template that is a link out of the
    project (paths.py) before reading it: its ``get_source`` is the documented place where a
    loader finds a template's file."""
    global _LOADER_CLASS
    if _LOADER_CLASS is None:
        import os
        import posixpath

        import jinja2

        from .paths import FilePolicy

        class OutsideProject(jinja2.TemplateError):
            def __init__(self, filename: str, message: str):
                super().__init__(message)
                self.filename, self.lineno = filename, 0

        class ProjectLoader(jinja2.FileSystemLoader):
            def __init__(self, searchpath: str, root: Path):
                super().__init__(searchpath)
                self.root = root

            def get_source(self, environment: jinja2.Environment, template: str):
                pieces = template.split("/")
                if ".." not in pieces:  # else Jinja's own check refuses the name
                    policy = FilePolicy(self.root)  # afresh: a folder may have become a link since
                    for searchpath in self.searchpath:
                        filename = posixpath.join(searchpath, *pieces)
                        if os.path.lexists(filename):
                            refused = policy.problem(filename)
                            if refused is not None:
                                raise OutsideProject(filename, refused.message)
                            break
                return super().get_source(environment, template)

        _LOADER_CLASS = ProjectLoader
    return _LOADER_CLASS(str(layouts), layouts.parent)


def compile_templates(env: jinja2.Environment, suffixes: set[str]) -> None:
    """Compile every template of the environment now, rather than when a page first needs it.
    One with an error is skipped: the build that uses it reports it, with its location."""
    import jinja2

    for name in env.list_templates(filter_func=lambda name: Path(name).suffix in suffixes):
        try:
            env.get_template(name)
        except (jinja2.TemplateError, UnicodeDecodeError):
            pass


def _bytecode_cache(folder: Path):
    import shutil

    import jinja2

    for old in folder.parent.glob("templates-*"):  # made by another version of the code
        if old != folder:
            shutil.rmtree(old, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))


class LazyEnvironment:
    """The Jinja environment, made (and Jinja imported) on first use: a build that renders
    nothing, and whose templates' references are known, never needs it."""

    def __init__(self, layouts: Path, bytecode_cache: Path | None = None):
        self._layouts, self._bytecode_cache = layouts, bytecode_cache
        self._env: jinja2.Environment | None = None

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if self._env is None:
            self._env = environment(self._layouts, self._bytecode_cache)
        return getattr(self._env, name)


def atom_date(day: dt.date) -> str:
    """RFC 3339 time of a declared date for Atom: 00:00 in Beijing time on that day."""
    return f"{day.isoformat()}T00:00:00+08:00"


def feed_notices(notices: Iterable[Any], most: int) -> list[Any]:
    """The notices of the Atom feed: the ``most`` most recently changed of those that declare a date.

    Atom requires every entry's ``updated``; a notice that declares no date (no revision, no
    ``date``, no imprint date) is left out rather than given a made-up one, and load() warns
    about it (docs/data-format.md, "Dates")."""
    dated = [n for n in notices if n.updated is not None]
    return sorted(dated, key=lambda n: (n.updated, n.sort_key), reverse=True)[:most]


def zh_date(day: dt.date | None) -> str:
    """2013年1月3日: Arabic numerals, full year, no zero padding (GB/T 9704-2012 §7.3.5.3)."""
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"


class FlowDrawing:
    """The procedure's SVG, drawn only if a template prints it."""

    def __init__(self, procedure: CheckedProcedure, title: str):
        self.procedure, self.title = procedure, title

    def __html__(self) -> str:
        from .flow import render_svg

        return render_svg(self.procedure, title=self.title)


# ---- pages -------------------------------------------------------------------------------


@dataclass
class Page:
    """One HTML page to write: its path under output/ and what the template needs."""

    path: str  # e.g. 2012-104/attachment-1.html
    template: str
    context: dict

    @property
    def root(self) -> str:
        return "../" * self.path.count("/")


def site_pages(site: Site, listed: list[NoticeSummary]) -> list[Page]:
    """Every page of the site. ``listed``: ``summaries(site.notices)``, made by the caller, whose
    sitemap lists the same objects (the plan fingerprints each once)."""
    # The 404 page is served at any depth: its links start from the site's own path, not "../".
    base_path = urlsplit(site.config.base_url).path or "/"
    # Neither is a page to find by a search engine: they ask robots not to index them, and the
    # sitemap leaves them out (listed_pages).
    pages = index_pages(site, listed) + archive_pages(site, listed) + [
        Page("404.html", "404.html", {"root": base_path, "noindex": True}),
        Page("search/index.html", "search.html", {"noindex": True})]
    # A notice's links to the notices it amends and that amend it: a value of its page, so that the
    # page's key follows an edit of another notice (a whole notice's fingerprint is its own files).
    related = relations(site.notices)
    for notice in site.notices:
        pages.append(Page(f"{notice.slug}/index.html", "notice.html",
                          {"notice": notice, "relations": related[notice.slug]}))
        pages.append(wechat_page(site.config, notice))
        for attachment in notice.attachments:
            pages.append(attachment_page(notice, attachment))
    return pages


# ---- amendments: a notice's links to the notices it amends and that amend it ----------------
# The link is shown on both pages, so it is worked out over the whole site and handed to each
# notice's page as a value of its own (Relations): the older notice's page changes when a newer
# notice names it, though none of the older notice's files did, and its key (made from the values a
# page is handed, outputs.py) follows. The load-time check of the names is amendments.py's.


@dataclass(frozen=True)
class Related:
    """Another notice of the site, as a link to it shows it."""

    kind: RevisionKind
    slug: str
    number: str
    title: str


@dataclass(frozen=True)
class Relations:
    """What one notice's page shows of the others: the ones it amends, the ones that amend it,
    and the notices its revisions refer to by document number (document number -> URL segment)."""

    amends: tuple[Related, ...] = ()
    amended_by: tuple[Related, ...] = ()
    revision_links: tuple[tuple[str, str], ...] = field(default=())

    def link_of(self, number: str) -> str | None:
        return dict(self.revision_links).get(number)


def relations(notices: list[Any]) -> dict[str, Relations]:
    """Each notice's Relations, by URL segment (amendments.check has refused, at load time, names
    that match nothing)."""
    index = notices_by_name(notices)
    amends: dict[str, list[Related]] = {}
    amended_by: dict[str, list[Related]] = {}
    for notice in notices:  # newest first (the site's order): so are the lists
        for amendment in notice.amends:
            target = index.get(amendment.target)
            if target is None or target.slug == notice.slug:
                continue
            amends.setdefault(notice.slug, []).append(
                Related(amendment.kind, target.slug, target.number, target.title))
            amended_by.setdefault(target.slug, []).append(
                Related(amendment.kind, notice.slug, notice.number, notice.title))
    found = {}
    for notice in notices:
        links = tuple(sorted({(r.number, index[r.number].slug) for r in notice.revisions
                              if r.number and r.number in index and index[r.number].slug != notice.slug}))
        found[notice.slug] = Relations(tuple(amends.get(notice.slug, ())), tuple(amended_by.get(notice.slug, ())),
                                       links)
    return found


# An href or src of a tag in HTML made by Python-Markdown: raw HTML is escaped there (content.py),
# so "<" opens a real tag, and its serializer writes attribute values in double quotes with
# '"', '<' and '>' escaped.
_LINK_ATTRIBUTE = re.compile(r'(<(?:a|img)\s[^>]*?\b(?:href|src)=")([^"]*)(")')


def absolute_links(body_html: str, base: str) -> str:
    """The body's links and images made absolute against ``base`` (RFC 3986), for the feed:
    many feed readers ignore xml:base and resolve a relative link against the feed's own
    address, where ``attachment-1.html`` is not (issue 16). Text, not Markup: the feed escapes
    the HTML into its <content type="html">."""
    def absolute(m: re.Match) -> str:
        url = html.unescape(m[2])
        return m[1] + html.escape(urljoin(base, url), quote=True) + m[3]
    return _LINK_ATTRIBUTE.sub(absolute, body_html)


def listed_pages(pages: Iterable[Page]) -> list[str]:
    """The URLs (from the site's root) of the pages the sitemap lists besides the notices' own,
    which it lists with their dates: every page of no notice (the index and its pages, the archive
    and each year) but those marked ``noindex``. Taken from the pages written, so that a new kind
    of page is listed without anyone remembering to."""
    return [p.path.removesuffix("index.html") for p in pages
            if p.context.get("notice") is None and not p.context.get("noindex")]


@dataclass
class Pagination:
    number: int  # 1-based
    count: int
    first_href: str  # from the site's root
    prev_href: str | None
    next_href: str | None


def page_path(number: int) -> str:
    return "index.html" if number == 1 else f"page/{number}/index.html"


def index_pages(site: Site, listed: list[NoticeSummary]) -> list[Page]:
    """The notices, newest first, per_page a page: index.html, page/2/index.html, …"""
    per_page = site.config.per_page
    chunks = [listed[i:i + per_page] for i in range(0, len(listed), per_page)] or [[]]
    years = notice_years(site)
    pages = []
    for number, notices in enumerate(chunks, 1):
        pagination = Pagination(number, len(chunks), page_path(1),
                                page_path(number - 1) if number > 1 else None,
                                page_path(number + 1) if number < len(chunks) else None)
        pages.append(Page(page_path(number), "index.html", {"notices": notices, "pagination": pagination,
                                                           "years": years}))
    return pages


def notice_years(site: Site) -> list[tuple[int, int]]:
    """(year, number of notices), newest year first."""
    counts: dict[int, int] = {}
    for notice in site.notices:
        counts[notice.year] = counts.get(notice.year, 0) + 1
    return sorted(counts.items(), reverse=True)


def archive_pages(site: Site, listed: list[NoticeSummary]) -> list[Page]:
    years = notice_years(site)
    pages = [Page("archive/index.html", "archive.html", {"years": years, "year": None, "notices": []})]
    for year, _ in years:
        notices = [n for n in listed if n.year == year]
        pages.append(Page(f"archive/{year}/index.html", "archive.html",
                          {"years": years, "year": year, "notices": notices}))
    return pages


def summaries(notices: Iterable[Any]) -> list[NoticeSummary]:
    """What a list of notices is handed: summaries only (see NoticeSummary)."""
    return [NoticeSummary.of(n) for n in notices]


def attachment_page(notice: Notice, attachment: Attachment) -> Page:
    # The attachment by its number: its data is looked at when the page is rendered (a notice of
    # the load cache is then read from disk, and only if its page is made again).
    return Page(f"{notice.slug}/{attachment.slug}.html", f"attachments/{attachment.type}.html",
                {"notice": notice, "attachment_number": attachment.number})


def wechat_page(config: SiteConfig, notice: Notice) -> Page:
    """The notice as a WeChat article, beside its pages: its links are made absolute from the
    notice's address (base_url, which site.yaml must give), since the article is read away from
    the site."""
    return Page(f"{notice.slug}/{WECHAT_PAGE}", "wechat.html",
                {"notice": notice, "notice_url": notice_url(config, notice)})


WECHAT_PAGE = "wechat.html"


def attachment_extras(attachment: Attachment) -> dict:
    extras: dict = {}
    if isinstance(attachment.data, Schedule):
        extras["totals"] = schedule_totals(attachment.data)
    if isinstance(attachment.data, Procedure):  # drawn only if the template prints it
        extras["flow_svg"] = FlowDrawing(attachment.data, attachment.data.title or attachment.title)
    return extras


def page_values(config: SiteConfig, page: Page, extra: dict | None = None) -> dict:
    """Everything a page's template is handed, and nothing else: its key is made from these."""
    values = {"config": config, "root": page.root, "page_path": page.path, "page_url": page_url(config, page.path)}
    values.update(page.context)
    values.update(extra or {})
    return values


def page_url(config: SiteConfig, path: str) -> str:
    """The page's absolute address, as the sitemap and the feed give it (a folder's index.html as the folder)."""
    return config.base_url + (path[:-len("index.html")] if path.endswith("index.html") else path)


def render_page(env: jinja2.Environment, values: dict, template: str) -> str:
    """Renders a page from its values; a notice among them must be a whole model.Notice."""
    if values.get("notice") is not None:
        notice = values["notice"]
        if values.get("attachment_number") is not None:
            attachment = values["attachment"] = notice.attachments[values.pop("attachment_number") - 1]
            values.update(attachment_extras(attachment))
    return env.get_template(template).render(values)
