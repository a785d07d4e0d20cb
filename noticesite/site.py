"""load(): read and check everything. build(): write everything, or nothing.

Habit 1 of STYLE.md: every file is read and checked before anything is
written, and a failed check writes nothing. ``output`` is a link to a release folder: a
build writes a new release and switches the link to it only when it all succeeded (``Releases``).
"""
from __future__ import annotations

import contextlib
import os
import posixpath
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TypeVar, cast

from . import paths, schema, search, yamlio  # search imports Pagefind only when it builds an index
from .children import die_with_parent
from .cache import (CACHE_DIR, Hasher, code_version, digest, LoadCache, LoadEntry, Manifest, NoticeRef, Summary,
                    notice_summary, shard_path, write_shard)
from .errors import BuildError, Problem, Problems
from .model import Location, Makeup, Notice, Procedure, Schedule, Site, SiteConfig
from .outputs import Output, derive, fingerprint, notice_key, plan
from .render import LazyEnvironment
from .yamlio import Node

T = TypeVar("T")



@dataclass
class Project:
    root: Path
    # what may be read (paths.py); one per Project, and a Project per load or build
    policy: paths.FilePolicy = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.policy = paths.FilePolicy(self.root)

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
        return paths.display_path(path, self.root)


# ---- load --------------------------------------------------------------------------------


class _DataFiles:
    """Reads each data file once, whatever number of notices refer to it."""

    def __init__(self, project: Project, problems: Problems):
        self.project, self.problems = project, problems
        self.loaded: dict[tuple[Path, str], object] = {}
        self.files_read: dict[tuple[Path, str], set[Path]] = {}  # each data file and what it pulled in
        self.file_problems: dict[tuple[Path, str], list] = {}  # and the problems found in them
        self.reading: list[set[Path]] = []  # the files read on behalf of each notice being loaded

    def inside(self, ref: Node, base: Path, what: str) -> Path | None:
        """The file a reference names, if its name stays inside ``base`` (no absolute paths, no
        '..' out) and, links followed, the file is in the project (paths.py). The path returned is
        the one the project names (a link's, not its target's): it is the one read."""
        raw = ref.value if isinstance(ref.value, str) else None  # ref.is_scalar
        if not raw:
            self.problems.error(ref.loc, f"{what}: expected a file name, got {ref.describe()}")
            return None
        name = posixpath.normpath(raw)
        if os.path.isabs(raw) or name == ".." or name.startswith("../"):
            self.problems.error(ref.loc, f"{what}: '{raw}' is outside {self.project.shown(base)}/")
            return None
        candidate = base / name
        for files in self.reading:  # a missing file is an input too: creating it must rebuild
            files.add(candidate)
        refused = self.project.policy.problem(candidate)
        if refused is not None:
            self.problems.append(refused)
            return None
        if not candidate.is_file():
            self.problems.error(ref.loc, f"{what}: {self.project.shown(base)}/{raw} does not exist")
            return None
        return candidate

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
            # a bare directory is a make-up page without extras
            if isinstance(node.value, dict) and "offices" in node.value:
                directory = schema.load_directory(node, self.problems)
                return Makeup("", [], [], None, directory, node.loc) if directory else None
            return schema.load_makeup(node, self.problems, self._resolve_shared)
        raise ValueError(kind)

    def _resolve_shared(self, ref: Node, kind: str) -> object:
        return self.load(ref, {"directory": "offices", "colleges": "colleges"}[kind])


def _checked_procedure(proc: Procedure | None, problems: Problems) -> Procedure | None:
    if proc is None:
        return None
    from .flow import check_procedure  # the chart's module: imported only for a notice that has one

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
    paths = _notice_files(project, problems)
    # every file of layouts/ is published or may be used by a template: none may lead out
    list(project.policy.files(project.layouts, problems))
    shown_of = {p: project.shown(p) for p in paths}
    entries = {shown_of[p]: cache.get(shown_of[p], project.root, project.policy) if cache else None
               for p in paths}
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
        assert entry is not None  # taken from the cache, or loaded above
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


def _notice_files(project: Project, problems: Problems) -> list[Path]:
    """content/*/notice.md: the notices to load. A notice folder or notice.md that is a link out
    of the project is refused, not read."""
    if not project.content.is_dir():
        return []
    found = []
    for folder in sorted(project.content.iterdir()):
        refused = project.policy.problem(folder)
        if refused is not None:
            problems.append(refused)
            continue
        notice = folder / "notice.md"
        if not notice.exists():
            if folder.is_dir() and not folder.name.startswith("."):
                problems.warn(Location(project.shown(folder)),
                              "a folder in content/ without notice.md is not published")
            continue
        refused = project.policy.problem(notice)
        if refused is not None:
            problems.append(refused)
            continue
        found.append(notice)
    return sorted(found, key=str)


def _load_in_parallel(project: Project, todo: list[Path], workers: int, config: SiteConfig | None,
                      shards: Path | None) -> dict[str, LoadEntry]:
    """Forked workers parse slices of the notices; each reads the shared data files once for itself.

    With a cache folder, a worker writes each notice to its shard itself and sends back only
    its summary: the notices then need not be pickled through the pool and read back here.
    """
    def load_slice(paths: list[Path]) -> list[tuple[str, dict[str, str], Notice | Summary | None, list[Problem]]]:
        data, hasher = _DataFiles(project, Problems()), Hasher()
        done: list[tuple[str, dict[str, str], Notice | Summary | None, list[Problem]]] = []
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
        for shown, inputs, sent, problems in part:
            notice: Notice | NoticeRef | None
            if isinstance(sent, tuple):  # (summary, attachments): the notice is in its shard
                assert shards is not None  # summaries are sent back only when there are shards
                notice = NoticeRef(*sent, shard_path(shards, shown, inputs))
            else:
                notice = sent
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
        # a worker waits on the pool's queue, which a killed build never closes: it dies with it
        with multiprocessing.get_context("fork").Pool(min(workers, len(slices)), initializer=die_with_parent,
                                                      initargs=(os.getpid(),)) as pool:
            return pool.map(_forked_slice, range(len(slices)), chunksize=1)
    finally:
        _FORKED_WORK = None


def _forked_slice(index: int):
    assert _FORKED_WORK is not None  # set by _in_forked_slices before it forked this worker
    work, slices = _FORKED_WORK
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
        shown = project.shown(page)
        text, unreadable = yamlio.read_text(page, shown)
        problems.extend(unreadable)  # in the page's file: the notice's other checks go on
        return None if text is None else (text, shown)

    def load_data(ref: Node, attachment_type: str) -> Schedule | Makeup | Procedure | None:
        # _DataFiles._read gives these three kinds' records (or None)
        return cast("Schedule | Makeup | Procedure | None", data.load(ref, _ATTACHMENT_DATA_KIND[attachment_type]))

    from . import content  # Markdown and the holiday calendar: only when a notice is parsed

    try:
        notice = content.load_notice(path, project.shown(path), load_data, read_page, problems,
                                     root=project.root, files=data.reading[-1])
    except (RecursionError, MemoryError) as exc:  # the limits should stop it first: never a traceback
        problems.error(Location(project.shown(path)), f"too large or too deeply nested to read ({type(exc).__name__})")
        notice = None
    files = data.reading.pop()
    inputs = {project.shown(f): hasher.input(f, project.policy) for f in sorted(files)}
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
    refused = output_refusal(project.root, out_dir)  # a file, or a folder of someone else's
    if refused is not None:
        raise BuildError([refused])
    out_dir = _output_path(out_dir)
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
    try:
        if options.in_place:
            return _update(site, outputs, out_dir, on_disk, manifest, ctx)
        return _write_release(site, outputs, out_dir, on_disk, manifest, ctx)
    except OSError as exc:  # a full disk, a folder we may not write: say which file, stop cleanly
        raise BuildError([_write_problem(exc, out_dir, project)]) from exc


def _output_path(out_dir: Path) -> Path:
    """The output folder's absolute path, its own last name kept: ``output`` is a link to its
    current release, and the link is what a build replaces. A link made by someone else (to a
    web server's folder, say) is followed: the releases are made beside what it points to."""
    out_dir = Path(os.path.abspath(out_dir))
    out_dir = out_dir.parent.resolve() / out_dir.name
    if out_dir.is_symlink() and not Releases(out_dir).owns_link():
        return out_dir.resolve()
    return out_dir


def _write_problem(exc: OSError, out_dir: Path, project: Project) -> Problem:
    """An OSError while writing as a problem located at the file, shown as its path in the output
    folder (not in the release being made), with the system's words (strerror, not [Errno 28])."""
    name = str(exc.filename or out_dir)
    home = str(Releases(out_dir).home)
    if name.startswith(home + os.sep):  # <home>/<release>/<rel> is <out_dir>/<rel> once switched
        rest = name[len(home) + 1:].partition(os.sep)[2]
        name = str(out_dir / rest) if rest else str(out_dir)
    return Problem(project.shown(Path(name)), 0, 0, f"cannot write: {exc.strerror or exc}")


def verify(site: Site, options: BuildOptions | None = None, env=None) -> list[Problem]:
    """Everything ``build`` checks beyond loading, writing nothing: the print documents made and
    their characters checked against the print fonts, and every page, feed and calendar file
    rendered into memory (a template's syntax error or undefined name, a chart that cannot be
    drawn). ``check`` runs it, so a check that passes means a build that succeeds."""
    from . import pdf

    options = options or BuildOptions()
    project = Project(Path(site.root))
    env = env or LazyEnvironment(project.layouts)
    ctx = BuildContext(project, env, options, BuildReport(), project.root / CACHE_DIR, Hasher(), None)
    problems: list[Problem] = []
    try:
        if options.pdf:
            config = fingerprint(site.config)
            problems += _templates_located(ctx, lambda: pdf.check_print(
                site, env, ctx.cache, key_of=lambda notice: digest(code_version(), config, notice_key(notice))))
            for page, href, name in pdf.pdf_pages(site):  # the sizes a build would link, where known
                cached = ctx.cache / "pdf" / name
                ctx.pdf_links[page] = (href, cached.stat().st_size if cached.is_file() else 0)
        # An output whose key is the one the last build of output/ recorded was made by that build
        # from the same inputs (a key covers all a template is handed): it would be made again.
        made = Manifest.for_output(project.root, project.root / "output").outputs
        for output in _plan(site, env, ctx, []):
            if output.link is None and made.get(output.path) != output.key:
                _made(output, ctx)
    except BuildError as exc:
        problems += exc.problems
    return problems


def output_refusal(root: Path, out_dir: Path) -> Problem | None:
    """Why the build may not write into ``out_dir`` (paths.output_problem), or None."""
    return paths.output_problem(out_dir, root, lambda: Manifest.listed(root, out_dir))


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
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: scan, send, and leave without running any of the parent's exit code
            status = 1
            try:
                die_with_parent(parent)
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


def _write_release(site: Site, outputs: list[Output], out_dir: Path, on_disk: dict[str, tuple[int, int]],
                   manifest: Manifest, ctx: BuildContext) -> BuildReport:
    """Everything into a new release folder, then ``out_dir`` (a link) switched to it at once.

    Files whose key is the manifest's, and that still have the size and time it recorded, are
    hard links to the current release's; the others are rendered. Until the switch nothing a
    reader of ``out_dir`` sees has changed; a build killed before it leaves a folder that the
    next build removes.
    """
    report = ctx.report
    releases = Releases(out_dir)
    old_keys, old_stats = (manifest.outputs, manifest.stats) if ctx.previous else ({}, {})
    todo = [o for o in outputs
            if old_keys.get(o.path) != o.key or on_disk.get(o.path) != old_stats.get(o.path)]
    with releases.locked():
        if _release_is_current(site, outputs, todo, out_dir, on_disk, old_keys, ctx):
            report.rendered, report.reused, report.removed = 0, len(outputs), 0
            return report
        folder = releases.new()
        paths.mark_output(folder)
        try:
            changed = {o.path for o in todo}
            kept = _link_unchanged([o for o in outputs if o.path not in changed], out_dir, folder, todo)
            written = _timed(report, "files", lambda: _render_all(todo, folder, ctx))
            keys = {o.path: o.key for o in outputs}
            stats = {path: old_stats[path] for path in kept}
            stats.update(written)
            if ctx.options.search:
                keys[search.INDEX_DIR + "/"] = _timed(report, "search", lambda: _write_search_index(
                    site, folder, ctx, keys, old_keys.get(search.INDEX_DIR + "/")))
            elif ctx.options.search_later:
                report.search_job = _search_job(site, out_dir, ctx, keys)
            manifest.forget()  # killed from here to save(): the next build is a full one, never a wrong one
            releases.switch(folder, small=len(outputs) < _REMOVE_IN_BACKGROUND_FROM)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    stale = set(on_disk) - set(keys)
    report.rendered, report.reused, report.removed = len(todo), len(outputs) - len(todo), len(stale)
    manifest.save(keys, stats)
    return report


def _release_is_current(site: Site, outputs: list[Output], todo: list[Output], out_dir: Path,
                        on_disk: dict[str, tuple[int, int]], old_keys: dict[str, str], ctx: BuildContext) -> bool:
    """Whether the current release is what this build would make: nothing to render, no file to
    remove, the search index (when made) the same. Such a build keeps it rather than relinking
    every file into a new release (22,000 links at 1,000 notices, the better part of a rebuild)."""
    if todo or ctx.previous is None or ctx.options.search_later or not Releases(out_dir).owns_link():
        return False
    if not (out_dir / paths.OUTPUT_MARKER).is_file():  # what every release of the build holds
        return False
    index = search.INDEX_DIR + "/"
    if set(on_disk) != {o.path for o in outputs} or set(old_keys) - {index} != set(on_disk):
        return False
    if not ctx.options.search:
        return index not in old_keys  # else the new release would drop the current one's index
    keys = {o.path: o.key for o in outputs}
    job = _search_job(site, out_dir, ctx, keys)
    return old_keys.get(index) == job.key and search.index_is(out_dir, job.bundles)


def _link_unchanged(unchanged: list[Output], out_dir: Path, folder: Path, todo: list[Output]) -> list[str]:
    """Hard-link each unchanged file of the current release into the new one (same inode: same
    size and time, so the manifest's record still holds); one that cannot be linked joins ``todo``."""
    made: set[str] = set()
    kept = []
    for output in unchanged:
        parent = os.path.dirname(output.path)
        if parent not in made:
            os.makedirs(f"{folder}/{parent}", exist_ok=True)
            made.add(parent)
        try:
            os.link(f"{out_dir}/{output.path}", f"{folder}/{output.path}", follow_symlinks=False)
            kept.append(output.path)
        except OSError:  # gone meanwhile, or a file system without hard links: render it
            todo.append(output)
    return kept


def _update(site: Site, outputs: list[Output], out_dir: Path, on_disk: dict[str, tuple[int, int]],
            manifest: Manifest, ctx: BuildContext) -> BuildReport:
    """In place, for the preview's private folder (no other reader; a release per save would
    relink the whole archive): render what changed beside its target, then rename it all in and
    remove what has no source.

    A file is kept when its key is the manifest's and it still has the size and time the
    manifest recorded; anything else in the folder (an edited or stray file) is replaced or removed.
    """
    report = ctx.report
    out_dir.mkdir(exist_ok=True)
    paths.mark_output(out_dir)
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
                if rel == paths.OUTPUT_MARKER:  # the build's own, not an output file
                    continue
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
    # reading the templates' references parses them: a syntax error surfaces here
    return _templates_located(ctx, lambda: plan(site, env, ctx.project.layouts, ctx.hasher, ctx.pdf_links,
                                                pdf_files))


def _templates_located(ctx: BuildContext, work: Callable[[], T]) -> T:
    """Runs ``work``; a template's error in it becomes a BuildError with its location."""
    try:
        return work()
    except Exception as exc:
        error = _template_error(ctx, exc)
        if error is None:
            raise
        raise error from exc


def _timed(report: BuildReport, name: str, work: Callable[[], T]) -> T:
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
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            while data:
                data = data[os.write(fd, data):]
            stat = os.fstat(fd)
        finally:
            os.close(fd)
    except OSError as exc:  # os.write's error (a full disk: ENOSPC) names no file: name it
        if exc.filename is None:
            raise OSError(exc.errno, exc.strerror, target) from exc
        raise
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

    printed = _templates_located(ctx, lambda: pdf.write_site_pdfs(site, None, ctx))
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


# ---- releases: output/ is a link to the last complete build -------------------------------

# Above this many files, the release two builds back is removed by a process of its own: tens
# of thousands of unlinks need not hold up the build (and the next build removes what is left).
_REMOVE_IN_BACKGROUND_FROM = 2000


class Releases:
    """The releases of one output folder, in ``.<name>.releases/`` beside it::

        output -> .output.releases/r-1a2b3c4d        the current release (a relative link)
        .output.releases/.noticesite-releases        the marker (and the lock of a build)
        .output.releases/previous -> r-5e6f7a8b      the release before it, kept for rollback
        .output.releases/r-…, gone-…                 a killed build's: removed by the next build

    A build makes a new ``r-*`` folder, then switches ``output`` to it with one rename of a new
    link over the old one (rename(2) is atomic): a reader, or a crash, sees one release or the
    other, never a mix. Only folders named so, inside a folder with the marker, are removed.
    """

    MARKER = ".noticesite-releases"

    def __init__(self, link: Path):
        self.link = link
        self.home = link.parent / f".{link.name}.releases"

    def owns_link(self) -> bool:
        try:
            target = os.readlink(self.link)
        except OSError:
            return False
        return os.path.dirname(target) == self.home.name

    def _name_of(self, link: Path) -> str | None:
        """The release a link of ours points to."""
        try:
            target = os.readlink(link)
        except OSError:
            return None
        return os.path.basename(target)

    @contextlib.contextmanager
    def locked(self):
        """Hold the marker's lock for the build, after removing what killed builds left: two
        builds into one folder at once would otherwise remove each other's new release."""
        self.home.mkdir(exist_ok=True)
        marker = self.home / self.MARKER
        if not marker.exists():
            if any(self.home.iterdir()):
                raise BuildError([Problem(str(self.home), 0, 0, "this folder holds files not made by noticesite; "
                                          "move them away")])
            marker.write_text("Releases of the site, made by noticesite: see README.md.\n", encoding="utf-8")
        with open(marker, "a", encoding="utf-8") as lock:
            try:
                import fcntl
            except ImportError:  # not POSIX: no lock
                fcntl = None  # type: ignore[assignment]  # the module or None: tested before use
            if fcntl is not None:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise BuildError([Problem(str(self.link), 0, 0, "another build is writing this folder; "
                                              "try again when it has ended")]) from None
            self._tidy()
            yield

    def _tidy(self) -> None:
        """Remove what a killed build left: releases neither current nor previous, and links
        made under a temporary name."""
        keep = {self._name_of(self.link), self._name_of(self.home / "previous")}
        for entry in os.scandir(self.home):
            if entry.name.startswith(("r-", "gone-")) and entry.name not in keep:
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
            elif entry.name.startswith("previous.") and entry.is_symlink():
                os.unlink(entry.path)
        prefix = f".{self.link.name}.link-"
        for entry in os.scandir(self.link.parent):
            if entry.name.startswith(prefix) and entry.is_symlink() and self._name_of(Path(entry.path)):
                os.unlink(entry.path)

    def new(self) -> Path:
        folder = Path(tempfile.mkdtemp(prefix="r-", dir=self.home))
        os.chmod(folder, 0o755)  # mkdtemp's 0o700 would hide the site from a web server's user
        return folder

    def switch(self, release: Path, small: bool) -> None:
        """Point the link at ``release``; the release it pointed to becomes the previous one,
        and the previous one before it is removed."""
        current, before = self._name_of(self.link), self._name_of(self.home / "previous")
        if self.link.is_dir() and not self.link.is_symlink():  # a folder: an older build's, or made empty
            current = self._adopt_folder()
        if current:
            self._relink(self.home / "previous", current, self.home / f"previous.{release.name}")
        self._relink(self.link, f"{self.home.name}/{release.name}",
                     self.link.parent / f".{self.link.name}.link-{release.name}")
        if before and before not in (current, release.name) and (self.home / before).is_dir():
            _remove(self.home / before, self.home / f"gone-{before}", small)

    def _adopt_folder(self) -> str | None:
        """The output folder of a build before releases: moved in as a release (for rollback),
        so that the link can take its place. Between the two renames the name is missing for an
        instant, once."""
        if not any(self.link.iterdir()):
            os.rmdir(self.link)
            return None
        name = Path(tempfile.mkdtemp(prefix="r-", dir=self.home)).name
        os.rmdir(self.home / name)
        os.rename(self.link, self.home / name)
        return name

    @staticmethod
    def _relink(link: Path, target: str, temporary: Path) -> None:
        """Make ``link`` point to ``target`` in one step: a new link, renamed over the old."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        os.symlink(target, temporary)
        try:
            os.replace(temporary, link)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


def _remove(folder: Path, retired: Path, small: bool) -> None:
    """Remove a release no link points to: renamed first (the next build removes a ``gone-*``
    left half removed), then removed here if small, else by a process of its own."""
    os.rename(folder, retired)
    if small:
        shutil.rmtree(retired, ignore_errors=True)
        return
    try:
        subprocess.Popen(["rm", "-rf", "--", str(retired)], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        shutil.rmtree(retired, ignore_errors=True)
