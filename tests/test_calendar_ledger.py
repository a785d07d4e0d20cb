"""Calendars that update (issue 17): SEQUENCE, LAST-MODIFIED and cancelled events, through the
command line, read back with icalendar; and the ledger file that keeps them (ledger.py)."""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import shutil
from pathlib import Path

import icalendar
import pytest

from conftest import REPO, Project, copy_project
from noticesite.cli import main

LEDGER = "data/2012-104/calendar-ledger.yaml"
SCHEDULE = "data/2012-104/schedule.yaml"
FOLDER = "output/2012-104/calendar"
ZHENGFA = "2012-104.attachment-1.xn--48sz2uqkgyt0c@jwc.example.edu.cn"  # 政法学院's slot
SLOT = "{date: 2013-01-03, start: 08:00, end: 08:40, college: 政法学院"
EPOCH = 1_800_000_000  # SOURCE_DATE_EPOCH: the builds' clock, moved on by each test


def cli(project: Project, command: str, epoch: int, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    err = io.StringIO()
    extra = ["--no-pdf", "--no-search"] if command == "build" else []
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main([command, "--project", str(project.root), *extra])
    return code, err.getvalue()


def events(project: Project, name: str = "all.ics") -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(project.path(f"{FOLDER}/{name}").read_bytes())
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def stamps(found: dict[str, icalendar.Event]) -> dict[str, tuple[int, dt.datetime, dt.datetime]]:
    return {uid: (int(e["SEQUENCE"]), e.decoded("LAST-MODIFIED"), e.decoded("DTSTAMP")) for uid, e in found.items()}


def calendars(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.ics"))}


pytestmark = pytest.mark.integration


def test_the_example_builds_with_its_committed_ledger_and_writes_nothing_into_data(project: Project, monkeypatch):
    before = {p: p.read_bytes() for p in project.path("data").rglob("*") if p.is_file()}
    assert cli(project, "build", EPOCH, monkeypatch)[0] == 0
    assert {p: p.read_bytes() for p in project.path("data").rglob("*") if p.is_file()} == before
    found = stamps(events(project))
    assert len(found) == 18 and {sequence for sequence, _, _ in found.values()} == {0}
    assert all(modified == stamp for _, modified, stamp in found.values())  # DTSTAMP is LAST-MODIFIED


def test_a_moved_slot_gets_a_higher_sequence_the_others_keep_theirs(project: Project, monkeypatch):
    assert cli(project, "build", EPOCH, monkeypatch)[0] == 0
    before = stamps(events(project))
    project.replace(SCHEDULE, SLOT, "{date: 2013-01-03, start: 07:20, end: 08:00, college: 政法学院")
    assert cli(project, "build", EPOCH + 3600, monkeypatch)[0] == 0
    after = stamps(events(project))
    assert set(after) == set(before)  # the same UIDs
    moved = events(project)[ZHENGFA]
    assert moved.decoded("DTSTART").hour == 7
    assert after[ZHENGFA][0] == before[ZHENGFA][0] + 1
    assert after[ZHENGFA][1] == dt.datetime.fromtimestamp(EPOCH + 3600, dt.timezone.utc)
    assert {uid: s for uid, s in after.items() if uid != ZHENGFA} == \
           {uid: s for uid, s in before.items() if uid != ZHENGFA}
    # the college's own file says the same
    assert stamps(events(project, "group-政法学院.ics"))[ZHENGFA] == after[ZHENGFA]
    assert "sequence: 1" in project.read(LEDGER)

    # built again without a change: the same bytes, the ledger left as it is
    files, ledger = calendars(project.path(FOLDER)), project.path(LEDGER).stat()
    assert cli(project, "build", EPOCH + 7200, monkeypatch)[0] == 0
    assert calendars(project.path(FOLDER)) == files
    now = project.path(LEDGER).stat()
    assert (now.st_mtime_ns, now.st_size) == (ledger.st_mtime_ns, ledger.st_size)


def test_a_removed_slot_is_published_cancelled_where_it_was(project: Project, monkeypatch):
    assert cli(project, "build", EPOCH, monkeypatch)[0] == 0
    before = stamps(events(project))
    lines = [line for line in project.read(SCHEDULE).splitlines(keepends=True) if SLOT not in line]
    project.write(SCHEDULE, "".join(lines))
    assert cli(project, "build", EPOCH + 60, monkeypatch)[0] == 0
    for name in ("all.ics", "group-政法学院.ics"):  # the college's file stays, with its slot cancelled
        gone = events(project, name)[ZHENGFA]
        assert str(gone["STATUS"]) == "CANCELLED", name
        assert int(gone["SEQUENCE"]) == before[ZHENGFA][0] + 1
        assert gone.decoded("DTSTART") == dt.datetime(2013, 1, 3, 8, 0, tzinfo=gone.decoded("DTSTART").tzinfo)
    page = project.read("output/2012-104/attachment-1.html")
    assert "group-%E6%94%BF%E6%B3%95%E5%AD%A6%E9%99%A2.ics" not in page  # no longer offered on the page
    # once cancelled, it stays so, at the same sequence
    cancelled = events(project)[ZHENGFA].to_ical()
    assert cli(project, "build", EPOCH + 120, monkeypatch)[0] == 0
    assert events(project)[ZHENGFA].to_ical() == cancelled
    # and back in the data, it is a change again
    project.write(SCHEDULE, (REPO / SCHEDULE).read_text(encoding="utf-8"))
    assert cli(project, "build", EPOCH + 180, monkeypatch)[0] == 0
    back = events(project)[ZHENGFA]
    assert "STATUS" not in back and int(back["SEQUENCE"]) == before[ZHENGFA][0] + 2


def test_a_clean_build_of_a_fresh_copy_with_the_ledger_writes_the_same_bytes(project: Project, tmp_path, monkeypatch):
    project.replace(SCHEDULE, SLOT, "{date: 2013-01-03, start: 07:20, end: 08:00, college: 政法学院")
    assert cli(project, "build", EPOCH + 5, monkeypatch)[0] == 0
    fresh = Project(copy_project(project.root, tmp_path / "fresh"))  # content, data, layouts: no cache, no output
    assert cli(fresh, "build", EPOCH + 99_999, monkeypatch)[0] == 0  # another clock: it is not read
    assert calendars(fresh.path(FOLDER)) == calendars(project.path(FOLDER))


def test_a_ledger_put_back_by_hand_is_an_input_of_the_incremental_build(project: Project, tmp_path, monkeypatch):
    """The ledger's content is in the calendar files' keys: an incremental build after it
    changed (a `git checkout` of it) writes what a clean build of the same inputs writes."""
    assert cli(project, "build", EPOCH, monkeypatch)[0] == 0
    project.replace(SCHEDULE, SLOT, "{date: 2013-01-03, start: 07:20, end: 08:00, college: 政法学院")
    assert cli(project, "build", EPOCH + 60, monkeypatch)[0] == 0
    shutil.copy(REPO / LEDGER, project.path(LEDGER))  # the committed one, behind the data again
    project.write(SCHEDULE, (REPO / SCHEDULE).read_text(encoding="utf-8"))  # and the data as it was
    assert cli(project, "build", EPOCH + 120, monkeypatch)[0] == 0
    assert project.read(LEDGER) == (REPO / LEDGER).read_text(encoding="utf-8")  # the data is as the ledger says
    fresh = Project(copy_project(project.root, tmp_path / "fresh"))
    assert cli(fresh, "build", EPOCH + 180, monkeypatch)[0] == 0
    assert calendars(fresh.path(FOLDER)) == calendars(project.path(FOLDER))
    assert int(events(project)[ZHENGFA]["SEQUENCE"]) == 0


def test_check_writes_no_ledger_and_passes_with_a_note_when_it_is_behind(project: Project, monkeypatch):
    project.replace(SCHEDULE, SLOT, "{date: 2013-01-03, start: 07:20, end: 08:00, college: 政法学院")
    code, err = cli(project, "check", EPOCH, monkeypatch)
    assert code == 0
    assert f"note: {LEDGER}: calendar events changed since it was written" in err
    assert project.read(LEDGER) == (REPO / LEDGER).read_text(encoding="utf-8")
