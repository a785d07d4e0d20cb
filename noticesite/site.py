"""build(): write everything, or nothing, as a sequence of timed stages.

Habit 1 of STYLE.md: everything is read and checked (loading.py) before anything is written, and
a failed check writes nothing. The stages: print the PDFs, plan every output file, write those
that changed into a new release of the output folder (output_folder.py) or, for the preview,
beside their targets, index the pages for search, then switch the folder to them at once.
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import resource
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TypeVar

from . import search  # search imports Pagefind only when it builds an index
from .cache import CACHE_DIR, Hasher, Manifest, code_version, digest
from .children import in_forked_slices, worker_count, worth_forking
from .calendars import ledger_settled, updated_ledger
from .errors import BuildError, Problem
from .ledger import LEDGER_NAME, Ledger, clock, ledger_path, write_ledger
from .loading import Project
from .loading import load as load  # the API's other half, beside build
from .memos import Memos
from .model import Notice, Site, whole
from .printed import RenderReport
from .output_folder import (OutputScan, Releases, discard, link_unchanged, move_in, open_in_place, output_path,
                            output_refusal, release_is_current, remove_search_index, remove_stale, write_problem)
from .outputs import Output, derive, fingerprint, notice_key, plan
from .paths import name_too_long
from .render import LazyEnvironment

T = TypeVar("T")


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
    # Record the calendar events that changed in each notice's ledger under data/ (ledger.py).
    # The preview does not: it publishes nothing, and a save in mid-edit is no new version.
    record_ledger: bool = True


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
    pdf_fonts: str = ""  # the library that subset the printed PDFs' fonts (pdf.font_subsetter)
    pdf_faces: str = ""  # the face each print role got (pdf.role_faces)
    search_job: "SearchJob | None" = None  # with BuildOptions.search_later
    warnings: list = field(default_factory=list)  # problems found while writing, e.g. by WeasyPrint
    timings: dict[str, float] = field(default_factory=dict)
    cpu_timings: dict[str, float] = field(default_factory=dict)  # user + system, with the children waited for
    # the notices whose calendar ledger this build wrote, as the next build will load them
    written_back: list[Notice] = field(default_factory=list)


@dataclass(frozen=True)
class BuildContext:
    """What every stage may read, and none writes: the project, the template environment, the
    options, the cache folder, the file hasher, the output folder being replaced (if any), the
    memos of the site's notices (memos.py: the stages add to them, never change them)."""

    project: Project
    env: Any  # a jinja2.Environment, or the LazyEnvironment that makes one when a template is read
    options: BuildOptions
    cache: Path
    hasher: Hasher
    previous: Path | None
    memos: Memos = field(default_factory=Memos)


NO_PDFS = RenderReport()  # the PDF stage's value when no PDF is printed (never changed)

# Below this many files to render, forking workers costs more than it saves.
_PARALLEL_THRESHOLD = 200


def build(site: Site, out_dir: Path, options: BuildOptions | None = None, hasher: Hasher | None = None,
          env=None, scan: "OutputScan | None" = None, pdfs: RenderReport | None = None,
          memos: Memos | None = None) -> BuildReport:
    """Write the whole site into ``out_dir``. Raises BuildError, with ``out_dir`` as it was, on failure.

    The stages, each timed (``BuildReport.timings``, what NOTICESITE_TIMINGS prints), each taking
    values and returning values: print the PDFs (``print_pdfs``), plan every file (``plan_outputs``),
    write the files (a new release, or in place for the preview), index them for search
    (``index_for_search``), then switch the folder to them at once.

    The first build into a folder writes a new folder beside it and swaps it in. Later builds
    (the manifest of the last one is valid) link the unchanged files of the current release
    into the new one and render the others; the preview's (``in_place``) renders each changed
    file beside its target and renames them all in once all are made.

    A caller that builds again and again (the preview) passes the same ``hasher`` and ``env``:
    files and templates that did not change are then neither hashed nor compiled again. A
    caller may start reading ``out_dir`` early (``OutputScan``, before loading) and pass it. A
    caller that printed the PDFs already (the preview, in the background) passes them as
    ``pdfs``: they are not printed again. A caller that loaded the site with a load cache passes
    its memos (``LoadCache.memos``): an unchanged notice is then planned without being read.
    """
    options = options or BuildOptions()
    project = Project(Path(site.root))
    report = BuildReport()
    refused = output_refusal(project.root, out_dir)  # a file, or a folder of someone else's
    if refused is not None:
        raise BuildError([refused])
    out_dir = output_path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    manifest = Manifest.for_output(project.root, out_dir)
    previous = out_dir if options.incremental and out_dir.is_dir() and manifest.outputs else None
    # compiled templates are kept per version of this code (which sets the environment's options)
    env = env or LazyEnvironment(project.layouts, project.root / CACHE_DIR / f"templates-{code_version()[:12]}")
    ctx = BuildContext(project, env, options, project.root / CACHE_DIR, hasher or Hasher(), previous,
                       memos if memos is not None else Memos())
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
        # before anything is published: a sequence once published is never published again for
        # other content, even if this build fails later and the change is undone
        loaded = site
        site, ledgers = _timed(report, "ledger", lambda: calendar_ledgers(
            loaded, ctx.memos, options.record_ledger, project, ctx.hasher))
        report.written_back = [new for new, old in zip(site.notices, loaded.notices) if new is not old]
        if pdfs is None:
            pdfs = _timed(report, "pdf", lambda: print_pdfs(site, ctx)) if options.pdf else NO_PDFS
        outputs = _timed(report, "plan", lambda: plan_outputs(site, ctx, pdfs, ledgers))
    finally:
        on_disk = scan.result() if scan else dict(manifest.stats) if trusted else {}
    report.files, report.pages = len(outputs), sum(1 for o in outputs if o.path.endswith(".html"))
    report.pdfs_rendered, report.pdfs_reused = len(pdfs.rendered), len(pdfs.reused)
    report.pdf_peak_rss, report.warnings = pdfs.peak_rss, list(pdfs.warnings)
    report.pdf_fonts, report.pdf_faces = pdfs.subsetter, pdfs.faces
    old_keys, old_stats = (manifest.outputs, manifest.stats) if previous else ({}, {})
    todo = _changed(outputs, on_disk, old_keys, old_stats)
    keys = {o.path: o.key for o in outputs}
    try:
        if options.in_place:
            suffix = open_in_place(out_dir)
            stats = _timed(report, "files", lambda: write_in_place(outputs, todo, out_dir, suffix, old_stats, ctx))
            manifest.forget()  # the folder changes now: until saved again, trust nothing in it
            commit_in_place(out_dir, todo, suffix, set(on_disk) - set(keys))
            try:
                keys.update(_search_stage(site, out_dir, out_dir, ctx, report, pdfs, keys, old_keys))
            except BuildError as exc:  # the pages are in place already; the previous index stays
                raise BuildError(exc.problems, "its pages are new; its search index is the previous one") from exc
            if not options.search and not options.search_later:
                remove_search_index(out_dir)  # as a build without search has none
        else:
            releases = Releases(out_dir)
            with releases.locked():
                if _release_is_current(site, outputs, todo, out_dir, on_disk, old_keys, ctx, pdfs):
                    report.rendered, report.reused, report.removed = 0, len(outputs), 0
                    return report
                with releases.writing() as folder:
                    todo, stats = _timed(report, "files", lambda: write_release(
                        outputs, todo, out_dir, folder, old_stats, ctx))
                    keys.update(_search_stage(site, folder, out_dir, ctx, report, pdfs, keys, old_keys))
                    manifest.forget()  # killed from here to save(): the next build is a full one, never a wrong one
                    releases.switch(folder, files=len(outputs))
    except OSError as exc:  # a full disk, a folder we may not write: say which file, stop cleanly
        raise BuildError([write_problem(exc, out_dir, project.root)]) from exc
    stale = set(on_disk) - set(keys)
    report.rendered, report.reused, report.removed = len(todo), len(outputs) - len(todo), len(stale)
    manifest.save(keys, stats)
    return report


def verify(site: Site, options: BuildOptions | None = None, env=None, memos: Memos | None = None) -> list[Problem]:
    """Everything ``build`` checks beyond loading, writing nothing: the print documents made and
    their characters checked against the print fonts, and every page, feed and calendar file
    rendered into memory (a template's syntax error or undefined name, a chart that cannot be
    drawn). ``check`` runs it, so a check that passes means a build that succeeds."""
    from . import pdf

    options = options or BuildOptions()
    project = Project(Path(site.root))
    env = env or LazyEnvironment(project.layouts)
    memos = memos if memos is not None else Memos()
    ctx = BuildContext(project, env, options, project.root / CACHE_DIR, Hasher(), None, memos)
    problems: list[Problem] = []
    try:
        pdfs = NO_PDFS
        if options.pdf:
            config = fingerprint(site.config)
            def key_of(notice: Any) -> str:
                return digest(code_version(), config, notice_key(notice, memos.of(notice)))

            problems += _templates_located(ctx, lambda: pdf.check_print(site, env, ctx.cache, key_of=key_of))
            pdfs = RenderReport(links=pdf.pdf_links(site, ctx.cache))  # the sizes a build would link, where known
        # An output whose key is the one the last build of output/ recorded was made by that build
        # from the same inputs (a key covers all a template is handed): it would be made again.
        # So was one whose key the last check rendered without a problem (check's own manifest).
        made = Manifest.for_output(project.root, project.root / "output").outputs
        checked = Manifest.for_output(project.root, project.root / CACHE_DIR / CHECKED)
        _, ledgers = calendar_ledgers(site, memos, False, project, ctx.hasher)  # as a build would publish them
        keys = {}
        for output in plan_outputs(site, ctx, pdfs, ledgers):
            if output.link is None and output.key not in (made.get(output.path), checked.outputs.get(output.path)):
                _made(output, ctx)
            keys[output.path] = output.key
        if keys != checked.outputs:
            with contextlib.suppress(OSError):  # a read-only project is checked all the same
                checked.save(keys)
    except BuildError as exc:
        problems += exc.problems
    return problems


# The name of check's own manifest (cache.Manifest, as for an output folder of that name): the key
# of every file the last check that found no problem in it rendered into memory.
CHECKED = "checked"


def calendar_ledgers(site: Site, memos: Memos, write: bool, project: Project,
                     hasher: Hasher) -> tuple[Site, dict[str, Ledger]]:
    """The ledger stage: the calendar ledger of each notice whose events changed since its
    ledger file was written, updated at this build's time. With ``write``, each is written back
    to data/<slug>/ (ledger.py) and the site handed on as the next build will load it
    (``_as_written``); without, the updated ledgers are handed on (by slug) for the plan to
    publish instead of the notices' own. Usually none: a notice whose ledger says what it
    publishes is told by its summary, without being read whole."""
    now = clock()
    updated, written = {}, {}
    for notice in site.notices:
        if ledger_settled(site.config, notice, memos.of(notice)):
            continue
        updated[notice.slug] = updated_ledger(site.config, notice, memos.of(notice), now)
        if write:
            path = ledger_path(Path(site.root) / "data", notice.slug)
            try:
                write_ledger(path, notice.slug, updated[notice.slug])
            except OSError as exc:
                raise BuildError([Problem(f"data/{notice.slug}/{LEDGER_NAME}", 0, 0,
                                          f"cannot write the calendar ledger: {exc.strerror or exc}")]) from exc
            written[notice.slug] = path
    if written:  # what the notices now hold and their inputs cover: the plan reads them from the notices
        site = _as_written(site, updated, written, project, hasher)
        for notice in site.notices:
            if notice.slug in written:  # its memos worked out as loading does, kept for the next build
                derive(site.config, notice, memos.of(notice))
    return site, {slug: ledger for slug, ledger in updated.items() if slug not in written}


def _as_written(site: Site, ledgers: dict[str, Ledger], written: dict[str, Path], project: Project,
                hasher: Hasher) -> Site:
    """The site with each notice whose ledger file was just written holding that ledger, and the
    file's new hash among its inputs, as the next build will load it: every key made from the
    notice in this build (its pages, calendars, PDFs) is then the key the next build makes from
    what it reads, and the next build renders nothing of it again (before, the first build after
    a notice's first publication rendered all its files again, unchanged)."""
    notices = []
    for notice in site.notices:
        path = written.get(notice.slug)
        if path is not None:
            read = whole(notice)
            inputs = {**read.inputs, project.shown(path): hasher.input(path, project.policy)}
            notice = dataclasses.replace(read, calendar_ledger=ledgers[notice.slug], inputs=inputs)
        notices.append(notice)
    return dataclasses.replace(site, notices=notices)


def stale_ledgers(site: Site, memos: Memos | None = None) -> list[str]:
    """The ledger files a build would update (for check's note), as data/<slug>/calendar-ledger.yaml."""
    memos = memos if memos is not None else Memos()
    return [f"data/{n.slug}/{LEDGER_NAME}" for n in site.notices if not ledger_settled(site.config, n, memos.of(n))]


def write_release(outputs: list[Output], todo: list[Output], out_dir: Path, folder: Path,
                  old_stats: dict[str, tuple[int, int]], ctx: BuildContext
                  ) -> tuple[list[Output], dict[str, tuple[int, int]]]:
    """The write stage of a build: every file into the new release ``folder``. Files not in
    ``todo`` (their key is the manifest's, and they still have the size and time it recorded)
    are hard links to the current release's; the others are rendered. Returns what was
    rendered and every file's size and time. Until the switch nothing a reader of ``out_dir``
    sees has changed; a build killed before it leaves a folder that the next build removes.
    """
    changed = {o.path for o in todo}
    kept = link_unchanged([o.path for o in outputs if o.path not in changed], out_dir, folder)
    linked = set(kept)
    todo = todo + [o for o in outputs if o.path not in changed and o.path not in linked]
    stats = {path: old_stats[path] for path in kept}
    stats.update(_render_all(todo, folder, ctx))
    return todo, stats


def write_in_place(outputs: list[Output], todo: list[Output], out_dir: Path, suffix: str,
                   old_stats: dict[str, tuple[int, int]], ctx: BuildContext) -> dict[str, tuple[int, int]]:
    """The write stage of the preview, in its private folder (no other reader; a release per
    save would relink the whole archive): each file of ``todo`` rendered beside its target,
    under ``suffix`` (output_folder.open_in_place), until ``commit_in_place`` renames them all in.
    Returns every file's size and time. On failure the folder is as it was."""
    try:
        written = _render_all(todo, out_dir, ctx, suffix)
    except BaseException:
        discard(out_dir, [o.path for o in todo], suffix)
        raise
    stats = {o.path: old_stats[o.path] for o in outputs if o.path in old_stats and o.path not in written}
    stats.update(written)
    return stats


def commit_in_place(out_dir: Path, todo: list[Output], suffix: str, stale: set[str]) -> None:
    """Rename the files ``write_in_place`` made into place and remove those without a source."""
    move_in(out_dir, [o.path for o in todo], suffix)
    remove_stale(out_dir, stale)


def _changed(outputs: list[Output], on_disk: dict[str, tuple[int, int]], old_keys: dict[str, str],
             old_stats: dict[str, tuple[int, int]]) -> list[Output]:
    """The outputs to make: a file is kept when its key is the manifest's and it still has the
    size and time the manifest recorded."""
    return [o for o in outputs if old_keys.get(o.path) != o.key or on_disk.get(o.path) != old_stats.get(o.path)]


def _release_is_current(site: Site, outputs: list[Output], todo: list[Output], out_dir: Path,
                        on_disk: dict[str, tuple[int, int]], old_keys: dict[str, str], ctx: BuildContext,
                        pdfs: RenderReport) -> bool:
    """Whether the current release is what this build would make: nothing to render, no file to
    remove, the search index (when made) the same (output_folder.release_is_current)."""
    if todo or ctx.previous is None or ctx.options.search_later:
        return False

    def index_is_current() -> bool:
        job = search_job(site, out_dir, pdfs, {o.path: o.key for o in outputs}, ctx.memos)
        return old_keys.get(search.INDEX_DIR + "/") == job.key and search.index_is(out_dir, job.bundles)

    return release_is_current(out_dir, {o.path for o in outputs}, on_disk, old_keys,
                              index_is_current if ctx.options.search else None)


def plan_outputs(site: Site, ctx: BuildContext, pdfs: RenderReport,
                 ledgers: dict[str, Ledger] | None = None) -> list[Output]:
    """The plan stage: every file of the site with its key, the PDFs' links and files taken
    from the PDF stage's value, the calendars from the ledger stage's."""
    # reading the templates' references parses them: a syntax error surfaces here
    outputs = _templates_located(ctx, lambda: plan(site, ctx.env, ctx.project.layouts, ctx.hasher, pdfs.links,
                                                   pdfs.files, ledgers, ctx.memos))
    too_long = [problem for output in outputs if (problem := name_too_long(output.path)) is not None]
    if too_long:  # here, where check meets it too, not when the file is written
        raise BuildError(too_long)
    return outputs


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
    started, cpu = time.perf_counter(), _cpu_seconds()
    result = work()
    report.timings[name] = time.perf_counter() - started
    report.cpu_timings[name] = _cpu_seconds() - cpu
    return result


def _cpu_seconds() -> float:
    """User and system time of this process and of the children it has waited for (Pagefind,
    forked workers): a stage's work, less sensitive than its wall time to a busy machine."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _render_all(todo: list[Output], folder: Path, ctx: BuildContext, suffix: str = "") -> dict[str, tuple[int, int]]:
    """Make every output into ``folder`` (each under its path plus ``suffix``); returns the size and
    modification time of each file written."""
    made: set[str] = set()
    for output in todo:
        parent = os.path.dirname(output.path)
        if parent not in made:
            os.makedirs(f"{folder}/{parent}", exist_ok=True)
            made.add(parent)
    workers = worker_count(ctx.options.workers)
    if worth_forking(workers, len(todo), _PARALLEL_THRESHOLD):
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
    for problems, made in in_forked_slices(render_slice, _slices_by_cost(todo, 4 * workers), workers):
        if problems:
            raise BuildError(problems)
        stats.update(made)
    return stats


def _output_cost(output: Output) -> int:
    """Roughly, in tenths of a millisecond: a page is rendered from templates, a calendar file
    is short text, a PDF is only linked."""
    if output.link is not None:
        return 1
    if output.path.endswith(".xlsx"):
        return 70  # XlsxWriter: about a quarter of openpyxl's 250 (bench/xlsx_writers.py)
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


def print_pdfs(site: Site, ctx: BuildContext) -> RenderReport:
    """The PDF stage: print the PDFs that changed into the cache; returns them as a value."""
    from . import pdf

    return _templates_located(ctx, lambda: pdf.write_site_pdfs(
        site, ctx.env, ctx.cache, workers=ctx.options.workers, progress=ctx.options.progress))


def _search_stage(site: Site, folder: Path, out_dir: Path, ctx: BuildContext, report: BuildReport,
                  pdfs: RenderReport, keys: dict[str, str], old_keys: dict[str, str]) -> dict[str, str]:
    """The search stage: the index of the pages written into ``folder`` (timed), as the
    manifest's entry for it; with BuildOptions.search_later, none: what a new one of ``out_dir``
    needs is handed back (BuildReport.search_job), for the preview to build once the pages are shown."""
    index = search.INDEX_DIR + "/"
    if ctx.options.search:
        return {index: _timed(report, "search", lambda: index_for_search(
            site, folder, pdfs, keys, old_keys.get(index), ctx.previous, worker_count(ctx.options.workers),
            ctx.memos))}
    if ctx.options.search_later:
        report.search_job = search_job(site, out_dir, pdfs, keys, ctx.memos)
    return {}


def index_for_search(site: Site, folder: Path, pdfs: RenderReport, keys: dict[str, str], previous_key: str | None,
                     previous: Path | None, workers: int = 1, memos: Memos | None = None) -> str:
    """Index the pages of ``folder`` and the PDFs' texts; returns the index's key. The bundles
    whose key is recorded in ``previous`` (an output folder) are taken from it."""
    job = search_job(site, folder, pdfs, keys, memos)
    if job.key != previous_key or previous != folder:  # in place and unchanged: nothing to do
        job.run(previous, workers)
    return job.key


@dataclass(frozen=True)
class SearchJob:
    """The search index of a folder whose pages are written: its parts (a bundle per year) and
    its key (the same key means the same index). The records of the offices are gathered only
    when a bundle is indexed (for the preview, in its own thread, after the pages are shown)."""

    folder: Path
    bundles: list[search.Bundle]
    key: str

    def run(self, reuse_from: Path | None, workers: int = 1) -> list[str]:
        """Index the bundles whose key is not the one recorded in ``reuse_from`` (an output
        folder; None: index them all) with up to ``workers`` processes; returns their names.
        Raises BuildError when Pagefind fails."""
        return search.write_index(self.folder, self.bundles, reuse_from, workers)


def search_job(site: Site, folder: Path, pdfs: RenderReport, keys: dict[str, str],
               memos: Memos | None = None) -> SearchJob:
    pdf_records = [search.Record(name, f"{title}（打印版 PDF）", text) for name, title, text in pdfs.texts]
    html_keys = {path: key for path, key in keys.items() if path.endswith(".html")}
    bundles = search.bundles(site, html_keys, pdf_records, memos)
    return SearchJob(folder, bundles, search.index_key(bundles))
