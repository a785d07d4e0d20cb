"""Shared fixtures: the example project copied into a temporary folder, built once.

Tests that break a file get their own copy (``project``); tests that only read
the built site share one build (``built_example``).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def copy_project(source: Path, target: Path) -> Path:
    for name in ("content", "data", "layouts"):
        if (source / name).exists():
            shutil.copytree(source / name, target / name)
    if not (target / "layouts").exists():
        shutil.copytree(REPO / "layouts", target / "layouts")
    return target


class Project:
    """A throwaway copy of a site that a test may edit."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str) -> None:
        self.path(rel).parent.mkdir(parents=True, exist_ok=True)
        self.path(rel).write_text(text, encoding="utf-8")

    def replace(self, rel: str, old: str, new: str, count: int = 1) -> None:
        text = self.read(rel)
        assert old in text, f"{old!r} not in {rel}"
        self.write(rel, text.replace(old, new, count))

    def line_of(self, rel: str, needle: str) -> int:
        for number, line in enumerate(self.read(rel).splitlines(), 1):
            if needle in line:
                return number
        raise AssertionError(f"{needle!r} not in {rel}")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(copy_project(REPO, tmp_path / "site"))


@pytest.fixture
def exam_project(tmp_path: Path) -> Project:
    return Project(copy_project(SITES / "exam-registration", tmp_path / "exam"))


@pytest.fixture(scope="session")
def built_example(tmp_path_factory) -> Path:
    """The example site built once, HTML only (PDFs and search have their own tests)."""
    from noticesite.site import BuildOptions, build, load

    root = copy_project(REPO, tmp_path_factory.mktemp("example") / "site")
    site, problems = load(root)
    assert site is not None, "\n".join(map(str, problems))
    build(site, root / "output", BuildOptions(pdf=False, search=False))
    return root / "output"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html5lib")


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, driven by Playwright (its own browser download is not used)."""
    from playwright.sync_api import sync_playwright

    from directory_samples import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


LAYERS = ("unit", "integration", "pdf", "browser")  # the markers in pyproject.toml


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects: every collected test is checked
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test without a layer would be left out of every `-m` selection without anyone noticing."""
    unmarked = [item.nodeid for item in items if not any(item.get_closest_marker(layer) for layer in LAYERS)]
    if unmarked:
        raise pytest.UsageError("tests without a layer marker (" + ", ".join(LAYERS) + "):\n  "
                                + "\n  ".join(unmarked))
