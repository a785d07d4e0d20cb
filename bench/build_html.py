#!/usr/bin/env python3
"""Benchmark: the example's clean HTML build (load + check + render + atomic write), no PDFs, no search.

    .venv/bin/python bench/build_html.py [--runs N]

Each run builds the example from a fresh copy into a fresh output folder, in
this process; prints every run and the median. Not a test: nothing asserts.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from noticesite.site import BuildOptions, build, load  # noqa: E402


def one_build(project: Path, incremental: bool = False) -> tuple[float, float]:
    """A clean build (nothing reused from the previous output), unless incremental."""
    started = time.perf_counter()
    site, problems = load(project)
    if site is None:
        raise SystemExit("\n".join(map(str, problems)))
    loaded = time.perf_counter()
    build(site, project / "output", BuildOptions(pdf=False, search=False, incremental=incremental))
    return loaded - started, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "site"
        for name in ("content", "data", "layouts"):
            shutil.copytree(ROOT / name, project / name)
        one_build(project)  # warm-up: imports, template compilation caches of the OS
        runs = [one_build(project) for _ in range(args.runs)]
        tracemalloc.start()
        one_build(project)
        _, peak = tracemalloc.get_traced_memory()
        unchanged = [one_build(project, incremental=True)[1] for _ in range(args.runs)]
    totals = [total for _, total in runs]
    loads = [load_time for load_time, _ in runs]
    print(f"example HTML build, {args.runs} runs: median {statistics.median(totals) * 1000:.0f} ms "
          f"(min {min(totals) * 1000:.0f}, max {max(totals) * 1000:.0f}); "
          f"load+check median {statistics.median(loads) * 1000:.0f} ms; "
          f"peak traced memory {peak / 2**20:.1f} MiB; unchanged rebuild median "
          f"{statistics.median(unchanged) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
