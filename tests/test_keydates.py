"""Key dates in front matter: parsing, checks located at the field, working-day counts."""
from __future__ import annotations

import datetime as dt

import pytest

from noticesite.keydates import (
    FIRST_YEAR,
    LAST_YEAR,
    OutsideCalendarError,
    parse_key_dates,
    working_days_after,
)
from noticesite.model import Location
from yaml_nodes import key_date_nodes

pytestmark = pytest.mark.unit

PATH = "content/2012-104/notice.md"

# The example of notice 2012-104, as the loader passes it: raw text values.
EXAMPLE = [
    {"id": "forms", "label": "领取《图像采集信息卡》和《核对表》", "date": "2012-12-14"},
    {"id": "corrections", "label": "信息错误更改截止", "date": "2012-12-19", "kind": "deadline"},
    {"id": "photos", "label": "图像采集", "date": "2013-01-03", "end": "2013-01-04"},
    {"id": "proofread", "label": "网上图像校对开通", "date": "40 working days after photos"},
]

# The 2013 official calendar (State Council notice of 2012-12-10), typed in by
# hand so the test does not check chinese_calendar against itself.
HOLIDAYS_2013 = {
    *(dt.date(2013, 1, d) for d in (1, 2, 3)),  # New Year
    *(dt.date(2013, 2, d) for d in range(9, 16)),  # Spring Festival, 02-09..15
}
WORKED_WEEKENDS_2013 = {
    dt.date(2013, 1, 5), dt.date(2013, 1, 6),  # for New Year
    dt.date(2013, 2, 16), dt.date(2013, 2, 17),  # for the Spring Festival
}


def locations(n: int) -> list[Location]:
    return [Location(PATH, 10 + i, 5) for i in range(n)]


def parse(items):
    """As the loader passes them: the YAML nodes of a key_dates list written from line 10, one
    flow mapping an item at column 5 (the example's style)."""
    return parse_key_dates(key_date_nodes(items, PATH, 10))


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


def by_hand_working_days_after(start: dt.date, n: int) -> dt.date:
    day = start
    while n:
        day += dt.timedelta(days=1)
        weekday = day.weekday() < 5
        if day in WORKED_WEEKENDS_2013 or (weekday and day not in HOLIDAYS_2013):
            n -= 1
    return day


def test_example_parses_in_order_with_locations():
    key_dates, problems = parse(EXAMPLE)
    assert problems == []
    assert [(kd.id, kd.label, kd.date, kd.end, kd.kind) for kd in key_dates] == [
        ("forms", "领取《图像采集信息卡》和《核对表》", dt.date(2012, 12, 14), None, "event"),
        ("corrections", "信息错误更改截止", dt.date(2012, 12, 19), None, "deadline"),
        ("photos", "图像采集", dt.date(2013, 1, 3), dt.date(2013, 1, 4), "event"),
        ("proofread", "网上图像校对开通", dt.date(2013, 3, 4), None, "event"),
    ]
    assert [kd.location for kd in key_dates] == locations(4)


def test_proofreading_counts_from_end_of_photographing_over_spring_festival():
    # Counted from 2013-01-04 (photographing is finished), across the worked
    # weekend 01-05/06, the Spring Festival 02-09..15 and the worked 02-16/17.
    expected = by_hand_working_days_after(dt.date(2013, 1, 4), 40)
    assert expected == dt.date(2013, 3, 4)
    key_dates, _ = parse(EXAMPLE)
    assert key_dates[-1].date == expected
    assert working_days_after(dt.date(2013, 1, 4), 40) == expected


def test_working_days_know_adjusted_weekends():
    # Friday 2013-02-08 is the last working day before the holiday; the next is
    # Saturday 2013-02-16, worked in lieu.
    assert working_days_after(dt.date(2013, 2, 8), 1) == dt.date(2013, 2, 16)
    assert working_days_after(dt.date(2013, 2, 8), 2) == dt.date(2013, 2, 17)
    assert working_days_after(dt.date(2013, 2, 8), 3) == dt.date(2013, 2, 18)


def test_chinese_form_and_forward_reference():
    items = [
        {"id": "proofread", "label": "网上图像校对开通", "date": "photos 后 40 个工作日"},
        {"id": "short", "label": "x", "date": "photos后1个工作日"},
        {"id": "photos", "label": "图像采集", "date": "2013-01-03", "end": "2013-01-04"},
    ]
    key_dates, problems = parse(items)
    assert problems == []
    assert [kd.date for kd in key_dates] == [dt.date(2013, 3, 4), dt.date(2013, 1, 5), dt.date(2013, 1, 3)]


def test_chain_of_relative_dates():
    items = [
        {"id": "a", "label": "a", "date": "2013-02-08"},
        {"id": "c", "label": "c", "date": "1 working day after b"},
        {"id": "b", "label": "b", "date": "1 working day after a"},
    ]
    key_dates, problems = parse(items)
    assert problems == []
    assert [kd.date for kd in key_dates] == [dt.date(2013, 2, 8), dt.date(2013, 2, 17), dt.date(2013, 2, 16)]


def test_outside_known_years_is_located_error_not_a_guess():
    items = [
        {"id": "far", "label": "far", "date": "2031-05-01"},
        {"id": "after-far", "label": "x", "date": "3 working days after far"},
    ]
    key_dates, problems = parse(items)
    assert [kd.id for kd in key_dates] == ["far"]  # a plain date needs no calendar
    assert messages(problems) == [
        f"{PATH}:11:5: key date 'after-far': date: cannot count 3 working days after 2031-05-01 ('far'): "
        f"chinese_calendar knows {FIRST_YEAR}–{LAST_YEAR}; 2031-05-01 is outside"
    ]


def test_count_running_past_last_known_year():
    with pytest.raises(OutsideCalendarError) as info:
        working_days_after(dt.date(LAST_YEAR, 12, 30), 10)
    assert info.value.date.year == LAST_YEAR + 1
    assert str(info.value) == (
        f"chinese_calendar knows {FIRST_YEAR}–{LAST_YEAR}; {LAST_YEAR + 1}-01-01 is outside"
    )


def test_working_days_after_rejects_zero():
    with pytest.raises(ValueError, match="at least 1"):
        working_days_after(dt.date(2013, 1, 4), 0)


def test_field_errors_located_at_the_field_with_did_you_mean():
    """Read with the typed readers of every other record: each problem at its field's value."""
    items = [
        {"id": "Photos", "label": "x", "date": "2013-01-03"},
        {"id": "a", "label": "x", "date": "12月14日"},
        {"id": "b", "label": "x", "date": "2013-02-30"},
        {"id": "c", "label": "x", "date": "2013-01-04", "end": "2013-01-03"},
        {"id": "d", "label": "x", "date": "2013-01-04", "kind": "meeting"},
        {"id": "e", "label": "x", "date": "2013-01-04", "where": "208"},
        {"label": "x"},
        {"id": "f", "label": "x", "date": "2013-01-04", "end": "2013-01-05", "kind": "deadline"},
        {"id": "g", "label": "x", "dat": "2013-01-04"},
    ]
    key_dates, problems = parse(items)
    assert key_dates == []
    assert messages(problems) == [
        f"{PATH}:10:10: key date 1: id: expected lower-case ASCII letters, digits and hyphens (e.g. photos), "
        "got 'Photos'",
        f"{PATH}:11:33: key date 'a': date: expected YYYY-MM-DD or \"N working days after ID\" "
        f"(or \"ID 后 N 个工作日\"), got '12月14日'",
        f"{PATH}:12:33: key date 'b': date: 2013-02-30 is not a date (day is out of range for month)",
        f"{PATH}:14:53: key date 'd': kind: expected event or deadline, got 'meeting'",
        f"{PATH}:15:47: key date 'e': unknown field 'where' (known: date, end, id, kind, label)",
        f"{PATH}:16:5: key date 7: missing field 'id' (a short ASCII name other key dates refer to, e.g. photos)",
        f"{PATH}:16:5: key date 7: missing field 'date' (YYYY-MM-DD, or \"N working days after ID\")",
        f"{PATH}:17:52: key date 'f': end: a deadline is a single day; leave out end or use kind: event",
        f"{PATH}:18:27: key date 'g': unknown field 'dat'; did you mean 'date'?",
        f"{PATH}:18:5: key date 'g': missing field 'date' (YYYY-MM-DD, or \"N working days after ID\")",
        f"{PATH}:13:52: key date 'c': end: expected a date on or after 2013-01-04, got 2013-01-03",
    ]


def test_duplicate_ids():
    items = [
        {"id": "photos", "label": "x", "date": "2013-01-03"},
        {"id": "photos", "label": "y", "date": "2013-01-04"},
    ]
    key_dates, problems = parse(items)
    assert [kd.label for kd in key_dates] == ["x"]
    assert messages(problems) == [f"{PATH}:11:5: key date 'photos': duplicate id; first used at {PATH}:10:5"]


def test_unknown_reference():
    key_dates, problems = parse([
        {"id": "photos", "label": "x", "date": "2013-01-03"},
        {"id": "proofread", "label": "y", "date": "40 working days after photo"},
    ])
    assert [kd.id for kd in key_dates] == ["photos"]
    assert messages(problems) == [
        f"{PATH}:11:5: key date 'proofread': date: refers to 'photo', which is no key date id "
        "(known: photos, proofread)"
    ]


def test_cycles_reported_at_each_member_and_dependants_silent():
    items = [
        {"id": "a", "label": "a", "date": "1 working day after b"},
        {"id": "b", "label": "b", "date": "1 working day after a"},
        {"id": "c", "label": "c", "date": "1 working day after a"},
        {"id": "self", "label": "s", "date": "self 后 2 个工作日"},
    ]
    key_dates, problems = parse(items)
    assert key_dates == []
    assert messages(problems) == [
        f"{PATH}:10:5: key date 'a': date: the references form a cycle: a → b → a",
        f"{PATH}:11:5: key date 'b': date: the references form a cycle: a → b → a",
        f"{PATH}:13:5: key date 'self': date: the references form a cycle: self → self",
    ]


def test_empty_values_count_as_missing():
    key_dates, problems = parse([{"id": "a", "label": "x", "date": None, "end": "  "}])
    assert key_dates == []
    assert messages(problems) == [
        f"{PATH}:10:5: key date 'a': missing field 'date' (YYYY-MM-DD, or \"N working days after ID\")",
        f"{PATH}:10:44: key date 'a': end: expected text, got an empty value",
    ]


def test_working_days_agree_with_chinese_calendar_on_every_day_it_knows():
    import chinese_calendar

    from noticesite.keydates import FIRST_YEAR, LAST_YEAR, is_workday

    day, last = dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31)
    differ = []
    while day <= last:
        if is_workday(day) != chinese_calendar.is_workday(day):
            differ.append(day)
        day += dt.timedelta(days=1)
    assert differ == []
