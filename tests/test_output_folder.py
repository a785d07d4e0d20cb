"""--output: the build writes only into a folder it made (marked with paths.OUTPUT_MARKER), a new or
empty one, or the project's output/ as an earlier version left it; anything else is refused with
exit code 1 and left untouched."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, Project
from noticesite.paths import OUTPUT_MARKER

pytestmark = pytest.mark.integration


def build(project: Project, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--project", str(project.root),
                           "--no-pdf", "--no-search", *args], capture_output=True, text=True, cwd=REPO)


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_folder_with_files_the_build_did_not_make_is_refused_and_untouched(project: Project, tmp_path: Path):
    mine = tmp_path / "mine"
    (mine / "sub").mkdir(parents=True)
    (mine / "a.txt").write_text("a\n")
    (mine / "sub/b.txt").write_text("b\n")
    result = build(project, "--output", str(mine))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (f"{mine}: a folder the build did not make, with files in it (such as a.txt): refused as the "
            "output folder, so as not to delete them") in result.stderr
    assert digest(mine) == {"a.txt": hashlib.sha256(b"a\n").hexdigest(),
                            "sub/b.txt": hashlib.sha256(b"b\n").hexdigest()}
    assert not list(tmp_path.glob(".output-*"))  # nothing made beside it either


def test_a_file_is_refused_and_untouched(project: Project, tmp_path: Path):
    target = tmp_path / "somefile.txt"
    target.write_text("keep me\n")
    result = build(project, "--output", str(target))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{target}: a file, not a folder: refused as the output folder" in result.stderr
    assert target.read_text() == "keep me\n"


def test_a_folder_of_the_project_sources_is_refused(project: Project):
    before = digest(project.path("layouts"))
    result = build(project, "--output", str(project.path("layouts/site")))
    assert result.returncode == 1
    assert "layouts/site: inside the project's layouts/, which the build reads" in result.stderr
    assert digest(project.path("layouts")) == before and not project.path("layouts/site").exists()


def test_an_empty_folder_is_accepted_and_marked_then_rebuilt(project: Project, tmp_path: Path):
    target = tmp_path / "empty"
    target.mkdir()
    assert build(project, "--output", str(target)).returncode == 0
    assert (target / OUTPUT_MARKER).is_file() and (target / "2012-104/index.html").is_file()
    project.replace("content/2012-104/notice.md", "现将有关安排", "现将有关安排（QXZ补充）")
    (target / "stray.html").write_text("left by hand")  # in a folder the build owns: put right
    result = build(project, "--output", str(target))
    assert result.returncode == 0, result.stderr
    assert "QXZ补充" in (target / "2012-104/index.html").read_text(encoding="utf-8")
    assert not (target / "stray.html").exists() and (target / OUTPUT_MARKER).is_file()


def test_the_marker_is_no_page_of_the_site(project: Project):
    assert build(project).returncode == 0
    output = project.path("output")
    assert (output / OUTPUT_MARKER).is_file()
    sitemap = (output / "sitemap.xml").read_text(encoding="utf-8")
    assert OUTPUT_MARKER not in sitemap
    assert OUTPUT_MARKER not in (output / "feed.xml").read_text(encoding="utf-8")


def test_an_output_folder_of_an_earlier_version_without_the_marker(project: Project):
    """Built before folders were marked: accepted while it holds only what its manifest lists;
    a file added by hand makes it someone else's."""
    assert build(project).returncode == 0
    output = project.path("output")
    (output / OUTPUT_MARKER).unlink()
    assert build(project).returncode == 0 and (output / OUTPUT_MARKER).is_file()
    (output / OUTPUT_MARKER).unlink()
    (output / "notes.txt").write_text("mine")
    before = digest(output)
    result = build(project)
    assert result.returncode == 1 and "output: a folder the build did not make" in result.stderr
    assert digest(output) == before
