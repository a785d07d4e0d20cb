"""load(): read and check everything. build(): write everything, or nothing.

Habit 1 of STYLE.md: every file is read and checked before anything is
written, and a failed check writes nothing. Output goes to a temporary folder
beside ``output/`` that replaces it only when the whole build succeeded.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TypeVar

from . import limits, schema, search, yamlio  # search imports Pagefind only when it builds an index
from .cache import (CACHE_DIR, Hasher, code_version, LoadCache, LoadEntry, Manifest, NoticeRef, notice_summary, shard_path,
                    write_shard)
from .errors import BuildError, Problem, Problems
from .model import Location, Makeup, Notice, Procedure, Site, SiteConfig
from .outputs import Output, derive, plan
from .render import LazyEnvironment
from .yamlio import Node

T = TypeVar("T")



@dataclass
class Project:
    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def layouts(self) -> Path:
        return self.root / "layouts"

    def shown(self, path: Path) -> str:
        return yamlio.display_path(path, self.root)


# ---- load --------------------------------------------------------------------------------


class _DataFiles:
    """Reads each data file once, whatever number of notices refer to it."""

    def __init__(self, project: Project, problems: Problems):
        self.project, self.problems = project, problems
        self.loaded: dict[tuple[Path, str], object] = {}
        self.files_read: dict[tuple[Path, str], set[Path]] = {}  # each data file and what it pulled in
        self.file_problems: dict[tuple[Path, str], list] = {}  # and the problems found in them
        self.reading: list[set[Path]] = []  # the files read on behalf of each notice being loaded
        self.resolved: dict[Path, Path] = {}  # folders with their symbolic links resolved

    def inside(self, ref: Node, base: Path, what: str) -> Path | None:
        """The file a reference names, if it stays inside ``base`` (no absolute paths, no '..' out)."""
        raw = ref.value if ref.is_scalar else None
        if not raw:
            self.problems.error(ref.loc, f"{what}: expected a file name, got {ref.describe()}")
            return None
        resolved_base = self._resolved(base)
        candidate = (resolved_base / raw).resolve()
        for files in self.reading:  # a missing file is an input too: creating it must rebuild
            files.add(resolved_base / raw)
        if os.path.isabs(raw) or not candidate.is_relative_to(resolved_base):
            self.problems.error(ref.loc, f"{what}: '{raw}' is outside {self.project.shown(base)}/")
            return None
        if not candidate.is_file():
            self.problems.error(ref.loc, f"{what}: {self.project.shown(base)}/{raw} does not exist")
            return None
        return candidate

    def _resolved(self, folder: Path) -> Path:
        if folder not in self.resolved:
            self.resolved[folder] = folder.resolve()
        return self.resolved[folder]

    def load(self, ref: Node, kind: str) -> object:
        path = self.inside(ref, self.project.data, kind)
        if path is None:
            return None
        key = (path, kind)
        if key not in self.loaded:
            outer, self.problems = self.problems, Problems()
            self.reading.append({path})
            self.loaded[key] = self._read(path, kind)
            self.files_read[key] = self.reading.pop()
            self.file_problems[key] = list(self.problems)
            self.problems = outer
        for files in self.reading:
            files.update(self.files_read[key])
        # Every notice that uses a file carries its problems: a cached notice still reports them.
        self.problems.extend(self.file_problems[key])
        return self.loaded[key]

    def _read(self, path: Path, kind: str) -> object:
        node, problems = yamlio.read(path, self.project.root)
        self.problems.extend(problems)
        if node is None:
            return None
        if kind == "schedule":
            return schema.load_schedule(node, self.problems)
        if kind == "procedure":
            return _checked_procedure(schema.load_procedure(node, self.problems), self.problems)
        if kind == "offices":
            directory = schema.load_directory(node, self.problems)
            if directory:
                from . import pinyin  # imported here: its dictionaries take half a second to load

                pinyin.annotate(directory)  # search keys, computed once per build, not in the browser
            return directory
        if kind == "colleges":
            return schema.load_colleges(node, self.problems)
        if kind == "makeup":
            if node.is_map and "offices" in node.value:  # a bare directory is a make-up page without extras
                directory = schema.load_directory(node, self.problems)
                return Makeup("", [], [], None, directory, node.loc) if directory else None
            return schema.load_makeup(node, self.problems, self._resolve_shared)
        raise ValueError(kind)

    def _resolve_shared(self, ref: Node, kind: str) -> object:
        return self.load(ref, {"directory": "offices", "colleges": "colleges"}[kind])


def _checked_procedure(proc: Procedure | None, problems: Problems) -> Procedure | None:
    if proc is None:
        return None
    try:
        from .flow import check_procedure
    except ImportError:  # the flow stage is optional until it lands
        return proc
    found = check_procedure(proc)
    problems.extend(found)
    return None if any(p.severity == "error" for p in found) else proc


_ATTACHMENT_DATA_KIND = {"schedule": "schedule", "directory": "makeup", "procedure": "procedure"}


def load(root: Path, cache: LoadCache | None = None, workers: int | None = None) -> tuple[Site | None, Problems]:
    """Read and check the whole project. Returns the site, or None with the problems.

    With a cache, a notice whose files all hash as before is taken from it
    instead of being parsed again (its problems come back with it). Many
    notices to parse are shared out among worker processes.
    """
    project = Project(root)
    problems = Problems()
    node, found = yamlio.read(project.data / "site.yaml", project.root)
    problems.extend(found)
    config = schema.load_site_config(node, problems) if node else None
    data = _DataFiles(project, problems)
    hasher = cache.hasher if cache else Hasher()
    notices = []
    paths = sorted(project.content.glob("*/notice.md"), key=str) if project.content.is_dir() else []
    for folder in sorted(project.content.iterdir()) if project.content.is_dir() else []:
        if folder.is_dir() and not folder.name.startswith(".") and not (folder / "notice.md").exists():
            problems.warn(Location(project.shown(folder)), "a folder in content/ without notice.md is not published")
    shown_of = {p: project.shown(p) for p in paths}
    entries = {shown_of[p]: cache.get(shown_of[p], project.root) if cache else None for p in paths}
    todo = [p for p in paths if entries[shown_of[p]] is None]
    parsed = set(todo)
    workers = workers or os.cpu_count() or 1
    stored = False
    # fork only from a single-threaded process (the preview server runs threads: it parses serially)
    if workers > 1 and len(todo) >= _PARALLEL_LOAD_THRESHOLD and threading.active_count() == 1:
        shards = cache.folder if cache is not None and cache.folder is not None else None
        entries.update(_load_in_parallel(project, todo, workers, config, shards))
        stored = shards is not None
    else:
        entries.update((shown_of[p], _load_notice(project, p, data, hasher)) for p in todo)
    for path in paths:
        shown = shown_of[path]
        entry = entries[shown]
        if cache is not None and path in parsed:
            cache.put(shown, entry, stored=stored)
        problems.extend(entry.problems)
        if entry.notice:
            notices.append(entry.notice)
    if cache:
        cache.prune(shown_of.values())
    if not project.content.is_dir():
        problems.error(Location(project.shown(project.content)), "the content/ folder is missing")
    _check_unique(notices, problems)
    problems = Problems(sorted(set(problems)))  # a shared file's problems arrive once per notice
    if problems.failed or config is None:
        return None, problems
    notices.sort(key=lambda n: n.sort_key, reverse=True)
    return Site(config, notices, str(project.root)), problems


# Below this many notices to parse, starting workers costs more than it saves.
_PARALLEL_LOAD_THRESHOLD = 100


def _load_in_parallel(project: Project, todo: list[Path], workers: int, config: SiteConfig | None,
                      shards: Path | None) -> dict[str, LoadEntry]:
    """Forked workers parse slices of the notices; each reads the shared data files once for itself.

    With a cache folder, a worker writes each notice to its shard itself and sends back only
    its summary: the notices then need not be pickled through the pool and read back here.
    """
    def load_slice(paths: list[Path]) -> list[tuple]:
        data, hasher = _DataFiles(project, Problems()), Hasher()
        done = []
        for path in paths:
            shown = project.shown(path)
            entry = _load_notice(project, path, data, hasher)
            notice = entry.notice
            if notice is not None and shards is not None:
                if config is not None:
                    derive(config, notice)  # the plan's work on the notice, kept with its summary
                write_shard(shard_path(shards, shown, entry.inputs), notice)
                notice = notice_summary(notice)
            done.append((shown, entry.inputs, notice, entry.problems))
        return done

    entries = {}
    # Several slices per worker, taken as workers come free, so that one worker slowed down
    # (by its notices, or by the machine) does not leave the others idle at the end. Each
    # slice reads the shared data files once: a few files, against hundreds of notices.
    for part in _in_forked_slices(load_slice, _even_slices(todo, 8 * workers), workers):
        for shown, inputs, notice, problems in part:
            if isinstance(notice, tuple):  # (summary, attachments): the notice is in its shard
                notice = NoticeRef(*notice, shard_path(shards, shown, inputs))
            entries[shown] = LoadEntry(inputs, notice, problems)
    return entries


_FORKED_WORK: tuple[Callable[[list], object], list[list]] | None = None


def _in_forked_slices(work: Callable[[list], T], slices: list[list], workers: int) -> list[T]:
    """``work`` on each of ``slices`` in forked workers; returns the results in slice order.

    The workers inherit ``work`` and the slices (nothing of the model is pickled on the way in;
    only what ``work`` returns comes back). A worker takes the next slice when it is done with
    one, so slices of unequal cost still keep every core busy to the end.
    """
    import multiprocessing

    global _FORKED_WORK
    _FORKED_WORK = (work, slices)
    try:
        with multiprocessing.get_context("fork").Pool(min(workers, len(slices))) as pool:
            return pool.map(_forked_slice, range(len(slices)), chunksize=1)
    finally:
        _FORKED_WORK = None


def _forked_slice(index: int):
    work, slices = _FORKED_WORK  # type: ignore[misc]
    return work(slices[index])


def _even_slices(items: list, count: int) -> list[list]:
    size = len(items) // count + 1
    return [part for part in (items[i * size:(i + 1) * size] for i in range(count)) if part]


def _load_notice(project: Project, path: Path, data: _DataFiles, hasher: Hasher) -> LoadEntry:
    folder = path.parent
    problems = Problems()
    data.problems = problems
    data.reading.append({path})

    def read_page(ref: Node) -> tuple[str, str] | None:
        page = data.inside(ref, folder, "page")
        if page is None:
            return None
        data.reading[-1].add(page)
        too_large = limits.file_too_large(page.stat().st_size)
        if too_large:
            problems.error(Location(project.shown(page)), too_large)
            return None
        return page.read_text(encoding="utf-8-sig"), project.shown(page)

    def load_data(ref: Node, attachment_type: str) -> object:
        return data.load(ref, _ATTACHMENT_DATA_KIND[attachment_type])

    from . import content  # Markdown and the holiday calendar: only when a notice is parsed

    try:
        notice = content.load_notice(path, project.shown(path), load_data, read_page, problems)
    except UnicodeDecodeError as exc:
        problems.error(Location(project.shown(path)), f"not UTF-8 text (byte {exc.start})")
        notice = None
    except (RecursionError, MemoryError) as exc:  # the limits should stop it first: never a traceback
        problems.error(Location(project.shown(path)), f"too large or too deeply nested to read ({type(exc).__name__})")
        notice = None
    files = data.reading.pop()
    inputs = {project.shown(f): hasher.file(f) or "missing" for f in sorted(files)}
    if notice is not None:
        notice.inputs = inputs
    return LoadEntry(inputs, notice, list(problems))


def _check_unique(notices: list[Notice], problems: Problems) -> None:
    by_slug: dict[str, Notice] = {}
    by_number: dict[str, Notice] = {}
    for notice in notices:
        for index, key, label in ((by_slug, notice.slug, "URL segment"), (by_number, notice.number, "number")):
            if key in index:
                problems.error(notice.source, f"notice {label} '{key}' is also used by {index[key].source.path}")
            index[key] = notice


# ---- build -------------------------------------------------------------------------------


@dataclass
class BuildOptions:
    pdf: bool = True
    search: bool = True
    workers: int | None = None  # processes for rendering; default: all cores
    incremental: bool = True  # reuse files of the previous output whose inputs did not change
    # Update the output folder file by file instead of swapping in a new one: for the preview,
    # where one edit should cost one page, not a relinking of the whole archive.
    in_place: bool = False
    # The folder is this process's own (the preview's): what the manifest says is on disk is,
    # so it need not be read again before each build.
    private_output: bool = False
    # With search off: leave the folder's search index as it is and hand back what a new one
    # needs (BuildReport.search_job), for the preview to build once the pages are shown.
    search_later: bool = False
    # Told, as progress(stage, done, total), how far a long stage has come (the PDF printing).
    progress: Callable[[str, int, int], None] | None = None


@dataclass
class BuildReport:
    pages: int = 0
    files: int = 0
    rendered: int = 0  # files made by this build
    reused: int = 0  # files taken unchanged from the previous output
    removed: int = 0  # files of the previous output that no longer have a source
    pdfs_rendered: int = 0
    pdfs_reused: int = 0
    pdf_peak_rss: int = 0  # bytes: the largest process that printed a PDF
    search_job: "SearchJob | None" = None  # with BuildOptions.search_later
    warnings: list = field(default_factory=list)  # problems found while writing, e.g. by WeasyPrint
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class BuildContext:
    """What every output stage may use: the project, the template environment, the report."""

    project: Project
    env: object
    options: BuildOptions
    report: BuildReport
    cache: Path
    hasher: Hasher
    previous: Path | None  # the output folder being replaced, if any
    pdf_links: dict[str, tuple[str, int]] = field(default_factory=dict)  # page path -> (pdf href, bytes)
    pdf_texts: list[tuple[str, str, str]] = field(default_factory=list)  # (PDF path, title, its text)


# Below this many files to render, forking workers costs more than it saves.
_PARALLEL_THRESHOLD = 200


def build(site: Site, out_dir: Path, options: BuildOptions | None = None, hasher: Hasher | None = None,
          env=None, scan: "OutputScan | None" = None) -> BuildReport:
    """Write the whole site into ``out_dir``. Raises BuildError, with ``out_dir`` as it was, on failure.

    The first build into a folder writes a new folder beside it and swaps it in. Later builds
    (the manifest of the last one is valid) update the folder: every changed file is rendered
    into a temporary file beside its target first, and only when all of them are made are they
    renamed into place and the files without a source removed.

    A caller that builds again and again (the preview) passes the same ``hasher`` and ``env``:
    files and templates that did not change are then neither hashed nor compiled again. A
    caller may start reading ``out_dir`` early (``OutputScan``, before loading) and pass it.
    """
    options = options or BuildOptions()
    project = Project(Path(site.root))
    report = BuildReport()
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    manifest = Manifest.for_output(project.root, out_dir)
    previous = out_dir if options.incremental and out_dir.is_dir() and manifest.outputs else None
    # compiled templates are kept per version of this code (which sets the environment's options)
    env = env or LazyEnvironment(project.layouts, project.root / CACHE_DIR / f"templates-{code_version()[:12]}")
    ctx = BuildContext(project, env, options, report, project.root / CACHE_DIR, hasher or Hasher(), previous)
    updating = previous is not None or options.in_place
    # What is on disk is read while the PDFs and the plan are made (unless the caller started
    # earlier); it is all read before any worker is forked.
    trusted = options.private_output and previous is not None
    if scan is not None and (not updating or trusted):
        scan.close()
        scan = None
    elif scan is None and updating and not trusted:
        scan = OutputScan(out_dir, process=False)
    try:
        pdf_files = _timed(report, "pdf", lambda: _print_pdfs(site, ctx)) if options.pdf else []
        outputs = _timed(report, "plan", lambda: _plan(site, env, ctx, pdf_files))
    finally:
        on_disk = scan.result() if scan else dict(manifest.stats) if trusted else {}
    report.files, report.pages = len(outputs), sum(1 for o in outputs if o.path.endswith(".html"))
    if updating:
        return _update(site, outputs, out_dir, on_disk, manifest, ctx)
    return _write_new(site, outputs, out_dir, manifest, ctx)


class OutputScan:
    """The files of an output folder with their size and time (``_files_on_disk``), read while
    the build does other work: in a forked process when this one runs no other thread (the
    command line starts it before loading, so the reading is off the build's path), else in a
    thread (whose stat calls at least do not hold the interpreter)."""

    def __init__(self, folder: Path, process: bool = True):
        self.folder = folder
        self._pid: int | None = None
        self._thread: threading.Thread | None = None
        self._found: dict[str, tuple[int, int]] | None = None
        self._error: BaseException | None = None
        if process and os.name == "posix" and threading.active_count() == 1:
            self._start_process()
        else:
            self._thread = threading.Thread(target=self._scan_here, name="noticesite-scan", daemon=True)
            self._thread.start()

    def _start_process(self) -> None:
        import pickle

        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: scan, send, and leave without running any of the parent's exit code
            status = 1
            try:
                os.close(read_end)
                data = pickle.dumps(_files_on_disk(self.folder) if self.folder.is_dir() else {},
                                    protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(data)
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        self._pid, self._read_end = pid, read_end

    def _scan_here(self) -> None:
        try:
            self._found = _files_on_disk(self.folder) if self.folder.is_dir() else {}
        except BaseException as exc:  # handed to the caller
            self._error = exc

    def result(self) -> dict[str, tuple[int, int]]:
        if self._pid is not None:
            import pickle

            with os.fdopen(self._read_end, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(self._pid, 0)
            self._pid = None
            if status == 0 and data:
                self._found = pickle.loads(data)
            else:  # the child failed: read it here, where an error can be reported
                self._scan_here()
        elif self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            raise self._error
        return self._found or {}

    def close(self) -> None:
        """Not needed after all: end the reading without waiting for what it finds."""
        if self._pid is not None:
            import signal

            os.kill(self._pid, signal.SIGKILL)
            os.close(self._read_end)
            os.waitpid(self._pid, 0)
            self._pid = None
        elif self._thread is not None:
            self._thread.join()
            self._thread = None


def _write_new(site: Site, outputs: list[Output], out_dir: Path, manifest: Manifest,
               ctx: BuildContext) -> BuildReport:
    """Everything into a new folder beside ``out_dir``, which then replaces it with two renames."""
    staging = Path(tempfile.mkdtemp(prefix=".output-", dir=out_dir.parent))
    try:
        stats = _timed(ctx.report, "files", lambda: _render_all(outputs, staging, ctx))
        keys = {o.path: o.key for o in outputs}
        if ctx.options.search:
            keys[search.INDEX_DIR + "/"] = _timed(ctx.report, "search", lambda: _write_search_index(
                site, staging, ctx, keys, None))
        elif ctx.options.search_later:
            ctx.report.search_job = _search_job(site, out_dir, ctx, keys)
        manifest.forget()
        _swap_in(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    ctx.report.rendered = len(outputs)
    manifest.save(keys, stats)
    return ctx.report


def _update(site: Site, outputs: list[Output], out_dir: Path, on_disk: dict[str, tuple[int, int]],
            manifest: Manifest, ctx: BuildContext) -> BuildReport:
    """Render what changed beside its target, then rename it all in and remove what has no source.

    A file is kept when its key is the manifest's and it still has the size and time the
    manifest recorded; anything else in the folder (an edited or stray file) is replaced or removed.
    """
    report = ctx.report
    out_dir.mkdir(exist_ok=True)
    old_keys, old_stats = (manifest.outputs, manifest.stats) if ctx.previous else ({}, {})
    todo = [o for o in outputs
            if old_keys.get(o.path) != o.key or on_disk.get(o.path) != old_stats.get(o.path)]
    keys = {o.path: o.key for o in outputs}
    suffix = f".noticesite-{os.getpid()}.tmp"
    try:
        written = _timed(report, "files", lambda: _render_all(todo, out_dir, ctx, suffix))
    except BaseException:
        for output in todo:
            with contextlib.suppress(OSError):
                os.unlink(f"{out_dir}/{output.path}{suffix}")
        raise
    manifest.forget()  # the folder is about to change: until saved again, trust nothing in it
    for output in todo:
        os.replace(f"{out_dir}/{output.path}{suffix}", f"{out_dir}/{output.path}")
    stale = set(on_disk) - set(keys)
    for path in sorted(stale):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{out_dir}/{path}")
    _remove_empty_folders(out_dir, {os.path.dirname(p) for p in stale})
    stats = {path: old_stats[path] for path in keys if path in old_stats and path not in written}
    stats.update(written)
    if ctx.options.search:
        try:
            keys[search.INDEX_DIR + "/"] = _timed(report, "search", lambda: _write_search_index(
                site, out_dir, ctx, keys, old_keys.get(search.INDEX_DIR + "/")))
        except BuildError as exc:  # the pages are in place already; the previous index stays
            raise BuildError(exc.problems, "its pages are new; its search index is the previous one") from exc
    elif ctx.options.search_later:
        report.search_job = _search_job(site, out_dir, ctx, keys)
    else:
        shutil.rmtree(out_dir / search.INDEX_DIR, ignore_errors=True)  # as a build without search has none
    report.rendered, report.reused, report.removed = len(todo), len(outputs) - len(todo), len(stale)
    manifest.save(keys, stats)
    return report


def _files_on_disk(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` (but the search index, which the search stage keeps) with its
    size and modification time."""
    found: dict[str, tuple[int, int]] = {}
    pending = [("", str(folder))]
    while pending:
        prefix, path = pending.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if rel != search.INDEX_DIR:
                        pending.append((rel + "/", entry.path))
                else:
                    stat = entry.stat(follow_symlinks=False)
                    found[rel] = (stat.st_size, stat.st_mtime_ns)
    return found


def _remove_empty_folders(root: Path, folders: set[str]) -> None:
    for folder in sorted(folders, key=len, reverse=True):
        while folder:
            try:
                os.rmdir(f"{root}/{folder}")
            except OSError:  # not empty, or already gone
                break
            folder = os.path.dirname(folder)


def _plan(site: Site, env, ctx: BuildContext, pdf_files: list) -> list[Output]:
    try:  # reading the templates' references parses them: a syntax error surfaces here
        return plan(site, env, ctx.project.layouts, ctx.hasher, ctx.pdf_links, pdf_files)
    except Exception as exc:
        error = _template_error(ctx, exc)
        if error is None:
            raise
        raise error from exc


def _timed(report: BuildReport, name: str, work: Callable[[], object]) -> object:
    started = time.perf_counter()
    result = work()
    report.timings[name] = time.perf_counter() - started
    return result


# Below this many files to render, forking workers costs more than it saves.
_PARALLEL_THRESHOLD = 200


def _render_all(todo: list[Output], folder: Path, ctx: BuildContext, suffix: str = "") -> dict[str, tuple[int, int]]:
    """Make every output into ``folder`` (each under its path plus ``suffix``); returns the size and
    modification time of each file written."""
    made: set[str] = set()
    for output in todo:
        parent = os.path.dirname(output.path)
        if parent not in made:
            os.makedirs(f"{folder}/{parent}", exist_ok=True)
            made.add(parent)
    workers = ctx.options.workers or os.cpu_count() or 1
    # as for parsing, fork only from a single-threaded process (the preview server runs threads)
    if workers > 1 and len(todo) >= _PARALLEL_THRESHOLD and threading.active_count() == 1:
        return _render_in_parallel(todo, folder, suffix, workers, ctx)
    return {output.path: _render_one(output, folder, suffix, ctx) for output in todo}


def _render_one(output: Output, folder: Path, suffix: str, ctx: BuildContext) -> tuple[int, int]:
    target = f"{folder}/{output.path}{suffix}"
    if output.link is not None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(target)
        try:
            os.link(output.link, target)
            stat = os.stat(target)
            return stat.st_size, stat.st_mtime_ns
        except OSError:  # another file system: copy
            pass
    data = memoryview(_made(output, ctx))
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        while data:
            data = data[os.write(fd, data):]
        stat = os.fstat(fd)
    finally:
        os.close(fd)
    return stat.st_size, stat.st_mtime_ns


def _made(output: Output, ctx: BuildContext) -> bytes:
    try:
        return output.make()
    except Exception as exc:
        error = _template_error(ctx, exc)
        if error is None:
            raise
        raise error from exc


def _template_error(ctx: BuildContext, exc: Exception) -> BuildError | None:
    """A template's error as a located problem, else None. (Jinja is imported only when a
    template is read: if it is not, no template error can have happened.)"""
    jinja2 = sys.modules.get("jinja2")
    if jinja2 is not None and isinstance(exc, jinja2.TemplateError):
        return BuildError([_template_problem(ctx.project, exc)])
    return None


def _render_in_parallel(todo: list[Output], folder: Path, suffix: str, workers: int,
                        ctx: BuildContext) -> dict[str, tuple[int, int]]:
    """Forked workers render slices of the plan, which they inherit."""
    def render_slice(outputs: list[Output]):
        made = {}
        try:
            for output in outputs:
                made[output.path] = _render_one(output, folder, suffix, ctx)
        except BuildError as exc:
            return exc.problems, made
        return None, made

    stats: dict[str, tuple[int, int]] = {}
    for problems, made in _in_forked_slices(render_slice, _slices_by_cost(todo, 4 * workers), workers):
        if problems:
            raise BuildError(problems)
        stats.update(made)
    return stats


def _output_cost(output: Output) -> int:
    """Roughly, in tenths of a millisecond: a page is rendered from templates, a calendar file
    is short text, a PDF is only linked."""
    if output.link is not None:
        return 1
    return 40 if output.path.endswith(".html") else 2


def _slices_by_cost(outputs: list[Output], count: int) -> list[list[Output]]:
    """About ``count`` slices of about equal cost, each notice's files in one slice (its folder
    is its first path segment), so that a notice read from the load cache is read once."""
    groups: dict[str, list[Output]] = {}
    for output in outputs:
        groups.setdefault(output.path.split("/", 1)[0], []).append(output)
    total = sum(_output_cost(o) for o in outputs)
    slices: list[list[Output]] = [[]]
    cost = 0
    for group in groups.values():
        if slices[-1] and cost >= total * len(slices) / count:
            slices.append([])
        slices[-1].extend(group)
        cost += sum(_output_cost(o) for o in group)
    return slices


def _template_problem(project: Project, exc: Exception) -> Problem:
    """Locate a template error: syntax errors carry a line; runtime errors have it in the traceback."""
    name, line = getattr(exc, "filename", None), getattr(exc, "lineno", None) or 0
    if name is None:  # e.g. an undefined name: Jinja maps the template's frames to its lines
        tb = exc.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.startswith(str(project.layouts)):
                name, line = filename, tb.tb_lineno
            tb = tb.tb_next
    shown = project.shown(Path(name)) if name else "layouts"
    return Problem(shown, line, 1 if line else 0, f"template error: {exc}")


def _print_pdfs(site: Site, ctx: BuildContext) -> list[tuple[str, str, Path]]:
    """Print the PDFs that changed into the cache; returns every PDF (name, key, cached file)."""
    from . import pdf

    printed = pdf.write_site_pdfs(site, None, ctx)
    ctx.report.warnings += printed.warnings
    ctx.report.pdf_peak_rss = printed.peak_rss
    return printed.files


def _write_search_index(site: Site, folder: Path, ctx: BuildContext, keys: dict[str, str],
                        previous_key: str | None) -> str:
    job = _search_job(site, folder, ctx, keys)
    if job.key != previous_key or ctx.previous != folder:  # in place and unchanged: nothing to do
        job.run(ctx.previous)
    return job.key


@dataclass(frozen=True)
class SearchJob:
    """The search index of a folder whose pages are written: its parts (a bundle per year) and
    its key (the same key means the same index). The records of the offices are gathered only
    when a bundle is indexed (for the preview, in its own thread, after the pages are shown)."""

    folder: Path
    bundles: list[search.Bundle]
    key: str

    def run(self, reuse_from: Path | None) -> list[str]:
        """Index the bundles whose key is not the one recorded in ``reuse_from`` (an output
        folder; None: index them all); returns their names. Raises BuildError when Pagefind fails."""
        return search.write_index(self.folder, self.bundles, reuse_from)


def _search_job(site: Site, folder: Path, ctx: BuildContext, keys: dict[str, str]) -> SearchJob:
    pdf_records = [search.Record(name, f"{title}（打印版 PDF）", text) for name, title, text in ctx.pdf_texts]
    html_keys = {path: key for path, key in keys.items() if path.endswith(".html")}
    bundles = search.bundles(site, html_keys, pdf_records)
    return SearchJob(folder, bundles, search.index_key(bundles))


def _swap_in(staging: Path, out_dir: Path) -> None:
    """Replace out_dir by staging with two renames, so a reader never sees half a site."""
    old = None
    if out_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=".output-old-", dir=out_dir.parent))
        os.rmdir(old)
        os.rename(out_dir, old)
    os.rename(staging, out_dir)
    os.chmod(out_dir, 0o755)
    if old is not None:
        _remove_later(old)


def _remove_later(folder: Path) -> None:
    """Delete the replaced output in the background: tens of thousands of unlinks need not hold up
    the build, and nothing reads the folder any more. Leftovers of an interrupted removal are
    picked up by the next build."""
    for stale in folder.parent.glob(".output-old-*"):
        if stale != folder and stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
    try:
        subprocess.Popen(["rm", "-rf", "--", str(folder)], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
