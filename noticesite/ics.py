"""iCalendar (RFC 5545) files for a notice's key dates and schedule sessions.

One stage, one output: this module only reads the model and returns bytes.

- ``notice_events`` makes one event per key date (an all-day event; a key
  date with an ``end`` spans its days) and one per session of each
  ``schedule`` attachment (a timed event, e.g. 2013-01-03 08:00–08:40
  图像采集：政法学院).
- ``per_group_calendars`` splits the sessions by the value of the schedule's
  first ``text`` column (each college), each group with all the key dates, so
  that a college can subscribe to just its own slot.
- ``vevent_text`` writes an event, ``calendar_file`` an ``.ics`` file of them.

What makes the files behave in calendar clients:

- UIDs are stable: built from the notice slug, the key date id (or the
  attachment slug and the session's group) and the site host, never from
  positions in a list or the build time, so downloading the file again
  updates the events rather than duplicating them. Non-ASCII parts (college
  names) are Punycode-encoded: 2012-104.attachment-1.xn--48sz2uqkgyt0c@host.
- SEQUENCE grows each time what an event says changes, and LAST-MODIFIED
  (and DTSTAMP, the same) says when: both come from the notice's calendar
  ledger (ledger.py), not from the clock, so the same sources build the same
  bytes. An event gone from the data stays, with STATUS:CANCELLED. Without a
  ledger (``notice_events`` alone) an event is at sequence 0, stamped with the
  notice's date (else 1 January of its year).
- Times are wall-clock times in Asia/Shanghai, written with TZID and a
  VTIMEZONE (CST, +0800, no daylight saving since 1991) in the file, so a
  client needs no time zone database of its own.
- All-day events use DATE values with an exclusive DTEND (RFC 5545 3.6.1):
  photographing on 2013-01-03..04 is DTSTART 20130103, DTEND 20130105.
- Text escapes commas, semicolons, backslashes and newlines; lines are
  folded at 75 octets and end with CRLF.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from functools import lru_cache
from dataclasses import dataclass
from typing import overload
from zoneinfo import ZoneInfo

from .model import Attachment, KeyDate, Notice, Phone, Schedule, Session

PRODID = "-//noticesite//notice key dates and schedules//ZH"
TZID = "Asia/Shanghai"
SHANGHAI = ZoneInfo(TZID)


@dataclass(frozen=True)
class CalendarEvent:
    """One VEVENT.

    ``start`` and ``end`` are both dates (an all-day event; ``end`` is its
    last day, inclusive, or None for one day) or both datetimes (a timed
    event; naive values are wall-clock times in Asia/Shanghai; ``end`` None
    for an instant). ``stamp`` is the DTSTAMP and LAST-MODIFIED, an aware
    datetime; ``sequence`` the SEQUENCE; ``cancelled`` writes STATUS:CANCELLED.
    """

    uid: str
    summary: str
    description: str
    location: str
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime | None
    url: str
    stamp: dt.datetime = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
    sequence: int = 0
    cancelled: bool = False

    def __post_init__(self) -> None:
        timed = isinstance(self.start, dt.datetime)
        if self.end is not None:
            if isinstance(self.end, dt.datetime) != timed:
                raise ValueError(f"{self.uid}: start and end must both be dates or both datetimes")
            if _local(self.end) < _local(self.start):
                raise ValueError(f"{self.uid}: end {self.end} is before start {self.start}")
        if self.stamp.tzinfo is None:
            raise ValueError(f"{self.uid}: stamp must be an aware datetime")

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, dt.datetime)


@overload
def _local(value: dt.datetime) -> dt.datetime: ...
@overload
def _local(value: dt.date) -> dt.date: ...
def _local(value: dt.date | dt.datetime) -> dt.date | dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value.astimezone(SHANGHAI)
    return value


# ---- writing ---------------------------------------------------------------


def calendar_file(vevents: list[str], *, calendar_name: str) -> bytes:
    """The ``.ics`` file of events written by ``vevent_text`` (a notice's files share its events):
    CRLF lines, folded at 75 octets.

    Written directly rather than through the icalendar package, which is a
    hundred times slower and dominated builds of large archives; the tests
    read every file back with icalendar.
    """
    name = _text(calendar_name)
    head = (_HEAD + _fold(f"NAME:{name}") + "\r\n"  # RFC 7986
            + _fold(f"X-WR-CALNAME:{name}") + "\r\n"  # the same, for clients before RFC 7986
            + _TIMEZONE)
    return (head + "".join(vevents) + "END:VCALENDAR\r\n").encode("utf-8")


def vevent_text(event: CalendarEvent) -> str:
    return "".join(_fold(line) + "\r\n" for line in _vevent(event))


# China has kept +0800 without daylight saving since 1991; every date a
# notice names is later, so one STANDARD observance is exact.
_SHANGHAI = ["BEGIN:VTIMEZONE", f"TZID:{TZID}", "BEGIN:STANDARD", "DTSTART:19700101T000000",
             "TZNAME:CST", "TZOFFSETFROM:+0800", "TZOFFSETTO:+0800", "END:STANDARD", "END:VTIMEZONE"]
_HEAD = "".join(line + "\r\n" for line in [
    "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"])
_TIMEZONE = "".join(line + "\r\n" for line in [f"X-WR-TIMEZONE:{TZID}", *_SHANGHAI])  # each under 75 octets


def _vevent(event: CalendarEvent) -> list[str]:
    lines = ["BEGIN:VEVENT", f"SUMMARY:{_text(event.summary)}",
             f"DTSTART{_when(event.start)}"]
    if event.all_day:
        last = event.end or event.start
        lines.append(f"DTEND{_when(last + dt.timedelta(days=1))}")  # exclusive
    elif event.end is not None:
        lines.append(f"DTEND{_when(event.end)}")
    stamp = _utc_text(event.stamp)
    lines.append(f"DTSTAMP:{stamp}")
    lines.append(f"LAST-MODIFIED:{stamp}")  # RFC 5545 3.8.7.3
    lines.append(f"SEQUENCE:{event.sequence}")  # RFC 5545 3.8.7.4
    lines.append(f"UID:{_text(event.uid)}")
    if event.cancelled:
        lines.append("STATUS:CANCELLED")
    if event.all_day:
        lines.append("TRANSP:TRANSPARENT")  # a day to remember, not a busy day
    if event.description:
        lines.append(f"DESCRIPTION:{_text(event.description)}")
    if event.location:
        lines.append(f"LOCATION:{_text(event.location)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    lines.append("END:VEVENT")
    return lines


def _when(value: dt.date | dt.datetime) -> str:
    """A property's parameters and value: a DATE, or a local time with TZID (RFC 5545 3.3.4, 3.3.5)."""
    if isinstance(value, dt.datetime):
        t = _local(value)
        return f";TZID={TZID}:{t.year:04d}{t.month:02d}{t.day:02d}T{t.hour:02d}{t.minute:02d}{t.second:02d}"
    return f";VALUE=DATE:{value.year:04d}{value.month:02d}{value.day:02d}"


@lru_cache(maxsize=1024)  # every event of a notice has its stamp
def _utc_text(stamp: dt.datetime) -> str:
    return f"{stamp.astimezone(dt.timezone.utc):%Y%m%dT%H%M%SZ}"


def _text(value: str) -> str:
    """TEXT escaping (RFC 5545 3.3.11): backslash, semicolon, comma, newline."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Fold at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    if len(line) <= 25:  # even at 3 bytes a character it fits
        return line
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # a continuation byte: cut before its character
            cut -= 1
        parts.append(data[start:cut])
        start, limit = cut, 74  # continuation lines start with a space
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode("utf-8")


# ---- from the model --------------------------------------------------------


def notice_events(notice: Notice, site_host: str, notice_url: str) -> list[CalendarEvent]:
    """One event per key date, then one per session of each schedule attachment."""
    events = [_key_date_event(notice, kd, i, site_host, notice_url) for i, kd in enumerate(notice.key_dates)]
    for attachment, schedule in schedules(notice):
        for uid_part, session in _session_uid_parts(attachment, schedule):
            events.append(_session_event(notice, attachment, schedule, session, uid_part, site_host, notice_url))
    return events


def per_group_calendars(notice: Notice, site_host: str, notice_url: str,
                        events: list[CalendarEvent] | None = None) -> dict[str, list[CalendarEvent]]:
    """Per group (value of a schedule's first text column): its sessions plus every key date.

    Keys are file stems, in order of first appearance: the group's name as
    written (政法学院), made safe by ``file_stem`` -- no path separators,
    no leading dot, unique. Empty when no schedule has a text column.
    ``events``: the notice's events as ``notice_events`` made them, to be
    grouped rather than made again.
    """
    if events is None:
        events = notice_events(notice, site_host, notice_url)
    key_events = events[:len(notice.key_dates)]
    session_events = iter(events[len(notice.key_dates):])  # in the order of schedules and sessions
    groups: dict[str, list[CalendarEvent]] = {}
    for _, schedule in schedules(notice):
        column = group_column(schedule)
        for session in schedule.sessions:
            event = next(session_events)
            if column is not None:
                groups.setdefault(str(session.values.get(column, "")).strip(), []).append(event)
    stems = file_stems(list(groups))
    return {stems[group]: [*sessions, *key_events] for group, sessions in groups.items()}


def file_stems(names: list[str]) -> dict[str, str]:
    """A safe, unique file stem for each name: Chinese kept, anything else risky replaced by '-'.

    Only Unicode letters, digits, '_' and '-' survive, so no '/', '\\', '..',
    ':' or spaces; an empty result becomes group-N (N its 1-based position).
    """
    stems: dict[str, str] = {}
    taken: set[str] = set()
    for i, name in enumerate(names, start=1):
        stem = _bounded(re.sub(r"[^\w-]+", "-", name, flags=re.UNICODE).strip("-_"), name) or f"group-{i}"
        candidate, n = stem, 2
        while candidate.casefold() in taken:  # case-insensitive file systems
            candidate, n = f"{stem}-{n}", n + 1
        taken.add(candidate.casefold())
        stems[name] = candidate
    return stems


def notice_stamp(notice: Notice) -> dt.datetime:
    """DTSTAMP for every event of a notice: its date at 00:00 in Shanghai, else 1 January of its year."""
    return _midnight_in_shanghai(notice.date or dt.date(notice.year, 1, 1))


@lru_cache(maxsize=4096)  # asked for each event of a notice
def _midnight_in_shanghai(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=SHANGHAI).astimezone(dt.timezone.utc)


# The longest UID segment and file stem made from a value of the data. Longer ones end in a hash
# of the whole value instead: a group's name may be any length the data allows, but a file name
# may have 255 bytes, and the calendar ledger reads back only UIDs of a bounded length
# (ledger.MAX_UID). Names this long are rare: they keep their UIDs and file names.
MAX_PART = 120


def _bounded(made: str, whole: str, size: int = MAX_PART) -> str:
    """``made`` if its UTF-8 is at most ``size`` bytes, else its start and a hash of ``whole``."""
    if len(made.encode()) <= size:
        return made
    tail = "-" + hashlib.sha256(whole.encode()).hexdigest()[:12]
    start = made.encode()[:size - len(tail)].decode("utf-8", "ignore")  # whole characters only
    return start + tail


@lru_cache(maxsize=4096)  # college names recur in every notice of an archive
def uid_part(text: str) -> str:
    """``text`` as an ASCII UID segment of letters, digits, '_' and '-': kept when it is one
    already, else Punycode with an xn-- prefix; at most MAX_PART characters. Punycode keeps ASCII
    as it is, so a name with a space, '.', '@' or other ASCII punctuation (which would break the
    UID: '.' and '@' separate its parts) has each such character and '_' written as _XX (its
    code in hex) first, under another prefix (xe--): no two names share a segment."""
    if _SAFE.fullmatch(text):
        return _bounded(text, text)
    if not _UNSAFE_ASCII.search(text):
        return _bounded("xn--" + text.encode("punycode").decode("ascii"), text)
    escaped = _ESCAPED.sub(lambda m: f"_{ord(m.group()):02X}", text)
    return _bounded("xe--" + escaped.encode("punycode").decode("ascii"), text)


_SAFE = re.compile(r"[A-Za-z0-9_-]+")
# Not ASCII, or one of the safe ASCII characters: the complement is what must be escaped.
_UNSAFE_ASCII = re.compile(r"[^\x80-\U0010ffffA-Za-z0-9_-]")
_ESCAPED = re.compile(r"[^\x80-\U0010ffffA-Za-z0-9-]")  # and '_', the escape's own mark


@lru_cache(maxsize=16)  # the same for every event of a site
def _host(site_host: str) -> str:
    try:
        return site_host.encode("idna").decode("ascii")
    except UnicodeError:
        return uid_part(site_host)


def _uid(notice: Notice, parts: list[str], site_host: str) -> str:
    # Segments are joined by '.', which no slug, key date id or uid_part
    # contains, so a key date's UID can never equal a session's.
    return ".".join([uid_part(notice.slug), *parts]) + "@" + _host(site_host)


def _key_date_event(notice: Notice, kd: KeyDate, index: int, site_host: str, notice_url: str) -> CalendarEvent:
    # KeyDate.id is set by keydates.parse_key_dates; a key date made without
    # one falls back to its position, which is stable only while the list is.
    key_id = getattr(kd, "id", None) or f"key-date-{index + 1}"
    return CalendarEvent(
        uid=_uid(notice, [uid_part(key_id)], site_host),
        summary=kd.label,
        description=_notice_line(notice),
        location="",
        start=kd.date,
        end=kd.end,
        url=notice_url,
        stamp=notice_stamp(notice),
    )


def schedules(notice: Notice) -> list[tuple[Attachment, Schedule]]:
    return [(a, a.data) for a in notice.attachments if a.type == "schedule" and isinstance(a.data, Schedule)]


def group_column(schedule: Schedule) -> str | None:
    """Key of the first text column, which names a session (the college)."""
    return next((c.key for c in schedule.columns if c.type == "text"), None)


def _session_uid_parts(attachment: Attachment, schedule: Schedule) -> list[tuple[str, Session]]:
    """A UID segment per session: the group's name, so a moved slot keeps its UID.

    A group with several sessions numbers the second and later ones (-2, -3)
    in schedule order; a schedule with no text column uses date and time.
    """
    column = group_column(schedule)
    seen: dict[str, int] = {}
    parts = []
    for session in schedule.sessions:
        if column is None:
            name = f"{session.date:%Y%m%d}T{session.start:%H%M}"
        else:
            name = uid_part(str(session.values.get(column, "")).strip() or "session")
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = f"{name}-{seen[name]}"
        parts.append((f"{uid_part(attachment.slug)}.{name}", session))
    return parts


def _session_event(
    notice: Notice,
    attachment: Attachment,
    schedule: Schedule,
    session: Session,
    uid_segment: str,
    site_host: str,
    notice_url: str,
) -> CalendarEvent:
    column = group_column(schedule)
    group = str(session.values.get(column, "")).strip() if column else ""
    what = _session_activity(notice, schedule, session)
    lines = []
    for col in schedule.columns:
        if col.key == column or col.type == "place":
            continue  # already the summary or the location
        value = session.values.get(col.key)
        if value is None or value == "":
            continue
        lines.append(f"{col.label}：{value.display if isinstance(value, Phone) else value}")
    lines.append(f"{_notice_line(notice)} 附件{attachment.number}")
    return CalendarEvent(
        uid=_uid(notice, [uid_segment], site_host),
        summary=f"{what}：{group}" if group else what,
        description="\n".join(lines),
        location=session.place,
        start=dt.datetime.combine(session.date, session.start),
        end=dt.datetime.combine(session.date, session.end),
        url=notice_url,
        stamp=notice_stamp(notice),
    )


def _session_activity(notice: Notice, schedule: Schedule, session: Session) -> str:
    """What a session is for: the label of the event key date covering its day, else the schedule's title.

    Notice 2012-104's key date photos (图像采集, 2013-01-03..04) covers every
    session, so each reads 图像采集：<college>.
    """
    for kd in notice.key_dates:
        if kd.kind == "event" and kd.date <= session.date <= (kd.end or kd.date):
            return kd.label
    return schedule.title


def _notice_line(notice: Notice) -> str:
    return f"{notice.number}《{notice.title}》" if notice.number else notice.title
