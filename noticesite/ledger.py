"""The calendar ledger: what each calendar event of a notice last said, and since when.

A calendar application that imported an event updates it only when the event's ``SEQUENCE``
grows (RFC 5545 3.8.7.4) and shows ``LAST-MODIFIED`` as the time of that change. Neither can
be worked out from the notice alone: the sequence counts the changes that were published, so
it has to be remembered, and remembered beyond a cache (a clean build, a new machine). The
ledger is that memory: ``data/<slug>/calendar-ledger.yaml``, one entry per event UID with its
sequence, a hash of what it said, when that last changed, and enough of the event (summary,
start, end, location, its own calendar file) to publish it again as cancelled once it is gone
from the data. ``build`` writes it when an event changed; it is committed with the data.

This module holds the rules and the writing, beside ics.py whose events they stamp (the rendering
stage). The file is read at load time by ``ledger_read.py``, with the typed readers of the loading
stage, so that no module imports one of an earlier stage (tests/test_import_order.py).

The rules (``updated``): an event whose content hash differs from its entry gets sequence + 1
and the build's time as last-modified; a new event starts at 0; an entry whose event is gone
is published with STATUS:CANCELLED at sequence + 1, once (then kept as it is); a cancelled
event that comes back is a change too. Nothing else moves: a build of unchanged data, on any
machine at any time, writes the same bytes (DTSTAMP is last-modified: no clock).
"""
from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import replace
from pathlib import Path
from typing import Iterable

import yaml

from .cache import digest
from .ics import CalendarEvent
from .model import Ledger, LedgerEntry

LEDGER_NAME = "calendar-ledger.yaml"
# The longest UID the ledger reads back. ics.py makes none longer: a slug (fields.MAX_SLUG), the
# attachment's, a part of at most ics.MAX_PART characters, a counter, and the site's host (a DNS
# name: at most 253).
MAX_UID = 1024

HEADER = """\
# The calendar ledger of notice {slug}: written by `build.py build`, commit it with the data.
# For each calendar event (by UID): its SEQUENCE, grown by one each time what the event says
# changed; when that was (LAST-MODIFIED); a hash of what it says; and enough of it to publish
# it as cancelled once it is gone from the data. See docs/data-format.md, "The calendar ledger".
"""


# What the calendar files last published of one event: model data, read with the notice
# (ledger_read.py). A Ledger (model.py: the plan names the type without importing this module) is
# one per UID.
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


# ---- the file, as written (read back by ledger_read.py) ---------------------------------------


def ledger_text(slug: str, ledger: Ledger) -> str:
    events = {}
    for uid, e in ledger.items():
        fields: dict[str, object] = {"sequence": e.sequence, "last_modified": _stamp_text(e.last_modified),
                                     "hash": e.hash, "summary": e.summary, "start": when_text(e.start)}
        if e.end is not None:
            fields["end"] = when_text(e.end)
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


def when_text(value: dt.date | dt.datetime) -> str:
    """An event's start or end as the file holds it (ledger_read.py reads it back)."""
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"  # a session's times are whole minutes (fields.time)
    return value.isoformat()


def _stamp_text(value: dt.datetime) -> str:
    return f"{value.astimezone(dt.timezone.utc):%Y-%m-%dT%H:%M:%SZ}"
