#!/usr/bin/env python3
"""Benchmark: how fast the preview server rebuilds after one edit, with N notices loaded.

    .venv/bin/python bench/serve_rebuild.py [--n 1000] [--edits 5]

Lays out N copies of the example notice (each its own number and slug, sharing
the example's data), starts the preview's build loop in this process (the same
Preview.rebuild() that `build.py serve` calls on every save, as in
`serve --no-pdf`: PDFs off, search on), then edits one notice body at a time and
times each rebuild: until the pages are written and the browser may reload, and
until the search index, built after them in a thread of its own, has them too.
`--no-search` measures `serve --no-pdf --no-search`. Not a test: nothing asserts.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from noticesite.serve import Preview  # noqa: E402
from noticesite.site import BuildOptions  # noqa: E402


def lay_out(project: Path, n: int) -> None:
    for name in ("data", "layouts"):
        shutil.copytree(ROOT / name, project / name)
    source = (ROOT / "content/2012-104/notice.md").read_text(encoding="utf-8")
    page = ROOT / "content/2012-104/instructions.md"
    for i in range(n):
        folder = project / "content" / f"n{i:04d}"
        folder.mkdir(parents=True)
        folder.joinpath("notice.md").write_text(source.replace("104号", f"{1000 + i}号"), encoding="utf-8")
        shutil.copy(page, folder / "instructions.md")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--verbose", action="store_true", help="print what each rebuild rendered and its timings")
    parser.add_argument("--no-search", action="store_true", help="the preview without its search index")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "site"
        lay_out(project, args.n)
        preview = Preview(project, BuildOptions(pdf=False, search=not args.no_search))
        started = time.perf_counter()
        assert preview.rebuild(), "the first build failed"
        cold = time.perf_counter() - started
        preview.indexer.wait()
        cold_indexed = time.perf_counter() - started
        timings, indexed = [], []
        for edit in range(args.edits):
            notice = project / "content" / f"n{edit * 7 % args.n:04d}" / "notice.md"
            text = notice.read_text(encoding="utf-8")
            notice.write_text(text.replace("现将有关安排", f"现将第{edit}次更新的有关安排", 1), encoding="utf-8")
            started = time.perf_counter()
            assert preview.rebuild()
            timings.append(time.perf_counter() - started)
            preview.indexer.wait()  # before the next edit, so that each edit is timed alone
            indexed.append(time.perf_counter() - started)
            if args.verbose:
                report = preview.last_report
                parts = ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in report.timings.items())
                print(f"edit {edit}: pages written in {timings[-1] * 1000:.0f} ms ({report.rendered} file(s) "
                      f"rendered; {parts}), search index in {indexed[-1] * 1000:.0f} ms", file=sys.stderr)
        preview.close()
    search = "search off" if args.no_search else "search on"
    print(f"preview with {args.n} notices, {search}: first build {cold:.2f} s (pages), {cold_indexed:.2f} s "
          f"(with the search index); rebuild after editing one notice, pages written (the browser reloads): "
          f"{_spread(timings)} over {len(timings)} edits")
    if not args.no_search:
        print(f"  ... and the search index up to date (built after the pages): {_spread(indexed)}")


def _spread(seconds: list[float]) -> str:
    return (f"median {statistics.median(seconds) * 1000:.0f} ms (min {min(seconds) * 1000:.0f}, "
            f"max {max(seconds) * 1000:.0f})")


if __name__ == "__main__":
    main()
