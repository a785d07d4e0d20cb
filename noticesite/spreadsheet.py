"""Schedules out to spreadsheets (Excel, WPS): .xlsx through openpyxl, and .csv.

Out: a schedule (or a directory) as a table, header row of labels, one row per session (office),
written byte for byte the same for the same data (the workbook's dates are fixed, and so are the
dates of the zip's entries), so that an unchanged notice gives an unchanged file. CSV is UTF-8
with a byte order mark: without it Excel reads a CSV in the system's legacy code page and shows
Chinese as mojibake.

In: the ``import`` command reads such a table back (spreadsheet_import.py, a loading concern: it
reads data files and uses the schedule's checks, which an output stage has no need of).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile

from .model import Attachment, Directory, Makeup, Phone, Schedule

FIXED_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry
TIME_HEADERS = ("日期", "开始", "结束")  # a schedule's first headers, which the import expects back


def schedule_rows(schedule: Schedule) -> list[list[object]]:
    """Header, then a row per session: date, start, end, then each column's value as written."""
    rows: list[list[object]] = [[*TIME_HEADERS, *(c.label for c in schedule.columns)]]
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
        # the import takes it off (spreadsheet_import.csv_text). One already there is doubled, so it reads back too.
        return "'" + value
    return value


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
