"""What the code key's library part costs: the .dist-info scan the build uses, against
importlib.metadata (the documented route that parses every distribution's metadata), each
in a fresh process, best of N. Ratios are to the scan, measured in the same run.

    .venv/bin/python bench/code_version.py [--runs 5]
"""
from __future__ import annotations

import argparse
import subprocess
import sys

SCAN = ("import time; t = time.perf_counter(); from noticesite.cache import installed_distributions; "
        "import noticesite.cache as c; t = time.perf_counter(); installed_distributions(); "
        "print(time.perf_counter() - t)")
METADATA = ("import time; import noticesite.cache; t = time.perf_counter(); from importlib import metadata; "
            "[(d.metadata['Name'], d.version) for d in metadata.distributions()]; print(time.perf_counter() - t)")


def best(code: str, runs: int) -> float:
    return min(float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                    check=True).stdout) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    scan, meta = best(SCAN, runs), best(METADATA, runs)
    print(f"dist-info scan: {scan * 1000:.2f} ms")
    print(f"importlib.metadata: {meta * 1000:.1f} ms ({meta / scan:.0f}x the scan)")


if __name__ == "__main__":
    main()
