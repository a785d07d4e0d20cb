"""The corpus of hostile inputs in tests/hostile/: every case is refused with a located message,
leaves output/ byte-identical, and stays within bounded time and memory (see its README)."""
from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, copy_project

pytestmark = pytest.mark.integration

# Hostile inputs (issue 13) and invalid sites that check must refuse as build does (issue 12):
# one format, one runner.
CORPORA = [Path(__file__).resolve().parent / "hostile", Path(__file__).resolve().parent / "sites/invalid"]
CASES = sorted(f"{corpus.name}/{p.name}" for corpus in CORPORA for p in corpus.iterdir() if p.is_dir())
DEFAULT_LIMITS = {"cpu_seconds": 20.0, "memory_mb": 600.0}
HARD_MEMORY_CAP = 2 << 30  # a runaway case fails at this address-space size instead of taking the machine


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


@pytest.fixture(scope="session")
def built_template(tmp_path_factory) -> Path:
    """The example with its HTML output built once; every case starts from a copy of it."""
    root = copy_project(REPO, tmp_path_factory.mktemp("hostile-template") / "site")
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--project", str(root),
                           "--no-pdf", "--no-search"], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    return root


def limits_of(case: Path) -> dict[str, float]:
    limits = dict(DEFAULT_LIMITS)
    if (case / "limits.txt").is_file():
        for line in (case / "limits.txt").read_text(encoding="utf-8").splitlines():
            if line.strip():
                name, value = line.split()
                limits[name] = float(value)
    return limits


def apply_case(case: Path, root: Path, outside: Path) -> None:
    if (case / "files").is_dir():
        shutil.copytree(case / "files", root, dirs_exist_ok=True)
    if (case / "prepare.py").is_file():
        spec = importlib.util.spec_from_file_location(f"hostile_{case.name}", case / "prepare.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.prepare(root, outside)


def run_bounded(args: list[str]) -> tuple[int, str, float, float]:
    """Runs a command; returns its exit code, standard error, CPU seconds and peak memory (MB)."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (HARD_MEMORY_CAP, HARD_MEMORY_CAP))

    with open(os.devnull, "wb") as devnull, subprocess.Popen(
            args, stdout=devnull, stderr=subprocess.PIPE, cwd=REPO, preexec_fn=cap) as proc:
        started = time.monotonic()
        try:
            err = proc.stderr.read() if proc.stderr else b""  # type: ignore[union-attr]
        finally:
            pid, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
        assert time.monotonic() - started < 300, "a hostile input hung the build"
    cpu = usage.ru_utime + usage.ru_stime
    return proc.returncode, err.decode("utf-8", "replace"), cpu, usage.ru_maxrss / 1024


@pytest.mark.parametrize("name", CASES)
def test_hostile_input_is_refused_with_a_located_message(name: str, built_template: Path, tmp_path: Path):
    case = Path(__file__).resolve().parent / ("sites" if name.startswith("invalid/") else "") / name
    root = tmp_path / "site"
    shutil.copytree(built_template, root, symlinks=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(REPO / "tests/hostile/secret.png", outside / "secret.png")
    (outside / "secret.txt").write_text("SECRET-FROM-OUTSIDE\n", encoding="utf-8")
    apply_case(case, root, outside)
    before = tree_digest(root / "output")
    expected = [line for line in (case / "expected.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    assert expected, f"{name}: expected.txt names no message"
    unexpected = []  # messages that must not appear: the follow-on noise of a fault reported once
    if (case / "unexpected.txt").is_file():
        unexpected = [line for line in (case / "unexpected.txt").read_text(encoding="utf-8").splitlines()
                      if line.strip()]
    limits = limits_of(case)
    for command in (["check"], ["build"]):
        code, err, cpu, memory = run_bounded(
            [sys.executable, str(REPO / "build.py"), *command, "--project", str(root)])
        assert "Traceback" not in err and "internal error" not in err, err[-3000:]
        assert code == 1, f"{command[0]} exited {code}:\n{err[-3000:]}"
        for pattern in expected:
            assert re.search(pattern, err, re.M), f"{command[0]}: no {pattern!r} in:\n{err[-3000:]}"
        for pattern in unexpected:
            assert not re.search(pattern, err, re.M), f"{command[0]}: {pattern!r} should not be in:\n{err[-3000:]}"
        assert cpu < limits["cpu_seconds"], f"{command[0]} took {cpu:.1f} CPU seconds"
        assert memory < limits["memory_mb"], f"{command[0]} peaked at {memory:.0f} MB"
        assert tree_digest(root / "output") == before, f"{command[0]} changed output/"
