"""Which calendar files a notice gets, and where the pages link to them.

Per notice, under ``<slug>/calendar/``: ``all.ics`` with every event, one
file per key date, and one file per group of a schedule (each college: its
slot plus every key date). The events themselves are made by ``ics.py``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from .cache import full_notice
from .ics import calendar_file, notice_events, per_group_calendars, schedules, vevent_text
from .model import Notice, SiteConfig


@dataclass
class CalendarFile:
    """One .ics file: which events it holds, by UID."""

    path: str  # under output/, e.g. 2012-104/calendar/photos.ics
    name: str  # the calendar's name shown by calendar applications
    uids: list[str]

    def render(self, vevents: dict[str, str]) -> bytes:
        """``vevents``: each event of the notice as text, by UID (``NoticeCalendars.vevents``)."""
        return calendar_file([vevents[uid] for uid in self.uids], calendar_name=self.name)


@dataclass
class NoticeCalendars:
    files: list[CalendarFile] = field(default_factory=list)
    key_dates: dict[str, str] = field(default_factory=dict)  # key date id -> href from the notice folder
    sessions: dict[tuple[int, int], str] = field(default_factory=dict)  # (attachment, session index) -> href
    groups: list[tuple[str, str]] = field(default_factory=list)  # (group name, href)
    all: str = ""
    # every event of the notice as text, by UID: written once for all the files that hold it
    vevents: dict[str, str] = field(default_factory=dict)


def notice_url(config: SiteConfig, notice: Notice) -> str:
    return f"{config.base_url}{notice.slug}/"


def notice_calendars(config: SiteConfig, notice: Notice) -> NoticeCalendars:
    """Worked out once per notice: the loading worker works it out for the plan, and the load
    cache keeps it in the notice's shard (a "shard" memo), where the pages and files read it."""
    key = ("shard", "calendars", config.base_url)
    if key not in notice.derived:
        notice.derived[key] = _notice_calendars(config, notice)
    return notice.derived[key]


def calendar_paths(config: SiteConfig, notice: Notice) -> list[str]:
    """The notice's calendar files: what the build plan needs, kept with the cached notice's summary."""
    key = ("calendar_paths", config.base_url)
    if key not in notice.derived:
        notice.derived[key] = [file.path for file in notice_calendars(config, notice).files]
    return notice.derived[key]


def _notice_calendars(config: SiteConfig, notice: Notice) -> NoticeCalendars:
    """``all.ics`` with every event; a file per key date; a file per group of a schedule (each
    college) with its sessions and every key date. A session's time links to its group's file,
    or to ``all.ics`` when its schedule names no groups."""
    notice = full_notice(notice)
    host = urlsplit(config.base_url).hostname or "localhost"
    events = notice_events(notice, host, notice_url(config, notice))
    result = NoticeCalendars(vevents={event.uid: vevent_text(event) for event in events})
    if not events:
        return result
    folder = f"{notice.slug}/calendar"
    result.all = "calendar/all.ics"
    result.files.append(CalendarFile(f"{folder}/all.ics", f"{notice.number} {notice.title}",
                                     [e.uid for e in events]))
    for key_date, event in zip(notice.key_dates, events):
        stem = event.uid.split("@")[0].removeprefix(notice.slug + ".")
        result.key_dates[key_date.id] = f"calendar/{stem}.ics"
        result.files.append(CalendarFile(f"{folder}/{stem}.ics", event.summary, [event.uid]))
    group_of: dict[str, str] = {}  # a session's UID -> the file of its group
    for stem, group_events in per_group_calendars(notice, host, notice_url(config, notice), events).items():
        href = f"calendar/group-{quote(stem)}.ics"
        result.files.append(CalendarFile(f"{folder}/group-{stem}.ics", f"{stem} · {notice.title}",
                                         [e.uid for e in group_events]))
        result.groups.append((stem, href))
        for event in group_events:
            group_of.setdefault(event.uid, href)
    session_events = iter(events[len(notice.key_dates):])
    for attachment, schedule in schedules(notice):
        for i, _ in enumerate(schedule.sessions):
            result.sessions[(attachment.number, i)] = group_of.get(next(session_events).uid, result.all)
    return result
