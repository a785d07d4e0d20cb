"""Schedules in and out of spreadsheets (Excel, WPS): .xlsx through openpyxl, and .csv.

Out: a schedule (or a directory) as a table, header row of labels, one row per session (office),
written byte for byte the same for the same data (the workbook's dates are fixed, and so are the
dates of the zip's entries), so that an unchanged notice gives an unchanged file. CSV is UTF-8
with a byte order mark: without it Excel reads a CSV in the system's legacy code page and shows
Chinese as mojibake.

In: ``build.py import schedule.xlsx --notice SLUG`` reads the rows into the notice's schedule
(its columns, title and place are kept from data/SLUG/schedule.yaml): every cell becomes a
located value (``schedule.xlsx:Sheet1!C7``) and the schedule's own checks read them, so a bad cell
is reported as ``schedule.xlsx:Sheet1!C7: session 5: start: expected a time …``; nothing is
written when any cell is wrong.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

from . import schema, yamlio
from .errors import Problems
from .model import Attachment, Column, Directory, Location, Makeup, Phone, Schedule
from .yamlio import Node

FIXED_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry
_TIME_HEADERS = ("日期", "开始", "结束")


def schedule_rows(schedule: Schedule) -> list[list[object]]:
    """Header, then a row per session: date, start, end, then each column's value as written."""
    rows: list[list[object]] = [[*_TIME_HEADERS, *(c.label for c in schedule.columns)]]
    for s in schedule.sessions:
        rows.append([s.date, f"{s.start:%H:%M}", f"{s.end:%H:%M}",
                     *(_cell_value(s.values[c.key]) for c in schedule.columns)])
    return rows


def directory_rows(directory: Directory) -> list[list[object]]:
    """The directory's table as its page shows it: the same columns in the same order (省份 only
    when an office has one), a phone as displayed. (No import reads it back, so unlike a
    schedule's phones nothing needs the spelling of the data.)"""
    province = any(o.province for o in directory.offices)
    rows: list[list[object]] = [["名称", *(["省份"] if province else []), "电话", "地址"]]
    rows += [[o.name, *([o.province] if province else []), o.phone.display, o.address] for o in directory.offices]
    return rows


SHEET_TYPES = ("schedule", "directory")  # the attachment types whose table is offered as a spreadsheet


def attachment_rows(attachment: Attachment) -> list[list[object]]:
    """The table of a schedule or directory attachment (``SHEET_TYPES``), header row first."""
    data = attachment.data
    if isinstance(data, Schedule):
        return schedule_rows(data)
    if isinstance(data, Makeup):
        return directory_rows(data.directory)
    raise ValueError(f"attachment {attachment.number} ({attachment.type}) has no table")


def _cell_value(value: object) -> object:
    return value.raw if isinstance(value, Phone) else value  # a phone as written: 0730-… keeps its 0


# What Excel and WPS read as the start of a formula in a .csv cell (OWASP, "CSV injection"): a
# .csv has no cell types, so such text from the data would run in the reader's spreadsheet.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_START + ("'",)):
        # An apostrophe first: the spreadsheet shows the text, as it does for "'" typed in a cell;
        # the import takes it off (_csv_text). One already there is doubled, so it reads back too.
        return "'" + value
    return value


def _csv_text(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START + ("'",)) else cell


def to_csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # CRLF: RFC 4180, and what Excel writes
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows: list[list[object]], title: str) -> bytes:
    from openpyxl import Workbook  # imported when a spreadsheet is made: a page build needs none

    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif cell.data_type == "f":
                # openpyxl takes any text starting with '=' for a formula: a cell of the data
                # reading '=HYPERLINK(…)' would run in the reader's Excel. Text stays text.
                cell.data_type = "s"
    # openpyxl stamps the workbook with the time it is made: a date from the data instead
    dates = [v for row in rows for v in row if isinstance(v, dt.date)]
    fixed = dt.datetime.combine(max(dates), dt.time()) if dates else dt.datetime(2000, 1, 1)
    book.properties.creator = "noticesite"
    book.properties.title = title
    book.properties.created = book.properties.modified = fixed
    raw = io.BytesIO()
    book.save(raw)
    return _fixed_zip_dates(raw.getvalue(), fixed)


def _fixed_zip_dates(data: bytes, fixed: dt.datetime) -> bytes:
    """The same zip with every entry dated ``FIXED_ZIP_DATE`` (zipfile dates each entry with the
    clock) and docProps/core.xml's dates set to ``fixed`` whatever openpyxl wrote there."""
    stamp = fixed.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), content)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, content)
    return out.getvalue()


# ---- import ---------------------------------------------------------------------


def read_table(path: Path, shown: str, problems: Problems) -> tuple[str, list[list[object]]] | None:
    """(sheet name, rows) of the first sheet of an .xlsx, or of a .csv (UTF-8, BOM or not)."""
    if path.suffix.lower() == ".csv":
        text, found = yamlio.read_text(path, shown)
        if text is None:
            problems.extend(found)
            return None
        return "", [[_csv_text(cell) for cell in row] for row in csv.reader(io.StringIO(text))]
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
    expected = [*_TIME_HEADERS, *(c.label for c in columns)]
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
