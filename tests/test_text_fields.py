"""Any text in any text field of the example: either a located problem, or a site whose
machine-read files (feed.xml, sitemap.xml, every .ics, the flow chart's SVG) still parse.

Control characters, bidirectional overrides, lone CRs, noncharacters: a title goes into XML
(the feed, the sitemap's neighbours, the SVG) and into iCalendar content lines, where one raw
character can make the whole file unreadable or forge a property (issue 13, item 6).
"""
from __future__ import annotations

import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import icalendar
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from property_budget import examples

from conftest import REPO, Project, copy_project

pytestmark = pytest.mark.integration

NOTICE = "content/2012-104/notice.md"
# (file, the text to replace, how it starts: the key or a marker kept before the new value)
YAML_TARGETS = [
    (NOTICE, "title: 关于做好2014届预计毕业生图像信息采集工作的通知", "title: "),
    (NOTICE, "issuer: 湖南理工学院教务处", "issuer: "),
    (NOTICE, "addressees: 校属各教学院", "addressees: "),
    (NOTICE, "label: 信息有误者到教务处208办公室核查的截止日期", "label: "),
    (NOTICE, "label: 图像采集（南校区6号楼一楼学术报告厅）", "label: "),
    (NOTICE, "- title: 毕业生图像采集流程图", "- title: "),
    ("data/2012-104/procedure.yaml", "label: 个人信息是否正确？", "label: "),
    ("data/2012-104/procedure.yaml", "note: 并由本人在网上进行图像信息校对时进行更正。", "note: "),
    ("data/2012-104/procedure.yaml", "when: 信息有误", "when: "),
    ("data/2012-104/procedure.yaml", "title: 毕业生图像采集流程图", "title: "),
    ("data/offices.yaml", "name: 天津分社", "name: "),
    ("data/offices.yaml", "address: 天津市南天区迎水道新华园", "address: "),
    ("data/2012-104/schedule.yaml", "location: 南校区6号楼一楼学术报告厅", "location: "),
    ("data/2012-104/schedule.yaml", "college: 政法学院", "college: "),
    ("data/2012-104/schedule.yaml", "person: 胡美玲", "person: "),
    ("data/2012-104/schedule.yaml", "label: 学院", "label: "),
    ("data/2012-104/makeup.yaml", "name: 湖南新华分社", "name: "),
    ("data/2012-104/makeup.yaml", "label: 学校地址", "label: "),
    ("data/colleges.yaml", "name: 政法学院", "name: "),
    ("data/site.yaml", "school: 湖南理工学院", "school: "),
    ("data/site.yaml", "title: 湖南理工学院教务处通知", "title: "),
]
# Markdown bodies: the text goes in raw, in the middle of a paragraph.
BODY_TARGETS = [
    (NOTICE, "接新华社湖南分社通知，"),
    ("content/2012-104/instructions.md", "\n\n"),
]
LOCATED = re.compile(r"^[^\s:]+:\d+:\d+: ", re.M)


def yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar for any text: what YAML may not hold raw is escaped."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif code < 0x20 or 0x7F <= code <= 0xA0 or 0x2028 <= code <= 0x2029 or 0xD800 <= code <= 0xDFFF \
                or code in (0xFEFF, 0xFFFE, 0xFFFF):
            out.append(f"\\u{code:04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


# Every category, with a bias towards what breaks XML and iCalendar.
NASTY = st.sampled_from(["\x00", "\x0b", "\x1b", "\r", "\n", "\t", "\x7f", "\x85", "\u202e", "\u2066",
                         "\u200f", "\ufeff", "\uffff", "\ufffe", "&", "<", "]]>", ";", ",", "\\"])
TEXT = st.lists(st.one_of(st.text(min_size=1, max_size=4), NASTY), min_size=1, max_size=6).map("".join)


def check_outputs(out: Path) -> None:
    ET.parse(out / "feed.xml")
    ET.parse(out / "sitemap.xml")
    calendars = sorted(out.rglob("*.ics"))
    assert calendars
    for path in calendars:
        raw = path.read_bytes()
        assert raw.endswith(b"\r\n"), path
        for line in raw[:-2].split(b"\r\n"):
            assert b"\r" not in line and b"\n" not in line, f"{path.name}: a bare CR or LF in {line!r}"
        icalendar.Calendar.from_ical(raw.decode("utf-8"))
    chart = (out / "2012-104/attachment-4.html").read_text(encoding="utf-8")
    svg = re.search(r"<svg.*?</svg>", chart, re.S)
    assert svg, "no flow chart"
    ET.fromstring(svg[0])


@settings(max_examples=examples(40), deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@example(target=0, text="\x0b")  # the cases of issue 13, item 6
@example(target=0, text="\x1b[31m")
@example(target=0, text="\x00")
@example(target=0, text="00000\uffff")  # found before the fix: feed.xml not well-formed
@example(target=9, text="\uffff")  # found before the fix: the flow chart's SVG not well-formed
@example(target=3, text="核查\rATTENDEE:mailto:x@example.com")
@example(target=len(YAML_TARGETS), text="\x00")
@given(target=st.integers(0, len(YAML_TARGETS) + len(BODY_TARGETS) - 1), text=TEXT)
def test_any_text_in_any_field_gives_a_located_problem_or_well_formed_files(target: int, text: str):
    from noticesite import cli

    workdir = Path(tempfile.mkdtemp(prefix="text-fields-"))
    try:
        project = Project(copy_project(REPO, workdir / "site"))
        if target < len(YAML_TARGETS):
            rel, old, key = YAML_TARGETS[target]
            project.replace(rel, old, key + yaml_quoted("甲" + text))
        else:
            rel, marker = BODY_TARGETS[target - len(YAML_TARGETS)]
            project.replace(rel, marker, marker + text)
        code = _run(cli, ["--project", str(project.root), "build", "--no-pdf", "--no-search"])
        assert code[0] in (0, 1) and "Traceback" not in code[1] and "internal error" not in code[1], code[1][-2000:]
        if code[0] == 1:
            assert LOCATED.search(code[1]), code[1][-2000:]
            return
        check_outputs(project.root / "output")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run(cli, args: list[str]) -> tuple[int, str]:
    """The command line in this process, with its standard error captured."""
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(args)
    return code, err.getvalue()
