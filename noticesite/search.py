"""The site search index, built with Pagefind on every build.

Pagefind (its extended binary segments Chinese) indexes the built HTML pages
that carry ``data-pagefind-body`` (each notice and attachment), plus records
we add: one per branch office, leading to the directory filtered on that
office, and one per PDF with the text it prints. The index lives in
``pagefind/`` and is fetched by the search page from the same host only.
"""
from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from .cache import digest
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


def office_records(site: Site) -> list[Record]:
    return [record for notice in site.notices for record in _notice_office_records(notice)]


def _notice_office_records(notice: Notice) -> list[Record]:
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


def office_records_key(site: Site) -> str:
    """What ``office_records`` would give, as a hash: each notice's part is worked out once and
    kept in its memo (which the load cache keeps), so an unchanged notice is not read again."""
    return digest([_notice_records_key(notice) for notice in site.notices])


def _notice_records_key(notice: Notice) -> str:
    key = ("search_records",)
    if key not in notice.derived:
        notice.derived[key] = digest([r.__dict__ for r in _notice_office_records(notice)])
    return notice.derived[key]


def index_key(html_keys: dict[str, str], records_key: str, extra_records: list[Record]) -> str:
    """The index's key, from the pages' keys, ``office_records_key`` and the other records."""
    return digest(sorted(html_keys.items()), records_key, [r.__dict__ for r in extra_records])


def write_index(folder: Path, records: Callable[[], list[Record]], key: str, previous: Path | None,
                previous_key: str | None) -> bool:
    """Writes folder/pagefind; reuses the previous index when nothing it is made from changed
    (``records`` are then not asked for).

    The new index is built beside the old one and then renamed into its place: until then the
    old one stays whole and in use, and if Pagefind fails it is what remains.
    Returns True when the index was built anew.
    """
    old, target = (previous / INDEX_DIR if previous else None), folder / INDEX_DIR
    if old is not None and previous_key == key and old.is_dir():
        if old != target:  # in place (the preview), the index is already there
            shutil.copytree(old, target, copy_function=os.link)
        return False
    building = folder / f".{INDEX_DIR}-{os.getpid()}-{threading.get_ident()}.tmp"
    shutil.rmtree(building, ignore_errors=True)
    try:
        _run(_build(folder, building, records()))
    except Exception as exc:  # the Pagefind service is another process: report, don't crash
        shutil.rmtree(building, ignore_errors=True)
        raise BuildError([Problem("output", 0, 0, f"site search: Pagefind failed: {exc}")]) from exc
    _replace_folder(building, target)
    return True


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
    service.asyncio = patched


async def _build(site: Path, index: Path, records: list[Record]) -> None:
    """Index the pages under ``site`` and ``records`` into the folder ``index``."""
    import asyncio

    from pagefind.service import PagefindService

    _without_poll_delay()
    service = await PagefindService().launch()
    try:
        # The library waits for each answer without watching the binary: if the binary dies,
        # no answer ever comes. So the work races the binary's exit.
        work = asyncio.ensure_future(_index(service, site, index, records))
        ended = asyncio.ensure_future(service._backend.wait())
        await asyncio.wait({work, ended}, return_when=asyncio.FIRST_COMPLETED)
        if not work.done():
            work.cancel()
            raise RuntimeError(f"the Pagefind binary ended early (exit code {ended.result()})")
        ended.cancel()
        work.result()
    finally:
        await _stop(service)


async def _index(service, site: Path, index: Path, records: list[Record]) -> None:
    from pagefind.index import IndexConfig

    pagefind = await service.create_index(IndexConfig(force_language=LANGUAGE, output_path=str(index)))
    await pagefind.add_directory(str(site))
    for record in records:
        await pagefind.add_custom_record(url="/" + record.url, content=record.content,
                                         language=LANGUAGE, meta={"title": record.title})
    await pagefind.write_files()


async def _stop(service, timeout: float = 60.0) -> None:
    """Let the Pagefind binary end on its own, which waits for the files it is still writing.

    The library's own close() terminates the binary as soon as "files written" arrives, but the
    binary answers once each write is handed to a background thread (tokio's File), not once it is
    done: a killed binary left pagefind.js cut at 32 KiB. Closing its input ends it cleanly instead.
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
