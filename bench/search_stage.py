#!/usr/bin/env python3
"""Benchmark: the search stage of our build against Pagefind's own command line (issue 14).

    PYTHONPATH=. .venv/bin/python bench/search_stage.py [--n 1000] [--rounds 5] [--code DIR] [--keep DIR]

Generates the archive corpus of bench/corpus.py (``--n`` notices) in a temporary folder, then, in
the same run:

  our cold build     build.py build --no-pdf (with search); the search stage's time is read from
                     the build's own timings (NOTICESITE_TIMINGS=1), and the
                     time of Pagefind's own run in it (search.run_pagefind
                     timed: the floor, Pagefind alone on what the stage hands it)
  Pagefind's CLI     python -m pagefind --site output --force-language zh-cn, indexing the same
                     built folder into a folder of its own
  template edit      an attribute added to the footer of layouts/base.html (no indexed text
                     changes), then build.py build again: the search stage's time and whether it
                     ran Pagefind at all

then ``--rounds`` more rounds, each a build after an edit of the indexed text of every page (a
word added inside ``data-pagefind-body`` of layouts/notice.html and layouts/attachments/base.html:
the whole index is made again) followed by Pagefind's CLI again.
This machine's speed drifts by more than half within minutes, so each round's search stage is
compared with the mean of the CLI runs just before and just after it. It prints each round's ratio
and their median (target: 1.5 or less), and the template edit's search time.
``--code DIR`` runs the build from another checkout (e.g. the code before this change).
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402


def timed_build(code: Path, project: Path) -> tuple[float, dict[str, float], dict[str, float]]:
    """Our build's wall time, and its stages' wall and CPU times as it reports them."""
    settled(project)
    env = {**os.environ, "PYTHONPATH": str(code), "NOTICESITE_TIMINGS": "1"}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _BUILD_TIMING_PAGEFIND, str(code), "build", "--project", str(project),
                           "--no-pdf"], capture_output=True, text=True, env=env, cwd=code)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"build failed ({done.returncode}):\n{done.stderr[-2000:]}")
    timings = _stages(done.stderr, "timings:")
    alone = re.findall(r"^pagefind alone ([\d.]+) s$", done.stderr, re.M)
    if alone:
        timings["pagefind_alone"] = sum(map(float, alone))
    return wall, timings, _stages(done.stderr, "cpu:")


# build.py, with search.run_pagefind (the seam through which the stage runs Pagefind's CLI on the
# pages it has staged) timed: what Pagefind alone takes on what the stage hands it, the floor
_BUILD_TIMING_PAGEFIND = """
import sys, time
from pathlib import Path
from noticesite import search
from noticesite.cli import main
run = search.run_pagefind
def timed(site, output):
    start = time.perf_counter()
    run(site, output)
    print(f"pagefind alone {time.perf_counter() - start:.3f} s", file=sys.stderr)
search.run_pagefind = timed
code = Path(sys.argv.pop(1))
sys.exit(main(default_root=code))
"""


def _stages(stderr: str, line_start: str) -> dict[str, float]:
    line = next((line for line in stderr.splitlines() if line.startswith(line_start)), "")
    return {name: float(value) for name, value in re.findall(r"(\w+) ([\d.]+) s", line)}


def settled(project: Path) -> None:
    """Wait until the release a build retired is removed (a process of its own removes a large one
    after the build has ended) and its writes reach the disk: neither may run during a measurement."""
    while any((project / ".output.releases").glob("gone-*")):
        time.sleep(0.1)
    subprocess.run(["sync"], check=False)


def pagefind_cli(site: Path, into: Path) -> tuple[float, float]:
    """Pagefind's CLI on ``site``: wall and CPU (user + system) time."""
    settled(site.parent)
    cpu, start = _children_cpu(), time.perf_counter()
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(into),
                    "--force-language", "zh-cn", "--quiet"], check=True, capture_output=True)
    return time.perf_counter() - start, _children_cpu() - cpu


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def edit_indexed_text(project: Path, round_: int) -> None:
    """A word of its own inside the indexed part of every notice and attachment page."""
    for name in ("notice.html", "attachments/base.html"):
        template = project / "layouts" / name
        text = re.sub(r"<span data-bench-word>[^<]*</span>", "", template.read_text(encoding="utf-8"))
        text = re.sub(r"(data-pagefind-body[^>]*>)", rf"\1<span data-bench-word>第{round_}轮</span>", text, count=1)
        template.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5, help="re-indexes after the cold build")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose build.py to run")
    parser.add_argument("--keep", type=Path, help="generate the corpus here and keep it")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="search-stage-"))
    try:
        project = work / "site"
        if project.exists():
            settled(project)
            shutil.rmtree(project)
        corpus.generate(project, args.n)
        shutil.copytree(args.code / "layouts", project / "layouts", dirs_exist_ok=True)
        wall, timings, cpus = timed_build(args.code, project)
        cli, cli_cpu = pagefind_cli(project / "output", work / "pagefind-cli")
        search, search_cpu = timings.get("search", float("nan")), cpus.get("search", float("nan"))
        print(f"{args.n} notices, code {args.code}")
        print(f"our cold build --no-pdf: {wall:.2f} s wall; search stage {search:.2f} s ({_timings_line_of(timings)})")
        print(f"Pagefind CLI on the same output: {cli:.2f} s")
        ratios, cpu_ratios = [search / cli], [search_cpu / cli_cpu]
        floors = [timings.get("pagefind_alone", float("nan")) / cli]
        print(f"round 0 (cold build): ratio {ratios[0]:.2f}; "
              f"CPU {search_cpu:.2f} / {cli_cpu:.2f} s = {cpu_ratios[0]:.2f}")
        for round_ in range(1, args.rounds + 1):
            before, before_cpu = cli, cli_cpu
            edit_indexed_text(project, round_)
            _, timings, cpus = timed_build(args.code, project)
            search, search_cpu = timings.get("search", float("nan")), cpus.get("search", float("nan"))
            cli, cli_cpu = pagefind_cli(project / "output", work / "pagefind-cli")
            ratios.append(search / ((before + cli) / 2))  # against the CLI just before and just after it
            cpu_ratios.append(search_cpu / ((before_cpu + cli_cpu) / 2))
            alone = timings.get("pagefind_alone", float("nan"))
            floors.append(alone / ((before + cli) / 2))
            print(f"round {round_} (every page's indexed text edited): search stage {search:.2f} s "
                  f"(Pagefind in it {alone:.2f} s), CLI {before:.2f} s before and {cli:.2f} s after, ratio "
                  f"{ratios[-1]:.2f} (floor {floors[-1]:.2f}); "
                  f"CPU {search_cpu:.2f} / {(before_cpu + cli_cpu) / 2:.2f} s = {cpu_ratios[-1]:.2f}")
        median = statistics.median(ratios)
        verdict = "PASS" if median <= 1.5 else "MISS"
        print(f"ratio search stage / CLI: median {median:.2f} of {len(ratios)} (target <= 1.5: {verdict}); "
              f"CPU time: median {statistics.median(cpu_ratios):.2f}")
        print(f"floor, Pagefind's CLI alone on the pages the stage hands it / CLI on the site: median "
              f"{statistics.median(floors):.2f}; the stage beyond it: median "
              f"{statistics.median(r - f for r, f in zip(ratios, floors)):.2f} of the CLI's time")
        base = project / "layouts/base.html"
        base.write_text(base.read_text(encoding="utf-8").replace("<footer", '<footer data-bench-edit="1"', 1),
                        encoding="utf-8")
        wall, timings, _ = timed_build(args.code, project)
        print(f"template edit (no indexed text changed): {wall:.2f} s wall; search stage "
              f"{timings.get('search', float('nan')):.2f} s")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def _timings_line_of(timings: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in timings.items())


if __name__ == "__main__":
    sys.exit(main())
