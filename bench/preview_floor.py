#!/usr/bin/env python3
"""Benchmark: the floor under bench/preview.py, Chromium's own reload of the page with nothing rebuilt.

    .venv/bin/python bench/preview_floor.py [--runs 10]

The same project, server (`build.py serve`, PDFs and search on) and page as bench/preview.py,
but no file is saved: the page is told to reload (as livereload.js does on the server's
message) and timed until the reloaded page shows the schedule's cell, polled as preview.py
polls. What no change to the rebuild can take off preview.py's figure. Not a test.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from preview import CHROMIUM, CHROMIUM_ARGS, PAGE, ROOT, SHOWN, free_port, lay_out, served, until


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "site"
        lay_out(project)
        port = free_port()
        server = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--project", str(project),
                                   "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, cwd=ROOT)
        base = f"http://127.0.0.1:{port}/"
        try:
            until(lambda: served(base + "2012-104/attachment-1.pdf") and served(base + "2025-017/notice.pdf"), 600, 0.5)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.goto(base + PAGE)
                until(lambda: page.evaluate("!!window.LiveReload"), 30)
                value = page.evaluate("document.querySelector('td').textContent.trim()")
                times = []
                for _ in range(args.runs):
                    time.sleep(2)  # the preview's indexer done: nothing else runs
                    page.evaluate("window.__before = true")
                    started = time.perf_counter()
                    page.evaluate("setTimeout(() => location.reload(), 0)")
                    until(lambda: page.evaluate("!window.__before") and page.evaluate(SHOWN, value), 30)
                    times.append(time.perf_counter() - started)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
        print(f"reload -> page shows its cell again: median {statistics.median(times):.3f} s "
              f"(min {min(times):.3f}, max {max(times):.3f}) over {args.runs} runs")


if __name__ == "__main__":
    main()
