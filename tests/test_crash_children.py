"""Builds killed (SIGKILL: no clean-up code runs) while they have helper processes: the PDF
printers, forked from a multiprocessing fork server, and the forked workers that load and render
a large site. No helper outlives the build by more than a moment, output/ stays the old site or
the new one, and the PDF cache holds nothing that a later build would take for a finished PDF
(issue 13, item 7; the HTML-only kills are in test_crash.py)."""
from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from conftest import REPO, Project, copy_project
from pypdf import PdfReader
from test_crash import digest, edited, leftovers, outlived, processes_marked, start

PDF_RUNS = 5
FORKED_RUNS = 4
SEED = 20121105
JOBS = ("--no-search", "-j", "2")  # two printers, two forked workers: helpers even on one core
FORK_SERVER = "multiprocessing.forkserver"
NOTICES = 120  # over loading._PARALLEL_LOAD_THRESHOLD (100 notices) and, at ~24 files a notice,
# over site._PARALLEL_THRESHOLD (200 files): both the loading and the rendering are forked


def wait_for(build: subprocess.Popen, seen: set[int], token: str, word: str, count: int = 1,
             within: float = 180.0) -> bool:
    """Waits until ``count`` processes other than the build itself, carrying ``token`` and with
    ``word`` in their command line, have been seen (their pids gathered in ``seen``); False if the
    build ended first."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and build.poll() is None:
        seen.update(int(line.split(":")[0]) for line in processes_marked(token) if word in line)
        seen.discard(build.pid)
        if len(seen) >= count:
            return True
        time.sleep(0.02)
    return False


def kill_after(build: subprocess.Popen, delay: float) -> bool:
    """SIGKILL after ``delay`` seconds unless the build ended first; True if it was killed."""
    try:
        build.wait(delay)
        return False
    except subprocess.TimeoutExpired:
        build.send_signal(signal.SIGKILL)
        build.wait()
        return True


def end_marked(*tokens: str) -> None:
    """Ends what a failed assertion left running, so that one failure does not load the machine
    for the tests after it (only processes this test started carry its tokens)."""
    for token in tokens:
        for line in processes_marked(token):
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(line.split(":")[0]), signal.SIGKILL)


def whole_pdfs(folder: Path) -> int:
    """Opens every PDF under ``folder`` as a reader would; returns how many there are."""
    pdfs = sorted(folder.rglob("*.pdf"))
    for path in pdfs:
        reader = PdfReader(path, strict=True)
        assert len(reader.pages) > 0 and reader.pages[0].extract_text().strip(), path
    return len(pdfs)


@pytest.mark.pdf
def test_a_build_killed_while_printing_leaves_no_printer(tmp_path: Path):
    sites, token = {}, uuid.uuid4().hex
    root = copy_project(REPO, tmp_path / "site")
    first = start(root, token, *JOBS, pdf=True)
    tokens = [token]
    try:
        assert wait_for(first, set(), token, FORK_SERVER), "the first build printed without a fork server"
        printing = time.monotonic()
        assert first.wait(300) == 0, first.stderr.read().decode()  # type: ignore[union-attr]
        pdf_seconds = time.monotonic() - printing  # printing, and the few steps after it
        sites[False] = digest(root / "output")
        pdfs = whole_pdfs(root / "output")
        reference = copy_project(REPO, tmp_path / "reference")  # the edited version, built apart
        edited(reference, True)
        tokens.append(token := uuid.uuid4().hex)
        assert start(reference, token, *JOBS, pdf=True).wait(300) == 0
        sites[True] = digest(reference / "output")
        shutil.rmtree(reference)

        rng = random.Random(SEED)
        on, waits = False, []
        for run in range(PDF_RUNS):
            old = sites[on]
            assert digest(root / "output") == old
            on = not on  # each run changes every PDF (the print stylesheet): all are printed anew
            edited(root, on)
            tokens.append(token := uuid.uuid4().hex)
            build = start(root, token, *JOBS, pdf=True)
            printing_now = wait_for(build, set(), token, FORK_SERVER)
            delay = rng.uniform(0, pdf_seconds)
            killed = kill_after(build, delay)
            alive, waited = outlived(token)
            waits.append(waited)
            where = f"run {run}: killed {delay:.2f} s into printing" if killed else f"run {run}: not killed"
            assert printing_now, f"run {run}: the build ended before printing"
            assert alive == [], f"{where}: still there {waited:.1f} s later: {alive}"
            assert digest(root / "output") in (old, sites[on]), f"{where}: output/ is a mix"
            if run % 2:  # the edit undone: PDFs the killed build finished must not pass for the old ones
                on = not on
                edited(root, on)
            tokens.append(repair := f"repair-{token}")
            done = start(root, repair, *JOBS, pdf=True)
            assert done.wait(300) == 0, done.stderr.read().decode()  # type: ignore[union-attr]
            # a PDF the killed build left half-written, or finished under an older key, would be
            # reused here and differ from the clean build's
            assert digest(root / "output") == sites[on], f"{where}: the next build is not the site it built"
            assert whole_pdfs(root / "output") == pdfs
            assert leftovers(root) == [], f"{where}: left behind"
            for process in (build, done):
                process.stderr.close()  # type: ignore[union-attr]
        print(f"helpers gone within {max(waits):.2f} s of the kill (each: {', '.join(f'{w:.2f}' for w in waits)})")
    finally:
        end_marked(*tokens)


def many_notices(root: Path, count: int) -> None:
    """``count`` more notices: the example's folder under new slugs and numbers, sharing its data."""
    project = Project(root)
    for n in range(200, 200 + count):
        shutil.copytree(project.path("content/2012-104"), project.path(f"content/2012-{n}"))
        project.replace(f"content/2012-{n}/notice.md", "104号", f"{n}号")
        project.replace(f"content/2012-{n}/notice.md", "关于做好2014届", f"关于第{n}次做好2014届")


@pytest.mark.integration
def test_a_build_killed_while_forked_workers_run_leaves_none(tmp_path: Path):
    root = copy_project(REPO, tmp_path / "site")
    many_notices(root, NOTICES)
    token = uuid.uuid4().hex
    tokens = [token]
    try:
        # --clean: every build parses every notice and renders every file, so both are forked
        first = start(root, token, "--clean", *JOBS)
        assert first.wait(300) == 0, first.stderr.read().decode()  # type: ignore[union-attr]
        site = digest(root / "output")
        rng = random.Random(SEED)
        waits, hit = [], 0
        for run in range(FORKED_RUNS):
            tokens.append(token := uuid.uuid4().hex)
            build = start(root, token, "--clean", *JOBS)
            # even runs kill while the notices are parsed (the first pool's workers), odd runs
            # while files are rendered (a second pool: more than two workers seen)
            seen: set[int] = set()
            forked = wait_for(build, seen, token, "build.py", 1 if run % 2 == 0 else 3)
            before = {int(line.split(":")[0]) for line in processes_marked(token)} - {build.pid}
            delay = rng.uniform(0, 1.0)
            killed = kill_after(build, delay)
            hit += forked and killed and bool(before)
            alive, waited = outlived(token)
            waits.append(waited)
            where = f"run {run}: killed {delay:.2f} s after {len(seen)} workers were seen"
            assert alive == [], f"{where}: still there {waited:.1f} s later: {alive}"
            assert digest(root / "output") == site, f"{where}: output/ is not the site"
            build.stderr.close()  # type: ignore[union-attr]
        # a test of forked workers that never killed a build while they ran would prove nothing
        assert hit >= FORKED_RUNS // 2, f"only {hit} of {FORKED_RUNS} builds were killed with workers running"
        print(f"workers gone within {max(waits):.2f} s of the kill (each: {', '.join(f'{w:.2f}' for w in waits)})")
        tokens.append(token := uuid.uuid4().hex)
        assert start(root, token, *JOBS).wait(300) == 0
        assert leftovers(root) == []
    finally:
        end_marked(*tokens)
