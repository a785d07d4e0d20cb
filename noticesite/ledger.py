"""The calendar ledger: what each calendar event of a notice last said, and since when.

A calendar application that imported an event updates it only when the event's ``SEQUENCE``
grows (RFC 5545 3.8.7.4) and shows ``LAST-MODIFIED`` as the time of that change. Neither can
be worked out from the notice alone: the sequence counts the changes that were published, so
it has to be remembered, and remembered beyond a cache (a clean build, a new machine). The
ledger is that memory: ``data/<slug>/calendar-ledger.yaml``, one entry per event UID with its
sequence, a hash of what it said, when that last changed, and enough of the event (summary,
start, end, location, its own calendar file) to publish it again as cancelled once it is gone
from the data. ``build`` writes it when an event changed; it is committed with the data.

The rules (``updated``): an event whose content hash differs from its entry gets sequence + 1
and the build's time as last-modified; a new event starts at 0; an entry whose event is gone
is published with STATUS:CANCELLED at sequence + 1, once (then kept as it is); a cancelled
event that comes back is a change too. Nothing else moves: a build of unchanged data, on any
machine at any time, writes the same bytes (DTSTAMP is last-modified: no clock).
"""
from __future__ import annotations

import datetime as dt
import os
import re
import time
from dataclasses import replace
from pathlib import Path
from typing import Iterable

import yaml

from .cache import digest
from .errors import Problems
from .fields import Field, record, text
from .ics import CalendarEvent
from .model import Ledger, LedgerEntry
from .yamlio import Node

LEDGER_NAME = "calendar-ledger.yaml"

HEADER = """\
# The calendar ledger of notice {slug}: written by `build.py build`, commit it with the data.
# For each calendar event (by UID): its SEQUENCE, grown by one each time what the event says
# changed; when that was (LAST-MODIFIED); a hash of what it says; and enough of it to publish
# it as cancelled once it is gone from the data. See docs/data-format.md, "The calendar ledger".
"""


# What the calendar files last published of one event: model data, read with the notice. A
# Ledger (model.py: the plan names the type without importing this module) is one per UID.
Entry = LedgerEntry


def ledger_path(data: Path, slug: str) -> Path:
    return data / slug / LEDGER_NAME


def content_hash(event: CalendarEvent) -> str:
    """What the event says (not its stamps): a change of any of these is a new sequence."""
    return digest(event.summary, event.description, event.location, event.start.isoformat(),
                  event.end.isoformat() if event.end is not None else "", event.url)[:16]


def is_settled(ledger: Ledger, live: Iterable[tuple[CalendarEvent, str]]) -> bool:
    """Whether ``updated`` would leave the ledger as it is (no clock needed to tell)."""
    return updated(ledger, live, _EPOCH) == ledger


def updated(ledger: Ledger, live: Iterable[tuple[CalendarEvent, str]], now: dt.datetime) -> Ledger:
    """The ledger after publishing ``live`` (each event with its own file) at ``now``: see the
    module's rules. Sorted by UID, as written."""
    result: Ledger = {}
    for event, own_file in live:
        old, content = ledger.get(event.uid), content_hash(event)
        entry = Entry(0, now, content, event.summary, event.start, event.end, event.location, own_file)
        if old is None:
            result[event.uid] = entry
        elif old.cancelled or old.hash != content:
            result[event.uid] = replace(entry, sequence=old.sequence + 1)
        else:  # unchanged: its own file may have been renamed (a group's stem), nothing else
            result[event.uid] = replace(old, file=own_file)
    for uid, old in ledger.items():
        if uid not in result:
            result[uid] = old if old.cancelled else replace(old, sequence=old.sequence + 1, last_modified=now,
                                                             cancelled=True)
    return dict(sorted(result.items()))


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def clock() -> dt.datetime:
    """The build's time for what changed, in whole seconds: ``SOURCE_DATE_EPOCH`` when set (the
    reproducible-builds.org convention for a build that must not read the clock), else now."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    seconds = int(raw) if raw.isdigit() else int(time.time())
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)


# ---- the file ---------------------------------------------------------------------------------


def ledger_text(slug: str, ledger: Ledger) -> str:
    events = {}
    for uid, e in ledger.items():
        fields: dict[str, object] = {"sequence": e.sequence, "last_modified": _stamp_text(e.last_modified),
                                     "hash": e.hash, "summary": e.summary, "start": _when(e.start)}
        if e.end is not None:
            fields["end"] = _when(e.end)
        if e.location:
            fields["location"] = e.location
        if e.file:
            fields["file"] = e.file
        if e.cancelled:
            fields["status"] = "cancelled"
        events[uid] = fields
    # PyYAML's emitter quotes whatever would read back as something else; width: never fold
    body = yaml.safe_dump({"events": events}, allow_unicode=True, sort_keys=False, default_flow_style=False,
                          width=1_000_000)
    return HEADER.format(slug=slug) + body


def write_ledger(path: Path, slug: str, ledger: Ledger) -> None:
    """Atomically (a temporary file renamed over it): a build killed meanwhile leaves the old one."""
    from .cache import write_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, ledger_text(slug, ledger).encode("utf-8"))


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
_UID = re.compile(r"[\x21-\x7e]{1,300}")  # what ics.py makes: ASCII (Punycode), no space
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


def _entry(node: Node, what: str, problems: Problems) -> Entry | None:
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
            problems.error(fields["end"].loc, f"{what}: end: expected the same form as start ({_when(start)})")
        elif _when(end) < _when(start):  # the same form: the texts sort as the times
            problems.error(fields["end"].loc, f"{what}: end: {_when(end)} is before the start, {_when(start)}")
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
    return Entry(int(sequence), last_modified, content, summary, start, end, location, own, status == "cancelled")


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


def _when(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"  # a session's times are whole minutes (fields.time)
    return value.isoformat()


def _stamp_text(value: dt.datetime) -> str:
    return f"{value.astimezone(dt.timezone.utc):%Y-%m-%dT%H:%M:%SZ}"
