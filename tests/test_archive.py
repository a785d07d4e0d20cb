"""Many notices: pagination, the year archive, the Atom feed, the sitemap, a base URL with a sub-path,
the key-date timeline and the iCalendar files."""
from __future__ import annotations

import datetime as dt
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import icalendar
import pytest

from conftest import Project, soup
from noticesite.site import BuildOptions, build, load

# Each test builds the whole example in-process (seconds each): not the fast layer.
pytestmark = pytest.mark.integration

HTML_ONLY = BuildOptions(pdf=False, search=False)
ATOM = "{http://www.w3.org/2005/Atom}"


def build_project(project: Project) -> Path:
    site, problems = load(project.root)
    assert site is not None, "\n".join(map(str, problems))
    build(site, project.path("output"), HTML_ONLY)
    return project.path("output")


def add_notices(project: Project, count: int) -> None:
    """Copies of the example, one a month from 2011 on, so years and order are known."""
    for i in range(count):
        slug = f"n{i:02d}"
        shutil.copytree(project.path("content/2012-104"), project.path(f"content/{slug}"))
        year, month = 2011 + i // 12, i % 12 + 1
        project.replace(f"content/{slug}/notice.md", "校教通〔2012〕104号", f"校教通〔{year}〕{i + 1}号")
        project.replace(f"content/{slug}/notice.md", "date:  ", f"date: {year}-{month:02d}-15  ")


def test_index_paginates_newest_first(project: Project):
    add_notices(project, 25)
    project.write("data/site.yaml", project.read("data/site.yaml") + "per_page: 10\n")
    out = build_project(project)
    pages = [out / "index.html", out / "page/2/index.html", out / "page/3/index.html"]
    assert not (out / "page/4/index.html").exists()
    numbers = []
    for page in pages:
        numbers += [p.select_one(".doc-number").get_text() for p in soup(page).select(".notice-item")]
    assert len(numbers) == 26
    dates = [t["datetime"] for page in pages for t in soup(page).select(".notice-item time")]
    assert dates == sorted(dates, reverse=True)
    assert soup(pages[1]).select_one('.pagination a[rel="next"]')["href"] == "../../page/3/index.html"
    assert soup(pages[1]).select_one('.pagination a[rel="prev"]')["href"] == "../../index.html"


def test_archive_by_year(project: Project):
    add_notices(project, 14)  # 12 in 2011, 2 in 2012, plus the example (2012, undated)
    out = build_project(project)
    years = [a.get_text(strip=True) for a in soup(out / "archive/index.html").select(".year-links a")]
    assert years == ["2012年（3）", "2011年（12）"]
    items = soup(out / "archive/2011/index.html").select(".notice-item")
    assert len(items) == 12


def test_atom_feed_and_sitemap_use_the_base_url(project: Project):
    # A notice without a date is left out of the feed (tests/test_revisions.py): give it one.
    project.replace("content/2012-104/notice.md", "date:  ", "date: 2012-12-10  ")
    out = build_project(project)
    feed = ET.parse(out / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].find(f"{ATOM}link").get("href") == "https://jwc.example.edu.cn/2012-104/"
    # The body's relative links and images resolve against the notice's folder, as on its page.
    base = entries[0].find(f"{ATOM}content").get("{http://www.w3.org/XML/1998/namespace}base")
    assert base == "https://jwc.example.edu.cn/2012-104/"
    assert entries[0].find(f"{ATOM}title").text == "校教通〔2012〕104号 关于做好2014届预计毕业生图像信息采集工作的通知"
    dt.datetime.fromisoformat(entries[0].find(f"{ATOM}updated").text)
    urls = [u.text for u in ET.parse(out / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://jwc.example.edu.cn/2012-104/attachment-3.html" in urls


def test_site_under_a_sub_path_uses_only_relative_internal_links(project: Project):
    project.replace("content/2012-104/notice.md", "date:  ", "date: 2012-12-10  ")  # in the feed
    project.replace("data/site.yaml", "https://jwc.example.edu.cn/", "https://example.edu.cn/jwc/")
    out = build_project(project)
    feed = ET.parse(out / "feed.xml").getroot()
    assert feed.find(f"{ATOM}entry/{ATOM}link").get("href") == "https://example.edu.cn/jwc/2012-104/"
    assert soup(out / "404.html").select_one("main a")["href"] == "/jwc/index.html"
    for page in out.rglob("*.html"):
        if page.name == "404.html":
            continue
        for el in soup(page).find_all(href=True) + soup(page).find_all(src=True):
            ref = el.get("href") or el.get("src")
            parts = urlsplit(ref)
            if parts.scheme in ("http", "https", "tel", "mailto", "data") or ref.startswith("#"):
                continue
            assert not ref.startswith("/"), f"{page}: {ref} is root-relative and breaks under /jwc/"
            if ref.startswith("../pagefind/") and not (out / "pagefind").is_dir():
                continue  # the search page's index: this build has none (built without search)
            assert (page.parent / unquote(parts.path)).resolve().exists(), f"{page}: {ref}"


def test_404_page(project: Project):
    out = build_project(project)
    page = soup(out / "404.html")
    assert page.h1.get_text() == "页面不存在"
    assert page.select_one("main a")["href"] == "/index.html"
    assert page.select_one("link[rel=stylesheet]")["href"] == "/style.css"


def test_timeline_shows_key_dates_with_the_computed_proofreading_date(project: Project):
    out = build_project(project)
    items = soup(out / "2012-104/index.html").select(".timeline-item")
    dates = [i.select_one("time")["datetime"] for i in items]
    assert dates == ["2012-12-14", "2012-12-19", "2013-01-03", "2013-03-04"]
    # 40 working days after 2013-01-04 across the 2013 Spring Festival (02-09..15 off, 02-16/17 worked)
    assert items[3].select_one(".timeline-label").get_text().startswith("登录中国高等教育学生信息网")
    assert "截止" in items[1].get_text()


def test_key_date_past_the_holiday_calendar_is_an_error(project: Project):
    project.replace("content/2012-104/notice.md", "date: 2013-01-03, end: 2013-01-04",
                    "date: 2099-01-03, end: 2099-01-04")
    site, problems = load(project.root)
    assert site is None
    error = problems.errors[0]
    assert error.path == "content/2012-104/notice.md"
    assert error.line == project.line_of("content/2012-104/notice.md", "id: proofread")
    assert "outside" in error.message


def read_calendar(path: Path) -> icalendar.Calendar:
    data = path.read_bytes()
    assert b"\r\n" in data
    return icalendar.Calendar.from_ical(data)


def test_calendar_files_import(project: Project):
    out = build_project(project)
    folder = out / "2012-104/calendar"
    everything = read_calendar(folder / "all.ics")
    events = everything.walk("VEVENT")
    assert len(events) == 4 + 14
    assert everything.walk("VTIMEZONE")[0]["TZID"] == "Asia/Shanghai"
    photos = read_calendar(folder / "photos.ics").walk("VEVENT")[0]
    assert photos.decoded("DTSTART") == dt.date(2013, 1, 3)
    assert photos.decoded("DTEND") == dt.date(2013, 1, 5)  # exclusive
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)


def test_each_college_has_a_calendar_with_its_slot_and_the_key_dates(project: Project):
    out = build_project(project)
    page = soup(out / "2012-104/attachment-1.html")
    links = {a.get_text(): a["href"] for a in page.select(".group-calendar-list a")}
    assert len(links) == 14
    calendar = read_calendar(out / "2012-104" / unquote(links["政法学院"]))
    events = calendar.walk("VEVENT")
    assert len(events) == 1 + 4
    slot = next(e for e in events if "政法学院" in str(e["SUMMARY"]))
    start = slot.decoded("DTSTART")
    assert (start.year, start.month, start.day, start.hour, start.minute) == (2013, 1, 3, 8, 0)
    assert slot["DTSTART"].params["TZID"] == "Asia/Shanghai"
    # each slot's time in the table links to its college's calendar, which holds that slot
    first_time = page.select_one("table.schedule td.col-time a")
    assert unquote(first_time["href"]) == unquote(links["政法学院"])
    linked = read_calendar(out / "2012-104" / unquote(first_time["href"])).walk("VEVENT")
    assert str(slot["UID"]) in {str(e["UID"]) for e in linked}


def test_calendar_uids_are_stable_across_builds(project: Project, tmp_path: Path):
    out = build_project(project)
    first = (out / "2012-104/calendar/all.ics").read_bytes()
    project.replace("content/2012-104/notice.md", "现将有关安排", "现将有关的安排")
    out = build_project(project)
    assert (out / "2012-104/calendar/all.ics").read_bytes() == first
