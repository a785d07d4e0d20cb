"""A schedule as web and print show it: sessions grouped by day and half-day, with the totals
of its count columns per day and in all. One home for the grouping, so the page, the PDF and
their 合计 rows cannot disagree."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from .model import Schedule, Session


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
    """The sessions (sorted by date and start) grouped into days, each into its half-days."""
    days: list[Day] = []
    for session in schedule.sessions:
        if not days or days[-1].date != session.date:
            days.append(Day(session.date, [], {c.key: 0 for c in schedule.count_columns}))
        day = days[-1]
        if not day.halves or day.halves[-1].label != session.half_day:
            day.halves.append(HalfDay(session.half_day, []))
        day.halves[-1].sessions.append(session)
        for c in schedule.count_columns:
            day.totals[c.key] += _count(session, c.key)
    return days


def schedule_totals(schedule: Schedule) -> dict[str, int]:
    """Each count column's sum over every session (the 合计 row)."""
    return {c.key: sum(_count(s, c.key) for s in schedule.sessions) for c in schedule.count_columns}


def _count(session: Session, key: str) -> int:
    return cast(int, session.values[key])  # a count column's cell: schema.py made it an int
