"""Which calendar files a notice gets, and where the pages link to them.

Per notice, under ``<slug>/calendar/``: ``all.ics`` with every event, one
file per key date, and one file per group of a schedule (each college: its
slot plus every key date). The events themselves are made by ``ics.py``; their SEQUENCE and
LAST-MODIFIED come from the notice's calendar ledger (``ledger.py``), and an event the ledger
knows but the data no longer has is published as cancelled in the files that held it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from urllib.parse import quote, urlsplit

from . import ledger
from .ics import CalendarEvent, calendar_file, notice_events, per_group_calendars, schedules, vevent_text
from .ledger import Ledger
from .memos import NoticeMemos
from .model import Notice, SiteConfig, whole


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
    # every event by UID, unstamped: those of the data, then those cancelled (the ledger's, gone
    # from the data), sorted by UID
    events: dict[str, CalendarEvent] = field(default_factory=dict)
    own_file: dict[str, str] = field(default_factory=dict)  # an event of the data -> its own file, or ""

    def vevents(self, entries: Ledger) -> dict[str, str]:
        """Every event as text, stamped from ``entries`` (the ledger as this build leaves it):
        written once for all the files that hold it."""
        texts = {}
        for uid, event in self.events.items():
            entry = entries.get(uid)
            if entry is not None:
                event = replace(event, stamp=entry.last_modified, sequence=entry.sequence, cancelled=entry.cancelled)
            texts[uid] = vevent_text(event)
        return texts


def notice_url(config: SiteConfig, notice: Notice) -> str:
    return f"{config.base_url}{notice.slug}/"


def notice_calendars(config: SiteConfig, notice: Notice, memos: NoticeMemos) -> NoticeCalendars:
    """Worked out once per notice: the loading worker works it out for the plan, and the load
    cache keeps it with the notice's shard (a shard memo), where the pages and files read it."""
    key = ("calendars", config.base_url)
    notice = whole(notice)  # a notice of the load cache is read whole first: its shard brings the memo
    if key not in memos.shard:
        memos.shard[key] = _notice_calendars(config, notice)
    return memos.shard[key]


def ledger_settled(config: SiteConfig, notice: Notice, memos: NoticeMemos) -> bool:
    """Whether the notice's ledger already says what this build would publish (the usual case:
    nothing to stamp, nothing to write). Kept with the cached notice's summary (a summary memo),
    so that an unchanged notice is not read whole to tell."""
    key = ("calendar ledger settled", config.base_url)
    if key not in memos.summary:
        calendars = notice_calendars(config, notice, memos)
        memos.summary[key] = ledger.is_settled(whole(notice).calendar_ledger, _live(calendars))
    return memos.summary[key]


def updated_ledger(config: SiteConfig, notice: Notice, memos: NoticeMemos, now: dt.datetime) -> Ledger:
    """The notice's ledger once this build's events are published at ``now``."""
    calendars = notice_calendars(config, notice, memos)
    return ledger.updated(whole(notice).calendar_ledger, _live(calendars), now)


def _live(calendars: NoticeCalendars) -> list[tuple[CalendarEvent, str]]:
    return [(calendars.events[uid], own) for uid, own in calendars.own_file.items()]


def calendar_paths(config: SiteConfig, notice: Notice, memos: NoticeMemos) -> list[str]:
    """The notice's calendar files: what the build plan needs, kept with the cached notice's summary."""
    key = ("calendar_paths", config.base_url)
    if key not in memos.summary:
        memos.summary[key] = [file.path for file in notice_calendars(config, notice, memos).files]
    return memos.summary[key]


def _notice_calendars(config: SiteConfig, notice: Notice) -> NoticeCalendars:
    """``all.ics`` with every event; a file per key date; a file per group of a schedule (each
    college) with its sessions and every key date. A session's time links to its group's file,
    or to ``all.ics`` when its schedule names no groups. ``notice``: a whole one."""
    host = urlsplit(config.base_url).hostname or "localhost"
    events = notice_events(notice, host, notice_url(config, notice))
    result = NoticeCalendars(events={event.uid: event for event in events},
                             own_file={event.uid: "" for event in events})
    cancelled = {uid: entry for uid, entry in notice.calendar_ledger.items() if uid not in result.events}
    if not events and not cancelled:
        return result
    folder = f"{notice.slug}/calendar"
    result.all = "calendar/all.ics"
    result.files.append(CalendarFile(f"{folder}/all.ics", f"{notice.number} {notice.title}",
                                     [e.uid for e in events]))
    for key_date, event in zip(notice.key_dates, events):
        stem = event.uid.split("@")[0].removeprefix(notice.slug + ".")
        result.key_dates[key_date.id] = f"calendar/{stem}.ics"
        result.files.append(CalendarFile(f"{folder}/{stem}.ics", event.summary, [event.uid]))
        result.own_file[event.uid] = f"{stem}.ics"
    group_of: dict[str, str] = {}  # a session's UID -> the file of its group
    for stem, group_events in per_group_calendars(notice, host, notice_url(config, notice), events).items():
        href = f"calendar/group-{quote(stem)}.ics"
        result.files.append(CalendarFile(f"{folder}/group-{stem}.ics", f"{stem} · {notice.title}",
                                         [e.uid for e in group_events]))
        result.groups.append((stem, href))
        for event in group_events:
            group_of.setdefault(event.uid, href)
            result.own_file[event.uid] = result.own_file[event.uid] or f"group-{stem}.ics"
    session_events = iter(events[len(notice.key_dates):])
    for attachment, schedule in schedules(notice):
        for i, _ in enumerate(schedule.sessions):
            result.sessions[(attachment.number, i)] = group_of.get(next(session_events).uid, result.all)
    _add_cancelled(result, notice, folder, cancelled)
    return result


def _add_cancelled(result: NoticeCalendars, notice: Notice, folder: str, cancelled: Ledger) -> None:
    """Events the ledger knows and the data no longer has, published as cancelled where they
    were: in all.ics; in their own file (made again if it is gone: a subscriber of a college's
    file learns that its slot is cancelled); and a key date's also in every college's file,
    which held it as it holds every key date."""
    files = {file.path: file for file in result.files}
    for uid, entry in cancelled.items():  # sorted by UID
        result.events[uid] = CalendarEvent(uid=uid, summary=entry.summary, description="", location=entry.location,
                                           start=entry.start, end=entry.end, url="", stamp=entry.last_modified,
                                           sequence=entry.sequence, cancelled=True)
        path = f"{folder}/{entry.file}"
        if entry.file and path not in files:  # first the files, so that each gets all its events
            name = f"{entry.file[6:-4]} · {notice.title}" if entry.file.startswith("group-") else entry.summary
            files[path] = CalendarFile(path, name, [])
            result.files.append(files[path])
    groups = [file for path, file in files.items() if path.startswith(f"{folder}/group-")]
    for uid, entry in cancelled.items():
        files[f"{folder}/all.ics"].uids.append(uid)
        if entry.file:
            files[f"{folder}/{entry.file}"].uids.append(uid)
        if entry.file and not entry.file.startswith("group-"):  # a key date
            for group in groups:
                group.uids.append(uid)
