#!/usr/bin/env python3
"""Stress: parallel builds with search, counting broken search indexes (issue 14).

    PYTHONPATH=. .venv/bin/python bench/search_stress.py [--processes 3] [--builds 34]

Each of ``--processes`` processes copies the example project into a temporary folder of its own
and builds it ``--builds`` times (``--no-pdf``, with search), editing one sentence of the notice
before each build so that every build indexes anew. After each build the published index is
checked independently of the build's own check: every file under ``output/pagefind`` must be
non-empty, every gzip file must decompress and ``search.verify_index`` must pass with the page
count the build recorded. Prints the number of builds, failed builds and broken indexes; exits 1
when any is broken or failed (target: 0 in 100 builds).
"""
from __future__ import annotations

import argparse
import gzip
import json
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from noticesite import search  # noqa: E402


def broken_files(output: Path) -> list[str]:
    """What is wrong with the published index, checked file by file (not trusting the build)."""
    index = output / search.INDEX_DIR
    try:
        listing = json.loads((index / search.BUNDLES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{search.BUNDLES_FILE}: {exc}"]
    found = []
    for path in sorted(index.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if not data:
                found.append(f"{path.relative_to(index)}: empty")
            elif data[:2] == b"\x1f\x8b":
                try:
                    gzip.decompress(data)
                except (OSError, EOFError) as exc:
                    found.append(f"{path.relative_to(index)}: {exc}")
    for name in listing.get("bundles", []):
        try:
            search.verify_index(index / name, listing["pages"][name])
        except (search.IndexError_, KeyError) as exc:
            found.append(f"{name}/{exc}")
    return found


def worker(number: int, builds: int) -> tuple[int, int, int, list[str]]:
    """Builds of one project: (builds, failed, broken, notes)."""
    with tempfile.TemporaryDirectory(prefix=f"search-stress-{number}-") as tmp:
        project = Path(tmp) / "site"
        project.mkdir()
        for part in ("content", "data", "layouts"):
            shutil.copytree(ROOT / part, project / part)
        notice = project / "content/2012-104/notice.md"
        original = notice.read_text(encoding="utf-8")
        failed = broken = 0
        notes: list[str] = []
        for build in range(builds):
            edited = original.replace("现将有关安排", f"现将第{number}-{build}次有关安排", 1)
            notice.write_text(edited, encoding="utf-8")
            done = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--project", str(project),
                                   "--no-pdf"], capture_output=True, text=True, cwd=ROOT,
                                  env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
            if done.returncode != 0:
                failed += 1
                notes.append(f"process {number} build {build}: exit {done.returncode}: {done.stderr.strip()[-300:]}")
                continue
            if bad := broken_files(project / "output"):
                broken += 1
                notes.append(f"process {number} build {build}: " + "; ".join(bad[:3]))
        return builds, failed, broken, notes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--builds", type=int, default=34, help="builds per process")
    args = parser.parse_args()
    start = time.perf_counter()
    with ProcessPoolExecutor(args.processes) as pool:
        outcomes = list(pool.map(worker, range(args.processes), [args.builds] * args.processes))
    builds = sum(o[0] for o in outcomes)
    failed = sum(o[1] for o in outcomes)
    broken = sum(o[2] for o in outcomes)
    for outcome in outcomes:
        for note in outcome[3]:
            print(note)
    print(f"{builds} builds in {args.processes} parallel processes, {time.perf_counter() - start:.0f} s: "
          f"{failed} failed, {broken} broken search indexes")
    return 1 if failed or broken else 0


if __name__ == "__main__":
    sys.exit(main())
