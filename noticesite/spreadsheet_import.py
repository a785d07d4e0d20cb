"""A spreadsheet read into a notice's schedule file: the ``import`` command.

``build.py import schedule.xlsx --notice SLUG`` reads the rows into the notice's schedule
(its columns, title and place are kept from data/SLUG/schedule.yaml): every cell becomes a
located value (``schedule.xlsx:Sheet1!C7``) and the schedule's own checks read them, so a bad cell
is reported as ``schedule.xlsx:Sheet1!C7: session 5: start: expected a time …``; nothing is
written when any cell is wrong. The table it expects is the one spreadsheet.py writes. This half
reads data files with the loader's checks (schema, yamlio), so it is kept apart from the export
half, which the build's output stages import.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

from . import schema, yamlio
from .errors import Problems
from .model import Column, Location
from .spreadsheet import FORMULA_START, TIME_HEADERS
from .yamlio import Node


def csv_text(cell: str) -> str:
    """A .csv cell as the data had it: the apostrophe spreadsheet._csv_cell puts before text that
    a spreadsheet would run as a formula (or that starts with an apostrophe) taken off."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START + ("'",)) else cell


def read_table(path: Path, shown: str, problems: Problems) -> tuple[str, list[list[object]]] | None:
    """(sheet name, rows) of the first sheet of an .xlsx, or of a .csv (UTF-8, BOM or not)."""
    if path.suffix.lower() == ".csv":
        text, found = yamlio.read_text(path, shown)
        if text is None:
            problems.extend(found)
            return None
        return "", [[csv_text(cell) for cell in row] for row in csv.reader(io.StringIO(text))]
    if path.suffix.lower() != ".xlsx":
        problems.error(Location(shown), "expected an .xlsx or .csv file")
        return None
    from openpyxl import load_workbook
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        problems.error(Location(shown), f"cannot read as an .xlsx workbook: {exc}")
        return None
    sheet = book.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    book.close()
    return sheet.title, rows


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def import_schedule(table: Path, shown: str, target: Path, target_shown: str,
                    problems: Problems) -> str | None:
    """The text of the notice's schedule file with its sessions read from ``table``, or None with
    the problems (every cell located as ``shown:Sheet1!C7``)."""
    existing, found = yamlio.read(target, target.parent)
    problems.extend(found)
    if existing is None or not isinstance(existing.value, dict):
        if not found:
            problems.error(Location(target_shown), "expected a schedule file to take the columns from")
        return None
    read = read_table(table, shown, problems)
    if read is None:
        return None
    sheet, rows = read
    where = f"{shown}:{sheet}!" if sheet else f"{shown}:"
    columns = schema._load_columns(existing.value.get("columns"), problems)
    if columns is None or problems.failed:
        return None
    if not rows:
        problems.error(Location(shown), "the table is empty: expected a header row, then a row per session")
        return None
    headers = [str(_cell_text(h) or "") for h in rows[0]]
    expected = [*TIME_HEADERS, *(c.label for c in columns)]
    if headers[:len(expected)] != expected:
        problems.error(Location(f"{where}A1"), f"expected the headers {', '.join(expected)}, got {', '.join(headers)}")
        return None
    keys = ["date", "start", "end", *(c.key for c in columns)]
    sessions = []
    for number, row in enumerate(rows[1:], 2):
        if all(_cell_text(v) is None for v in row):
            continue  # an empty row: Excel keeps some
        cells = {key: Node(_cell_text(row[i]) if i < len(row) else None, f"{where}{_column_letter(i)}{number}", 0, 0)
                 for i, key in enumerate(keys)}
        sessions.append(Node({k: v for k, v in cells.items()}, f"{where}A{number}", 0, 0))
    tree = dict(existing.value)
    tree["sessions"] = Node(sessions, f"{where}A2", 0, 0)
    if schema.load_schedule(Node(tree, target_shown, 1, 1), problems) is None or problems.failed:
        return None
    return _schedule_text(existing.value, columns, sessions)


def _plain(value: str) -> str:
    """A value as YAML text: plain where YAML reads it back as the same text, else quoted."""
    if (re.fullmatch(r"[\w.+\-（）()、·/]+(?: [\w.+\-（）()、·/]+)*(?::[0-9]{2})?", value)
            and not value.startswith("-") and value not in ("~", "null", "Null", "NULL")):
        return value
    return json.dumps(value, ensure_ascii=False)


def _schedule_text(existing: dict[str, Node], columns: list[Column], sessions: list[Node]) -> str:
    lines = ["# yaml-language-server: $schema=../../schemas/schedule.schema.json"]
    for key in ("title", "location"):
        node = existing.get(key)
        if node is not None and isinstance(node.value, str):
            lines.append(f"{key}: {_plain(node.value)}")
    lines.append("columns:")
    lines += [f"  - {{key: {c.key}, label: {_plain(c.label)}, type: {c.type}}}" for c in columns]
    lines.append("sessions:")
    for session in sessions:
        assert isinstance(session.value, dict)  # made above as a mapping of cells
        values = [f"{k}: {_plain(str(v.value))}" for k, v in session.value.items() if v.value is not None]
        lines.append("  - {" + ", ".join(values) + "}")
    return "\n".join(lines) + "\n"
