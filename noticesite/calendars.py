"""Which calendar files a notice gets, and where the pages link to them.

Per notice, under ``<slug>/calendar/``: ``all.ics`` with every event, one
file per event (each key date, each session of a schedule), and one file per
group of a schedule (each college: its slot plus every key date). The events
themselves are made by ``ics.py``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from .ics import CalendarEvent, event_calendar, notice_events, per_group_calendars
from .model import Notice, Schedule, SiteConfig


@dataclass
class CalendarFile:
    """One .ics file: which events it holds, by UID. The events themselves are made only when the
    file is written (``events_by_uid``), so the list of files is cheap to keep in the load cache."""

    path: str  # under output/, e.g. 2012-104/calendar/photos.ics
    name: str  # the calendar's name shown by calendar applications
    uids: list[str]

    def render(self, events: dict[str, CalendarEvent]) -> bytes:
        return event_calendar([events[uid] for uid in self.uids], calendar_name=self.name)


def events_by_uid(config: SiteConfig, notice: Notice) -> dict[str, CalendarEvent]:
    host = urlsplit(config.base_url).hostname or "localhost"
    return {event.uid: event for event in notice_events(notice, host, notice_url(config, notice))}


@dataclass
class NoticeCalendars:
    files: list[CalendarFile] = field(default_factory=list)
    key_dates: dict[str, str] = field(default_factory=dict)  # key date id -> href from the notice folder
    sessions: dict[tuple[int, int], str] = field(default_factory=dict)  # (attachment, session index) -> href
    groups: list[tuple[str, str]] = field(default_factory=list)  # (group name, href)
    all: str = ""


def notice_url(config: SiteConfig, notice: Notice) -> str:
    return f"{config.base_url}{notice.slug}/"


def notice_calendars(config: SiteConfig, notice: Notice) -> NoticeCalendars:
    """Kept on the notice (and so in the load cache): an archive's unchanged notices
    need not make their events again just to list their files."""
    key = ("calendars", config.base_url)
    if key not in notice.derived:
        notice.derived[key] = _notice_calendars(config, notice)
    return notice.derived[key]


def _notice_calendars(config: SiteConfig, notice: Notice) -> NoticeCalendars:
    host = urlsplit(config.base_url).hostname or "localhost"
    url = notice_url(config, notice)
    events = notice_events(notice, host, url)
    result = NoticeCalendars()
    if not events:
        return result
    folder = f"{notice.slug}/calendar"
    result.all = "calendar/all.ics"
    result.files.append(CalendarFile(f"{folder}/all.ics", f"{notice.number} {notice.title}",
                                     [e.uid for e in events]))
    per_event = {}
    for event in events:
        stem = event.uid.split("@")[0].removeprefix(notice.slug + ".")
        per_event[event.uid] = f"calendar/{stem}.ics"
        result.files.append(CalendarFile(f"{folder}/{stem}.ics", event.summary, [event.uid]))
    for index, key_date in enumerate(notice.key_dates):
        result.key_dates[key_date.id] = per_event[events[index].uid]
    position = len(notice.key_dates)
    for attachment in notice.attachments:
        if isinstance(attachment.data, Schedule):
            for i, _ in enumerate(attachment.data.sessions):
                result.sessions[(attachment.number, i)] = per_event[events[position].uid]
                position += 1
    for stem, group_events in per_group_calendars(notice, host, url).items():
        href = f"calendar/group-{quote(stem)}.ics"
        result.files.append(CalendarFile(f"{folder}/group-{stem}.ics", f"{stem} · {notice.title}",
                                         [e.uid for e in group_events]))
        result.groups.append((stem, href))
    return result
