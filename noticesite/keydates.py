"""Key dates: the dates a notice announces, read from its front matter.

A notice lists its key dates under ``key_dates`` in the front matter of
``content/<notice>/notice.md``. Notice 2012-104 declares::

    key_dates:
      - {id: forms, label: 领取《图像采集信息卡》和《核对表》, date: 2012-12-14}
      - {id: corrections, label: 信息错误更改截止, date: 2012-12-19, kind: deadline}
      - {id: photos, label: 图像采集, date: 2013-01-03, end: 2013-01-04}
      - {id: proofread, label: 网上图像校对开通, date: "40 working days after photos"}

Fields of one item:

``id`` (required)
    Lower-case ASCII letters, digits and hyphens, starting with a letter or a
    digit (``photos``, ``step-2``); unique within the notice. Other key dates
    refer to it, and the calendar files build their stable UIDs from it, so
    keep it when the label or the date changes.
``label`` (required)
    What happens, as printed: ``图像采集``.
``date`` (required)
    Either a date ``YYYY-MM-DD``, or a count of working days after another key
    date: ``40 working days after photos`` (``1 working day after photos``), or
    in Chinese ``photos 后 40 个工作日`` (spaces optional). The other key date
    may be declared before or after this one; references may not form a
    cycle.
``end`` (optional)
    The last day, ``YYYY-MM-DD``, of an event lasting several days; not before
    ``date``. ``photos`` above runs 2013-01-03 to 2013-01-04 inclusive.
``kind`` (optional)
    ``event`` (the default: something happens that day) or ``deadline``
    (something must be done by that day; a deadline has no ``end``).

Counting working days. "N working days after X" is the N-th working day
strictly after X, where X is the *last* day of key date X (its ``end`` when it
has one, else its ``date``). The notice says 图像采集完40个工作日后 -- forty
working days after photographing is *finished* -- so ``proofread`` counts
from 2013-01-04, the end of ``photos``, not from its first day. Working days
are those of the official calendar as published by the State Council, from
the ``chinese_calendar`` package: weekdays, less public holidays, plus the
weekend days worked in lieu (2013-02-16 and 2013-02-17 around the 2013
Spring Festival, 2013-01-05 and 2013-01-06 after New Year). For the example,
counting from 2013-01-04 gives 2013-03-04 (a Monday): 27 working days up to
2013-02-08, none from 02-09 to 02-15 (Spring Festival), the worked weekend
02-16/17 as days 28 and 29, then ten more to 03-01 and the fortieth on 03-04.

``chinese_calendar`` knows only the years it ships data for (2004–2026 in
version 1.11). A count that starts or runs outside those years is an error
located at the item -- the next year's holidays are not published until late
in the year before, and a guess from weekdays alone would be wrong around
every holiday. A plain ``YYYY-MM-DD`` date needs no calendar and may be any
year.

``parse_key_dates`` returns the key dates in the order declared, each with
its computed date, and every problem located at its item.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import chinese_calendar

from . import fields
from .errors import Problem, Problems
from .fields import Field
from .model import KeyDate, Location
from .yamlio import Node

FIELDS = {
    "id": "a short ASCII name other key dates refer to, e.g. photos",
    "label": "what happens, e.g. 图像采集",
    "date": 'YYYY-MM-DD, or "N working days after ID"',
    "end": "YYYY-MM-DD, the last day of an event lasting several days",
    "kind": "event or deadline",
}
REQUIRED = ("id", "label", "date")
KINDS = ("event", "deadline")

_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_AFTER_EN = re.compile(r"(?P<n>\d+)\s+working\s+days?\s+after\s+(?P<ref>\S+)", re.IGNORECASE)
_AFTER_ZH = re.compile(r"(?P<ref>[^\s后]+)\s*后\s*(?P<n>\d+)\s*个?\s*工作日")


# ---- the calendar ----------------------------------------------------------


def _known_years() -> tuple[int, int]:
    # The same bounds chinese_calendar itself checks against (utils._validate_date).
    years = [d.year for d in chinese_calendar.holidays]
    return min(years), max(years)


FIRST_YEAR, LAST_YEAR = _known_years()


class OutsideCalendarError(ValueError):
    """A working-day count needs a date whose holidays chinese_calendar does not know."""

    def __init__(self, date: dt.date):
        self.date = date
        super().__init__(
            f"chinese_calendar knows {FIRST_YEAR}–{LAST_YEAR}; {date.isoformat()} is outside"
        )


def is_workday(day: dt.date) -> bool:
    """Whether ``day`` is a working day in mainland China; raises OutsideCalendarError.

    chinese_calendar's own rule (``utils.is_workday``) on its published tables: a working
    weekend (调休) is in ``workdays``, a holiday on a weekday in ``holidays``. Its own function
    finds the bounds of its tables again on every call, which an archive pays tens of thousands
    of times; tests/test_keydates.py checks that both agree on every day it knows.
    """
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise OutsideCalendarError(day)
    return day in _WORKDAYS or (day.weekday() <= 4 and day not in _HOLIDAYS)


_WORKDAYS, _HOLIDAYS = frozenset(chinese_calendar.workdays), frozenset(chinese_calendar.holidays)


@lru_cache(maxsize=None)
def working_days_after(start: dt.date, n: int) -> dt.date:
    """The ``n``-th working day strictly after ``start`` (n >= 1).

    Raises ``OutsideCalendarError`` when ``start`` or any day counted lies
    outside the years chinese_calendar knows, and ``ValueError`` for n < 1.
    """
    if n < 1:
        raise ValueError(f"expected a number of working days of at least 1, got {n}")
    if not FIRST_YEAR <= start.year <= LAST_YEAR:
        raise OutsideCalendarError(start)
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day


# ---- reading the items -----------------------------------------------------


@dataclass
class _Item:
    """One item as read, before relative dates are resolved."""

    index: int  # 0-based position in the list
    id: str | None
    label: str | None
    date: dt.date | None  # absolute date, or the resolved relative one
    after: tuple[int, str] | None  # (n, referenced id) for a relative date
    end: dt.date | None
    kind: str
    location: Location
    ok: bool = True  # False once a problem was found: no key date is made
    end_location: Location | None = None

    @property
    def name(self) -> str:
        return f"key date '{self.id}'" if self.id else f"key date {self.index + 1}"

    @property
    def last_day(self) -> dt.date | None:
        return self.end or self.date


def parse_key_dates(items: Sequence[Node]) -> tuple[list[KeyDate], list[Problem]]:
    """Check and convert the ``key_dates`` items of one notice's front matter.

    ``items`` are the items' YAML nodes, read with the same typed readers as every other record
    (fields.py): a problem points at the field that has it, and a misspelt field name gets a
    "did you mean". Returns the key dates that are valid, in the order declared, and the
    problems found; an item with a problem yields no key date.
    """
    problems = Problems()
    parsed = [_read_item(i, node, problems) for i, node in enumerate(items)]

    by_id: dict[str, _Item] = {}
    for item in parsed:
        if item.id is None:
            continue
        first = by_id.get(item.id)
        if first is not None:
            problems.append(Problem.at(
                item.location, f"{item.name}: duplicate id; first used at {first.location}"))
            item.ok = False
        else:
            by_id[item.id] = item

    _resolve(parsed, by_id, problems)

    for item in parsed:
        if item.ok and item.date is not None and item.end is not None and item.end < item.date:
            problems.append(Problem.at(
                item.end_location or item.location,
                f"{item.name}: end: expected a date on or after {item.date.isoformat()}, "
                f"got {item.end.isoformat()}"))
            item.ok = False

    key_dates = [
        KeyDate(id=item.id or "", label=item.label or "", date=item.date, end=item.end,
                kind=item.kind, location=item.location)  # type: ignore[arg-type]  # kind: checked against KINDS
        for item in parsed
        if item.ok and item.date is not None
    ]
    return key_dates, problems


KEY_DATE_FIELDS = [Field(name, help, required=name in REQUIRED) for name, help in FIELDS.items()]


def _read_item(index: int, node: Node, problems: Problems) -> _Item:
    item = _Item(index, None, None, None, None, None, "event", node.loc)
    found = len(problems)
    given_id = node.value.get("id") if node.is_map else None  # type: ignore[union-attr]  # is_map: a dict
    if given_id is not None and given_id.is_scalar and _ID.fullmatch(str(given_id.value or "")):
        item.id = str(given_id.value)  # named by its id in every message about it
    rec = fields.record(node, KEY_DATE_FIELDS, item.name, problems)
    if rec is None:
        item.ok = False
        return item
    values = {key: fields.text(child, f"{item.name}: {key}", problems) for key, child in rec.items()}

    def error(key: str, message: str) -> None:
        problems.error(rec[key].loc, f"{item.name}: {key}: {message}")

    raw_id = values.get("id")
    if raw_id is not None and not _ID.fullmatch(raw_id):
        error("id", f"expected lower-case ASCII letters, digits and hyphens (e.g. photos), got '{raw_id}'")
    item.label = values.get("label")
    kind = values.get("kind")
    if kind is not None:
        if kind in KINDS:
            item.kind = kind
        else:
            error("kind", f"expected event or deadline, got '{kind}'")

    date_text = values.get("date")
    if date_text:
        after = _parse_after(date_text)
        if after is not None:
            if after[0] < 1:
                error("date", f"expected at least 1 working day, got {after[0]}")
            else:
                item.after = after
        elif _DATE.fullmatch(date_text):
            item.date = _iso_date(date_text, lambda message: error("date", message))
        else:
            error("date", f"expected YYYY-MM-DD or \"N working days after ID\" (or \"ID 后 N 个工作日\"), "
                          f"got '{date_text}'")

    end_text = values.get("end")
    if end_text:
        item.end_location = rec["end"].loc
        if _DATE.fullmatch(end_text):
            item.end = _iso_date(end_text, lambda message: error("end", message))
        else:
            error("end", f"expected YYYY-MM-DD, got '{end_text}'")
        if item.kind == "deadline":
            error("end", "a deadline is a single day; leave out end or use kind: event")
    item.ok = len(problems) == found
    return item


def _parse_after(text: str) -> tuple[int, str] | None:
    match = _AFTER_EN.fullmatch(text) or _AFTER_ZH.fullmatch(text)
    if match is None:
        return None
    return int(match["n"]), match["ref"]


def _iso_date(text: str, error: Callable[[str], None]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        error(f"{text} is not a date ({exc})")
        return None


def _resolve(parsed: list[_Item], by_id: dict[str, _Item], problems: list[Problem]) -> None:
    """Compute every relative date, reporting unknown ids, cycles and counts off the calendar."""
    done: set[int] = set()

    def visit(item: _Item, path: list[_Item]) -> None:
        if item.index in done:
            return
        if item.after is None:
            done.add(item.index)
            return
        positions = [p.index for p in path]
        if item.index in positions:
            cycle = path[positions.index(item.index):]
            names = " → ".join(i.id or "?" for i in [*cycle, item])
            for member in cycle:
                if member.ok:
                    problems.append(Problem.at(
                        member.location, f"{member.name}: date: the references form a cycle: {names}"))
                    member.ok = False
                done.add(member.index)
            return
        n, ref = item.after
        target = by_id.get(ref)
        if target is None:
            known = ", ".join(sorted(by_id)) or "none"
            problems.append(Problem.at(
                item.location, f"{item.name}: date: refers to '{ref}', which is no key date id (known: {known})"))
            item.ok = False
            done.add(item.index)
            return
        visit(target, [*path, item])
        if item.index in done:  # marked while unwinding a cycle through this item
            return
        done.add(item.index)
        if not target.ok or target.last_day is None:
            # The target's own problem is already reported; saying it again here
            # would only add noise.
            item.ok = False
            return
        try:
            item.date = working_days_after(target.last_day, n)
        except OutsideCalendarError as exc:
            anchor = f"the end of '{ref}'" if target.end else f"'{ref}'"
            problems.append(Problem.at(
                item.location,
                f"{item.name}: date: cannot count {n} working days after "
                f"{target.last_day.isoformat()} ({anchor}): {exc}"))
            item.ok = False

    for item in parsed:
        visit(item, [])
