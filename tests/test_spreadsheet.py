"""Schedules out to .xlsx and .csv and back in, through the command line; a bad cell located."""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
import subprocess
import sys
import zipfile

import pytest
from hypothesis import given, settings, strategies as st

from property_budget import examples
from openpyxl import load_workbook

from conftest import REPO, Project
from noticesite import schema, spreadsheet, spreadsheet_import, textcheck, yamlio
from noticesite.errors import Problems


def cli(project: Project, *args: str) -> subprocess.CompletedProcess:
    """Run from the project's folder, as staff would: a file named there is named so in messages."""
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args, "--project", str(project.root)],
                          capture_output=True, text=True, cwd=project.root)


def load(project: Project):
    node, problems = yamlio.read(project.path("data/2012-104/schedule.yaml"), project.root)
    assert not problems
    found = Problems()
    loaded = schema.load_schedule(node, found)
    assert loaded is not None and not found.failed, found
    return loaded


def plain(schedule) -> tuple:
    """A schedule's content without where it was read from."""
    return (schedule.title, schedule.location, schedule.columns,
            [(s.date, s.start, s.end, {k: getattr(v, "raw", v) for k, v in s.values.items()}, s.place)
             for s in schedule.sessions])


@pytest.mark.integration
@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_round_trip_export_then_import_gives_the_same_schedule(project: Project, suffix: str):
    before = load(project)
    rows = spreadsheet.schedule_rows(before)
    data = spreadsheet.to_xlsx(rows, "t") if suffix == "xlsx" else spreadsheet.to_csv(rows)
    table = project.path(f"schedule.{suffix}")
    table.write_bytes(data)
    result = cli(project, "import", str(table), "--notice", "2012-104")
    assert result.returncode == 0, result.stderr
    assert plain(load(project)) == plain(before)
    assert project.read("data/2012-104/schedule.yaml").startswith("# yaml-language-server: $schema=")


@pytest.mark.integration
def test_a_bad_cell_is_located_and_nothing_is_written(project: Project):
    rows = spreadsheet.schedule_rows(load(project))
    rows[6][2] = "25:00"  # row 7 of the sheet, column C: session 6's end
    table = project.path("schedule.xlsx")
    table.write_bytes(spreadsheet.to_xlsx(rows, "t"))
    before = project.read("data/2012-104/schedule.yaml")
    result = cli(project, "import", "schedule.xlsx", "--notice", "2012-104")
    assert result.returncode == 1
    assert "schedule.xlsx:Sheet1!C7: session 6: end: expected a time as HH:MM on the 24-hour clock, got '25:00'" \
        in result.stderr, result.stderr
    assert project.read("data/2012-104/schedule.yaml") == before


@pytest.mark.unit
def test_csv_has_a_bom_and_xlsx_is_the_same_bytes_every_time():
    node, _ = yamlio.read(REPO / "data/2012-104/schedule.yaml", REPO)
    rows = spreadsheet.schedule_rows(schema.load_schedule(node, Problems()))
    assert spreadsheet.to_csv(rows).startswith("\ufeff日期,开始,结束,学院".encode())
    first = spreadsheet.to_xlsx(rows, "t")
    import time
    time.sleep(1.1)  # not a timing test: a clock-dated entry would differ a second later
    assert spreadsheet.to_xlsx(rows, "t") == first
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {i.date_time for i in z.infolist()} == {spreadsheet.FIXED_ZIP_DATE}
        assert b"2013-01-04T00:00:00Z" in z.read("docProps/core.xml")
    sheet = load_workbook(io.BytesIO(first)).active
    assert sheet["B2"].value == "08:00" and sheet["G2"].value == "15973010514"


# Text a cell of the data may hold: any printable text, including what a spreadsheet would take
# for a formula ("=…", "+…", "-…", "@…") or a number.
_CELL = st.one_of(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12),
                  st.sampled_from(["=1+1", "=HYPERLINK(\"http://x\",\"y\")", "+86 731", "-", "@SUM(A1)", "007"]),
                  st.integers(min_value=0, max_value=10**6))


# A cell as the data can give it to the workbook: text of any character the loader lets through
# (textcheck.VALUE_CHARACTERS refuses the other control characters, CR, bidi controls, surrogates and
# noncharacters; tab and line feed pass), CJK among it, empty, or starting as a formula would; whole
# numbers; numbers of up to 15 significant digits (Excel's precision); dates, before 1900 too; nothing.
_LOADABLE_TEXT = st.text(st.one_of(st.characters(codec="utf-8").filter(
    lambda c: not textcheck.VALUE_CHARACTERS.match(c)), st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.sampled_from("\t\n ")), max_size=12)
_XLSX_CELL = st.one_of(
    st.tuples(st.sampled_from(["", "=", "+", "-", "@", "'"]), _LOADABLE_TEXT).map("".join),
    st.sampled_from(["=1+1", "=HYPERLINK(\"http://x\",\"y\")", "+86 731", "007", "1e3", "http://x.cn",
                     "_x0041_", " 空格 ", "TRUE"]),
    st.integers(min_value=-10**15, max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda x: float(f"{x:.15g}")).filter(math.isfinite),
    st.dates(),
    st.none())


def _read_back(value: object) -> tuple[object, str]:
    """A cell's value and type as openpyxl reads them: a date as a datetime at midnight (as text
    before Excel's first year), a number as a number, text as text, nothing as nothing."""
    if isinstance(value, dt.date):
        if value.year < spreadsheet.EXCEL_FIRST_YEAR:
            return value.isoformat(), "s"
        return dt.datetime.combine(value, dt.time()), "d"
    if value is None:
        return None, "n"
    return value, "s" if isinstance(value, str) else "n"


@pytest.mark.unit
@settings(max_examples=examples(300), deadline=None, derandomize=True)
@given(rows=st.lists(st.lists(_XLSX_CELL, min_size=3, max_size=3), min_size=1, max_size=5),
       title=_LOADABLE_TEXT.map("附件1 {}".format))  # as outputs.py names an attachment's workbook
def test_every_cell_reads_back_as_the_value_written_never_a_formula(rows, title):
    """A downloaded sheet shows the data, whatever its text: a cell is never made a formula (a
    formula from the data would run in the reader's Excel) nor a link, and reads back as written;
    the same rows make the same bytes."""
    data = spreadsheet.to_xlsx([["a", "b", "c"], *rows], title)
    book = load_workbook(io.BytesIO(data))
    sheet = book["Sheet1"]
    cells = [[sheet.cell(row=r + 2, column=c + 1) for c in range(3)] for r in range(len(rows))]
    assert [[(c.value, c.data_type) for c in row] for row in cells] == [[_read_back(v) for v in row] for row in rows]
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f" or c.hyperlink]
    assert book.properties.title == title and book.properties.creator == "noticesite"
    assert spreadsheet.to_xlsx([["a", "b", "c"], *rows], title) == data


# What Excel and WPS read as the start of a formula in a .csv cell (OWASP's CSV injection list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.unit
@settings(max_examples=examples(150), deadline=None, derandomize=True)
@given(rows=st.lists(st.lists(_CELL.map(str), min_size=3, max_size=3), min_size=1, max_size=5))
def test_no_csv_cell_starts_a_formula_and_the_import_reads_it_back(rows, tmp_path_factory):
    """A .csv has no cell types: Excel runs any cell starting with '=', '+', '-' or '@'. The export
    marks such text with a leading apostrophe (what Excel itself shows for text), and the import
    takes it off again: what was written reads back."""
    data = spreadsheet.to_csv([["a", "b", "c"], *rows])
    cells = [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]
    assert not [c for c in cells if c.startswith(_FORMULA_START)]
    path = tmp_path_factory.mktemp("csv") / "t.csv"
    path.write_bytes(data)
    problems = Problems()
    read = spreadsheet_import.read_table(path, "t.csv", problems)
    assert read is not None and not list(problems)
    assert read[1][1:] == rows
