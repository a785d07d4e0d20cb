"""The office's own faces (data/site.yaml print: fonts) from the project's fonts/ folder."""
from __future__ import annotations


import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fontTools import subset as ftsubset
from fontTools.ttLib import TTFont

from conftest import REPO, Project

NOTO_SANS = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def office_font(target: Path, family: str, text: str) -> None:
    """A stand-in for an office's licensed face: a free face (Noto Sans CJK SC) cut to ``text``
    and renamed, so that fontconfig knows it only from the project's fonts/ folder."""
    font = TTFont(NOTO_SANS, fontNumber=2, lazy=True)
    options = ftsubset.Options(layout_features=[], hinting=False, desubroutinize=True, name_IDs=["*"])
    options.drop_tables += ["GSUB", "GPOS", "vmtx", "vhea", "VORG"]
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = family
        elif record.nameID == 6:
            record.string = family.replace(" ", "")
    font["CFF "].cff.fontNames = [family.replace(" ", "")]
    target.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    font.save(buf)
    target.write_bytes(buf.getvalue())


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args, "--project", str(root)],
                          capture_output=True, text=True, cwd=REPO, env={**os.environ, "NOTICESITE_TIMINGS": "1"})


def with_office_body(project: Project, missing: str = "") -> None:
    sources = [p for folder in ("content", "data", "layouts") for p in project.path(folder).rglob("*") if p.is_file()]
    used = set("".join(p.read_text(encoding="utf-8", errors="ignore") for p in sources))
    used |= set("0123456789—共")  # and what the code writes
    text = "".join(sorted(used - set(missing)))
    office_font(project.path("fonts/office-fang.otf"), "Office Fang", text)
    project.write("data/site.yaml", re.sub(r"(?m)^print: \{(.*)\}", r"print: {\1, fonts: {body: Office Fang}}",
                                           project.read("data/site.yaml")))


@pytest.mark.pdf
def test_a_face_in_fonts_named_in_site_yaml_sets_its_role(project: Project):
    with_office_body(project)
    result = run(project.root, "build", "--no-search")
    assert result.returncode == 0, result.stderr
    assert "正文 Office Fang," in result.stderr  # the face each role got (NOTICESITE_TIMINGS)
    fonts = subprocess.run(["pdffonts", str(project.path("output/2012-104/notice.pdf"))],
                           capture_output=True, text=True, check=True).stdout
    assert "+Office-Fang" in fonts, fonts


@pytest.mark.integration
def test_a_character_the_office_face_lacks_is_reported_with_the_character(project: Project):
    with_office_body(project, missing="湖")
    result = run(project.root, "check")
    assert result.returncode == 0, result.stderr
    assert "warning [font-fallback]" in result.stderr
    assert ("2012-104/notice.pdf: the 正文 face 'Office Fang' lacks 1 character: '湖' U+6E56; "
            "they print in FandolFang") in result.stderr, result.stderr


@pytest.mark.unit
def test_a_heading_face_is_sized_so_its_ideographs_look_as_large_as_the_bodys(tmp_path: Path):
    """print.css's faces: AR PL UKai's ideographs are 0.83 em tall, FandolFang's 0.94, so 楷体
    headings are set at 17.96 pt, each character still 15.79 pt of the grid. An office's 楷体 in
    fonts/ (here Noto Sans CJK renamed: 0.91 em) gets its own size; a heading face that is the
    body's gets none."""
    from noticesite import pdf  # noqa: PLC0415

    css = pdf.role_sizes(str(REPO / "layouts/print.css"), "", str(tmp_path))
    assert "--size-heading2: 17.96pt; --spacing-heading2: -2.17pt;" in css
    office_font(tmp_path / "fonts/kai.otf", "Office Kai", "信息核对本次采集关系到学生一在历网及毕业证和位上的形象"
                                                        "各院定要提前检查个人准备时间安排通知工作")
    own = pdf.role_sizes(str(REPO / "layouts/print.css"), ':root { --font-heading2: "Office Kai", serif; }',
                         str(tmp_path))
    size = float(re.search(r"--size-heading2: ([\d.]+)pt", own)[1])
    assert 16.3 < size < 16.8
    same = pdf.role_sizes(str(REPO / "layouts/print.css"), ':root { --font-heading2: "FandolFang"; }', str(tmp_path))
    assert "heading2" not in same
