"""The command line: build, check, serve, new, schemas. The only place that prints problems."""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import os
import sys
import time
from pathlib import Path

from . import acknowledge
from . import scaffold
from .errors import BuildError, Problem
from .cache import CACHE_DIR, LoadCache
from .outputs import set_template_references, template_references
from .loading import load
from .output_folder import OutputScan, output_refusal
from .site import BuildOptions, build, stale_ledgers, verify

EXIT_PROBLEMS = 1  # (a usage error exits 2: argparse's own exit)
EXIT_INTERNAL = 70  # EX_SOFTWARE


def main(argv: list[str] | None = None, default_root: Path | None = None) -> int:
    parser = _parser(default_root or Path.cwd())
    args = parser.parse_args(argv)
    command = args.command or "build"
    root = Path(args.project).resolve()
    try:
        if command == "serve":
            from .serve import serve

            return serve(root, host=args.host, port=args.port, options=_options(args))
        if command == "new":
            return new_notice(root, args.slug, args.kind, args.title)
        if command == "import":
            return import_table(root, Path(args.table), args.notice)
        if command == "schemas":
            return write_schemas(root)
        with _rare_collections():
            if command == "check":
                return check(root)
            return run_build(root, Path(args.output) if args.output else root / "output", _options(args))
    except KeyboardInterrupt:
        return 130
    except OSError as exc:  # a folder we may not write, a port in use: the system's words suffice
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except Exception as exc:  # a bug of ours, not of the data: say so plainly
        if os.environ.get("NOTICESITE_DEBUG"):
            raise
        print(f"internal error: {type(exc).__name__}: {exc}\n"
              "This is a bug in noticesite, not in your files. Run again with NOTICESITE_DEBUG=1 "
              "for the details and report them.", file=sys.stderr)
        return EXIT_INTERNAL


@contextlib.contextmanager
def _rare_collections():
    """For a command that runs once (not the preview): a build makes hundreds of thousands of
    objects that live until it ends (notices, their data, the plan) and few reference cycles.
    At Python's default thresholds the cycle collector walks all of them again and again: 14%
    of a cold build of 1000 notices. Here it runs about fifty times less often."""
    thresholds = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _options(args: argparse.Namespace) -> BuildOptions:
    return BuildOptions(pdf=not getattr(args, "no_pdf", False), search=not getattr(args, "no_search", False),
                        progress=ProgressLine(sys.stderr),
                        workers=getattr(args, "jobs", None), incremental=not getattr(args, "clean", False))


class ProgressLine:
    """A long stage's progress on standard error, with the time it has left at its pace so far:
    on a terminal one line rewritten in place; in a log, a line at each tenth of the way, for
    stages long enough to be worth it (a log of the example's five PDFs stays quiet)."""

    LOG_FROM = 20  # items: below this a stage is over before anyone wonders
    REDRAW = 0.2  # seconds between two drawings of the line on a terminal

    def __init__(self, stream) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self._started = 0.0
        self._shown = (-1.0, -1)  # when the line was last drawn, and the tenth it showed

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done == 0:
            self._started, self._shown = now, (-1.0, -1)
        tenth = done * 10 // total if total else 10
        if self.tty:
            if done != total and now - self._shown[0] < self.REDRAW:
                return
            end = "\n" if done == total else ""
            print(f"\r{self.text(stage, done, total, now)}\033[K", end=end, file=self.stream, flush=True)
        else:
            if total < self.LOG_FROM or tenth == self._shown[1]:
                return
            print(self.text(stage, done, total, now), file=self.stream, flush=True)
        self._shown = (now, tenth)

    def text(self, stage: str, done: int, total: int, now: float) -> str:
        elapsed = now - self._started
        line = f"{stage}: {done} of {total} ({100 * done // max(total, 1)}%)"
        if done == total:
            return f"{line} in {_duration(elapsed)}"
        if done:
            line += f", about {_duration(elapsed / done * (total - done))} left"
        return line


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"


def _shared_options(default_root: Path, *, sub: bool) -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """The options that may come before or after the command. A subcommand's copies default to
    SUPPRESS so that `build.py --project X build` keeps X instead of the subcommand's default."""
    def default(value):
        return argparse.SUPPRESS if sub else value

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--project", default=default(str(default_root)), metavar="DIR",
                        help=f"the project folder with content/, data/ and layouts/ (default: {default_root})")
    outputs = argparse.ArgumentParser(add_help=False)
    outputs.add_argument("--no-pdf", action="store_true", default=default(False),
                         help="skip the PDF attachments (faster previews)")
    outputs.add_argument("--no-search", action="store_true", default=default(False),
                         help="skip the site search index")
    outputs.add_argument("-j", "--jobs", type=int, metavar="N", default=default(None),
                         help="processes for rendering (default: all cores)")
    outputs.add_argument("--clean", action="store_true", default=default(False),
                         help="ignore what earlier builds cached and render every file")
    return common, outputs


def _add_output_option(parser: argparse.ArgumentParser, default) -> None:
    parser.add_argument("--output", metavar="DIR", default=default,
                        help="where to write the site (default: PROJECT/output)")


def _parser(default_root: Path) -> argparse.ArgumentParser:
    common, outputs = _shared_options(default_root, sub=False)
    parser = argparse.ArgumentParser(
        prog="build.py", parents=[common, outputs],
        description="Publish official notices: YAML data and Markdown into a static site with PDF attachments.",
        epilog="Without a command, builds the site into output/.")
    _add_output_option(parser, None)
    common, outputs = _shared_options(default_root, sub=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    b = sub.add_parser("build", parents=[common, outputs], help="check everything, then write the site",
                       description="Check every file, then write the site into output/ in one step: "
                                   "a failed build leaves the previous output/ as it was.")
    _add_output_option(b, argparse.SUPPRESS)
    sub.add_parser("check", parents=[common], help="check content and data; write nothing",
                   description="Check every data file and notice, print each problem as "
                               "path:line:column: message, and exit 1 if any is an error.")
    s = sub.add_parser("serve", parents=[common, outputs], help="preview with live reload on 127.0.0.1",
                       description="Build into a temporary folder, serve it on 127.0.0.1 and rebuild on every "
                                   "change under content/, data/ or layouts/. Problems show in the browser.")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    s.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    n = sub.add_parser("new", parents=[common], help="write a new notice's folder and data files",
                       description="Write content/SLUG/notice.md and its attachment (data/SLUG/*.yaml or a "
                                   "Markdown page) with every required field, a comment on each and today's "
                                   "date: edit them, then check and build. An existing SLUG is refused.")
    n.add_argument("slug", metavar="SLUG", help="the notice's folder and URL segment, e.g. 2025-017")
    n.add_argument("--kind", required=True, choices=scaffold.KINDS, help="the kind of its attachment")
    n.add_argument("--title", default="新通知", help="the notice's title (default: %(default)s)")
    sub.add_parser("schemas", parents=[common], help="write the data files' JSON Schemas into schemas/",
                   description="Write schemas/<kind>.schema.json (site, schedule, directory, colleges, makeup, "
                               "procedure), made from the checker's declarations, for editors with YAML support.")
    i = sub.add_parser("import", parents=[common], help="read a schedule from an .xlsx or .csv file",
                       description="Replace the sessions of data/SLUG/schedule.yaml with the rows of a spreadsheet "
                                   "(first sheet; header row 日期, 开始, 结束, then the schedule's column labels). "
                                   "A bad cell is reported as FILE:Sheet1!C7 and nothing is written.")
    i.add_argument("table", metavar="FILE", help="an .xlsx workbook or a UTF-8 .csv file")
    i.add_argument("--notice", required=True, metavar="SLUG", help="the notice whose schedule it is")
    return parser


def import_table(root: Path, table: Path, slug: str) -> int:
    from . import spreadsheet_import
    from .errors import Problems

    problems = Problems()
    target = root / "data" / slug / "schedule.yaml"
    shown_target = f"data/{slug}/schedule.yaml"
    if not scaffold.f.is_slug(slug) or not target.is_file():
        print(f"error: {shown_target} does not exist (write it first: python build.py new {slug} --kind schedule)",
              file=sys.stderr)
        return EXIT_PROBLEMS
    text = spreadsheet_import.import_schedule(table, str(table), target, shown_target, problems)
    print_problems(problems.errors)
    if text is None:
        print(f"import failed: {len(problems.errors)} error(s); {shown_target} was left as it was", file=sys.stderr)
        return EXIT_PROBLEMS
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, target)  # whole or not at all
    print(f"wrote {shown_target}: {text.count(chr(10) + '  - {date')} session(s) from {table}")
    return 0


def write_schemas(root: Path) -> int:
    from . import schemas

    changed = schemas.write(root / schemas.FOLDER)
    print(f"{len(changed)} schema file(s) written into {root / schemas.FOLDER}" if changed
          else f"the schemas in {root / schemas.FOLDER} are up to date")
    return 0


def print_problems(problems: list[Problem]) -> None:
    for problem in sorted(problems):
        print(problem, file=sys.stderr)  # the stream of the moment: a caller may redirect it


def sort_warnings(root: Path, problems: list[Problem], printed: bool) -> tuple[list[Problem], str]:
    """The problems to print (errors, new warnings, stale acknowledgements) and the summary's
    words for warnings: "N new warning(s), M acknowledged". ``printed``: the PDF stage's font
    check ran, so an acknowledgement of one of its warnings that matches none is stale."""
    judged = acknowledge.ALWAYS_JUDGED | ({"print"} if printed else set())
    if any(p.severity == "error" for p in problems):
        # A file with an error may not have been read far enough to make its warnings: none of
        # its acknowledgements is called stale (they would bury the error under false alarms).
        judged = frozenset()
    warnings = [p for p in problems if p.severity == "warning"]
    outcome = acknowledge.sort_out(warnings, acknowledge.scan(root), frozenset(judged))
    shown = [p for p in problems if p.severity == "error"] + outcome.new + outcome.stale
    new = len(outcome.new) + len(outcome.stale)
    return shown, f"{new} new warning(s), {outcome.accepted} acknowledged"


def new_notice(root: Path, slug: str, kind: str, title: str) -> int:
    refused = scaffold.refusal(root, slug)
    if refused is not None:
        print(f"error: {refused}", file=sys.stderr)
        return EXIT_PROBLEMS
    issuer = _site_office(root) or "某某学院教务处"
    new = scaffold.NewNotice(slug, kind, title, dt.date.today())
    for rel in scaffold.write(root, new, issuer):
        print(f"wrote {rel}")
    from . import schemas

    for path in schemas.write(root / schemas.FOLDER):  # what the new files' first line names
        print(f"wrote {path.relative_to(root).as_posix()}")
    print(f"edit them, then: python build.py check  (the notice's page will be {slug}/index.html)")
    return 0


def _site_office(root: Path) -> str | None:
    """The issuing office of data/site.yaml, for a new notice's issuer; None if it cannot be read."""
    from . import schema, yamlio
    from .errors import Problems

    node, _ = yamlio.read(root / "data" / "site.yaml", root)
    config = schema.load_site_config(node, Problems()) if node is not None else None
    return config.office if config else None


def check(root: Path) -> int:
    # The build's load cache serves here too: an unchanged notice is not parsed again, and its
    # problems come back with it. What check learns is kept for the next build and check.
    cache = LoadCache.open(root)
    site, problems = load(root, cache)
    with contextlib.suppress(OSError):  # a read-only project can still be checked
        cache.save(root)
    if site is not None:  # what the build checks beyond loading: templates, print fonts
        problems.extend(verify(site, memos=cache.memos()))
        if problems.errors:
            site = None
    shown, warnings = sort_warnings(root, problems, printed=site is not None)
    print_problems(shown)
    if site is None:
        print(f"check failed: {len(problems.errors)} error(s), {warnings}", file=sys.stderr)
        return EXIT_PROBLEMS
    for path in stale_ledgers(site, cache.memos()):  # not a problem: the build's own file, behind the data
        print(f"note: {path}: calendar events changed since it was written; the next build records "
              "them there (commit it then)", file=sys.stderr)
    print(f"checked {len(site.notices)} notice(s): no errors, {warnings}")
    return 0


def run_build(root: Path, out_dir: Path, options: BuildOptions) -> int:
    refused = output_refusal(root, out_dir)  # said before loading; build() checks it again
    if refused is not None:
        print_problems([refused])
        print(f"build failed; {out_dir} was left as it was", file=sys.stderr)
        return EXIT_PROBLEMS
    # An incremental build checks what is in the output folder: read it while loading.
    scan = OutputScan(out_dir.resolve()) if options.incremental and out_dir.is_dir() else None
    try:
        return _load_and_build(root, out_dir, options, scan)
    finally:
        if scan:
            scan.close()  # nothing left to end once the build has read it


def _load_and_build(root: Path, out_dir: Path, options: BuildOptions, scan: OutputScan | None) -> int:
    started = time.perf_counter()
    # --clean starts from an empty cache, which this build then fills for the next one
    cache = LoadCache.open(root) if options.incremental else LoadCache(root / CACHE_DIR)
    set_template_references(cache.extras.get("template_references", {}))
    site, problems = load(root, cache, options.workers)
    # What is loaded lives until the command ends: the collector need not walk it again, and
    # forked workers then share its memory pages instead of copying them as the collector
    # touches them (undone by _rare_collections).
    gc.freeze()
    loaded = time.perf_counter()
    if site is None:
        print_problems(sort_warnings(root, problems, printed=False)[0])
        print(f"build failed: {len(problems.errors)} error(s); {out_dir} was left as it was", file=sys.stderr)
        return EXIT_PROBLEMS
    try:
        memos = cache.memos()
        report = build(site, out_dir, options, cache.hasher, scan=scan, memos=memos)
    except BuildError as exc:
        print_problems(sort_warnings(root, [*problems, *exc.problems], printed=False)[0])
        print(f"build failed; {out_dir}: {exc.partly_written or 'left as it was'}", file=sys.stderr)
        return EXIT_PROBLEMS
    # The warnings of loading and of writing, printed together once the build is done: the new
    # ones, and a count of those the office acknowledged in the data (acknowledge.py).
    shown, warnings = sort_warnings(root, [*problems, *report.warnings], printed=options.pdf)
    print_problems(shown)
    cache.extras["template_references"] = template_references()
    cache.written_back(report.written_back, memos)
    cache.save(root)
    elapsed = time.perf_counter() - started
    pdfs = ""
    if options.pdf:
        fonts = f" (fonts subset by {report.pdf_fonts})" if report.pdf_fonts else ""
        pdfs = f"; {report.pdfs_rendered} PDF(s) rendered{fonts}, {report.pdfs_reused} unchanged"
    if os.environ.get("NOTICESITE_TIMINGS"):  # where a build's time goes, for benchmarks
        print("timings: load {:.2f} s, ".format(loaded - started) + ", ".join(
            f"{name} {seconds:.2f} s" for name, seconds in report.timings.items())
              + (f"; PDF printing peak {report.pdf_peak_rss / 2**20:.0f} MB" if report.pdf_peak_rss else ""),
              file=sys.stderr)
        print("cpu: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in report.cpu_timings.items()),
              file=sys.stderr)
        if report.pdf_faces:  # which face each role of the printed notice got (site.yaml print: fonts)
            print(f"print faces: {report.pdf_faces}", file=sys.stderr)
    print(f"built {len(site.notices)} notice(s), {report.pages} page(s), {report.files} file(s): "
          f"{report.rendered} rendered, {report.reused} unchanged, {report.removed} removed{pdfs}; "
          f"{warnings}; into {out_dir} in {elapsed:.2f} s")
    return 0
