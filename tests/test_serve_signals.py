"""`build.py serve` stopped by SIGTERM (a service manager, `kill`) or SIGINT (Ctrl+C) removes its
private folder and exits cleanly (issue 16: SIGTERM left `noticesite-serve-*` behind)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO, Project

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return b"notice-list" in response.read()
    except OSError:
        return False


def poll(predicate, what: str, timeout: float = 60.0) -> None:
    """Until ``predicate()`` is true: checked every 0.1 s, so no test waits longer than it must."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def _default_signals() -> None:
    """The preview as a terminal starts it: SIGINT and SIGTERM at their defaults. A test run
    started in the background (``cmd &`` in a script, nohup) ignores SIGINT, its children
    inherit that, and Python installs no Ctrl+C handler for a signal ignored at its start: the
    SIGINT case then waited 60 s for a preview that could not hear it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_removes_its_folder_when_stopped_by_a_signal(project: Project, tmp_path: Path, signum: int):
    temp = tmp_path / "tmp"  # the preview's mkdtemp() makes its folder here, where the test can look
    temp.mkdir()
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--project", str(project.root),
                                 "--port", str(port), "--no-pdf", "--no-search"],
                                stdout=out, stderr=subprocess.STDOUT, cwd=REPO,
                                env={**os.environ, "TMPDIR": str(temp)}, preexec_fn=_default_signals)
        try:
            poll(lambda: proc.poll() is not None or answers(f"http://127.0.0.1:{port}/index.html"), "the preview")
            assert proc.poll() is None, log.read_text(encoding="utf-8")
            folders = list(temp.glob("noticesite-serve-*"))
            assert len(folders) == 1 and (folders[0] / "site/index.html").is_file()
            proc.send_signal(signum)
            code = proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    shown = log.read_text(encoding="utf-8")
    assert code == 0, shown
    assert not list(temp.glob("noticesite-serve-*")), shown
    assert "Traceback" not in shown
