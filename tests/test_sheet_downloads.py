"""The example's schedule and directory pages offer their tables as .xlsx and .csv, made by the
build beside the PDF: the links, the files they point at, the sizes shown, and the rows, read
back from each file and compared with the rows of the page's own table."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from conftest import soup
from noticesite.render import environment

pytestmark = pytest.mark.integration  # one in-process build of the example, shared

KB = environment(Path("layouts")).filters["kb"]  # the PDF links' rounding, from the one filter


def schedule_table(doc: BeautifulSoup) -> list[list[str]]:
    """The page's schedule as spreadsheet rows: 日期, 开始, 结束, then its columns (the date is the
    session's half-day group's, the times are the time cell's two <time>s)."""
    table = doc.select_one("table.schedule")
    labels = [th.get_text(strip=True) for th in table.thead.find_all("th")]
    assert labels[0] == "时间"
    rows = [["日期", "开始", "结束", *labels[1:]]]
    for body in table.find_all("tbody"):
        date = body.select_one("tr.group-row time")["datetime"]
        for tr in body.find_all("tr"):
            if set(tr.get("class", [])) & {"group-row", "subtotal"}:
                continue
            cells = tr.find_all(["th", "td"])
            start, end = (t.get_text(strip=True) for t in cells[0].find_all("time"))
            rows.append([date, start, end, *(c.get_text(strip=True) for c in cells[1:])])
    return rows


def directory_table(doc: BeautifulSoup) -> list[list[str]]:
    table = doc.select_one("table#office-directory")
    rows = [[th.get_text(strip=True) for th in table.thead.find_all("th")]]
    rows += [[c.get_text(strip=True) for c in tr.find_all(["th", "td"])] for tr in table.tbody.find_all("tr")]
    return rows


def text(value: object) -> str:
    if isinstance(value, dt.datetime):  # openpyxl reads a date cell back as a datetime
        return value.date().isoformat()
    return "" if value is None else str(value)


@pytest.mark.parametrize("page, table", [("attachment-1.html", schedule_table),
                                         ("attachment-3.html", directory_table)])
def test_schedule_and_directory_pages_link_their_table_as_xlsx_and_csv(built_example: Path, page, table):
    folder = built_example / "2012-104"
    doc = soup(folder / page)
    links = doc.select("ul.sheet-links a")
    assert [a["href"] for a in links] == [page.replace(".html", ".xlsx"), page.replace(".html", ".csv")]
    expected = table(doc)
    assert len(expected) > 10
    for a in links:
        data = (folder / a["href"]).read_bytes()
        label = "Excel" if a["href"].endswith(".xlsx") else "CSV"
        assert a.get_text(strip=True) == f"下载表格（{label}，{KB(len(data))}）"
        assert re.fullmatch(r"下载表格（(Excel|CSV)，\d+ KB）", a.get_text(strip=True))
        assert a.has_attr("download")
        if label == "Excel":
            assert a["type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            sheet = load_workbook(io.BytesIO(data)).active
            rows = [[text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        else:
            assert a["type"] == "text/csv"
            assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8, not the legacy code page
            rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        assert rows == expected, a["href"]


def test_only_schedule_and_directory_pages_offer_spreadsheets(built_example: Path):
    folder = built_example / "2012-104"
    for page in ("index.html", "attachment-2.html", "attachment-4.html"):
        assert not soup(folder / page).select("ul.sheet-links"), page
    assert sorted(p.name for p in folder.glob("*.xlsx")) == ["attachment-1.xlsx", "attachment-3.xlsx"]
    assert sorted(p.name for p in folder.glob("*.csv")) == ["attachment-1.csv", "attachment-3.csv"]
