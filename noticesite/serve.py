"""Preview: the same build() into a private folder, served with live reload.

The preview never writes to output/. On each change under content/, data/ or
layouts/ it reloads and rebuilds; when that fails, every page of the preview
shows the problems instead (rendered here, not from layouts/, because a broken
template must still be reported), and the next good build replaces them.

Pages first: a save is shown as soon as its pages are written, with the links
to PDFs not yet printed for it marked as being printed (they point to where the
PDF will be). The PDFs are printed after that, in a thread of its own
(PdfPrinter), then land in a second update of the folder and the page reloads
again; the search index (which holds the PDFs' texts) is built after them, by
another thread (SearchIndexer): Pagefind takes seconds over a large archive.
A newer save supersedes the printing of an older one: what it printed is kept
in the PDF cache, but it lands only if no save came since.
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
import traceback
from pathlib import Path
from typing import Any, Callable

# Parsing a notice imports Markdown and the pinyin dictionaries (about half a second), which a
# build imports only when it parses. The preview parses on every edit: import them once, here.
from . import content, pinyin  # noqa: F401
from .cache import CACHE_DIR, LoadCache, Manifest, code_version, digest
from .errors import BuildError, Problem
from .loading import Project
from .model import Site
from .outputs import TEMPLATE_SUFFIXES, fingerprint, layout_files, notice_key
from .render import compile_templates, environment
from .printed import RenderReport
from .site import BuildContext, BuildOptions, BuildReport, SearchJob, build, load, print_pdfs

WATCHED = ("content", "data", "layouts")
# Editors write swap and backup files next to the real ones: they are not edits.
IGNORED_SUFFIXES = (".swp", ".swx", "~", ".tmp", ".bak")


class NewestJobThread:
    """Runs jobs in one thread of its own, one at a time; a job submitted while another runs
    replaces any job still waiting (the newest covers the site as it is now). ``run_job`` does
    the work; ``wait`` and ``close`` let the preview end cleanly."""

    thread_name = "noticesite-worker"

    def __init__(self) -> None:
        self._changed = threading.Condition()  # reentrant: a subclass may hold it around _enqueue
        self._pending: Any = None
        self._running = False
        self._closed = False

    def _enqueue(self, job: Any) -> None:
        with self._changed:
            if self._closed:
                return
            self._pending = job  # replaces an older job, not yet started
            if not self._running:
                self._running = True
                threading.Thread(target=self._work, name=self.thread_name, daemon=True).start()

    def wait(self, timeout: float | None = None) -> bool:
        """Until no job is pending or running; False if ``timeout`` passed first."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._running, timeout)

    def close(self, timeout: float = 60) -> None:
        """Take no more jobs; wait for the one running (it may write into a cache)."""
        with self._changed:
            self._closed, self._pending = True, None
        self.wait(timeout)

    def _work(self) -> None:
        while True:
            with self._changed:
                job, self._pending = self._pending, None
                if job is None:
                    self._running = False
                    self._changed.notify_all()
                    return
            self.run_job(job)

    def run_job(self, job: Any) -> None:
        raise NotImplementedError


class SearchIndexer(NewestJobThread):
    """Builds the preview's search index; of the jobs that arrive meanwhile only the newest is
    built (it covers the pages as they are now)."""

    thread_name = "noticesite-search"

    def __init__(self) -> None:
        super().__init__()
        self._target_key: str | None = None  # the key the index will have when the work is done
        self.builds = 0

    def submit(self, job: SearchJob) -> None:
        with self._changed:
            if job.key == self._target_key:
                return  # no page changed since: the index is (or is about to be) right
            self._target_key = job.key
            self._enqueue(job)

    def invalidate(self) -> None:
        """The pages were replaced by an error page: the next job must be built, whatever its key."""
        with self._changed:
            self._target_key = None

    def run_job(self, job: SearchJob) -> None:
        try:
            job.run(reuse_from=job.folder)  # the years whose pages did not change stay
        except (BuildError, OSError) as exc:  # a full disk too: said, and the next save tries again
            for p in exc.problems if isinstance(exc, BuildError) else [f"site search: {exc}"]:
                print(p, file=sys.stderr)
            with self._changed:
                if self._target_key == job.key:
                    self._target_key = None  # the next rebuild tries again
            return
        with self._changed:
            self.builds += 1
        print("search index rebuilt", file=sys.stderr)


class PdfPrinter(NewestJobThread):
    """Prints the preview's PDFs after the pages of a save are shown; of the saves that arrive
    meanwhile only the newest is printed. ``land(generation, site, printed)`` is called with
    what was printed (or the BuildError of a failure): the preview puts it in unless a newer
    save came since."""

    thread_name = "noticesite-pdf"

    def __init__(self, print_site: Callable[[Site], RenderReport],
                 land: Callable[[int, Site, RenderReport | BuildError], None]) -> None:
        super().__init__()
        self._print, self._land = print_site, land

    def submit(self, generation: int, site: Site) -> None:
        self._enqueue((generation, site))

    def run_job(self, job: tuple[int, Site]) -> None:
        generation, site = job
        try:
            try:
                printed: RenderReport | BuildError = self._print(site)
            except BuildError as exc:
                printed = exc
            self._land(generation, site, printed)
        except Exception:  # noqa: BLE001 (the preview goes on, its links marked; the next save tries again)
            print("preview: the PDFs could not be printed:", file=sys.stderr)
            traceback.print_exc()


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
    def __init__(self, root: Path, options: BuildOptions, call_later=None,
                 reload: Callable[[], None] | None = None):
        """``call_later``: how to run work once the preview is idle (see IdleCollector); without
        it, garbage cycles stay frozen until ``collector.collect()`` is called. ``reload``: tells
        the browsers to reload, from any thread (serve() passes livereload's); called after
        each update of the folder: the pages of a save, then its PDFs."""
        self.root = root
        self.print_later = options.pdf  # the PDFs after the pages, by the printer
        # the pages first; the PDFs and the search index after them
        self.options = dataclasses.replace(options, in_place=True, private_output=True, search=False,
                                           search_later=options.search, record_ledger=False, pdf=False)
        self.indexer = SearchIndexer()
        self.folder = Path(tempfile.mkdtemp(prefix="noticesite-serve-")) / "site"
        self.builds = 0
        self.last_report: BuildReport | None = None
        self.reload = reload or (lambda: None)
        # Whatever updates the folder holds this: a save's pages (the server's thread), the
        # landing of its PDFs (the printer's), the error page. ``generation`` counts the saves:
        # PDFs printed for an older one than the folder shows do not land.
        self._writing = threading.Lock()
        self.generation = 0
        self.landed = 0  # saves whose PDFs landed
        self._printed: RenderReport | None = None  # the PDFs that landed last
        self._printed_for: dict[str, str] = {}  # notice slug -> the key of its print inputs then
        self.printer = PdfPrinter(self._print_pdfs, self._land)
        # The loaded notices stay in memory between rebuilds: an edit re-reads only its notice.
        self.cache = LoadCache()
        self.env = environment(root / "layouts")  # Jinja recompiles only the templates that change
        # The printer's own (a Jinja environment is not shared between threads that compile).
        self.print_env = environment(root / "layouts")
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
                with self._writing:
                    self.generation += 1
                    generation = self.generation
                    pdfs = self._pages_first_pdfs(site) if self.print_later else None
                    report = self.last_report = build(site, self.folder, self.options, self.cache.hasher,
                                                      self.env, pdfs=pdfs, memos=self.cache.memos())
                print(f"rebuilt in {time.perf_counter() - started:.2f} s", file=sys.stderr)
                self.reload()
                if self.print_later:  # the search index after the PDFs: it holds their texts
                    self.printer.submit(generation, site)
                elif report.search_job is not None:
                    self.indexer.submit(report.search_job)
                return True
            except BuildError as exc:
                problems = exc.problems
                for p in problems:
                    print(p, file=sys.stderr)
        with self._writing:
            self.generation += 1  # PDFs printing for the pages replaced do not land
            self._show_problems([p for p in problems if p.severity == "error"])
        self.reload()
        return False

    def _print_keys(self, site: Site) -> dict[str, str]:
        """Per notice, a key over what its PDFs are printed from: the code, the site settings,
        the notice's inputs, every file of layouts/. (The installed fonts are left out: the PDF
        stage itself reprints for them; this key only chooses which links the pages-first
        release marks as being printed.)"""
        hasher = self.cache.hasher
        layouts = self.root / "layouts"
        base = digest(code_version(), fingerprint(site.config),
                      [(p.relative_to(layouts).as_posix(), hasher.file(p)) for p in layout_files(layouts)])
        memos = self.cache.memos()  # those of a newer load are not this site's: Memos.of tells
        return {n.slug: digest(base, notice_key(n, memos.of(n))) for n in site.notices}

    def _pages_first_pdfs(self, site: Site) -> RenderReport:
        """The PDFs of the pages-first release: those that landed for inputs as they are now,
        linked as they are; the others not yet in the folder, their links marked as being
        printed (size None), pointing to where each will be."""
        from . import pdf

        keys = self._print_keys(site)
        current = {slug for slug, key in keys.items() if self._printed_for.get(slug) == key}
        printed = self._printed or RenderReport()
        links = {page: (printed.links[page] if page.split("/", 1)[0] in current and page in printed.links
                        else (href, None))
                 for page, (href, _) in pdf.pdf_links(site, self.root / CACHE_DIR).items()}
        files = [f for f in printed.files if f[0].split("/", 1)[0] in current]
        return RenderReport(files=files, links=links)

    def _print_pdfs(self, site: Site) -> RenderReport:
        """The printer's work: the PDF stage of the build, in the printer's thread."""
        ctx = BuildContext(Project(self.root), self.print_env, self.options, self.root / CACHE_DIR,
                           self.cache.hasher, None)
        return print_pdfs(site, ctx)

    def _land(self, generation: int, site: Site, printed: RenderReport | BuildError) -> None:
        """The PDFs printed for save ``generation`` into the folder, with the pages that link
        them, unless a newer save came since (its own PDFs will follow); then the search index."""
        started = time.perf_counter()
        with self._writing:
            if generation != self.generation:
                return  # superseded: the newer save's printing lands instead
            report = self._put_in(site, printed)
        if report is not None:
            print(f"PDFs in ({report.pdfs_rendered} printed, {report.pdfs_reused} unchanged), "
                  f"pages updated in {time.perf_counter() - started:.2f} s", file=sys.stderr)
            if report.search_job is not None:
                self.indexer.submit(report.search_job)
        self.reload()

    def _put_in(self, site: Site, printed: RenderReport | BuildError) -> BuildReport | None:
        """With the folder held: the second update of a save, or its problems on every page."""
        try:
            if isinstance(printed, BuildError):
                raise printed
            report = build(site, self.folder, self.options, self.cache.hasher, self.env, pdfs=printed,
                           memos=self.cache.memos())
        except BuildError as exc:
            for p in exc.problems:
                print(p, file=sys.stderr)
            self.generation += 1
            self._show_problems([p for p in exc.problems if p.severity == "error"])
            return None
        self._printed, self._printed_for = printed, self._print_keys(site)
        self.last_report = report
        self.landed += 1
        return report

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
            self.printer.close()  # before the indexer: a landing submits to it
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

    def reload() -> None:  # from any thread: the browsers are told in the loop's
        loop.add_callback(reload_browsers)

    _stop_on_sigterm()
    preview = Preview(root, options or BuildOptions(pdf=False), call_later, reload)
    try:
        preview.rebuild()
        server = Server(watcher=QuickWatcher())
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


def reload_browsers() -> None:
    """Every open page reloads now: what livereload's /forcereload does. (Its watcher's own
    reload is not used: it drops a reload within 3 s of the last, and the PDFs of a save land
    about a second after its pages.)"""
    from livereload.handlers import LiveReloadHandler

    LiveReloadHandler.reload_waiters("*")


def quick_watcher_class() -> type:
    """livereload's Watcher, looking every 0.05 s instead of every 0.8 s (the server's default
    poll): a save is seen at once (issue 16 asks for the page within 0.5 s of the save; a look
    at the example's 60 files takes about a millisecond). A look at a large project costs more;
    the interval grows so that looking takes at most a tenth of the time. Made on demand:
    livereload is imported by serve() only."""
    from livereload.watcher import Watcher

    class Quick(Watcher):
        def __init__(self) -> None:
            super().__init__()
            self._looking = 0.0  # seconds spent reading the files' times in the current pass

        def start(self, callback: Callable[[], None]) -> bool:
            """Watcher.start's contract: call ``callback`` on a change; True, as we poll ourselves."""
            from tornado.ioloop import IOLoop

            loop = IOLoop.current()

            def look() -> None:
                self._looking = 0.0
                try:
                    callback()
                finally:
                    loop.call_later(min(0.8, max(0.05, 10 * self._looking)), look)

            loop.add_callback(look)
            return True

        def is_changed(self, path, ignore=None):  # noqa: ANN001 (Watcher's signature)
            started = time.perf_counter()
            try:
                return super().is_changed(path, ignore)
            finally:
                self._looking += time.perf_counter() - started

    return Quick


def QuickWatcher() -> Any:  # noqa: N802 (made like a class)
    return quick_watcher_class()()


def watch_sources(server: Any, root: Path, rebuild: Callable[[], object]) -> None:
    """What the preview watches, and what it runs on a change. ``server`` is a livereload Server
    (or its Watcher: the tests look through it themselves, with no clock). The watcher sends no
    reload of its own (delay 'forever'): the preview tells the browsers after each update."""
    for name in WATCHED:
        # One watch per folder and one rebuild per change seen: a save touches one folder.
        server.watch(str(root / name), rebuild, delay="forever", ignore=_ignored)


def _ignored(path: str) -> bool:
    name = Path(path).name
    return name.startswith(".") or name.endswith(IGNORED_SUFFIXES)
