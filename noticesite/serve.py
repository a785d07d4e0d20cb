"""Preview: the same build() into a private folder, served with live reload.

The preview never writes to output/. On each change under content/, data/ or
layouts/ it reloads and rebuilds; when that fails, every page of the preview
shows the problems instead (rendered here, not from layouts/, because a broken
template must still be reported), and the next good build replaces them.

The search index is built after the pages, in a thread of its own: Pagefind
takes seconds over a large archive, and the browser should reload at once.
"""
from __future__ import annotations

import dataclasses
import gc
import html
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

# Parsing a notice imports Markdown and the pinyin dictionaries (about half a second), which a
# build imports only when it parses. The preview parses on every edit: import them once, here.
from . import content, pinyin  # noqa: F401
from .cache import LoadCache, Manifest
from .errors import BuildError, Problem
from .outputs import TEMPLATE_SUFFIXES
from .render import compile_templates, environment
from .site import BuildOptions, BuildReport, SearchJob, build, load

WATCHED = ("content", "data", "layouts")
# Editors write swap and backup files next to the real ones: they are not edits.
IGNORED_SUFFIXES = (".swp", ".swx", "~", ".tmp", ".bak")


class SearchIndexer:
    """Builds the preview's search index in one thread, one job at a time; of the jobs that
    arrive meanwhile only the newest is built (it covers the pages as they are now)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._pending: SearchJob | None = None
        self._running = False
        self._target_key: str | None = None  # the key the index will have when the work is done
        self.builds = 0

    def submit(self, job: SearchJob) -> None:
        with self._changed:
            if job.key == self._target_key:
                return  # no page changed since: the index is (or is about to be) right
            self._pending, self._target_key = job, job.key
            if not self._running:
                self._running = True
                threading.Thread(target=self._work, name="noticesite-search", daemon=True).start()

    def invalidate(self) -> None:
        """The pages were replaced by an error page: the next job must be built, whatever its key."""
        with self._changed:
            self._target_key = None

    def wait(self, timeout: float | None = None) -> bool:
        """Until no job is pending or running; False if ``timeout`` passed first."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._running, timeout)

    def _work(self) -> None:
        while True:
            with self._changed:
                job, self._pending = self._pending, None
                if job is None:
                    self._running = False
                    self._changed.notify_all()
                    return
            try:
                job.run(reuse_from=job.folder)  # the years whose pages did not change stay
            except BuildError as exc:
                for p in exc.problems:
                    print(p, file=sys.stderr)
                with self._changed:
                    if self._target_key == job.key:
                        self._target_key = None  # the next rebuild tries again
                continue
            with self._changed:
                self.builds += 1
            print("search index rebuilt", file=sys.stderr)


class IdleCollector:
    """Keeps the cycle collector off the preview's rebuilds.

    The loaded archive is hundreds of thousands of objects that live from one rebuild to the
    next. A full collection walks them all (about 0.2 to 0.4 s per 1,000 notices), and at
    Python's thresholds one runs in most rebuilds. So after each rebuild what is alive is
    frozen: collections during the next rebuild walk only what it made. The cycles that
    became garbage meanwhile are collected in one full collection once the preview has been
    idle for ``idle_seconds``, by ``call_later(delay, work)`` (which returns a function that
    cancels it): the server's event loop, in the thread that rebuilds. Not a thread of its
    own: while another thread runs, a build does not fork its workers.
    """

    def __init__(self, call_later: Callable[[float, Callable[[], None]], Callable[[], None]] | None,
                 idle_seconds: float = 20.0):
        self._call_later = call_later
        self.idle_seconds = idle_seconds
        self._cancel: Callable[[], None] | None = None
        self.collections = 0  # full collections run while idle

    def rebuilt(self) -> None:
        gc.freeze()
        if self._call_later is None:
            return
        if self._cancel is not None:
            self._cancel()
        self._cancel = self._call_later(self.idle_seconds, self.collect)

    def collect(self) -> None:
        self._cancel = None
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.collections += 1

    def close(self) -> None:
        if self._cancel is not None:
            self._cancel()
            self._cancel = None
        gc.unfreeze()  # an in-process caller (a test) gets a collector that walks everything again


class Preview:
    def __init__(self, root: Path, options: BuildOptions, call_later=None):
        """``call_later``: how to run work once the preview is idle (see IdleCollector); without
        it, garbage cycles stay frozen until ``collector.collect()`` is called."""
        self.root = root
        # the pages first; the search index after them, by the indexer
        self.options = dataclasses.replace(options, in_place=True, private_output=True, search=False,
                                           search_later=options.search, record_ledger=False)
        self.indexer = SearchIndexer()
        self.folder = Path(tempfile.mkdtemp(prefix="noticesite-serve-")) / "site"
        self.builds = 0
        self.last_report: BuildReport | None = None
        # The loaded notices stay in memory between rebuilds: an edit re-reads only its notice.
        self.cache = LoadCache()
        self.env = environment(root / "layouts")  # Jinja recompiles only the templates that change
        # Compiled here, before the first build forks its workers: they inherit them, and the
        # first edit's pages, rendered in this process, do not wait for their compiling.
        compile_templates(self.env, TEMPLATE_SUFFIXES)
        self.collector = IdleCollector(call_later)

    def rebuild(self) -> bool:
        """Build into the preview folder; on failure show the problems on every page."""
        try:
            return self._rebuild()
        finally:
            self.collector.rebuilt()

    def _rebuild(self) -> bool:
        started = time.perf_counter()
        self.builds += 1
        site, loaded = load(self.root, self.cache)
        problems: list[Problem] = loaded
        for p in sorted(problems):
            print(p, file=sys.stderr)
        if site is not None:
            try:
                report = self.last_report = build(site, self.folder, self.options, self.cache.hasher, self.env)
                print(f"rebuilt in {time.perf_counter() - started:.2f} s", file=sys.stderr)
                if report.search_job is not None:
                    self.indexer.submit(report.search_job)
                return True
            except BuildError as exc:
                problems = exc.problems
                for p in problems:
                    print(p, file=sys.stderr)
        self._show_problems([p for p in problems if p.severity == "error"])
        return False

    def _show_problems(self, problems: list[Problem]) -> None:
        # The pages are about to be overwritten: the next build must not reuse any of them,
        # nor the search index made from them.
        Manifest.for_output(self.root, self.folder).forget()
        self.indexer.invalidate()
        page = error_page(problems)
        self.folder.mkdir(parents=True, exist_ok=True)
        pages = list(self.folder.rglob("*.html")) or [self.folder / "index.html"]
        for path in pages:
            path.write_text(page, encoding="utf-8")

    def close(self) -> None:
        try:
            self.collector.close()
            self.indexer.wait(timeout=60)  # not while Pagefind still writes into the folder
        finally:  # a second Ctrl+C while waiting still removes the folder
            shutil.rmtree(self.folder.parent, ignore_errors=True)


def error_page(problems: list[Problem]) -> str:
    items = "\n".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in sorted(problems))
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>构建失败 - 预览</title>
<style>body{{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2328}}
h1{{color:#b4141b}}li{{margin:.5rem 0}}code{{white-space:pre-wrap;overflow-wrap:anywhere}}</style></head>
<body><main><h1>构建失败：数据有误</h1>
<p>修改下列文件后保存，页面会自动刷新。output/ 文件夹未被改动。</p>
<ol class="build-problems">{items}</ol></main></body></html>
"""


def serve(root: Path, *, host: str = "127.0.0.1", port: int = 8000, options: BuildOptions | None = None) -> int:
    from livereload import Server
    from tornado.ioloop import IOLoop

    loop = IOLoop.current()  # the loop that livereload runs, and that calls rebuild()

    def call_later(delay: float, work: Callable[[], None]) -> Callable[[], None]:
        handle = loop.call_later(delay, work)
        return lambda: loop.remove_timeout(handle)

    _stop_on_sigterm()
    preview = Preview(root, options or BuildOptions(pdf=False), call_later)
    try:
        preview.rebuild()
        server = Server()
        watch_sources(server, root, preview.rebuild)
        print(f"serving http://{host}:{port}/ — press Ctrl+C to stop", file=sys.stderr)
        server.serve(host=host, port=port, root=str(preview.folder), open_url_delay=None)
    except KeyboardInterrupt:  # during the first build: livereload's serve() returns on the later ones
        pass
    finally:
        preview.close()
    return 0


def _stop_on_sigterm() -> None:
    """SIGTERM (kill, a service manager) stops the preview as Ctrl+C does, so that its private
    folder is removed: by default Python dies at once and leaves it behind (issue 16). Python
    lets only the main thread set a handler; the preview runs until its process ends."""
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupt)


def watch_sources(server: Any, root: Path, rebuild: Callable[[], object]) -> None:
    """What the preview watches, and what it runs on a change. ``server`` is a livereload Server
    (or its Watcher: the tests look through it themselves, with no clock)."""
    for name in WATCHED:
        # One watch per folder and one rebuild per change seen: a save touches one folder.
        server.watch(str(root / name), rebuild, ignore=_ignored)


def _ignored(path: str) -> bool:
    name = Path(path).name
    return name.startswith(".") or name.endswith(IGNORED_SUFFIXES)
