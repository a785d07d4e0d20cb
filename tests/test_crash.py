"""A build killed at any moment (SIGKILL: no clean-up code runs) leaves output/ exactly the old
site or exactly the new one, never a mix; the next build removes what the killed one left, and
no helper process of the killed build lives on (issue 13, item 7)."""
from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from conftest import REPO, Project, copy_project

pytestmark = pytest.mark.integration

# 96 s for this file with the machine loaded (2 cores, load average 5.5); 16 took 273 s with search every fourth build
RUNS = 24
SEARCH_EVERY = 6  # the search index (Pagefind, a second process) in every sixth build: it triples a build's time
SEED = 20121104
EDIT = ("content/2012-104/notice.md", "毕业生图像采集", "毕业生图像采集（更新）")
STYLE = ("layouts/print.css", "@page", "/* edited */\n@page")


def digest(folder: Path) -> str:
    """One digest over every file's path and bytes (through the output link)."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def start(root: Path, token: str, *extra: str, pdf: bool = False) -> subprocess.Popen:
    # the token in the environment marks the build and every process it starts (forked,
    # spawned or exec'd): how its leftovers are found, whatever their command line says
    env = dict(os.environ, NOTICESITE_CRASH_TEST=token, PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, str(REPO / "build.py"), "build", "--project", str(root),
                             *(() if pdf else ("--no-pdf",)), *extra], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def processes_marked(token: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:  # ended meanwhile, or not ours to read
            continue
        if f"NOTICESITE_CRASH_TEST={token}".encode() in environ.split(b"\0"):
            words = cmdline.replace(b"\0", b" ").decode(errors="replace")
            found.append(f"{entry.name}: {words}")
    return found


def outlived(token: str, within: float = 10.0) -> tuple[list[str], float]:
    """The processes carrying ``token`` still there ``within`` seconds from now (none, as soon as
    they are gone), and the seconds waited. A killed build's helpers end when they notice it
    has gone (a closed pipe, the kernel's parent-death signal): at once, not after a fixed sleep."""
    started = time.monotonic()
    while (found := processes_marked(token)) and time.monotonic() - started < within:
        time.sleep(0.05)
    return found, time.monotonic() - started


def leftovers(root: Path, within: float = 60.0) -> list[str]:
    """Temporary things beside output/ and in its releases folder, beyond the current and the
    previous release. A retired release (``gone-*``) of many files is removed by an ``rm`` the
    build starts and does not wait for: it is given ``within`` seconds to go (polled)."""
    deadline = time.monotonic() + within
    while any(name.startswith("gone-") for name in _leftovers(root)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return _leftovers(root)


def _leftovers(root: Path) -> list[str]:
    home = root / ".output.releases"
    names = [p.name for p in root.iterdir() if p.name.startswith((".output-", ".output.link-"))]
    keep = {os.path.basename(os.readlink(root / "output"))}
    if (home / "previous").is_symlink():
        keep.add(os.readlink(home / "previous"))
    names += [p.name for p in home.iterdir()
              if p.name not in keep | {"previous", ".noticesite-releases"}]
    return names


def edited(root: Path, on: bool) -> None:
    project = Project(root)
    for rel, old, new in (EDIT, STYLE):
        if on:
            project.replace(rel, old, new)
        else:
            project.replace(rel, new, old)


def test_a_killed_build_leaves_the_old_or_the_new_site(tmp_path: Path):
    sites, durations = {}, {}
    for on in (False, True):  # clean builds of the two versions, made beforehand
        root = copy_project(REPO, tmp_path / f"ref-{on}")
        if on:
            edited(root, True)
        for extra in ((), ("--no-search",)):
            shutil.rmtree(root / "output", ignore_errors=True)
            started = time.monotonic()
            build = start(root, "ref", "--clean", *extra)
            assert build.wait(120) == 0, build.stderr.read().decode()  # type: ignore[union-attr]
            durations[bool(extra)] = time.monotonic() - started
            sites[on, bool(extra)] = digest(root / "output")
    root = copy_project(REPO, tmp_path / "site")
    first = start(root, "first", "--no-search")
    assert first.wait(120) == 0
    rng = random.Random(SEED)
    on, no_search = False, True
    for run in range(RUNS):
        old = sites[on, no_search]
        assert digest(root / "output") == old
        on, no_search = not on, run % SEARCH_EVERY != SEARCH_EVERY - 1
        edited(root, on)
        token = uuid.uuid4().hex
        extra = ("--no-search",) if no_search else ()
        build = start(root, token, *extra)
        # a kill anywhere in a build's time, as a clean build of its kind took (an edit's build
        # is shorter: a build that ends first is a kill after its end, which must hold too)
        delay = rng.uniform(0, durations[no_search])
        try:
            build.wait(delay)
        except subprocess.TimeoutExpired:
            build.send_signal(signal.SIGKILL)
            build.wait()
        alive, waited = outlived(token)
        assert alive == [], f"run {run}: processes of the killed build still there {waited:.1f} s later: {alive}"
        now = digest(root / "output")
        assert now in (old, sites[on, no_search]), f"run {run}: a mix after a kill at {delay:.2f} s"
        repair = start(root, f"repair-{token}", *extra)
        assert repair.wait(120) == 0, repair.stderr.read().decode()  # type: ignore[union-attr]
        assert digest(root / "output") == sites[on, no_search], f"run {run}: the next build is not the new site"
        assert leftovers(root) == [], f"run {run}: left behind"
        build.stderr.close()  # type: ignore[union-attr]
        repair.stderr.close()  # type: ignore[union-attr]


def test_a_full_disk_names_the_file_and_leaves_the_old_site(tmp_path: Path):
    """Writes fail as on a full disk (RLIMIT_FSIZE: EFBIG past the limit, SIGXFSZ ignored so the
    write returns the error instead of killing the build): a located message, exit 1, output/ as it was."""
    import resource

    root = copy_project(REPO, tmp_path / "site")
    assert start(root, "full", "--no-search").wait(120) == 0
    before = digest(root / "output")
    edited(root, True)

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (16_000, 16_000))

    done = subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--project", str(root),
                           "--no-pdf", "--no-search"], cwd=REPO, capture_output=True, text=True,
                          preexec_fn=small_disk, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "[Errno" not in done.stderr
    assert re.search(r"^output/\S+: cannot write: File too large$", done.stderr, re.M), done.stderr
    assert digest(root / "output") == before
    assert leftovers(root) == []
