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
class Shape:
    """What a field's value must be, declared beside the field: the checker reads the value with
    the reader of that kind (below), and schemas.py writes the same declaration as JSON Schema
    for editors. ``kind`` is a reader's name: text (not blank), optional_text (may be blank),
    count, time, date, phone, slug, choice, url, flag (true or false), or the containers record and
    list."""

    kind: str
    options: tuple[str, ...] = ()  # choice: the accepted values; slug: the refused ones
    fields: tuple["Field", ...] = ()  # record: its fields
    item: "Shape | None" = None  # list: each item's shape
    allow_empty: bool = False  # list: an empty list is accepted
    most: int | None = None  # list: at most this many items (limits.py)
    extra: "Shape | None" = None  # record: the shape of fields other than the declared ones, if any


TEXT = Shape("text")
OPTIONAL_TEXT = Shape("optional_text")
COUNT, TIME, DATE, PHONE, SLUG, URL, FLAG = (
    Shape(k) for k in ("count", "time", "date", "phone", "slug", "url", "flag"))


def record_of(fields: list["Field"], extra: Shape | None = None) -> Shape:
    return Shape("record", fields=tuple(fields), extra=extra)


def list_of(item: Shape, *, allow_empty: bool = False, most: int | None = None) -> Shape:
    return Shape("list", item=item, allow_empty=allow_empty, most=most)


def choice_of(options: tuple[str, ...]) -> Shape:
    return Shape("choice", options=tuple(options))


@dataclass(frozen=True)
class Field:
    """One field of a record: its name, what it means, whether it must be there, what it holds."""

    name: str
    help: str
    required: bool = True
    shape: Shape = TEXT


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
    if len(value) > MAX_TEXT:
        problems.error(node.loc, f"{what}: {len(value):,} characters, more than a field may hold ({MAX_TEXT:,}, "
                                 "what a spreadsheet cell holds): put long text in the notice's Markdown")
        return None
    return value


# The longest text a field of the data may hold: a schedule's or a directory's cells are offered as
# spreadsheets, and an Excel cell holds at most this many characters (XlsxWriter would cut the rest).
MAX_TEXT = 32_767


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
    return _SLUG.fullmatch(raw) is not None and len(raw) <= MAX_SLUG


def slug(node: Node | None, what: str, problems: Problems) -> str | None:
    raw = text(node, what, problems)
    if raw is None or node is None:  # text() is None for a missing node: node is there when raw is
        return None
    if not _SLUG.fullmatch(raw):
        problems.error(node.loc, f"{what}: expected lowercase letters, digits, '-' or '_', got '{raw}'")
        return None
    if len(raw) > MAX_SLUG:  # a folder's name in output/, and a part of every calendar UID
        problems.error(node.loc, f"{what}: {len(raw)} characters, more than a URL segment may have ({MAX_SLUG})")
        return None
    return raw


MAX_SLUG = 100


# ---- phone numbers -----------------------------------------------------------

# What people type between area code and number: ASCII hyphen, em dash, full-width
# hyphen, en dash, doubled forms, or a space.
_DASHES = re.escape("-—－–‐")
# [0-9], not \d: \d also matches full-width and other scripts' digits, which a tel: link cannot dial.
# Beijing (010) and the 02x cities have three-digit area codes; the rest four. Said in the pattern
# (not checked after a match) so that a number is read by the split that fits: 02112345678 is
# 021-12345678, where a greedy four-digit 0211 refused it; and a separator needs an area code.
_AREA = "0[12][0-9]|0[3-9][0-9]{2}"
_PHONE = re.compile(rf"(?:\+?86[ {_DASHES}]*)?(?:(?P<area>{_AREA})(?P<sep>[ {_DASHES}]*))?(?P<number>[0-9]{{7,8}})")
_MOBILE = re.compile(r"(?:\+?86[ -]?)?(?P<number>1[3-9][0-9]{9})")
# The same two forms for the JSON Schemas (schemas.py), without group names (an ECMA pattern):
# the mobile number as written, before the checker takes its spaces out.
_PHONE_PATTERN = re.sub(r"\?P<[a-z]+>", "", _PHONE.pattern)
_MOBILE_PATTERN = r"(?:(?:\+ *)?8 *6 *(?:- *)?)?1 *[3-9](?: *[0-9]){9}"


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


# Between the numbers of a list, as office staff write them: 、，,；;/ (or spaces alone).
_LIST_SEPARATORS = re.compile(r"\s*[、，,；;/／]\s*")


def phones(node: Node | None, what: str, problems: Problems) -> list[Phone]:
    """A list of phone numbers (a contact's): a YAML list, one text with separators
    ("0731-82250811、82684582"), or a list of such texts. A number written without its area
    code after one written with it is in the same area: its tel: link dials that area code
    (issue 16); what the page shows stays as written."""
    nodes = [node] if node is not None and isinstance(node.value, str) else items(node, what, problems)
    found: list[Phone] = []
    for item in nodes:
        raw = text(item, what, problems)
        if raw is None:
            continue
        for written in split_phones(raw):
            single = Node(written, item.path, item.line, item.column)
            parsed = phone(single, what, problems)
            if parsed is not None:
                found.append(parsed)
    return carry_area_codes(found)


def split_phones(raw: str) -> list[str]:
    """The numbers of a list as written. Spaces may separate two numbers or an area code from its
    number ("0731 82250811 82684582"): each step takes the longest run of words that is a phone."""
    numbers: list[str] = []
    for piece in _LIST_SEPARATORS.split(raw.strip()):
        words = piece.split()
        start = 0
        while start < len(words):
            end = next((end for end in range(len(words), start, -1)
                        if parse_phone(" ".join(words[start:end])) is not None), start + 1)
            numbers.append(" ".join(words[start:end]))
            start = end
    return [n for n in numbers if n]


def carry_area_codes(found: list[Phone]) -> list[Phone]:
    """Each local number dials the area code of the landline written before it, if any."""
    carried: list[Phone] = []
    area = None
    for p in found:
        if p.kind == "landline":
            area = p.tel.removeprefix("tel:+86-").split("-")[0]
        elif p.kind == "local" and area is not None:
            number = p.tel.removeprefix("tel:")
            p = Phone(p.raw, p.display, f"tel:+86-{area}-{number}", "local")
        carried.append(p)
    return carried


def _ascii_digits(raw: str) -> str:
    """``raw`` with full-width (and any other script's) digits written as 0-9."""
    return "".join(str(unicodedata.decimal(ch)) if not "0" <= ch <= "9" and unicodedata.decimal(ch, None) is not None
                   else ch for ch in raw)


def parse_phone(raw: str) -> Phone | None:
    compact = raw.strip()
    mobile = _MOBILE.fullmatch(compact.replace(" ", ""))
    if mobile:
        number = mobile["number"]
        return Phone(raw, compact, f"tel:+86-{number}", "mobile")
    match = _PHONE.fullmatch(compact)
    if not match:
        return None
    area, number = match["area"], match["number"]
    if not area:
        return Phone(raw, compact, f"tel:{number}", "local")
    # Shown as written (the office's dash style, an official source's '0898--68527569' too); the
    # tel: link is what a phone dials, the same whatever the dash.
    return Phone(raw, compact, f"tel:+86-{area[1:]}-{number}", "landline")


def dash_style(raw: str) -> str:
    """The separator as written: '-', '—', '--', '' (none), …"""
    match = _PHONE.fullmatch(raw.strip())
    return match["sep"] if match and match["area"] else ""
