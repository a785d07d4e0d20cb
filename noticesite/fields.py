"""Typed readers for located YAML values: one function per field type.

Each reader takes a ``Node`` and a ``Problems`` list, returns the converted
value or ``None`` after recording a located problem in plain words
("expected X, got Y"). The record loaders in ``schema.py`` are built from these.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import TypeVar

from . import limits
from .errors import Problems
from .model import Location, Phone
from .yamlio import Node


@dataclass(frozen=True)
class Field:
    """One field of a record: its name, whether it must be there, what it means."""

    name: str
    help: str
    required: bool = True


def record(node: Node | None, fields: list[Field], what: str, problems: Problems) -> dict[str, Node] | None:
    """Check that ``node`` is a mapping with exactly the declared fields.

    Returns the field nodes (missing optional fields absent), or ``None`` when
    the node is not a mapping at all. Unknown and missing fields are reported
    but do not stop the other fields from being read.
    """
    if node is None:
        return None
    if not isinstance(node.value, dict):  # node.is_map, said so that mypy narrows the value
        problems.error(node.loc, f"{what}: expected a mapping of fields, got {node.describe()}")
        return None
    known = {f.name for f in fields}
    values = node.value
    for key, child in values.items():
        if key not in known:
            hint = difflib.get_close_matches(key, sorted(known), n=1)
            suggestion = f"; did you mean '{hint[0]}'?" if hint else f" (known: {', '.join(sorted(known))})"
            problems.error(_key_loc(child), f"{what}: unknown field '{key}'{suggestion}")
    for f in fields:
        if f.required and (f.name not in values or values[f.name].value is None and not values[f.name].refused):
            problems.error(node.loc, f"{what}: missing field '{f.name}' ({f.help})")
    return {k: v for k, v in values.items() if k in known and v.value is not None}


def _key_loc(child: Node) -> Location:
    return child.key_loc or child.loc


def items(node: Node | None, what: str, problems: Problems, *, allow_empty: bool = False,
          most: int | None = None) -> list[Node]:
    """The items of a list; with ``most``, a longer list is refused whole (see limits.py)."""
    if node is None:
        return []
    if not isinstance(node.value, list):  # node.is_seq
        problems.error(node.loc, f"{what}: expected a list, got {node.describe()}")
        return []
    if not node.value and not allow_empty:
        problems.error(node.loc, f"{what}: the list is empty")
    if most is not None and len(node.value) > most:
        problems.error(node.loc, f"{what}: {len(node.value):,} items, more than the limit of {most:,}; "
                                 "split the file")
        return []
    return [item for item in node.value if not item.refused]  # refused: reported


def text(node: Node | None, what: str, problems: Problems, *, required: bool = True) -> str | None:
    if node is None:
        return None if required else ""
    if not isinstance(node.value, str):  # node.is_scalar
        problems.error(node.loc, f"{what}: expected text, got {node.describe()}")
        return None
    value = node.value.strip()
    if not value and required:
        problems.error(node.loc, f"{what}: expected text, got an empty value")
        return None
    return value


def flag(node: Node | None, what: str, problems: Problems) -> bool | None:
    """A setting that is on or off: YAML's plain ``true`` or ``false`` (every scalar is read as
    text, see yamlio.py; ``yes``, ``on`` or ``1`` are refused rather than guessed)."""
    raw = text(node, what, problems)
    if raw is None or node is None:
        return None
    if raw not in ("true", "false"):
        problems.error(node.loc, f"{what}: expected true or false, got '{raw}'")
        return None
    return raw == "true"


def count(node: Node | None, what: str, problems: Problems) -> int | None:
    raw = text(node, what, problems)
    if raw is None or node is None:  # text() is None for a missing node: node is there when raw is
        return None
    if not re.fullmatch(r"[0-9]+", raw) or int(raw) == 0:
        problems.error(node.loc, f"{what}: expected a positive whole number, got '{raw}'")
        return None
    if len(raw) > 12 or int(raw) > limits.MAX_COUNT:  # the length first: int() of a long text is slow
        problems.error(node.loc, f"{what}: {raw} is more than {limits.MAX_COUNT:,}, the largest count "
                                 "accepted: a typo?")
        return None
    return int(raw)


_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")


def time(node: Node | None, what: str, problems: Problems) -> dt.time | None:
    raw = text(node, what, problems)
    if raw is None or node is None:  # text() is None for a missing node: node is there when raw is
        return None
    match = _TIME.fullmatch(raw)
    if not match:
        problems.error(node.loc, f"{what}: expected a time as HH:MM on the 24-hour clock, got '{raw}'")
        return None
    return dt.time(int(match[1]), int(match[2]))


def date(node: Node | None, what: str, problems: Problems) -> dt.date | None:
    raw = text(node, what, problems)
    if raw is None or node is None:  # text() is None for a missing node: node is there when raw is
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            raise ValueError
        return dt.date.fromisoformat(raw)
    except ValueError:
        problems.error(node.loc, f"{what}: expected a date as YYYY-MM-DD, got '{raw}'")
        return None


_Option = TypeVar("_Option", bound=str)  # a Literal type of the options, e.g. model.AttachmentType


def choice(node: Node | None, what: str, options: tuple[_Option, ...], problems: Problems) -> _Option | None:
    raw = text(node, what, problems)
    if raw is None or node is None:  # text() is None for a missing node: node is there when raw is
        return None
    if raw not in options:
        problems.error(node.loc, f"{what}: expected one of {', '.join(options)}, got '{raw}'")
        return None
    return raw  # narrowed by 'in options' to one of them


_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")


def is_slug(raw: str) -> bool:
    return _SLUG.fullmatch(raw) is not None


def slug(node: Node | None, what: str, problems: Problems) -> str | None:
    raw = text(node, what, problems)
    if raw is None or node is None:  # text() is None for a missing node: node is there when raw is
        return None
    if not _SLUG.fullmatch(raw):
        problems.error(node.loc, f"{what}: expected lowercase letters, digits, '-' or '_', got '{raw}'")
        return None
    return raw


# ---- phone numbers -----------------------------------------------------------

# What people type between area code and number: ASCII hyphen, em dash, full-width
# hyphen, en dash, doubled forms, or a space.
_DASHES = re.escape("-—－–‐")
# [0-9], not \d: \d also matches full-width and other scripts' digits, which a tel: link cannot dial.
_PHONE = re.compile(rf"(?:\+?86[ {_DASHES}]*)?(?P<area>0[0-9]{{2,3}})?(?P<sep>[ {_DASHES}]*)(?P<number>[0-9]{{7,8}})")
_MOBILE = re.compile(r"(?:\+?86[ -]?)?(?P<number>1[3-9][0-9]{9})")


def phone(node: Node | None, what: str, problems: Problems) -> Phone | None:
    raw = text(node, what, problems)
    if raw is None or node is None:  # text() is None for a missing node: node is there when raw is
        return None
    ascii_digits = _ascii_digits(raw)
    if ascii_digits != raw:
        problems.error(node.loc, f"{what}: '{raw}' has digits that are not ASCII: "
                                 f"write {ascii_digits} in ASCII digits")
        return None
    parsed = parse_phone(raw)
    if parsed is None:
        problems.error(node.loc,
                       f"{what}: '{raw}' is not a Chinese landline (area code + 7 or 8 digits, "
                       "e.g. 0730-8640000) or mobile number (11 digits starting with 1)")
    return parsed


def _ascii_digits(raw: str) -> str:
    """``raw`` with full-width (and any other script's) digits written as 0-9."""
    return "".join(str(unicodedata.decimal(ch)) if not "0" <= ch <= "9" and unicodedata.decimal(ch, None) is not None
                   else ch for ch in raw)


def parse_phone(raw: str) -> Phone | None:
    compact = raw.strip()
    mobile = _MOBILE.fullmatch(compact.replace(" ", ""))
    if mobile:
        number = mobile["number"]
        return Phone(raw, number, f"tel:+86-{number}", "mobile")
    match = _PHONE.fullmatch(compact)
    if not match:
        return None
    area, number = match["area"], match["number"]
    if not area:
        if match["sep"]:
            return None
        return Phone(raw, number, f"tel:{number}", "local")
    # Beijing (010) and the 02x cities have three-digit area codes; the rest four.
    expected_len = 3 if area[1] in "12" else 4
    if len(area) != expected_len:
        return None
    return Phone(raw, f"{area}-{number}", f"tel:+86-{area[1:]}-{number}", "landline")


def dash_style(raw: str) -> str:
    """The separator as written: '-', '—', '--', '' (none), …"""
    match = _PHONE.fullmatch(raw.strip())
    return match["sep"] if match and match["area"] else ""
