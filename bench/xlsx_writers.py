#!/usr/bin/env python3
"""Benchmark: one .xlsx download made by ``spreadsheet.to_xlsx`` as it is now (XlsxWriter) and as
a commit before it made it (openpyxl, then its zip rewritten with fixed dates), on the example's
schedule, in one process, alternated run by run; the best of N per side and the ratio.

    .venv/bin/python bench/xlsx_writers.py [--before c02c6ac] [--runs 7] [--n 200]

``--before``: the commit whose noticesite/spreadsheet.py is the old side (c02c6ac, the last that
wrote with openpyxl); it must import from today's noticesite package (it does: model.py only).
Each run makes the workbook N times; the first workbook of each side is made before the timing
(the import of the library it uses).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from noticesite import schema, spreadsheet, yamlio  # noqa: E402
from noticesite.errors import Problems  # noqa: E402


def module_at(commit: str) -> types.ModuleType:
    """noticesite/spreadsheet.py as ``commit`` has it, imported beside today's package."""
    source = subprocess.run(["git", "show", f"{commit}:noticesite/spreadsheet.py"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    module = types.ModuleType("noticesite.spreadsheet_before")
    module.__package__ = "noticesite"  # its relative imports (.model) find today's modules
    exec(compile(source, f"{commit}:noticesite/spreadsheet.py", "exec"), module.__dict__)
    return module


def example_rows() -> list[list[object]]:
    node, _ = yamlio.read(ROOT / "data/2012-104/schedule.yaml", ROOT)
    return spreadsheet.schedule_rows(schema.load_schedule(node, Problems()))


def per_workbook_ms(to_xlsx, rows: list[list[object]], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        to_xlsx(rows, "附件1 考试安排")
    return (time.perf_counter() - start) / n * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", default="c02c6ac")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--n", type=int, default=200, help="workbooks made per run")
    args = parser.parse_args()
    rows = example_rows()
    sides = {f"before ({args.before}, openpyxl)": module_at(args.before).to_xlsx,
             "now (XlsxWriter)": spreadsheet.to_xlsx}
    for to_xlsx in sides.values():
        to_xlsx(rows, "warm-up")
    best = {name: float("inf") for name in sides}
    for run in range(args.runs):
        order = list(sides) if run % 2 == 0 else list(reversed(sides))
        for name in order:
            best[name] = min(best[name], per_workbook_ms(sides[name], rows, args.n))
    print(f"example schedule: {len(rows) - 1} rows of {len(rows[0])} columns; best of {args.runs} runs "
          f"of {args.n} workbooks")
    for name, ms in best.items():
        size = len(sides[name](rows, "附件1 考试安排"))
        print(f"  {name}: {ms:.2f} ms a workbook, {size:,} bytes")
    before, now = best.values()
    print(f"  now/before: {now / before:.2f} ({before / now:.1f}x faster)")


if __name__ == "__main__":
    main()
