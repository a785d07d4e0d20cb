"""The site search index, built with Pagefind's command line on every build.

Pagefind (its extended binary segments Chinese) indexes the part of each built
page that carries ``data-pagefind-body`` (each notice and attachment), plus
records we add: one per branch office, leading to the directory filtered on
that office, and one per PDF with the text it prints. The index lives in
``pagefind/``, fetched by the search page from the same host only.

One index for the whole site (``pagefind/site/``): Pagefind scores a page
against the pages of its own index, so indexes per year gave scores on
different scales that the search page could not compare (issue 14).
``pagefind/bundles.json`` lists it (a list, so that the search page need not
know how many there are), with its keys.

Pagefind is run as its documented command line (``python -m pagefind``) on a
staging folder (in the memory folder, /dev/shm, when there is one with room;
else beside the index): each indexed page's ``data-pagefind-body`` part at the page's
own path, each record as a small page whose ``data-pagefind-meta`` gives its
URL and title, and every page a ``date`` meta and sort (newer notices win
ties). Each Chinese character of the staged text is a word of its own
(``split_han``, issue 14: Pagefind's segmenter and the browser's cut words
differently). The index is keyed on what is staged, not on the pages' bytes,
so a template edit outside the indexed part re-indexes nothing. What Pagefind wrote
is checked file by file (``verify_index``) before it is published; a bad
index is built once more, then the build fails naming the bad file.
"""
from __future__ import annotations

import contextlib
import fcntl
import functools
import gzip
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar
from urllib.parse import quote

from .cache import digest, write_atomic
from .children import even_slices, in_forked_slices, worth_forking
from .errors import BuildError, Problem
from .memos import Memos, NoticeMemos
from .model import Makeup, Notice, Site
from .paths import INDEX_DIR  # the index's folder in the output (also search.INDEX_DIR)

LANGUAGE = "zh-cn"
T = TypeVar("T")


@dataclass(frozen=True)
class Record:
    """A search result that is not an HTML page of its own."""

    url: str  # from the site's root, without a leading slash
    title: str
    content: str


def office_records_of(notice: Notice) -> list[Record]:
    records = []
    for attachment in notice.attachments:
        # the type first: a notice of the load cache is read from disk only if it has a directory
        if attachment.type != "directory" or not isinstance(attachment.data, Makeup):
            continue
        for office in attachment.data.directory.offices:
            records.append(Record(
                f"{notice.slug}/{attachment.slug}.html?q={quote(office.name)}",
                f"{office.name}（附件{attachment.number}：{attachment.title}）",
                # its aliases (data: spellings it is searched by, e.g. the right one of a typo) too
                " ".join([office.name, office.province, office.address, "电话", office.phone.display,
                          *office.aliases])))
    return records


def _notice_records_key(notice: Notice, memos: NoticeMemos) -> str:
    """What ``office_records_of`` gives for the notice, as a hash: worked out once and kept in the
    notice's summary memos (which the load cache keeps), so an unchanged notice is not read again."""
    key = "search_records"
    if key not in memos.summary:
        memos.summary[key] = digest([r.__dict__ for r in office_records_of(notice)])
    return memos.summary[key]


BUNDLES_FILE = "bundles.json"
SITE_BUNDLE = "site"  # the one index, pagefind/site/
# Pagefind's ready-made search interfaces: our search page has its own (search.js), so the
# index would otherwise carry 0.4 MB that nothing loads.
_UNUSED_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                 "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
# Where the records are staged (never published: each carries its own URL in its meta).
_RECORDS_DIR = "_noticesite_records"
# What the staged text becomes when it is written for Pagefind (split_han), in the index's key:
# an index made of the text as it was before is made again.
_WORDS = "han-characters-2"  # 2: pages keyed one by one
# Twice in all: a bad index is built once more, then the build fails (issue 14).
_ATTEMPTS = 2
_PAGEFIND_TIMEOUT = 1800.0  # seconds; the 1,000-notice archive takes about 10


@dataclass(frozen=True)
class Bundle:
    """One index of the search: the site's notices. The same key means the same pages and records
    (the key of what is staged from them, ``staged_key``, is worked out when it is indexed)."""

    name: str
    notices: tuple[Notice, ...]
    pdf_records: tuple[Record, ...]
    key: str
    pages: tuple[str, ...] = ()  # the HTML pages of its notices, from the site's root
    records_keys: tuple[str, ...] = ()  # the hash of each notice's records, from its memos

    def records(self) -> list[Record]:
        """Its records, gathered only when it is indexed (an unchanged notice is then not read)."""
        return [r for n in self.notices for r in office_records_of(n)] + list(self.pdf_records)


def bundles(site: Site, html_keys: dict[str, str], pdf_records: list[Record],
            memos: Memos | None = None) -> list[Bundle]:
    """The site's one bundle (none without a notice), keyed by its pages and records (``memos``:
    those of the site's notices as loaded, memos.py)."""
    memos = memos if memos is not None else Memos()
    if not site.notices:
        return []
    pages: dict[str, list[tuple[str, str]]] = {}
    for path, key in html_keys.items():
        pages.setdefault(path.split("/", 1)[0], []).append((path, key))
    pdfs: dict[str, list[Record]] = {}
    for record in pdf_records:
        pdfs.setdefault(record.url.split("/", 1)[0], []).append(record)
    notices = sorted(site.notices, key=lambda n: n.sort_key, reverse=True)
    records_keys = tuple(_notice_records_key(n, memos.of(n)) for n in notices)
    key = digest([(n.slug, n.sort_key[0].isoformat(), sorted(pages.get(n.slug, [])), records_key,
                   [r.__dict__ for r in pdfs.get(n.slug, [])]) for n, records_key in zip(notices, records_keys)])
    return [Bundle(SITE_BUNDLE, tuple(notices), tuple(r for n in notices for r in pdfs.get(n.slug, [])), key,
                   tuple(sorted(path for n in notices for path, _ in pages.get(n.slug, []))), records_keys)]


def index_key(parts: list[Bundle]) -> str:
    return digest([(b.name, b.key) for b in parts])


class IndexError_(Exception):
    """A file of a written index that is not whole: its path in the index, and why."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


def write_index(folder: Path, parts: list[Bundle], previous: Path | None, workers: int = 1) -> list[str]:
    """Writes folder/pagefind, one index per bundle. A bundle whose staged pages are those the
    index in ``previous``/pagefind was made of, and whose files there pass ``verify_index``, is
    taken from there (hard links; in place: left alone). Returns the names of the bundles indexed
    anew. Raises BuildError, naming the bad file, when Pagefind fails or writes a bad index twice.

    Each index is built beside the one it replaces, checked, and then renamed into its place:
    until then the old one stays whole and in use. The pages are read, keyed and staged by up to
    ``workers`` forked processes when there are enough of them to pay for the forks.
    """
    target = folder / INDEX_DIR
    old = previous / INDEX_DIR if previous else None
    recorded = _listing(old) if old else {}
    target.mkdir(exist_ok=True)
    built, staged_keys, page_counts = [], {}, {}
    for bundle in parts:
        pages, pages_key = stage_pages(folder, bundle, workers)
        # the records by their memoized key: an unchanged notice's directory is then not read
        staged_keys[bundle.name] = key = digest(_WORDS, pages_key, list(bundle.records_keys),
                                                [r.__dict__ for r in bundle.pdf_records])
        count = recorded.get("pages", {}).get(bundle.name)
        if (old is not None and recorded.get("staged", {}).get(bundle.name) == key and isinstance(count, int)
                and _whole(old / bundle.name, count)):
            page_counts[bundle.name] = count
            if old != target:
                shutil.rmtree(target / bundle.name, ignore_errors=True)
                shutil.copytree(old / bundle.name, target / bundle.name, copy_function=os.link)
            continue
        staged = {**pages, **stage_records(bundle)}
        page_counts[bundle.name] = len(staged)
        _build_checked(staged, target, bundle.name, workers)
        built.append(bundle.name)
    names = {b.name for b in parts}
    for entry in target.iterdir():  # bundles gone, and anything else (the indexes per year of before)
        if entry.name not in names and entry.name != BUNDLES_FILE:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    listing = {"bundles": [b.name for b in parts], "keys": {b.name: b.key for b in parts},
               "staged": staged_keys, "pages": page_counts}
    write_atomic(target / BUNDLES_FILE, json.dumps(listing, ensure_ascii=False, indent=1).encode())
    return built


def index_is(folder: Path, parts: list[Bundle]) -> bool:
    """Whether folder/pagefind is the index ``write_index`` would make of ``parts`` from it: the
    same bundles with the same keys, nothing else, and every file of each whole (``verify_index``),
    so that a damaged index is made again by the next build."""
    target = folder / INDEX_DIR
    listing = _listing(target)
    try:
        entries = {entry.name: entry.is_dir(follow_symlinks=False) for entry in os.scandir(target)}
    except OSError:
        return False
    names = [b.name for b in parts]
    if (listing.get("bundles") != names or listing.get("keys") != {b.name: b.key for b in parts}
            or entries != {BUNDLES_FILE: False, **{name: True for name in names}}):
        return False
    pages = listing.get("pages", {})
    return all(isinstance(pages.get(name), int) and _whole(target / name, pages[name]) for name in names)


def _listing(index: Path) -> dict[str, Any]:
    try:
        listing = json.loads((index / BUNDLES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # none, or not ours: every bundle is indexed anew
    return listing if isinstance(listing, dict) else {}


def _whole(index: Path, pages: int) -> bool:
    try:
        verify_index(index, pages)
    except IndexError_:
        return False
    return True


# ---- staging: what Pagefind is given ----------------------------------------------------------

_BODY = re.compile(rb"<([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*\sdata-pagefind-body\b[^>]*>")
_NOT_INDEXED_ATTRIBUTES = re.compile(rb"""\s(?:class|style)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""")
_PAGE_START = b'<!DOCTYPE html><html lang="zh-cn"><head><meta charset="utf-8"></head><body>'
_PAGE_END = b"</body></html>\n"


def _dates(bundle: Bundle) -> dict[str, str]:
    return {n.slug: n.sort_key[0].isoformat() for n in bundle.notices}


def stage_records(bundle: Bundle) -> dict[str, bytes]:
    """A page under ``_RECORDS_DIR`` for each record, with its notice's date as meta and sort."""
    dates = _dates(bundle)
    return {f"{_RECORDS_DIR}/{number}.html": _record_page(record, dates.get(record.url.split("/", 1)[0], ""))
            for number, record in enumerate(bundle.records())}


def stage_pages(folder: Path, bundle: Bundle, workers: int = 1) -> tuple[dict[str, bytes], str]:
    """A page (its path from the site's root: the result's URL) for each page of the bundle's
    notices that Pagefind would index, reduced to the part it indexes, with its notice's date as
    meta and sort; and the key of them all (``staged_key``)."""
    dates = _dates(bundle)
    found = _in_workers(functools.partial(_staged_slice, folder, dates), list(bundle.pages), workers)
    if not any(part is not None for part, _ in found.values()):  # no page marks its body: each indexed whole
        found = {path: _staged(_page(page, dates.get(path.split("/", 1)[0], ""))) for path in bundle.pages
                 if (page := _read_page(folder / path)) is not None}
    staged = {path: page for path, (page, _) in found.items() if page is not None}
    return staged, staged_key({path: key for path, (page, key) in found.items() if page is not None})


def _staged_slice(folder: Path, dates: dict[str, str], paths: list[str]) -> dict[str, tuple[bytes | None, str]]:
    """Each page of ``paths`` that exists, staged and keyed; None for one with no indexed part."""
    found: dict[str, tuple[bytes | None, str]] = {}
    for path in paths:
        page = _read_page(folder / path)
        if page is None:
            continue
        part = indexed_part(page)
        found[path] = _staged(_page(part, dates.get(path.split("/", 1)[0], ""))) if part is not None else (None, "")
    return found


def _read_page(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _staged(page: bytes) -> tuple[bytes, str]:
    """A staged page and its key: its bytes without the attributes Pagefind does not read (class,
    style), so that a template edit that changes no indexed text keeps the index."""
    return page, hashlib.sha256(_NOT_INDEXED_ATTRIBUTES.sub(b"", page)).hexdigest()


def indexed_part(page: bytes) -> bytes | None:
    """The element of ``page`` that carries ``data-pagefind-body``, as Pagefind reads it; the whole
    page when some other element carries a ``data-pagefind-`` attribute (Pagefind reads metadata
    and filters anywhere on a page); None when no element does (Pagefind then skips the page)."""
    start = _BODY.search(page)
    if start is None:
        return None
    tag = re.escape(start.group(1))
    depth, end = 1, len(page)
    for match in re.finditer(rb"<(/?)" + tag + rb"\b[^>]*>", page[start.end():], re.IGNORECASE):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            end = start.end() + match.end()
            break
    if b"data-pagefind-" in page[:start.start()] or b"data-pagefind-" in page[end:]:
        return page
    return page[start.start():end]


def _page(part: bytes, date: str) -> bytes:
    # the date as a meta (the search page orders ties by it) and a sort (Pagefind's own sorting)
    stamp = (f'<span data-pagefind-meta="date:{date}" data-pagefind-sort="date:{date}"></span>'.encode()
             if date else b"")
    if part.lstrip()[:2].lower() == b"<!" or part.lstrip()[:5].lower() == b"<html":
        return part  # a whole page (see indexed_part): as it is
    return _PAGE_START + stamp + part + _PAGE_END


# ---- Chinese text: one word per character ------------------------------------------------------
# Pagefind's extended build cuts Chinese text into words with ICU4X's dictionary when it indexes,
# and a query with the browser's Intl.Segmenter (Chromium's ICU, another dictionary) when it
# searches; each piece of the query must then begin a word of the page. The two disagree on words
# neither knows (四六级 is indexed 四六|级, typed 四|六|级; 考务科 is 考务|科, typed 考|务|科), and a
# character inside an indexed word (务 of 考务) begins none: issue 14. So each Chinese character is
# made a word of its own: a zero-width space between two of them, where Unicode's word breaking
# (UAX #29: U+200B is not a Format character) ends a word and Pagefind's indexer takes it out of
# the words (it puts one between the words of its excerpts itself: the text shown is unchanged).
# The search page types the query the same way (search.js, HAN there is this class) and asks for
# the characters as a phrase: every run of characters as written is found. Done as the staged pages
# are written for Pagefind, when an index is made (not when its key is worked out, at every build).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# two or more in a row, in the text between tags (the templates escape < and > in attribute
# values): the markup is split off first, so each run is found in one pass, never by looking ahead
# to the next tag from every run (quadratic in a long paragraph)
_HAN_RUN = re.compile(f"[{HAN}]{{2,}}")
_TAG = re.compile(r"(<[^>]*>)")
# an element whose text is not the page's words (script, style, title), or may be a value
_MAYBE_KEPT = re.compile(r"<(script|style|title|textarea)\b[^>]*>"
                         r"|<([a-zA-Z][a-zA-Z0-9-]*)\b([^>]*\sdata-pagefind-(?:meta|filter|sort)\s*=[^>]*)>",
                         re.IGNORECASE)
_TEXT_READ = re.compile(r"""\sdata-pagefind-(?:meta|filter|sort)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def split_han(part: bytes) -> bytes:
    """``part`` with a zero-width space between each two Chinese characters of its text, except
    where the text is not indexed as words: in script, style and title, and in an element whose
    text Pagefind reads as a metadata, filter or sort value (``data-pagefind-meta="title"``; not
    ``"date:…"`` or ``"pdf[href]"``), which stays as written. Markup is left as it is."""
    if part.isascii():
        return part
    text = part.decode("utf-8", "surrogateescape")
    out, at = [], 0
    for start, end in _kept(text):
        out += [_apart_in_text(text[at:start]), text[start:end]]
        at = end
    out.append(_apart_in_text(text[at:]))
    return "".join(out).encode("utf-8", "surrogateescape")


def _apart_in_text(html: str) -> str:
    pieces = _TAG.split(html)  # text, tag, text, …, text
    pieces[::2] = [_HAN_RUN.sub(_apart, text) if text else text for text in pieces[::2]]
    return "".join(pieces)


def _apart(run: re.Match[str]) -> str:
    return "\u200b".join(run.group())


def _kept(text: str) -> list[tuple[int, int]]:
    """Where the elements of ``text`` are whose text stays as written: from each one's start tag
    to the end of its end tag (or of ``text``, if it is not closed), in order."""
    kept: list[tuple[int, int]] = []
    at = 0
    while (tag := _MAYBE_KEPT.search(text, at)) is not None:
        name = (tag.group(1) or tag.group(2)).lower()
        if tag.group(1) is None and not _reads_text(tag.group(3)) or name in _VOID or tag.group(0).endswith("/>"):
            at = tag.end()
            continue
        depth, end = 1, len(text)
        for other in re.finditer(r"<(/?)" + re.escape(name) + r"\b[^>]*>", text[tag.end():], re.IGNORECASE):
            depth += -1 if other.group(1) else 1
            if depth == 0:
                end = tag.end() + other.end()
                break
        kept.append((tag.start(), end))
        at = end
    return kept


def _reads_text(attributes: str) -> bool:
    """Whether a ``data-pagefind-meta``/``-filter``/``-sort`` of these attributes takes its value
    from the element's text: a key without ``:value`` or ``[attribute]`` (Pagefind's syntax)."""
    for match in _TEXT_READ.finditer(attributes):
        for key in (match.group(1) or match.group(2) or "").split(","):
            if key.strip() and ":" not in key and "[" not in key:
                return True
    return False


def _record_page(record: Record, date: str) -> bytes:
    """A record as a page whose meta gives its URL (Pagefind's result takes ``meta.url`` over the
    page's own: "Overriding the URL of a result") and title; its text is its content only."""
    attr = html.escape
    url = "/" + record.url
    body = (f'<main data-pagefind-body data-pagefind-meta="url[data-url], title[data-title]" '
            f'data-url="{attr(url)}" data-title="{attr(record.title)}">'
            f"<p>{attr(record.content)}</p></main>")
    return _page(body.encode(), date)


def staged_key(page_keys: dict[str, str]) -> str:
    """The key of an index, from the key of each staged page by its path (``_staged``)."""
    return digest(sorted(page_keys.items()))


# ---- forked workers: the pages of a large site read and staged on every core ---------------------

_PARALLEL_PAGES = 500  # fewer are read and staged in the build's own process: the forks would cost more


def _in_workers(work: Callable[[list[str]], dict[str, T]], items: list[str], workers: int) -> dict[str, T]:
    """``work`` over ``items``, merged; in forked workers when it is worth it (the preview indexes
    in a thread of its own: it never forks)."""
    if not worth_forking(workers, len(items), _PARALLEL_PAGES):
        return work(items)
    merged: dict[str, T] = {}
    for part in in_forked_slices(work, even_slices(items, 2 * workers), workers):
        merged.update(part)
    return merged


# ---- building: Pagefind's command line, then the check -----------------------------------------


def _build_checked(staged: dict[str, bytes], target: Path, name: str, workers: int = 1) -> None:
    """Index ``staged`` into target/name, built beside it and checked; built twice at most."""
    work = target / f".{name}-{os.getpid()}-{threading.get_ident()}"
    building = Path(f"{work}.tmp")
    try:
        for attempt in range(1, _ATTEMPTS + 1):
            shutil.rmtree(building, ignore_errors=True)
            with staged_in_scratch(staged, Path(f"{work}.stage"), workers) as site:
                try:
                    run_pagefind(site, building)
                except (OSError, subprocess.SubprocessError) as exc:
                    raise _problem(f"{INDEX_DIR}/{name}", f"Pagefind failed: {_failure(exc)}") from exc
            for unused in _UNUSED_FILES:
                with contextlib.suppress(FileNotFoundError):
                    (building / unused).unlink()
            try:
                verify_index(building, len(staged))
                break
            except IndexError_ as bad:
                if attempt == _ATTEMPTS:
                    raise _problem(f"{INDEX_DIR}/{name}/{bad.path}",
                                   f"Pagefind wrote a bad search index file, {_ATTEMPTS} times: {bad.reason}; "
                                   "nothing was published") from bad
        _replace_folder(building, target / name)
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _problem(path: str, message: str) -> BuildError:
    return BuildError([Problem(path, 0, 0, f"site search: {message}")])


def _write_staged(site: Path, staged: dict[str, bytes], workers: int) -> None:
    """Each staged page written into ``site`` as Pagefind is to read it (``split_han``: only now,
    so that the index's key is of the pages as staged).

    Pagefind's index depends on the order it finds the pages in, which is the order the folder
    lists them in: on tmpfs, the order they were made in (newest first). So every folder and
    file is made here, in the order of their paths, before any is filled (by forked workers, in
    any order): the same pages make the same index, whatever order they were staged in and
    whichever build (clean or incremental) staged them."""
    paths = sorted(staged)
    for path in paths:
        os.makedirs(site / os.path.dirname(path), exist_ok=True)
        (site / path).touch(exist_ok=False)
    _in_workers(functools.partial(_write_slice, site, staged), paths, workers)


def _write_slice(site: Path, staged: dict[str, bytes], paths: list[str]) -> dict[str, None]:
    for path in paths:
        with open(site / path, "r+b") as page:  # made by _write_staged: filled, not made again
            page.write(split_han(staged[path]))
    return {}


# ---- the staging folder: in memory where the machine has a memory-backed folder -------------------
# Pagefind reads the staged pages once and they are thrown away: on a disk that has just been
# given the tens of thousands of files of a built site, creating 3,000 more cost 0.9 s of a
# 1,000-notice build (0.04 s in /dev/shm, measured in the same run). Staged in /dev/shm, a
# build killed half-way leaves its folder outside output/: each is locked (flock) while its build
# lives, and the next build removes any that no build holds.

MEMORY_FOLDER = Path("/dev/shm")
SCRATCH_PREFIX = "noticesite-search-"
_MEMORY_SHARE = 4  # staged text may take at most a quarter of the memory folder's free space
_LEFTOVER_AGE = 60.0  # seconds: a folder younger than this may be one just made, not yet locked


@contextlib.contextmanager
def staged_in_scratch(staged: dict[str, bytes], fallback: Path, workers: int) -> Iterator[Path]:
    """A folder with ``staged`` written into it (``_write_staged``), removed on leaving: in the
    memory folder when there is one with room, else (or when it fills up meanwhile, as another
    build or program may make it do) ``fallback``, beside the index in output/."""
    # each page may gain a zero-width space (3 bytes) per 3-byte character; tmpfs takes a page a file
    size = 2 * sum(map(len, staged.values())) + 4096 * len(staged)
    with scratch_folder(fallback, size) as folder:
        in_memory = folder != fallback
        try:
            _write_staged(folder, staged, workers)
        except OSError:
            if not in_memory:
                raise
        else:
            yield folder
            return
    with scratch_folder(fallback, size, memory=False) as folder:
        _write_staged(folder, staged, workers)
        yield folder


@contextlib.contextmanager
def scratch_folder(fallback: Path, size: int, memory: bool = True) -> Iterator[Path]:
    """A new, empty folder for ``size`` bytes of staged pages, removed on leaving: in the memory
    folder when there is one with room for them (and ``memory``), else ``fallback`` (beside the
    index, in output/)."""
    remove_leftovers(MEMORY_FOLDER)
    folder, lock = _memory_folder(size) if memory else None, None
    if folder is None:
        shutil.rmtree(fallback, ignore_errors=True)
        fallback.mkdir(parents=True)
        folder = fallback
    else:
        lock = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(lock, fcntl.LOCK_EX)  # held while this build lives: not a leftover
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if lock is not None:
            os.close(lock)


def _memory_folder(size: int) -> Path | None:
    try:
        room = shutil.disk_usage(MEMORY_FOLDER).free
        if not (MEMORY_FOLDER.is_dir() and os.access(MEMORY_FOLDER, os.W_OK)) or size * _MEMORY_SHARE > room:
            return None
        return Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=MEMORY_FOLDER))
    except OSError:
        return None


def remove_leftovers(memory: Path) -> list[Path]:
    """Removes the staging folders in ``memory`` that no living build holds (a killed build's)."""
    removed: list[Path] = []
    try:
        entries = [e for e in os.scandir(memory) if e.name.startswith(SCRATCH_PREFIX)]
    except OSError:
        return removed
    for entry in entries:
        try:
            if time.time() - entry.stat(follow_symlinks=False).st_mtime < _LEFTOVER_AGE or not entry.is_dir(
                    follow_symlinks=False):
                continue
            held = os.open(entry.path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a living build's
        else:
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
        finally:
            os.close(held)
    return removed


def run_pagefind(site: Path, output: Path) -> None:
    """Pagefind's command line (the binary the pinned ``pagefind[extended]`` package ships, run as
    ``python -m pagefind``) on the staged ``site``, writing its index into ``output``. It ends once
    its files are written; raises CalledProcessError (with its output) when it fails. The seam
    tests replace to make the writer produce a bad file."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(output),
               "--force-language", LANGUAGE, "--quiet"]
    done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=_PAGEFIND_TIMEOUT)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).decode("utf-8", "replace").strip().splitlines()[-5:]
        raise subprocess.CalledProcessError(done.returncode, "pagefind", " / ".join(tail))


def _failure(exc: OSError | subprocess.SubprocessError) -> str:
    """Why Pagefind's command line gave no index, in words (its last lines of output, if any)."""
    if isinstance(exc, subprocess.CalledProcessError):
        said = f": {exc.output}" if exc.output else ""
        return f"its command line ended with exit code {exc.returncode}{said}"
    if isinstance(exc, subprocess.TimeoutExpired):
        return f"its command line did not finish within {exc.timeout:g} s"
    return f"its command line could not run: {exc}"


def _replace_folder(new: Path, target: Path) -> None:
    retired = target.with_name(new.name + ".old")
    if target.exists():
        os.rename(target, retired)
    os.rename(new, target)
    shutil.rmtree(retired, ignore_errors=True)


# ---- the check of a written index ----------------------------------------------------------------

# What each of Pagefind's own files begins with, once decompressed (observed in 1.5: the index,
# its fragments, filters and metadata, and its WebAssembly, are gzip of this and then CBOR/wasm).
PAGEFIND_SIGNATURE = b"pagefind_dcd"
_EXPORTS = re.compile(rb"export\{[^}]*\bsearch\b[^}]*\};?\s*$")
_WORKER_END = b'addEventListener("message"'


def verify_index(index: Path, pages: int) -> None:
    """Raises IndexError_ naming the first file of the index in ``index`` that is not whole: the
    entry file (pagefind-entry.json) must parse and count ``pages`` pages; every file it names (the
    metadata and WebAssembly of each language) and every file the metadata names (each index chunk,
    page fragment and filter) must exist, be non-empty, decompress (gzip) to its end and begin with
    Pagefind's signature; the metadata must list ``pages`` pages; the scripts must be whole."""
    entry_path = "pagefind-entry.json"
    entry = _json(index, entry_path)
    languages = entry.get("languages") if isinstance(entry, dict) else None
    if not isinstance(languages, dict):
        raise IndexError_(entry_path, "has no languages")
    counted = 0
    for language in languages.values():
        if not isinstance(language, dict) or not isinstance(language.get("hash"), str):
            raise IndexError_(entry_path, "names a language without its hash")
        count = language.get("page_count")
        counted += count if isinstance(count, int) else 0
        meta_path = f"pagefind.{language['hash']}.pf_meta"
        meta = _decoded(index, meta_path)
        _packed(index, f"wasm.{language.get('wasm') or 'unknown'}.pagefind")
        listed = _meta_files(meta, meta_path)
        if len(listed["fragment"]) != count:
            raise IndexError_(meta_path, f"lists {len(listed['fragment'])} pages, the entry file {count}")
        for kind, ending in (("fragment", "pf_fragment"), ("index", "pf_index"), ("filter", "pf_filter")):
            for name in listed[kind]:
                _packed(index, f"{kind}/{name}.{ending}")
    if counted != pages:
        raise IndexError_(entry_path, f"counts {counted} pages, {pages} were indexed")
    if not _EXPORTS.search(_read(index, "pagefind.js")):
        raise IndexError_("pagefind.js", "is cut short (it does not end with its exports)")
    worker = _read(index, "pagefind-worker.js").rstrip()
    if not (worker.endswith(b"})();") and _WORKER_END in worker[-400:]):
        raise IndexError_("pagefind-worker.js", "is cut short (it does not end with its message handler)")


def _read(index: Path, path: str) -> bytes:
    try:
        data = (index / path).read_bytes()
    except FileNotFoundError:
        raise IndexError_(path, "is missing") from None
    except OSError as exc:
        raise IndexError_(path, f"cannot be read ({exc.strerror})") from None
    if not data:
        raise IndexError_(path, "is empty")
    return data


def _json(index: Path, path: str) -> Any:
    try:
        return json.loads(_read(index, path))
    except ValueError:
        raise IndexError_(path, "does not parse (cut short?)") from None


def _decoded(index: Path, path: str) -> Any:
    data = _packed(index, path)
    try:
        return _cbor(data, len(PAGEFIND_SIGNATURE))[0]
    except (ValueError, IndexError, UnicodeDecodeError):
        raise IndexError_(path, "does not parse") from None


def _packed(index: Path, path: str) -> bytes:
    """The decompressed content of one of Pagefind's gzip files, checked."""
    try:
        data = gzip.decompress(_read(index, path))
    except (OSError, EOFError, zlib.error):
        raise IndexError_(path, "does not decompress (cut short?)") from None
    if not data.startswith(PAGEFIND_SIGNATURE):
        raise IndexError_(path, "is not one of Pagefind's files (no signature)")
    return data


def _meta_files(meta: Any, path: str) -> dict[str, list[str]]:
    """The names of the files Pagefind's metadata lists: [version, pages [[hash, words]...],
    index chunks [[from, to, hash]...], filters [[name, hash]...], ...]."""
    try:
        pages, chunks, filters = meta[1], meta[2], meta[3]
        listed = {"fragment": [p[0] for p in pages], "index": [c[-1] for c in chunks],
                  "filter": [f[-1] for f in filters]}
    except (TypeError, IndexError, KeyError):
        raise IndexError_(path, "does not have Pagefind's layout") from None
    for names in listed.values():
        if not all(isinstance(n, str) and re.fullmatch(r"[\w.-]+", n) for n in names):
            raise IndexError_(path, "names a file that is not a plain name")
    return listed


def _cbor(data: bytes, at: int) -> tuple[Any, int]:
    """One CBOR item (RFC 8949, definite lengths: what Pagefind writes) from ``data`` at ``at``;
    returns it and where it ends. Raises IndexError or ValueError when the data is cut short."""
    first = data[at]
    major, info = first >> 5, first & 31
    at += 1
    if major == 7:
        sizes = {20: 0, 21: 0, 22: 0, 23: 0, 25: 2, 26: 4, 27: 8}
        if info not in sizes:
            raise ValueError("unsupported simple value")
        if at + sizes[info] > len(data):
            raise ValueError("cut short")
        return None, at + sizes[info]
    if info < 24:
        value = info
    elif info <= 27:
        size = 1 << (info - 24)
        if at + size > len(data):
            raise ValueError("cut short")
        value, at = int.from_bytes(data[at:at + size], "big"), at + size
    else:
        raise ValueError("indefinite length")
    if major in (0, 1):
        return (value if major == 0 else -1 - value), at
    if major in (2, 3):
        if at + value > len(data):
            raise ValueError("cut short")
        raw = data[at:at + value]
        return (raw.decode() if major == 3 else raw), at + value
    if major == 4:
        items = []
        for _ in range(value):
            item, at = _cbor(data, at)
            items.append(item)
        return items, at
    if major == 5:
        mapping = {}
        for _ in range(value):
            k, at = _cbor(data, at)
            v, at = _cbor(data, at)
            mapping[str(k)] = v
        return mapping, at
    return _cbor(data, at)  # 6: a tag, then its item
