#!/usr/bin/env python3
"""Benchmark: the memory of a PDF build's main process over a whole archive, without printing.

    .venv/bin/python bench/pdf_parent_memory.py [--n 1000]

A build with PDFs prints each document in a process of its own (its peak is the
one document's, ~250 MB for a whole notice: see bench/archive.py, which prints
20 notices). What grows with the archive is the main process: the loaded
notices, then every print document's HTML (for the cache key of each PDF, the
font check and the search records). Printing 1000 notices takes about half an
hour here, so this script measures the main process up to the point where the
printing would start: load, print documents, font check, PDF texts.
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
from noticesite import pdf  # noqa: E402
from noticesite.render import environment  # noqa: E402
from noticesite.site import load  # noqa: E402


def peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = corpus.generate(Path(tmp) / "site", args.n)
        started = time.perf_counter()
        site, problems = load(root)
        assert site is not None, problems
        print(f"loaded {len(site.notices)} notices: peak {peak_mb()} MB")
        env = environment(root / "layouts")
        pdf.register_filters(env)
        docs = [doc for notice in site.notices for doc in pdf.print_documents(site, notice, env)]
        print(f"{len(docs)} print documents made: peak {peak_mb()} MB")
        pdf.check_fonts(docs)
        fonts = pdf.installed_fonts(docs[0].stylesheets)
        keys = [pdf.input_hash(doc, fonts) for doc in docs]  # imports WeasyPrint, as the build does
        texts = [pdf._plain_text(doc.html) for doc in docs]
        print(f"fonts checked, {len(keys)} cache keys and {len(texts)} texts: peak {peak_mb()} MB "
              f"after {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
