"""iCalendar output: parsed back with icalendar, and checked as raw RFC 5545 text."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest

from noticesite.fields import parse_phone
from noticesite.ics import (
    CalendarEvent,
    calendar_file,
    file_stems,
    notice_events,
    notice_stamp,
    per_group_calendars,
    vevent_text,
)
from noticesite.keydates import parse_key_dates
from yaml_nodes import key_date_nodes
from noticesite.model import Attachment, Column, Location, Notice, Phone, Schedule, Session

pytestmark = pytest.mark.unit

HOST = "jwc.example.edu.cn"
URL = "https://jwc.example.edu.cn/2012-104/"
SHANGHAI = ZoneInfo("Asia/Shanghai")
PLACE = "南校区6号楼一楼学术报告厅"

KEY_DATES = [
    {"id": "forms", "label": "领取《图像采集信息卡》和《核对表》", "date": "2012-12-14"},
    {"id": "corrections", "label": "信息错误更改截止", "date": "2012-12-19", "kind": "deadline"},
    {"id": "photos", "label": "图像采集", "date": "2013-01-03", "end": "2013-01-04"},
    {"id": "proofread", "label": "网上图像校对开通", "date": "40 working days after photos"},
]

# (date, start, end, college, students, person, phone) from attachment 1
SLOTS = [
    ("2013-01-03", "08:00", "08:40", "政法学院", 169, "胡美玲", "15973010514"),
    ("2013-01-03", "08:40", "09:20", "数学学院", 162, "张晋超", "13907306636"),
    ("2013-01-04", "14:35", "16:00", "机械学院", 319, "蔡妍", "13627306510"),
]


def mobile(number: str) -> Phone:
    phone = parse_phone(number)
    assert phone is not None and phone.kind == "mobile", number
    return phone


def make_schedule(slots=SLOTS) -> Schedule:
    columns = [
        Column("college", "学院", "text"),
        Column("students", "在籍人数", "count"),
        Column("person", "负责人", "person"),
        Column("phone", "联系电话", "phone"),
    ]
    sessions = [
        Session(
            date=dt.date.fromisoformat(day),
            start=dt.time.fromisoformat(start),
            end=dt.time.fromisoformat(end),
            values={"college": college, "students": students, "person": person, "phone": mobile(phone)},
            place=PLACE,
            location=Location("data/2012-104/schedule.yaml", 9 + i, 5),
        )
        for i, (day, start, end, college, students, person, phone) in enumerate(slots)
    ]
    return Schedule(
        title="2014届预计毕业生图像信息采集时间安排表",
        location=PLACE,
        columns=columns,
        sessions=sessions,
        source=Location("data/2012-104/schedule.yaml", 1, 1),
    )


def make_notice(slots=SLOTS, date: dt.date | None = None, key_dates=KEY_DATES) -> Notice:
    parsed, problems = parse_key_dates(key_date_nodes(key_dates, "content/x/notice.md", 3))
    assert problems == []
    schedule = Attachment(
        number=1,
        title="2014届预计毕业生图像信息采集时间安排表",
        type="schedule",
        slug="attachment-1",
        body_html="",
        data=make_schedule(slots),
        source=Location("content/x/notice.md", 8, 5),
    )
    text = Attachment(2, "毕业生须知", "text", "attachment-2", "<p>…</p>", None, Location("content/x/notice.md", 11, 5))
    return Notice(
        slug="2012-104",
        number="校教通〔2012〕104号",
        title="关于做好2014届预计毕业生图像信息采集工作的通知",
        issuer="湖南理工学院教务处",
        addressees="校属各教学院",
        date=date,
        year=2012,
        body_html="",
        body_text="",
        attachments=[schedule, text],
        source=Location("content/x/notice.md", 1, 1),
        key_dates=parsed,
    )


def event_calendar(events: list[CalendarEvent], *, calendar_name: str) -> bytes:
    """The file of these events, written as the build writes one (calendars.py)."""
    return calendar_file([vevent_text(e) for e in events], calendar_name=calendar_name)


def build(notice: Notice | None = None) -> bytes:
    notice = notice or make_notice()
    return event_calendar(notice_events(notice, HOST, URL), calendar_name="校教通〔2012〕104号 关键日期")


def events_by_summary(data: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(data)
    return {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}


def test_calendar_header_and_timezone():
    cal = icalendar.Calendar.from_ical(build())
    assert cal["VERSION"] == "2.0"
    assert cal["METHOD"] == "PUBLISH"
    assert cal["PRODID"] == "-//noticesite//notice key dates and schedules//ZH"
    assert cal["X-WR-CALNAME"] == "校教通〔2012〕104号 关键日期"
    zones = cal.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Asia/Shanghai"]
    assert [c.name for c in zones[0].subcomponents] == ["STANDARD"]  # no daylight saving
    standard = zones[0].subcomponents[0]
    assert standard["TZNAME"] == "CST"
    assert standard.decoded("TZOFFSETFROM") == standard.decoded("TZOFFSETTO") == dt.timedelta(hours=8)


def test_one_event_per_key_date_and_per_session():
    events = events_by_summary(build())
    assert list(events) == [
        "领取《图像采集信息卡》和《核对表》",
        "信息错误更改截止",
        "图像采集",
        "网上图像校对开通",
        "图像采集：政法学院",
        "图像采集：数学学院",
        "图像采集：机械学院",
    ]


def test_session_is_timed_in_shanghai():
    data = build()
    event = events_by_summary(data)["图像采集：政法学院"]
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert event.decoded("DTSTART") == dt.datetime(2013, 1, 3, 8, 0, tzinfo=SHANGHAI)
    assert event.decoded("DTEND") == dt.datetime(2013, 1, 3, 8, 40, tzinfo=SHANGHAI)
    assert event.decoded("DTSTART").astimezone(dt.timezone.utc) == dt.datetime(2013, 1, 3, 0, 0, tzinfo=dt.timezone.utc)
    assert b"DTSTART;TZID=Asia/Shanghai:20130103T080000\r\n" in data
    assert str(event["LOCATION"]) == PLACE
    assert str(event["DESCRIPTION"]).split("\n") == [
        "在籍人数：169",
        "负责人：胡美玲",
        "联系电话：15973010514",
        "校教通〔2012〕104号《关于做好2014届预计毕业生图像信息采集工作的通知》 附件1",
    ]
    assert str(event["URL"]) == URL


def test_key_dates_are_all_day_with_exclusive_end():
    data = build()
    events = events_by_summary(data)
    photos = events["图像采集"]
    assert photos.decoded("DTSTART") == dt.date(2013, 1, 3)
    assert photos.decoded("DTEND") == dt.date(2013, 1, 5)  # the 4th is the last day
    assert b"DTSTART;VALUE=DATE:20130103\r\n" in data
    assert b"DTEND;VALUE=DATE:20130105\r\n" in data
    proofread = events["网上图像校对开通"]
    assert proofread.decoded("DTSTART") == dt.date(2013, 3, 4)
    assert proofread.decoded("DTEND") == dt.date(2013, 3, 5)
    assert "TZID" not in photos["DTSTART"].params


def test_uids_stable_ascii_unique():
    first = [str(e["UID"]) for e in icalendar.Calendar.from_ical(build()).walk("VEVENT")]
    second = [str(e["UID"]) for e in icalendar.Calendar.from_ical(build()).walk("VEVENT")]
    assert first == second
    assert len(set(first)) == len(first)
    assert all(uid.isascii() and uid.endswith("@jwc.example.edu.cn") for uid in first)
    assert "2012-104.photos@jwc.example.edu.cn" in first
    assert "2012-104.attachment-1.xn--48sz2uqkgyt0c@jwc.example.edu.cn" in first  # 政法学院


def test_uid_survives_a_moved_slot():
    moved = [("2013-01-04", "10:00", "10:40", *SLOTS[0][3:]), *SLOTS[1:]]
    before = events_by_summary(build())["图像采集：政法学院"]
    after = events_by_summary(build(make_notice(moved)))["图像采集：政法学院"]
    assert before["UID"] == after["UID"]
    assert after.decoded("DTSTART") == dt.datetime(2013, 1, 4, 10, 0, tzinfo=SHANGHAI)


def test_repeated_group_gets_numbered_uid():
    slots = [*SLOTS, ("2013-01-04", "16:00", "16:30", "政法学院", 5, "胡美玲", "15973010514")]
    uids = [e.uid for e in notice_events(make_notice(slots), HOST, URL)]
    assert uids[-1] == "2012-104.attachment-1.xn--48sz2uqkgyt0c-2@jwc.example.edu.cn"
    assert len(set(uids)) == len(uids)


def test_reproducible_bytes_and_dtstamp_from_notice():
    assert build() == build()
    undated = icalendar.Calendar.from_ical(build())
    stamps = {e.decoded("DTSTAMP") for e in undated.walk("VEVENT")}
    assert stamps == {dt.datetime(2011, 12, 31, 16, 0, tzinfo=dt.timezone.utc)}  # 2012-01-01 00:00 CST
    dated = make_notice(date=dt.date(2012, 12, 10))
    assert notice_stamp(dated) == dt.datetime(2012, 12, 9, 16, 0, tzinfo=dt.timezone.utc)
    assert b"DTSTAMP:20121209T160000Z\r\n" in build(dated)


def test_crlf_and_folding():
    data = build()
    lines = data.split(b"\r\n")
    assert lines[-1] == b""  # ends with CRLF
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # the long Chinese descriptions were folded
    for line in lines:
        line.decode("utf-8")  # folding never splits a character


def test_text_escaping_round_trips():
    event = CalendarEvent(
        uid="x@h",
        summary="交费, 照相; 校对",
        description="第一行\n第二行，含逗号, 分号; 反斜杠\\",
        location="6号楼, 一楼",
        start=dt.date(2013, 1, 3),
        end=None,
        url="",
    )
    data = event_calendar([event], calendar_name="t")
    unfolded = data.replace(b"\r\n ", b"")
    assert "SUMMARY:交费\\, 照相\\; 校对\r\n".encode() in unfolded
    assert "DESCRIPTION:第一行\\n第二行，含逗号\\, 分号\\; 反斜杠\\\\\r\n".encode() in unfolded
    assert "LOCATION:6号楼\\, 一楼\r\n".encode() in unfolded
    parsed = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert str(parsed["SUMMARY"]) == event.summary
    assert str(parsed["DESCRIPTION"]) == event.description
    assert str(parsed["LOCATION"]) == event.location
    assert parsed.decoded("DTEND") == dt.date(2013, 1, 4)  # one day


def test_calendar_event_checks():
    with pytest.raises(ValueError, match="must both be dates or both datetimes"):
        CalendarEvent("u", "s", "", "", dt.date(2013, 1, 3), dt.datetime(2013, 1, 3, 9), "")
    with pytest.raises(ValueError, match="before start"):
        CalendarEvent("u", "s", "", "", dt.date(2013, 1, 3), dt.date(2013, 1, 2), "")


def test_per_group_calendars():
    groups = per_group_calendars(make_notice(), HOST, URL)
    assert list(groups) == ["政法学院", "数学学院", "机械学院"]
    events = groups["政法学院"]
    assert [e.summary for e in events] == [
        "图像采集：政法学院",
        "领取《图像采集信息卡》和《核对表》",
        "信息错误更改截止",
        "图像采集",
        "网上图像校对开通",
    ]
    data = event_calendar(events, calendar_name="图像采集：政法学院")
    parsed = icalendar.Calendar.from_ical(data)
    assert len(parsed.walk("VEVENT")) == 5
    # the same event keeps one UID in the notice's calendar and the college's
    all_uids = {e.uid for e in notice_events(make_notice(), HOST, URL)}
    assert {e.uid for e in events} <= all_uids


def test_group_file_stems_are_safe():
    stems = file_stems(["政法学院", "../etc/passwd", "A/B 班", "a/b 班", "", ".hidden", "C:\\x"])
    assert stems == {
        "政法学院": "政法学院",
        "../etc/passwd": "etc-passwd",
        "A/B 班": "A-B-班",
        "a/b 班": "a-b-班-2",  # would clash on a case-insensitive file system
        "": "group-5",
        ".hidden": "hidden",
        "C:\\x": "C-x",
    }
    for stem in stems.values():
        assert "/" not in stem and "\\" not in stem and not stem.startswith(".")


def test_schedule_without_text_column_has_no_groups():
    notice = make_notice()
    schedule = notice.attachments[0].data
    schedule.columns = [c for c in schedule.columns if c.type != "text"]
    assert per_group_calendars(notice, HOST, URL) == {}
    uids = [e.uid for e in notice_events(notice, HOST, URL)]
    assert "2012-104.attachment-1.20130103T0800@jwc.example.edu.cn" in uids
    summaries = [e.summary for e in notice_events(notice, HOST, URL)]
    assert summaries[4] == "图像采集"


def test_session_outside_any_key_date_uses_schedule_title():
    notice = make_notice(key_dates=[])
    events = notice_events(notice, HOST, URL)
    assert events[0].summary == "2014届预计毕业生图像信息采集时间安排表：政法学院"
    assert events[0].uid == "2012-104.attachment-1.xn--48sz2uqkgyt0c@jwc.example.edu.cn"
