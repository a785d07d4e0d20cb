"""JSON Schemas of the data files, written from the checker's own declarations.

An editor with YAML support (yaml-language-server: VS Code's YAML extension, and others) reads a
file's first line ``# yaml-language-server: $schema=../../schemas/schedule.schema.json`` and flags a
misspelt field, a missing one or a value of the wrong form as it is typed. The schemas are made
here from the ``Field`` lists of schema.py (their names, help, whether required, and ``Shape``),
never written by hand: ``build.py schemas`` writes them into ``schemas/`` of the project, and a
test holds the committed ones equal to what this module makes.

What a schema cannot say, the checker still does: a session's values by its column's type, times
in order, overlaps, duplicate names, files that exist, the flow chart's paths. An editor sees the
YAML 1.2 types (``169`` is a number, ``08:00`` text), while the checker reads every value as text:
a number is accepted wherever its digits would be (a count, a mobile number, any text).

Draft-07, the newest draft yaml-language-server supports.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from . import limits, schema, textcheck
from .fields import _MOBILE_PATTERN, _PHONE_PATTERN, Field, Shape

FOLDER = "schemas"  # beside content/, data/ and layouts/: not in layouts/, whose files are published
DRAFT = "http://json-schema.org/draft-07/schema#"

# Characters refused in any text (textcheck.py), those of the Basic Multilingual Plane: an ECMA
# regular expression without the 'u' flag sees a character above it as two surrogates.
def _bmp_class(characters: str) -> str:
    """textcheck's class of refused characters (single ones and ranges a-b, unescaped) written with
    \\uXXXX escapes, the ranges above the Basic Multilingual Plane left out."""
    parts, i = [], 0
    while i < len(characters):
        low = high = characters[i]
        if i + 2 < len(characters) and characters[i + 1] == "-":
            high, i = characters[i + 2], i + 3
        else:
            i += 1
        if ord(low) <= 0xFFFF:
            parts.append(f"\\u{ord(low):04x}" + (f"-\\u{ord(high):04x}" if high != low else ""))
    return "".join(parts)


_REFUSED = _bmp_class(textcheck.REFUSED + "\r")
_CLEAN = f"[^{_REFUSED}]*"
_SPACE = r"\s*"  # the checker strips a value before reading it


def _string(pattern: str) -> dict[str, Any]:
    return {"type": "string", "pattern": f"^{_SPACE}(?:{pattern}){_SPACE}$"}


def _at_most(largest: int) -> str:
    """A pattern of the whole numbers 1..largest, for a power of ten (limits.MAX_COUNT)."""
    digits = len(str(largest)) - 1
    assert largest == 10 ** digits, "write the pattern for a limit that is not a power of ten"
    return f"0*(?:[1-9][0-9]{{0,{digits - 1}}}|{largest})"


def _date() -> str:
    """YYYY-MM-DD of a day that exists (datetime.date.fromisoformat's rule), leap years included."""
    year = "(?!0000)[0-9]{4}"
    leap = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
    return (f"{year}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)"
            f"|(?:0[13578]|1[02])-31)|{leap}-02-29")


def shape_schema(shape: Shape) -> dict[str, Any]:
    """One value's schema, as the editor sees it (YAML 1.2 types)."""
    kind = shape.kind
    if kind == "text":  # anything but blank
        return {"anyOf": [{"type": "string", "pattern": f"^(?!{_SPACE}$){_CLEAN}$"},
                          {"type": ["number", "boolean"]}]}
    if kind in ("optional_text", "scalar"):
        return {"anyOf": [{"type": "string", "pattern": f"^{_CLEAN}$"}, {"type": ["number", "boolean"]}]}
    if kind == "count":
        return {"anyOf": [{"type": "integer", "minimum": 1, "maximum": limits.MAX_COUNT},
                          _string(f"(?=[0-9]{{1,12}}{_SPACE}$){_at_most(limits.MAX_COUNT)}")]}
    if kind == "time":
        return _string("(?:[01][0-9]|2[0-3]):[0-5][0-9]")
    if kind == "date":
        return _string(_date())
    if kind == "phone":
        return {"anyOf": [_string(f"{_PHONE_PATTERN}|{_MOBILE_PATTERN}"),
                          {"type": "integer", "minimum": 1_000_000, "maximum": 99_999_999},  # a local number
                          {"type": "integer", "minimum": 13_000_000_000, "maximum": 19_999_999_999}]}  # mobile
    if kind == "slug":
        refused = "".join(f"(?!{re.escape(word)}{_SPACE}$)" for word in shape.options)
        return {"anyOf": [_string(f"{refused}[a-z0-9][a-z0-9_-]*"), {"type": "integer", "minimum": 0}]}
    if kind == "choice":
        return {**_string("|".join(re.escape(o) for o in shape.options)), "enum": list(shape.options)}
    if kind == "flag":  # fields.flag: YAML's plain true or false (quoted, the same words)
        return {"anyOf": [{"type": "boolean"}, _string("true|false")]}
    if kind == "url":
        return {"type": "string", "pattern": "^https?://[^/?#\\s]+[^\\s]*$", "format": "uri"}
    if kind == "list":
        assert shape.item is not None  # a list is declared with its item's shape
        found: dict[str, Any] = {"type": "array", "items": shape_schema(shape.item)}
        if not shape.allow_empty:
            found["minItems"] = 1
        if shape.most is not None:
            found["maxItems"] = shape.most
        return found
    if kind == "record":
        return record_schema(list(shape.fields), shape.extra)
    raise ValueError(f"no JSON Schema for the shape '{kind}'")


def record_schema(fields: list[Field], extra: Shape | None = None) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for field in fields:
        value = shape_schema(field.shape)
        # an empty optional field (`title:`) is read as absent; a required one is missing
        properties[field.name] = {"description": field.help,
                                  **(value if field.required else {"anyOf": [value, {"type": "null"}]})}
    return {"type": "object", "properties": properties,
            "required": [f.name for f in fields if f.required],
            "additionalProperties": shape_schema(extra) if extra else False}


def file_schema(kind: str) -> dict[str, Any]:
    description, fields = schema.DATA_FILES[kind]
    return {"$schema": DRAFT, "$id": f"{kind}.schema.json", "title": f"noticesite {kind} data file",
            "description": description + " (written by noticesite/schemas.py from schema.py: do not edit)",
            **record_schema(fields)}


def texts() -> dict[str, str]:
    """File name -> text of every schema: sorted keys, two-space indent, a final newline."""
    return {f"{kind}.schema.json": json.dumps(file_schema(kind), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
            for kind in schema.DATA_FILES}


def write(folder: Path) -> list[Path]:
    """Writes (or rewrites) every schema into ``folder``; returns the files changed."""
    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, text in texts().items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed
