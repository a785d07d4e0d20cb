"""The calendar ledger file and its rules (ledger.py, ledger_read.py), in process."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from property_budget import examples

from noticesite.errors import Problems
from noticesite.ics import CalendarEvent
from noticesite.ledger import Entry, ledger_text, updated
from noticesite.ledger_read import load_ledger
from noticesite.yamlio import parse

pytestmark = pytest.mark.unit

UTC = dt.timezone.utc
# what a data value may hold (textcheck.py refuses control characters, CR, bidi overrides)
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp"),
                             blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"),
               min_size=1, max_size=20).filter(lambda s: s.strip() == s and s.strip())
DAYS = st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31))
EVENTS = st.builds(
    lambda uid, summary, location, day, minutes, own: CalendarEvent(
        uid=f"n.{uid}@host", summary=summary, description="", location=location,
        start=dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60)),
        end=dt.datetime.combine(day, dt.time(23, 59)), url=""),
    st.from_regex(r"[a-z0-9-]{1,12}", fullmatch=True), TEXT, st.one_of(st.just(""), TEXT), DAYS,
    st.integers(0, 23 * 60 + 58), st.sampled_from(["", "forms.ics", "group-政法学院.ics"]))


@settings(max_examples=examples(150), deadline=None, derandomize=True, database=None)
@given(events=st.lists(EVENTS, max_size=6, unique_by=lambda e: e.uid), seconds=st.integers(0, 4_000_000_000))
def test_the_ledger_file_reads_back_as_written(events, seconds):
    """Whatever text a summary or a place holds, the YAML written reads back to the same ledger
    (PyYAML's emitter quotes what would read back as something else)."""
    ledger = updated({}, [(e, "") for e in events], dt.datetime.fromtimestamp(seconds, UTC))
    ledger = updated(ledger, [(e, "") for e in events[1:]], dt.datetime.fromtimestamp(seconds + 1, UTC))
    node, problems = parse(ledger_text("n", ledger), "data/n/calendar-ledger.yaml")
    found = Problems(problems)
    assert node is not None and not found, found
    assert load_ledger(node, found) == ledger and not found, found



def test_the_rules_of_the_sequence():
    t0, t1, t2 = (dt.datetime(2020, 1, 1, tzinfo=UTC) + dt.timedelta(hours=h) for h in range(3))
    event = CalendarEvent("a@h", "考试", "", "1号楼", dt.date(2013, 1, 3), None, "")
    first = updated({}, [(event, "a.ics")], t0)
    assert first["a@h"] == Entry(0, t0, first["a@h"].hash, "考试", dt.date(2013, 1, 3), None, "1号楼", "a.ics")
    assert updated(first, [(event, "a.ics")], t1) == first  # nothing changed: nothing moves
    moved = CalendarEvent("a@h", "考试", "", "2号楼", dt.date(2013, 1, 3), None, "")
    second = updated(first, [(moved, "a.ics")], t1)
    assert (second["a@h"].sequence, second["a@h"].last_modified) == (1, t1)
    gone = updated(second, [], t2)
    assert (gone["a@h"].sequence, gone["a@h"].last_modified, gone["a@h"].cancelled) == (2, t2, True)
    assert updated(gone, [], t2 + dt.timedelta(days=1)) == gone  # cancelled once
    back = updated(gone, [(moved, "a.ics")], t2 + dt.timedelta(days=2))
    assert (back["a@h"].sequence, back["a@h"].cancelled) == (3, False)


def test_a_broken_ledger_is_located():
    text = ("events:\n"
            "  a@h:\n"
            "    sequence: -1\n"
            "    last_modified: 2020-13-01T00:00:00Z\n"
            "    hash: xyz\n"
            "    summary: 考试\n"
            "    start: 2013-01-03 08:00\n"
            "    end: 2013-01-02 08:00\n"
            "    file: ../../passwd.ics\n"
            "    colour: red\n")
    node, problems = parse(text, "data/n/calendar-ledger.yaml")
    found = Problems(problems)
    assert load_ledger(node, found) == {}
    shown = {str(p) for p in found}
    where = "data/n/calendar-ledger.yaml"
    assert f"{where}:3:15: calendar ledger: a@h: sequence: expected a whole number, got '-1'" in shown
    assert f"{where}:4:20: calendar ledger: a@h: last_modified: '2020-13-01T00:00:00Z' is not a real time" in shown
    assert f"{where}:5:11: calendar ledger: a@h: hash: expected 16 hexadecimal digits, got 'xyz'" in shown
    assert any(s.startswith(f"{where}:8:10: calendar ledger: a@h: end: 2013-01-02 08:00 is before") for s in shown)
    assert any(s.startswith(f"{where}:9:11: calendar ledger: a@h: file: expected a file name") for s in shown)
    assert any(s.startswith(f"{where}:10:5: calendar ledger: a@h: unknown field 'colour'") for s in shown)
