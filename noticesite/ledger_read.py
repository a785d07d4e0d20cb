"""Reading the calendar ledger, ``data/<slug>/calendar-ledger.yaml``, at load time.

What the file holds, and the rules that keep it, are told in ledger.py, which writes it. This is
its reading half, in the loading stage with the typed readers it reads with: a hand-edited file is
read as any data, every problem located (loading._read_ledger reads the file and calls it).
"""
from __future__ import annotations

import datetime as dt
import re

from .errors import Problems
from .fields import Field, record, text
from .ledger import MAX_UID, when_text
from .model import Ledger, LedgerEntry
from .yamlio import Node

_FIELDS = [
    Field("sequence", "how many times the event changed, e.g. 0"),
    Field("last_modified", "when it last changed, in UTC, e.g. 2012-12-20T08:00:00Z"),
    Field("hash", "a hash of what the event said"),
    Field("summary", "the event's title"),
    Field("start", "its first day (YYYY-MM-DD) or its start (YYYY-MM-DD HH:MM)"),
    Field("end", "its last day or its end, as start", required=False),
    Field("location", "its place", required=False),
    Field("file", "its own calendar file besides all.ics", required=False),
    Field("status", "'cancelled' once the event is gone from the data", required=False),
]
_UID = re.compile(rf"[\x21-\x7e]{{1,{MAX_UID}}}")  # what ics.py makes: ASCII (Punycode), no space
_SEQUENCE = re.compile(r"[0-9]{1,9}")
_STAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z")
_HASH = re.compile(r"[0-9a-f]{16}")
_FILE = re.compile(r"[\w-]+\.ics")  # a name ics.file_stems could make: no '/', '..' or leading dot


def load_ledger(node: Node, problems: Problems) -> Ledger:
    """The ledger from its YAML, every problem located (a hand-edited file is read as any data)."""
    top = record(node, [Field("events", "each calendar event by UID")], "calendar ledger", problems)
    if top is None or "events" not in top:
        return {}
    events = top["events"]
    if not isinstance(events.value, dict):
        problems.error(events.loc, f"calendar ledger: events: expected a mapping of UIDs, got {events.describe()}")
        return {}
    ledger: Ledger = {}
    for uid, child in events.value.items():
        where = child.key_loc or child.loc
        if not _UID.fullmatch(uid):
            problems.error(where, f"calendar ledger: '{uid[:40]}' is not a UID this site makes")
            continue
        entry = _entry(child, f"calendar ledger: {uid}", problems)
        if entry is not None:
            ledger[uid] = entry
    return dict(sorted(ledger.items()))


def _entry(node: Node, what: str, problems: Problems) -> LedgerEntry | None:
    fields = record(node, _FIELDS, what, problems)
    if fields is None:
        return None
    found = len(problems)
    sequence = _matched(fields.get("sequence"), _SEQUENCE, f"{what}: sequence", "a whole number", problems)
    stamp = _matched(fields.get("last_modified"), _STAMP, f"{what}: last_modified",
                     "a UTC time as YYYY-MM-DDTHH:MM:SSZ", problems)
    content = _matched(fields.get("hash"), _HASH, f"{what}: hash", "16 hexadecimal digits", problems)
    summary = text(fields.get("summary"), f"{what}: summary", problems)
    start = _time(fields.get("start"), f"{what}: start", problems)
    end = _time(fields.get("end"), f"{what}: end", problems) if "end" in fields else None
    location = text(fields.get("location"), f"{what}: location", problems, required=False) or ""
    own = _matched(fields.get("file"), _FILE, f"{what}: file", "a file name like group-1.ics", problems) \
        if "file" in fields else ""
    status = text(fields.get("status"), f"{what}: status", problems, required=False)
    if status not in ("", "cancelled"):
        problems.error(fields["status"].loc, f"{what}: status: expected cancelled, got '{status}'")
    if start is not None and end is not None:
        if isinstance(start, dt.datetime) != isinstance(end, dt.datetime):
            problems.error(fields["end"].loc, f"{what}: end: expected the same form as start ({when_text(start)})")
        elif when_text(end) < when_text(start):  # the same form: the texts sort as the times
            problems.error(fields["end"].loc, f"{what}: end: {when_text(end)} is before the start, {when_text(start)}")
    last_modified = None
    match = _STAMP.fullmatch(stamp or "")
    if match:
        try:
            year, month, day, hour, minute, second = map(int, match.groups())
            last_modified = dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.timezone.utc)
        except ValueError:
            problems.error(fields["last_modified"].loc, f"{what}: last_modified: '{stamp}' is not a real time")
    if len(problems) > found or None in (sequence, last_modified, content, summary, start, own):
        return None
    assert sequence is not None and last_modified is not None and content is not None  # for mypy: checked above
    assert summary is not None and start is not None and own is not None
    return LedgerEntry(int(sequence), last_modified, content, summary, start, end, location, own, status == "cancelled")


def _matched(node: Node | None, pattern: re.Pattern, what: str, expected: str, problems: Problems) -> str | None:
    raw = text(node, what, problems)
    if raw is None or node is None:
        return None
    if not pattern.fullmatch(raw):
        problems.error(node.loc, f"{what}: expected {expected}, got '{raw[:40]}'")
        return None
    return raw


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_DAY_TIME = re.compile(r"(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2})")


def _time(node: Node | None, what: str, problems: Problems) -> dt.date | dt.datetime | None:
    raw = text(node, what, problems)
    if raw is None or node is None:
        return None
    try:
        if _DAY.fullmatch(raw):
            return dt.date.fromisoformat(raw)
        match = _DAY_TIME.fullmatch(raw)
        if match:
            return dt.datetime.combine(dt.date.fromisoformat(match[1]), dt.time(int(match[2]), int(match[3])))
    except ValueError:
        pass
    problems.error(node.loc, f"{what}: expected YYYY-MM-DD or YYYY-MM-DD HH:MM, got '{raw[:40]}'")
    return None
