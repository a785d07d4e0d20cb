#!/usr/bin/env python3
"""Benchmark: where a build's time goes, for two commits on one archive.

    git worktree add --detach /work/wt-old 9dfe631      # the commit before issue 12's restructuring
    .venv/bin/python bench/cold_parts.py --old /work/wt-old [--new .] [--n 1000] [--runs 3] [--keep DIR]
        [--only "cold build" --only "rebuild, no change" --only "rebuild, one edit"]

``compare.py`` says how much slower or faster one commit's build is than another's; this script
says where the difference is. Both commits build the same corpus (compare.py's projects: each
with its own layouts/ and shared data), HTML only, on one process (``-j 1``: every sample is in
the one process py-spy watches, but for the scan of output/ that a rebuild forks, on both
commits alike): cold (no output, no cache), again with nothing changed, and
after a sentence appended to one notice. Each build runs under py-spy, a sampling profiler that
reads the process from outside: unlike cProfile it adds no cost to each Python call, so the parts
keep their proportions. Each sample is given to the first part its stack is in (the table's
parts, most specific first: a workbook made while a page is rendered is the workbook's).

The parts that exist only because of work added after the old commit are marked "added work":
a spreadsheet and a WeChat article per notice, the calendar ledger (issue 16's), the releases
that switch output/ in one step (issue 13's: unchanged files linked into a new release), the
pinyin keys pages carry for search, the scan for warning acknowledgements. The build is slower
by them whatever its structure. The rest is the same work done by both, restructured.

Before the measured builds each commit builds its project once, unmeasured (the calendar ledgers
are written by a project's first build and committed with its data). py-spy is installed into
the running environment with pip when missing (a bench tool, not a dependency of the project).
Prints each run, then per scenario a table of the median seconds of each part per commit.
Exits 0 unless a build fails.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import archive  # noqa: E402
import compare  # noqa: E402
import corpus  # noqa: E402

RATE = 250  # samples a second

# (part, whether it is work the old commit did not do, patterns of a frame "function (file)"),
# most specific first: a sample is the first part any frame of its stack matches.
PARTS: tuple[tuple[str, bool, tuple[str, ...]], ...] = (
    ("spreadsheets (.xlsx, .csv)", True, (r"^to_xlsx ", r"^to_csv ")),
    ("WeChat articles", True, (r"\(wechat\.html\)", r"^for_wechat ")),
    ("calendar ledger: read at load", True, (r"^_read_ledger ",)),
    ("calendar ledger: stage", True, (r"^calendar_ledgers ",)),
    ("release: links, tidy, switch", True, (r"^link_unchanged ", r"^Releases\.")),
    ("pinyin keys of pages (import, keys)", True, (r"^_pinyin_keys ",)),
    ("warning acknowledgements", True, (r"^scan \(acknowledge\.py\)",)),
    # every frame of calendars.py or ics.py: the events and paths worked out at load and in the plan too
    ("calendars (events, paths, .ics files)", False, (r"\((calendars|ics)\.py\)",)),
    ("pages (templates)", False, (r"^render_page ", r"^_feed_maker", r"^Template\.render ")),
    ("load: cache saved", False, (r"^LoadCache\.save ",)),
    ("load: data, Markdown, checks", False, (r"^load \((loading|site)\.py\)",)),
    ("plan: keys", False, (r"^plan \(outputs\.py\)", r"^plan_outputs ", r"^_plan \(site\.py\)")),
    ("write: files, links, manifest", False, (r"^write_release ", r"^_write_new ", r"^_update \(site\.py\)",
                                              r"^Manifest\.save ")),
    ("imports", False, (r"^_find_and_load ",)),
)
OTHER = "other (command line, warnings)"


def ensure_py_spy() -> str:
    found = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if found:
        return found
    print("bench: installing py-spy into this environment (pip install py-spy)", flush=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "py-spy"], check=True)
    return shutil.which("py-spy", path=str(Path(sys.executable).parent)) or "py-spy"


def frame_name(frame: str) -> str:
    """'function (path/to/file.py:12)' -> 'function (file.py)'."""
    m = re.match(r"(.*) \((.*?)(?::\d+)?\)$", frame)
    return f"{m.group(1)} ({m.group(2).rsplit('/', 1)[-1]})" if m else frame


def parts_of(raw: str) -> dict[str, float]:
    """Seconds per part from py-spy's raw (collapsed stacks) output."""
    compiled = [(name, [re.compile(p) for p in patterns]) for name, _, patterns in PARTS]
    seconds: dict[str, float] = {name: 0.0 for name, _, _ in PARTS} | {OTHER: 0.0}
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = [frame_name(f) for f in stack.split(";")]
        part = next((name for name, patterns in compiled if any(p.search(f) for f in frames for p in patterns)), OTHER)
        seconds[part] += int(count) / RATE
    return seconds


SCENARIOS = ("cold build", "rebuild, no change", "rebuild, one edit")


def prepare(scenario: str, project: Path, edited: Path) -> None:
    """The project as the scenario starts from: no output and no cache (cold), or the last
    build's output with nothing changed, or with a sentence appended to one notice.md."""
    if scenario == "cold build":
        for stale in compare.built_state(project):
            shutil.rmtree(stale) if stale.is_dir() and not stale.is_symlink() else stale.unlink()
    elif scenario == "rebuild, one edit":
        archive._append_sentence(project / edited)
    archive._settle(project)  # the release the last build replaced, removed in the background: gone
    subprocess.run(["sync"], check=False)
    time.sleep(1)


def profiled_build(py_spy: str, build_py: Path, project: Path, raw: Path) -> dict[str, float]:
    cmd = [py_spy, "record", "--rate", str(RATE), "--format", "raw", "--output", str(raw), "--",
           sys.executable, str(build_py), "build", "--project", str(project), "--output", str(project / "output"),
           "--no-search", "--no-pdf", "-j", "1"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0 or not raw.exists():
        raise archive.BuildFailed(f"{' '.join(cmd)}\n{done.stderr[-3000:]}")
    return parts_of(raw.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Where two commits' HTML builds spend their time.")
    parser.add_argument("--old", type=Path, required=True, help="checkout of the commit before")
    parser.add_argument("--new", type=Path, default=archive.ROOT, help="checkout after (default: this one)")
    parser.add_argument("--n", type=int, default=1000, help="notices (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=3, help="profiled builds per commit, alternated; medians")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, metavar="DIR", help="work in DIR (kept) instead of a temporary folder")
    parser.add_argument("--only", action="append", choices=SCENARIOS, help="this scenario (repeatable; default: all)")
    args = parser.parse_args(argv)
    args.only = [s for s in SCENARIOS if s in (args.only or SCENARIOS)]
    py_spy = ensure_py_spy()
    return archive.in_work_folder(args.keep, "cold-parts-", lambda work: _measure(args, work, py_spy))


def _measure(args: argparse.Namespace, work: Path, py_spy: str) -> int:
    print(f"cold_parts: {args.n} notices, {args.runs} run(s) per commit, -j 1, py-spy at {RATE} Hz; "
          f"load before {os.getloadavg()[0]:.2f}", flush=True)
    source = corpus.generate(work / "corpus", args.n, args.seed)
    sides = {name: (compare.snapshot(checkout.resolve(), work / f"code-{name}"),
                    compare.project_for(source, checkout.resolve(), work / name))
             for name, checkout in (("old", args.old), ("new", args.new))}
    edited = sorted(p.relative_to(source) for p in (source / "content").glob("*/notice.md"))[args.n // 2]
    runs: dict[str, dict[str, list[dict[str, float]]]] = {s: {"old": [], "new": []} for s in args.only}
    try:
        for name, (build_py, project) in sides.items():
            # Once, unmeasured: a project's calendar ledgers are written by its first build and
            # committed with its data; the cold builds measured are later ones, as an office's are.
            archive.run_measured(f"{name} first build (not measured)", [
                sys.executable, str(build_py), "build", "--project", str(project), "--output",
                str(project / "output"), "--no-search", "--no-pdf"], project, args.n)
        for r in range(args.runs):
            for scenario in args.only:
                for name in (("old", "new") if r % 2 == 0 else ("new", "old")):
                    build_py, project = sides[name]
                    prepare(scenario, project, edited)
                    raw = work / f"{name}-{SCENARIOS.index(scenario)}-{r}.raw"
                    seconds = profiled_build(py_spy, build_py, project, raw)
                    runs[scenario][name].append(seconds)
                    print(f"  {name} {scenario} (run {r + 1}): {sum(seconds.values()):.2f} s sampled", flush=True)
    except archive.BuildFailed as exc:
        print(f"\nbuild failed: {exc}", file=sys.stderr)
        return 1
    print(f"\nload after {os.getloadavg()[0]:.2f}")
    for scenario in args.only:
        print(f"\n{scenario}, median of {args.runs}:\n")
        _print_table(runs[scenario])
    return 0


def _print_table(runs: dict[str, list[dict[str, float]]]) -> None:
    names = [name for name, _, _ in PARTS] + [OTHER]
    added = {name for name, new_work, _ in PARTS if new_work}
    median = {side: {n: statistics.median(r[n] for r in rs) for n in names} for side, rs in runs.items()}
    print("| part | old s | new s | new − old s |")
    print("|---|---:|---:|---:|")
    for n in names:
        mark = " (added work)" if n in added else ""
        old, new = median["old"][n], median["new"][n]
        print(f"| {n}{mark} | {old:.2f} | {new:.2f} | {new - old:+.2f} |")
    totals = {side: sum(median[side].values()) for side in median}
    same = {side: sum(v for n, v in median[side].items() if n not in added) for side in median}
    print(f"| **all** | {totals['old']:.2f} | {totals['new']:.2f} | {totals['new'] - totals['old']:+.2f} |")
    print(f"\nnew/old, all parts: {totals['new'] / totals['old']:.3f}; "
          f"without the added work: {same['new'] / same['old']:.3f}")


if __name__ == "__main__":
    sys.exit(main())
