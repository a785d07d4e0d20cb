"""Names made from values of the data (a group's calendar file, its events' UIDs, a notice's
folder) stay within what a file system and the calendar ledger take, however long the value:
check and build agree on them (a 90-character college passed check and failed build with "File
name too long", after the build had written a ledger whose UIDs it could not read back)."""
from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, Project
from noticesite.ics import MAX_PART, file_stems, uid_part
from noticesite.ledger import MAX_UID
from noticesite.fields import MAX_SLUG
from noticesite.paths import NAME_MAX, name_too_long
from property_budget import examples

# what a schedule's cell may hold: any text but the control characters the loader refuses; and,
# since random text is mostly short, long names too: a few characters (CJK, ASCII letters and
# punctuation) repeated up to 200 times
CELL = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=600),
    st.builds(lambda word, times: word * times, st.text(st.sampled_from("信息学院ab1_- .@/é"), min_size=1, max_size=8),
              st.integers(1, 200)))


@pytest.mark.unit
@settings(max_examples=examples(300), deadline=None)
@given(st.lists(CELL, min_size=1, max_size=6, unique=True))
def test_group_file_names_and_uids_are_bounded_and_distinct(names: list[str]):
    stems = file_stems(names)
    for name in names:
        assert len(f"group-{stems[name]}.ics".encode()) <= NAME_MAX
        part = uid_part(name)
        assert len(part) <= MAX_PART and all("\x21" <= c <= "\x7e" for c in part)
    assert len({stems[n].casefold() for n in names}) == len(names)
    assert len({uid_part(n) for n in names}) == len(names)
    # the longest UID made of them stays one the ledger reads back
    uid = ".".join(["a" * MAX_SLUG, "attachment-99", max((uid_part(n) for n in names), key=len) + "-999"])
    assert len(f"{uid}@{'h' * 253}") <= MAX_UID


@pytest.mark.unit
def test_a_name_longer_than_a_file_system_takes_is_refused_with_its_path():
    assert name_too_long("2012-104/calendar/group-政法学院.ics") is None
    problem = name_too_long("2012-104/calendar/group-" + "院" * 90 + ".ics")
    assert problem is not None and problem.path.startswith("output/2012-104/calendar/group-")
    assert "more than a file name may have (255)" in problem.message


def run(project: Project, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args, "--project", str(project.root)],
                          capture_output=True, text=True, cwd=REPO)


@pytest.mark.integration
def test_check_and_build_agree_on_a_very_long_college_name(project: Project):
    long_name = "湖南理工学院" + "信息科学与工程学院" * 12  # 114 characters, 342 bytes
    project.replace("data/2012-104/schedule.yaml", "college: 政法学院", f"college: {long_name}")
    checked = run(project, "check")
    built = run(project, "build", "--no-pdf", "--no-search")
    assert checked.returncode == built.returncode == 0, checked.stderr + built.stderr
    assert "Traceback" not in checked.stderr + built.stderr
    files = [p.name for p in project.path("output/2012-104/calendar").iterdir()]
    assert any(name.startswith("group-湖南理工学院") and len(name.encode()) <= NAME_MAX for name in files)
    again = run(project, "build", "--no-pdf", "--no-search")  # the ledger it wrote reads back
    assert again.returncode == 0, again.stderr


@pytest.mark.integration
def test_a_url_segment_longer_than_its_limit_is_refused_by_check_and_build_alike(project: Project):
    project.replace("content/2012-104/notice.md", "number:", "slug: " + "a" * (MAX_SLUG + 1) + "\nnumber:")
    line = project.line_of("content/2012-104/notice.md", "slug:")
    checked, built = run(project, "check"), run(project, "build", "--no-pdf", "--no-search")
    assert checked.returncode == built.returncode == 1
    for result in (checked, built):
        assert f"content/2012-104/notice.md:{line}:" in result.stderr
        assert f"more than a URL segment may have ({MAX_SLUG})" in result.stderr


@pytest.mark.integration
def test_text_longer_than_a_spreadsheet_cell_is_refused_by_check_and_build_alike(project: Project):
    """A schedule's cells are offered as .xlsx, whose cells hold 32,767 characters: longer text
    was cut in the workbook, silently (the .csv kept it whole)."""
    from noticesite.fields import MAX_TEXT

    project.replace("data/2012-104/schedule.yaml", "person: 胡美玲", "person: " + "胡" * (MAX_TEXT + 1))
    line = project.line_of("data/2012-104/schedule.yaml", "胡胡胡")
    checked, built = run(project, "check"), run(project, "build", "--no-pdf", "--no-search")
    assert checked.returncode == built.returncode == 1
    for result in (checked, built):
        assert f"data/2012-104/schedule.yaml:{line}:" in result.stderr
        assert "more than a field may hold (32,767" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.unit
@settings(max_examples=examples(100), deadline=None)
@given(st.lists(CELL.map(str.strip).filter(bool), min_size=1, max_size=4))
def test_every_uid_ics_makes_reads_back_from_the_ledger(colleges: list[str]):
    """The calendar ledger reads back every UID and file name the calendars make, as ics.py makes
    them (not a shape written out here): the longest slug, the longest host, any college."""
    import dataclasses
    import datetime as dt

    from noticesite.errors import Problems
    from noticesite.ics import notice_events, per_group_calendars
    from noticesite.ledger import ledger_text, updated
    from noticesite.ledger_read import load_ledger
    from noticesite.yamlio import parse
    from test_ics import SLOTS, make_notice

    slots = [(*slot[:3], college, *slot[4:]) for slot, college in zip(SLOTS * 2, colleges)]
    notice = dataclasses.replace(make_notice(slots), slug="a" * MAX_SLUG)
    host, url = ".".join(["h" * 63] * 3 + ["h" * 61]), "https://example.edu.cn/"  # 253 characters
    events = notice_events(notice, host, url)
    own = {e.uid: f"group-{stem}.ics" for stem, group in per_group_calendars(notice, host, url, events).items()
           for e in group if e.uid not in {k.uid for k in events[:len(notice.key_dates)]}}
    ledger = updated({}, [(e, own.get(e.uid, "")) for e in events], dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))
    node, problems = parse(ledger_text(notice.slug, ledger), "data/x/calendar-ledger.yaml")
    found = Problems(problems)
    assert node is not None and load_ledger(node, found) == ledger and not found, found
