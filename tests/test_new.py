"""`build.py new`: a notice written in one command passes check and build, edited or not."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from conftest import REPO, Project
from noticesite import scaffold


def cli(project: Project, *args: str) -> subprocess.CompletedProcess:
    fast = ["--no-pdf", "--no-search"] if args[0] == "build" else []
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args, "--project", str(project.root), *fast],
                          capture_output=True, text=True, cwd=REPO)


EDITS = {  # one field edited per kind, as staff would
    "schedule": ("data/{slug}/schedule.yaml", "students: 30", "students: 45"),
    "text": ("content/{slug}/attachment-1.md", "1. 第一条", "1. 携带学生证"),
    "directory": ("data/{slug}/offices.yaml", "name: 教务处", "name: 学生处"),
    "procedure": ("data/{slug}/procedure.yaml", "label: 提交申请", "label: 网上提交申请"),
}


@pytest.mark.integration
@pytest.mark.parametrize("kind", scaffold.KINDS)
def test_new_then_edit_then_check_and_build(exam_project: Project, kind: str):
    slug = f"2025-new-{kind}"
    made = cli(exam_project, "new", slug, "--kind", kind, "--title", "关于测试的通知")
    assert made.returncode == 0, made.stderr
    notice = exam_project.read(f"content/{slug}/notice.md")
    assert f"date: {dt.date.today().isoformat()}" in notice
    assert "issuer: 湖南理工学院教务处" in notice  # the site's office
    assert "# the document number" in notice  # each field carries its declaration's help
    if kind != "text":
        data = next(exam_project.path(f"data/{slug}").iterdir())
        first = data.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=../../schemas/")
    rel, old, new = EDITS[kind]
    exam_project.replace(rel.format(slug=slug), old, new)
    exam_project.replace(f"content/{slug}/notice.md", "title: 关于测试的通知", "title: 关于补考确认的通知")
    checked = cli(exam_project, "check")
    assert checked.returncode == 0, checked.stderr
    assert "no errors, 0 new warning(s)" in checked.stdout
    built = cli(exam_project, "build")
    assert built.returncode == 0, built.stderr
    page = exam_project.path(f"output/{slug}/attachment-1.html").read_text(encoding="utf-8")
    assert new.split(": ")[-1].lstrip("1. ") in page
    assert "关于补考确认的通知" in exam_project.path(f"output/{slug}/index.html").read_text(encoding="utf-8")


@pytest.mark.integration
def test_new_refuses_an_existing_slug_and_a_bad_name(exam_project: Project):
    before = exam_project.read("content/2025-017/notice.md")
    taken = cli(exam_project, "new", "2025-017", "--kind", "text")
    assert taken.returncode == 1
    assert "error: content/2025-017/ exists already: choose another slug" in taken.stderr
    assert exam_project.read("content/2025-017/notice.md") == before
    for bad in ("Bad", "a/b", "../x", ".hidden", ""):
        result = cli(exam_project, "new", bad, "--kind", "text")
        assert result.returncode == 1, bad
        assert "is not a valid notice folder name" in result.stderr
    assert sorted(p.name for p in exam_project.path("content").iterdir()) == ["2025-017"]


@pytest.mark.unit
def test_a_data_folder_alone_is_taken_too(tmp_path):
    (tmp_path / "data" / "x1").mkdir(parents=True)
    assert scaffold.refusal(tmp_path, "x1") == "data/x1/ exists already: choose another slug"
