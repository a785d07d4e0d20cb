"""Schedules out to spreadsheets (Excel, WPS): .xlsx through XlsxWriter, and .csv.

Out: a schedule (or a directory) as a table, header row of labels, one row per session (office),
written byte for byte the same for the same data (the workbook's date is taken from the data, the
zip's entries are dated ``FIXED_ZIP_DATE``), so that an unchanged notice gives an unchanged file.
CSV is UTF-8 with a byte order mark: without it Excel reads a CSV in the system's legacy code page
and shows Chinese as mojibake.

In: the ``import`` command reads such a table back (spreadsheet_import.py, a loading concern: it
reads data files and uses the schedule's checks, which an output stage has no need of).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from typing import TYPE_CHECKING

from .model import Attachment, Directory, Makeup, Phone, Schedule

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

FIXED_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # XlsxWriter's date for every entry of a workbook made in memory
TIME_HEADERS = ("日期", "开始", "结束")  # a schedule's first headers, which the import expects back
# Excel's first year: it holds no earlier date (XlsxWriter would write a negative day number, shown
# as ####, and a year before 1000 makes the workbook's own date unreadable). An earlier date of the
# data is written as its text, as Excel keeps such a date typed in a cell; the import reads either back.
EXCEL_FIRST_YEAR = 1900


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
    import xlsxwriter  # imported when a spreadsheet is made: a page build needs none

    out = io.BytesIO()
    # Each cell is written by its type (_write_cell), not by write(), which guesses; the three
    # strings_to_* options keep text text should write() ever be used. in_memory: no temporary
    # files, and every zip entry is dated FIXED_ZIP_DATE instead of a file's time.
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
               "strings_to_urls": False}
    with xlsxwriter.Workbook(out, options) as book:
        sheet = book.add_worksheet("Sheet1")
        date_format = book.add_format({"num_format": "yyyy-mm-dd"})
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                status = _write_cell(sheet, r, c, value, date_format)
                if status == -1:
                    raise ValueError(f"row {r + 1}, column {c + 1} is beyond the largest sheet Excel opens")
                if status == -2:  # the loader refuses such text (fields.MAX_TEXT): never cut silently
                    raise ValueError(f"row {r + 1}, column {c + 1}: text longer than an Excel cell holds")
        # Without "created" XlsxWriter dates the workbook with the clock. It must be a datetime:
        # a date (as its documentation has it) is taken for none, and the clock used.
        book.set_properties({"title": title, "author": "noticesite", "created": _created(rows)})
    return out.getvalue()


def _created(rows: list[list[object]]) -> dt.datetime:
    """The workbook's date, from its data: the latest date among its date cells, else 2000-01-01."""
    dates = [v for row in rows for v in row if isinstance(v, dt.date) and v.year >= EXCEL_FIRST_YEAR]
    return dt.datetime.combine(max(dates), dt.time()) if dates else dt.datetime(2000, 1, 1)


def _write_cell(sheet: Worksheet, row: int, col: int, value: object, date_format: Format) -> int:
    """XlsxWriter's status: 0, -1 (outside the sheet), -2 (text past Excel's 32,767 characters a
    cell, cut there). Text stays text whatever it starts with: a cell of the data reading
    '=HYPERLINK(…)' would run in the reader's Excel as a formula."""
    if value is None:
        return 0  # an empty cell: nothing written
    if isinstance(value, str):
        return sheet.write_string(row, col, value)
    if isinstance(value, bool):  # before int: a bool is an int
        return sheet.write_boolean(row, col, value)
    if isinstance(value, (int, float)):
        return sheet.write_number(row, col, value)
    if isinstance(value, dt.date):  # a datetime too, shown as its date
        if value.year < EXCEL_FIRST_YEAR:
            return sheet.write_string(row, col, value.isoformat())
        return sheet.write_datetime(row, col, value, date_format)
    raise TypeError(f"no spreadsheet cell holds a {type(value).__name__}: {value!r}")
