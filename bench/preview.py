#!/usr/bin/env python3
"""Benchmark: save -> the browser showing the new value, under `build.py serve`, in Chromium.

    .venv/bin/python bench/preview.py [--runs 5] [--code DIR]

Copies the example and the second fixture notice (tests/sites/exam-registration's 2025-017)
into a temporary project, starts `build.py serve` on it (PDFs and search on, as `serve` has
them), opens the schedule page in Debian's Chromium (Playwright, as tests/conftest.py launches
it), then edits one value of data/2012-104/schedule.yaml per run and measures, from the save:

- pages: until the page shows the new value (the DOM polled across the reload);
- PDFs: until the page shows it with no PDF link marked as being printed and its PDF is served.

Beside each run, the same machine's reference: a `build --no-pdf --no-search` of the same
project into a fresh folder (a subprocess, as the command line runs it); the ratio
pages / reference tells a slow machine from a slow preview. `--code DIR` runs another checkout's
build.py (the figures before a change: `--code /path/to/main`). Not a test: nothing asserts.
"""
from __future__ import annotations

import argparse
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from directory_samples import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

PAGE = "2012-104/attachment-1.html"
SCHEDULE = "data/2012-104/schedule.yaml"
# The new value in a cell of the page; a PDF link marked as being printed (the pages-first release).
SHOWN = "v => [...document.querySelectorAll('td')].some(td => td.textContent.trim() === v)"
PENDING = "() => document.querySelector('.pdf-pending') !== null"
ROW = re.compile(r"(college: 政法学院,\s+students: )(\d+)")


def lay_out(project: Path) -> None:
    for name in ("content", "data", "layouts"):
        shutil.copytree(ROOT / name, project / name)
    second = ROOT / "tests/sites/exam-registration"
    shutil.copytree(second / "content/2025-017", project / "content/2025-017")
    shutil.copytree(second / "data/2025-017", project / "data/2025-017")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def until(predicate, timeout: float, step: float = 0.005):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            found = predicate()
            if found:
                return found
        except Exception:  # noqa: BLE001 (a page between two documents, a server not up yet)
            pass
        time.sleep(step)
    raise TimeoutError("timed out")


def served(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status == 200


def reference_build(code: Path, project: Path) -> float:
    """A build of a copy of the project: a build writes the calendar ledgers under data/ (the
    edited schedule's events changed), and a write into the watched project would start a
    rebuild and a printing of the PDFs in the preview that runs on into the next measured save."""
    folder = Path(tempfile.mkdtemp(prefix="ref-", dir=project.parent))
    copy, out = folder / "site", folder / "out"
    shutil.copytree(project, copy, symlinks=True)  # with its cache, as warm as the project's own
    started = time.perf_counter()
    subprocess.run([sys.executable, str(code / "build.py"), "build", "--project", str(copy), "--output", str(out),
                    "--no-pdf", "--no-search"], check=True, capture_output=True, cwd=code)
    seconds = time.perf_counter() - started
    shutil.rmtree(folder, ignore_errors=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose build.py serves")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for the first PDFs")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "site"
        lay_out(project)
        port = free_port()
        log = open(Path(tmp) / "serve.log", "w+")
        server = subprocess.Popen([sys.executable, str(args.code / "build.py"), "serve", "--project", str(project),
                                   "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, cwd=args.code)
        base = f"http://127.0.0.1:{port}/"
        try:
            # the first build prints every PDF (a cold cache): wait until they are served
            until(lambda: served(base + "2012-104/attachment-1.pdf") and served(base + "2025-017/notice.pdf"),
                  args.timeout, 0.5)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.goto(base + PAGE)
                until(lambda: page.evaluate("!!window.LiveReload"), 30)
                pages, pdfs, refs = [], [], []
                for run in range(args.runs):
                    value = str(500 + run)
                    text = (project / SCHEDULE).read_text(encoding="utf-8")
                    assert ROW.search(text), "the row to edit is not in the schedule"
                    saved = time.perf_counter()
                    (project / SCHEDULE).write_text(ROW.sub(rf"\g<1>{value}", text, count=1), encoding="utf-8")
                    until(lambda v=value: page.evaluate(SHOWN, v), 60)
                    pages.append(time.perf_counter() - saved)
                    until(lambda v=value: page.evaluate(SHOWN, v) and not page.evaluate(PENDING)
                          and served(base + "2012-104/attachment-1.pdf"), args.timeout)
                    pdfs.append(time.perf_counter() - saved)
                    time.sleep(3.5)  # livereload's watcher drops a reload within 3 s of the last (the code before)
                    refs.append(reference_build(args.code, project))
                    print(f"run {run + 1}: page shows the edit {pages[-1]:.3f} s, PDFs in {pdfs[-1]:.3f} s; "
                          f"reference build {refs[-1]:.3f} s", flush=True)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.seek(0)
            rebuilt = re.findall(r"rebuilt in ([\d.]+) s", log.read())
            log.close()
        print(f"\ncode: {args.code}")
        print(f"save -> page shows the edit: median {statistics.median(pages):.3f} s "
              f"(min {min(pages):.3f}, max {max(pages):.3f}) over {args.runs} runs")
        print(f"save -> PDFs in and shown:   median {statistics.median(pdfs):.3f} s")
        print(f"reference, build --no-pdf --no-search: median {statistics.median(refs):.3f} s")
        print(f"ratio page / reference: {statistics.median(pages) / statistics.median(refs):.2f}")
        print(f"serve's own 'rebuilt in' (pages written): {', '.join(rebuilt[1:])} s")


if __name__ == "__main__":
    main()
