"""The Jinja environment and the HTML pages of the site.

Autoescape is on and undefined names are errors: a template never guesses
what it gets, and nothing from a data file reaches the page unescaped. Every
internal link is relative (``root`` is the way back to the site's top), so a
site published under a sub-path such as ``/jwc/`` works unchanged.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .model import Attachment, Notice, Schedule, Session, Site

_HALF_DAY_ORDER = {"上午": 0, "下午": 1, "晚上": 2}


def environment(layouts: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(layouts)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["zh_date"] = zh_date
    env.filters["hhmm"] = lambda t: t.strftime("%H:%M")
    env.filters["kb"] = lambda size: f"{max(1, round(size / 1024))} KB"
    env.globals["schedule_days"] = schedule_days
    return env


def zh_date(day: dt.date | None) -> str:
    """2013年1月3日: Arabic numerals, full year, no zero padding (GB/T 9704-2012 §7.3.5.3)."""
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"


# ---- the schedule grouped for display -------------------------------------------------


@dataclass
class HalfDay:
    label: str  # 上午 / 下午 / 晚上
    sessions: list[Session]


@dataclass
class Day:
    date: dt.date
    halves: list[HalfDay]
    totals: dict[str, int]  # count column key -> sum over the day

    @property
    def size(self) -> int:
        return sum(len(h.sessions) for h in self.halves)


def schedule_days(schedule: Schedule) -> list[Day]:
    days: list[Day] = []
    for session in schedule.sessions:
        if not days or days[-1].date != session.date:
            days.append(Day(session.date, [], {c.key: 0 for c in schedule.count_columns}))
        day = days[-1]
        if not day.halves or day.halves[-1].label != session.half_day:
            day.halves.append(HalfDay(session.half_day, []))
        day.halves[-1].sessions.append(session)
        for c in schedule.count_columns:
            day.totals[c.key] += session.values[c.key]
    return days


def schedule_totals(schedule: Schedule) -> dict[str, int]:
    return {c.key: sum(s.values[c.key] for s in schedule.sessions) for c in schedule.count_columns}


# ---- pages -------------------------------------------------------------------------------


@dataclass
class Page:
    """One HTML page to write: its path under output/ and what the template needs."""

    path: str  # e.g. 2012-104/attachment-1.html
    template: str
    context: dict

    @property
    def root(self) -> str:
        return "../" * self.path.count("/")


def site_pages(site: Site) -> list[Page]:
    pages = [Page("index.html", "index.html", {"notices": site.notices}),
             Page("404.html", "404.html", {})]
    for notice in site.notices:
        pages.append(Page(f"{notice.slug}/index.html", "notice.html", {"notice": notice}))
        for attachment in notice.attachments:
            pages.append(attachment_page(notice, attachment))
    return pages


def attachment_page(notice: Notice, attachment: Attachment) -> Page:
    context: dict = {"notice": notice, "attachment": attachment}
    if isinstance(attachment.data, Schedule):
        context["totals"] = schedule_totals(attachment.data)
    return Page(f"{notice.slug}/{attachment.slug}.html", f"attachments/{attachment.type}.html", context)


def render_page(env: jinja2.Environment, site: Site, page: Page, extra: dict | None = None) -> str:
    template = env.get_template(page.template)
    return template.render(site=site, config=site.config, root=page.root, page_path=page.path,
                           **page.context, **(extra or {}))
