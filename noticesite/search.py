"""The site search index, built with Pagefind on every build.

Pagefind (its extended binary segments Chinese) indexes the built HTML pages
that carry ``data-pagefind-body`` (each notice and attachment), plus records
we add: one per branch office, leading to the directory filtered on that
office, and one per PDF with the text it prints. The index lives in
``pagefind/``, fetched by the search page from the same host only.

It is made of one Pagefind index per year of notices (``pagefind/2012/``, ...),
which the search page merges, so that an edit re-indexes one year, not the
archive. ``pagefind/bundles.json`` lists them, newest first, with their keys.
"""
from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import shutil
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from urllib.parse import quote

from .cache import digest, write_atomic
from .errors import BuildError, Problem
from .model import Makeup, Notice, Site

INDEX_DIR = "pagefind"
LANGUAGE = "zh-cn"


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
                f"{office.name} {office.province} {office.address} 电话 {office.phone.display}"))
    return records


def _notice_records_key(notice: Notice) -> str:
    """What ``office_records_of`` gives for the notice, as a hash: worked out once and kept in the
    notice's memo (which the load cache keeps), so an unchanged notice is not read again."""
    key = ("search_records",)
    if key not in notice.derived:
        notice.derived[key] = digest([r.__dict__ for r in office_records_of(notice)])
    return notice.derived[key]


BUNDLES_FILE = "bundles.json"
# Pagefind's ready-made search interfaces: our search page has its own (search.js), so each
# year's index would otherwise carry 0.4 MB that nothing loads.
_UNUSED_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                 "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


@dataclass(frozen=True)
class Bundle:
    """One index of the search: the notices of a year. The same key means the same index."""

    name: str  # the year
    notices: tuple[Notice, ...]
    pdf_records: tuple[Record, ...]
    key: str

    def records(self) -> list[Record]:
        """Its records, gathered only when it is indexed (an unchanged notice is then not read)."""
        return [r for n in self.notices for r in office_records_of(n)] + list(self.pdf_records)


def bundles(site: Site, html_keys: dict[str, str], pdf_records: list[Record]) -> list[Bundle]:
    """One bundle per year of notices, newest first; each keyed by its pages and records."""
    pages: dict[str, list[tuple[str, str]]] = {}
    for path, key in html_keys.items():
        pages.setdefault(path.split("/", 1)[0], []).append((path, key))
    pdfs: dict[str, list[Record]] = {}
    for record in pdf_records:
        pdfs.setdefault(record.url.split("/", 1)[0], []).append(record)
    by_year: dict[int, list[Notice]] = {}
    for notice in site.notices:
        by_year.setdefault(notice.year, []).append(notice)
    result = []
    for year, notices in sorted(by_year.items(), reverse=True):
        key = digest([(n.slug, sorted(pages.get(n.slug, [])), _notice_records_key(n),
                       [r.__dict__ for r in pdfs.get(n.slug, [])]) for n in notices])
        result.append(Bundle(str(year), tuple(notices), tuple(r for n in notices for r in pdfs.get(n.slug, [])), key))
    return result


def index_key(parts: list[Bundle]) -> str:
    return digest([(b.name, b.key) for b in parts])


def write_index(folder: Path, parts: list[Bundle], previous: Path | None) -> list[str]:
    """Writes folder/pagefind, one index per bundle. A bundle whose key is the one recorded in
    ``previous``/pagefind is taken from there (in place: left alone), and its records are then
    not gathered. Returns the names of the bundles indexed anew.

    Each index is built beside the one it replaces and then renamed into its place: until
    then the old one stays whole and in use, and if Pagefind fails it is what remains.
    """
    target = folder / INDEX_DIR
    old = previous / INDEX_DIR if previous else None
    old_keys = _recorded_keys(old) if old else {}
    target.mkdir(exist_ok=True)
    todo: list[tuple[Bundle, Path]] = []
    for bundle in parts:
        if old is not None and old_keys.get(bundle.name) == bundle.key and (old / bundle.name).is_dir():
            if old != target:
                shutil.copytree(old / bundle.name, target / bundle.name, copy_function=os.link)
            continue
        todo.append((bundle, target / f".{bundle.name}-{os.getpid()}-{threading.get_ident()}.tmp"))
    for _, building in todo:
        shutil.rmtree(building, ignore_errors=True)
    try:
        _run(_build_each([(folder, building, bundle.records(), _pages_of(bundle)) for bundle, building in todo]))
    except Exception as exc:  # the Pagefind service is another process: report, don't crash
        for _, building in todo:
            shutil.rmtree(building, ignore_errors=True)
        raise BuildError([Problem("output", 0, 0, f"site search: Pagefind failed: {exc}")]) from exc
    for bundle, building in todo:
        for name in _UNUSED_FILES:
            with contextlib.suppress(FileNotFoundError):
                (building / name).unlink()
        _replace_folder(building, target / bundle.name)
    built = [bundle.name for bundle, _ in todo]
    names = {b.name for b in parts}
    for entry in target.iterdir():  # years gone, and anything else (an index of an older layout)
        if entry.name not in names and entry.name != BUNDLES_FILE:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    listing = {"bundles": [b.name for b in parts], "keys": {b.name: b.key for b in parts}}
    write_atomic(target / BUNDLES_FILE, json.dumps(listing, ensure_ascii=False, indent=1).encode())
    return built


def index_is(folder: Path, parts: list[Bundle]) -> bool:
    """Whether folder/pagefind is the index ``write_index`` would make of ``parts`` from it: the
    same bundles with the same keys, and nothing else."""
    target = folder / INDEX_DIR
    try:
        listing = json.loads((target / BUNDLES_FILE).read_text(encoding="utf-8"))
        entries = {entry.name: entry.is_dir(follow_symlinks=False) for entry in os.scandir(target)}
    except (OSError, ValueError):
        return False
    names = [b.name for b in parts]
    return (listing == {"bundles": names, "keys": {b.name: b.key for b in parts}}
            and entries == {BUNDLES_FILE: False, **{name: True for name in names}})


def _recorded_keys(index: Path) -> dict[str, str]:
    try:
        keys = json.loads((index / BUNDLES_FILE).read_text(encoding="utf-8"))["keys"]
        return {str(name): str(key) for name, key in keys.items()}
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        return {}  # none, or not ours: every bundle is indexed anew


def _pages_of(bundle: Bundle) -> str:
    """A glob (Pagefind's, from the site's root) of the pages of the bundle's notices."""
    folders = ",".join(re.sub(r"([\\*?\[\]{}<>:,!#])", r"\\\1", n.slug) for n in bundle.notices)
    return f"{{{folders}}}/**/*.html"


def _replace_folder(new: Path, target: Path) -> None:
    retired = target.with_name(new.name + ".old")
    if target.exists():
        os.rename(target, retired)
    os.rename(new, target)
    shutil.rmtree(retired, ignore_errors=True)


def _run(coroutine) -> None:
    """asyncio.run, also when the caller already runs an event loop (a notebook, a test browser)."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(coroutine)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coroutine).result()


def _without_poll_delay() -> None:
    """Pagefind's Python service sleeps 0.1 s before reading each reply from its binary
    (pagefind 1.5 ``_wait_for_responses``): 100 ms per record, 3 s for the example's 30
    offices. The read that follows already waits for data, so the sleep is dropped, in
    that module only."""
    import asyncio
    import types

    import pagefind.service as service

    if getattr(service.asyncio, "_noticesite", False):
        return
    real_sleep = asyncio.sleep

    async def no_wait(delay: float, result=None):
        return await real_sleep(0, result)

    patched = types.SimpleNamespace(**{k: getattr(asyncio, k) for k in dir(asyncio) if not k.startswith("__")})
    patched.sleep, patched._noticesite = no_wait, True
    service.asyncio = patched  # type: ignore[assignment]  # a stand-in for the module, on purpose


# One index to build: the site's folder, the index's folder, its records, the glob of its pages.
Job = tuple[Path, Path, list[Record], str]
# The binary keeps every index it has built until it ends (about 12 MB for a year of 70
# notices, over 90 MB for the process): a process builds at most this many, then a new one starts.
_JOBS_PER_PROCESS = 4


async def _build_each(jobs: list[Job], at_once: int | None = None) -> None:
    """Every job, shared among as many Pagefind processes at a time as there are cores, each taking
    the next job when done with one: the binary loads its Chinese dictionary once per process (a
    third of a second, against about 2.5 ms per page), not once per year. Raises the first failure
    once every process has ended."""
    import asyncio

    queue = list(jobs)

    def taken(mine: list[Job]):
        while queue and len(mine) < _JOBS_PER_PROCESS:
            mine.append(queue.pop(0))
            yield mine[-1]

    async def one_process() -> None:
        while queue:
            mine: list[Job] = []
            await _build(taken(mine))
            await _rebuild_cut(mine)

    processes = min(at_once or os.cpu_count() or 1, len(queue))
    for outcome in await asyncio.gather(*(one_process() for _ in range(processes)), return_exceptions=True):
        if isinstance(outcome, BaseException):
            raise outcome


# The binary reports "files written" once each write is handed to a background thread, and a
# process that exits loses what those threads had not written yet: even ending it by closing its
# input (_stop) left pagefind.js cut at 32 KiB, rarely (CI, session 4). So each index is checked
# once its process has ended, and built again when a file is cut short.
_ATTEMPTS = 3
_EXPORTS = re.compile(rb"export\{[^}]*\bsearch\b[^}]*\};?\s*$")


async def _rebuild_cut(jobs: list[Job]) -> None:
    """Build again, in a new process, the indexes of ``jobs`` that have a file cut short, until
    none has (``_ATTEMPTS`` builds in all)."""
    for _ in range(_ATTEMPTS - 1):
        jobs = [job for job in jobs if _incomplete_files(job[1])]
        if not jobs:
            return
        for job in jobs:
            shutil.rmtree(job[1], ignore_errors=True)
        await _build(jobs)
    for job in jobs:
        if files := _incomplete_files(job[1]):
            raise RuntimeError(f"the Pagefind binary left {', '.join(files[:3])} cut short, {_ATTEMPTS} times")


def _incomplete_files(index: Path) -> list[str]:
    """The files of a written index that are cut short: compressed files that do not decompress
    to their end, JSON that does not parse, scripts that stop mid-statement (pagefind.js without
    its exports)."""
    cut = []
    for path in sorted(index.rglob("*")):
        if not path.is_file() or path.name in _UNUSED_FILES:
            continue
        data = path.read_bytes()
        try:
            if data[:2] == b"\x1f\x8b":
                gzip.decompress(data)
                continue
            if path.suffix == ".json":
                json.loads(data)
                continue
        except (OSError, EOFError, ValueError, zlib.error):
            cut.append(path.relative_to(index).as_posix())
            continue
        if path.suffix == ".js" and not (data.rstrip().endswith((b";", b"}", b")"))
                                         and (path.name != "pagefind.js" or _EXPORTS.search(data))):
            cut.append(path.relative_to(index).as_posix())
    return cut


async def _build(jobs: Iterable[Job]) -> None:
    """Index each job's pages (those under its site folder that its glob matches) and records
    into its index folder, one after the other, in one Pagefind process; then let the process
    end, which is when its writes are over (see ``_stop``)."""
    import asyncio

    from pagefind.service import PagefindService

    _without_poll_delay()
    service = await PagefindService().launch()
    try:
        # The library waits for each answer without watching the binary: if the binary dies,
        # no answer ever comes. So the work races the binary's exit.
        work = asyncio.ensure_future(_index_each(service, jobs))
        ended = asyncio.ensure_future(service._backend.wait())
        await asyncio.wait({work, ended}, return_when=asyncio.FIRST_COMPLETED)
        if not work.done():
            work.cancel()
            raise RuntimeError(f"the Pagefind binary ended early (exit code {ended.result()})")
        ended.cancel()
        work.result()
    finally:
        await _stop(service)


async def _index_each(service, jobs: Iterable[Job]) -> None:
    for job in jobs:
        await _index(service, *job)


async def _index(service, site: Path, index: Path, records: list[Record], pages: str) -> None:
    import asyncio

    from pagefind.index import IndexConfig

    pagefind = await service.create_index(IndexConfig(force_language=LANGUAGE, output_path=str(index)))
    await pagefind.add_directory(str(site), glob=pages)
    await asyncio.gather(*(pagefind.add_custom_record(url="/" + record.url, content=record.content,
                                                       language=LANGUAGE, meta={"title": record.title})
                           for record in records))
    await pagefind.write_files()


async def _stop(service, timeout: float = 60.0) -> None:
    """Let the Pagefind binary end on its own, and report how it ended.

    The library's own close() terminates the binary as soon as "files written" arrives, but the
    binary answers once each write is handed to a background thread (tokio's File), not once it is
    done: a killed binary left pagefind.js cut at 32 KiB. Closing its input lets it end cleanly,
    which makes that rarer but does not rule it out (``_rebuild_cut`` checks the files).
    """
    import asyncio

    backend = service._backend
    service._poll_task.cancel()  # every answer has arrived; the poll would fail at end of output
    if backend.returncode is not None:
        return  # it ended already (reported by _build)
    backend.stdin.close()
    try:
        code = await asyncio.wait_for(backend.wait(), timeout)
    except TimeoutError:
        backend.kill()
        await backend.wait()
        raise RuntimeError(f"the Pagefind binary did not end within {timeout:.0f} s") from None
    if code != 0:
        raise RuntimeError(f"the Pagefind binary ended with exit code {code}")
