"""Revisions and amendments (issue 17), the dates of the feed and the sitemap (issue 15: no date is
made up), and the share metadata of every page. Driven through the command line on the second
fixture site (a notice with two revisions, a date and a 版记) and on the example (no date at all)."""
from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import ARTIFACTS, REPO, Project, soup

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

# The notice that corrects the fixture's notice: written by the tests that need it.
CORRECTION = """---
number: 校教通〔2025〕21号
title: 关于2025年秋季学期补考报名现场确认的补充通知
issuer: 湖南理工学院教务处
addressees: 校属各教学院
date: 2025-09-05
{link}
---
2021级重修学生的现场确认安排补充如下。
"""


def cli(project: Project, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args, "--project", str(project.root)],
                          capture_output=True, text=True, timeout=300, cwd=REPO)


def build(project: Project, *options: str) -> Path:
    result = cli(project, "build", "--no-search", *(options or ("--no-pdf",)))
    assert result.returncode == 0, result.stderr
    return project.path("output")


def feed_entries(out: Path) -> tuple[ET.Element, list[ET.Element]]:
    feed = ET.parse(out / "feed.xml").getroot()
    return feed, feed.findall(f"{ATOM}entry")


def lastmods(out: Path) -> dict[str, str | None]:
    root = ET.parse(out / "sitemap.xml").getroot()
    return {u.find(f"{SITEMAP}loc").text: (u.find(f"{SITEMAP}lastmod").text if u.find(f"{SITEMAP}lastmod") is not None
                                           else None) for u in root.iter(f"{SITEMAP}url")}


@pytest.mark.integration
def test_latest_revision_on_top_and_the_history_at_the_end(exam_project: Project):
    page = soup(build(exam_project) / "2025-017/index.html")
    latest = page.select_one(".revision-notes .revision-latest")
    assert latest.select_one(".revision-kind").get_text() == "补充"
    assert latest.select_one("time")["datetime"] == "2025-09-05"
    assert "增加2021级重修学生的确认安排" in latest.get_text()
    assert latest.select_one("a.revision-history-link")["href"] == "#revision-history"
    # The banner comes before the body, the history after the signature.
    article = page.select_one("article.notice")
    parts = ["revision-notes", "notice-body", "signature", "revision-history"]
    order = [el.get("class", [None])[0] for el in article.find_all(class_=parts)]
    assert order == parts
    history = page.select("#revision-history li")
    assert [li.select_one("time")["datetime"] for li in history] == ["2025-09-05", "2025-09-03"]
    assert [li.select_one(".revision-kind").get_text() for li in history] == ["补充", "更正"]
    assert "校教通〔2025〕19号" in history[1].get_text()
    # Its 版记 and its date under the issuer.
    assert page.select_one(".signature time")["datetime"] == "2025-09-01"
    assert page.select_one(".imprint-cc").get_text() == "抄送：各教学院教学秘书，学生工作部。"
    assert page.select_one(".imprint-date").get_text() == "2025年9月1日印发"


@pytest.mark.integration
def test_a_notice_that_corrects_another_links_both_ways(exam_project: Project):
    exam_project.write("content/2025-021/notice.md", CORRECTION.format(link="replaces: 2025-017"))
    out = build(exam_project)
    old, new = soup(out / "2025-017/index.html"), soup(out / "2025-021/index.html")
    back = old.select_one(".amended-by")
    assert back.get_text(strip=True) == ("本通知已被校教通〔2025〕21号"
                                         "《关于2025年秋季学期补考报名现场确认的补充通知》更正。")
    assert back.a["href"] == "../2025-021/index.html"
    forward = new.select_one(".amends")
    assert forward.get_text(strip=True).startswith("本通知更正校教通〔2025〕17号《")
    assert forward.a["href"] == "../2025-017/index.html"
    # A revision that gives the document number of a notice of the site links to it.
    linked = [a["href"] for a in old.select("#revision-history a")]
    assert linked == ["../2025-021/index.html"]


@pytest.mark.integration
def test_supplements_by_document_number(exam_project: Project):
    exam_project.write("content/2025-021/notice.md", CORRECTION.format(link="supplements: 校教通〔2025〕17号"))
    out = build(exam_project)
    back = soup(out / "2025-017/index.html").select_one(".amended-by")
    assert back.get_text(strip=True).endswith("补充。") and back.a["href"] == "../2025-021/index.html"


@pytest.mark.integration
def test_feed_updated_and_sitemap_lastmod_are_the_latest_revision(exam_project: Project):
    out = build(exam_project)
    feed, entries = feed_entries(out)
    assert [e.find(f"{ATOM}updated").text for e in entries] == ["2025-09-05T00:00:00+08:00"]
    assert entries[0].find(f"{ATOM}published").text == "2025-09-01T00:00:00+08:00"
    assert feed.find(f"{ATOM}updated").text == "2025-09-05T00:00:00+08:00"
    assert lastmods(out)["https://example.edu.cn/jwc/2025-017/"] == "2025-09-05"
    assert lastmods(out)["https://example.edu.cn/jwc/2025-017/attachment-1.html"] == "2025-09-05"
    # Without revisions: the notice's own date; without that: the imprint's.
    text = exam_project.read("content/2025-017/notice.md")
    start, end = text.index("revisions:"), text.index("imprint:")
    exam_project.write("content/2025-017/notice.md", text[:start] + text[end:])
    out = build(exam_project)
    assert lastmods(out)["https://example.edu.cn/jwc/2025-017/"] == "2025-09-01"
    exam_project.replace("content/2025-017/notice.md", "date: 2025-09-01\n", "")
    exam_project.replace("content/2025-017/notice.md", "  date: 2025-09-01", "  date: 2025-09-02")
    out = build(exam_project)
    assert feed_entries(out)[1][0].find(f"{ATOM}updated").text == "2025-09-02T00:00:00+08:00"
    assert feed_entries(out)[1][0].find(f"{ATOM}published") is None


@pytest.mark.integration
def test_a_notice_without_any_date_gets_none_invented(project: Project):
    """The example gives no date: the feed leaves it out, the sitemap gives no lastmod, check says so."""
    result = cli(project, "check")
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr  # acknowledged where the example says its source has none
    project.replace("content/2012-104/notice.md", "# noticesite: accept no-date (the source gives no date)", "")
    result = cli(project, "check")
    line = project.line_of("content/2012-104/notice.md", "date:")
    assert (f"content/2012-104/notice.md:{line}:1: warning [no-date]: notice: no date is declared (date, revisions "
            "or imprint): the feed leaves this notice out and the sitemap gives it no lastmod") in result.stderr
    out = build(project)
    feed_text = (out / "feed.xml").read_text(encoding="utf-8")
    sitemap_text = (out / "sitemap.xml").read_text(encoding="utf-8")
    for placeholder in ("12-31", "01-01", "2000-"):
        assert placeholder not in feed_text and placeholder not in sitemap_text, placeholder
    feed, entries = feed_entries(out)
    assert entries == [] and feed.find(f"{ATOM}updated") is None
    assert set(lastmods(out).values()) == {None}
    page = soup(out / "2012-104/index.html")
    assert page.select_one(".signature time") is None and page.select_one(".revision-notes") is None
    assert page.select_one('meta[property="article:modified_time"]') is None


@pytest.mark.pdf
def test_share_metadata_in_the_head(exam_project: Project):
    out = build(exam_project, "--no-search")  # with PDFs: the alternate link points at one
    page = soup(out / "2025-017/index.html")

    def meta(name: str, attr: str = "name") -> str:
        return page.select_one(f'meta[{attr}="{name}"]')["content"]

    summary = "2025年秋季学期补考网上报名的学生须于9月8日至9日到指定教室现场确认。"
    assert meta("description") == summary and meta("og:description", "property") == summary
    assert meta("document-number") == "校教通〔2025〕17号"
    assert meta("og:type", "property") == "article"
    assert meta("og:url", "property") == "https://example.edu.cn/jwc/2025-017/"
    assert meta("og:title", "property").startswith("关于2025年秋季学期补考报名现场确认的通知")
    assert meta("article:modified_time", "property") == "2025-09-05"
    pdf = page.select_one('link[rel="alternate"][type="application/pdf"]')["href"]
    assert (out / "2025-017" / pdf).is_file()
    attachment = soup(out / "2025-017/attachment-1.html")
    assert (out / "2025-017" / attachment.select_one('link[rel="alternate"][type="application/pdf"]')["href"]).is_file()
    assert attachment.select_one('meta[name="document-number"]')["content"] == "校教通〔2025〕17号"
    index = soup(out / "index.html")
    assert index.select_one('meta[property="og:type"]')["content"] == "website"
    # Without a declared summary: the body's first sentence, up to its 。
    text = exam_project.read("content/2025-017/notice.md")
    lines = [line for line in text.split("\n") if not line.startswith("summary:")]
    exam_project.write("content/2025-017/notice.md", "\n".join(lines))
    page = soup(build(exam_project) / "2025-017/index.html")
    assert page.select_one('meta[name="description"]')["content"] == "2025年秋季学期补考网上报名已经结束。"


@pytest.mark.pdf
def test_imprint_and_date_printed_at_the_end_of_the_notice_pdf(exam_project: Project):
    from pypdf import PdfReader

    out = build(exam_project, "--no-search")
    reader = PdfReader(out / "2025-017/notice.pdf")
    whole = "\n".join(p.extract_text() for p in reader.pages).replace(" ", "")
    assert "湖南理工学院教务处\n2025年9月1日\n" in whole  # 成文日期 under the issuer, Arabic numerals
    flat = reader.pages[-1].extract_text().replace(" ", "").replace("\n", "")
    assert "抄送：各教学院教学秘书，学生工作部。" in flat and "2025年9月1日印发" in flat


@pytest.mark.browser
def test_revised_notice_page_at_360_px(exam_project: Project, browser):
    exam_project.write("content/2025-021/notice.md", CORRECTION.format(link="replaces: 2025-017"))
    out = build(exam_project)
    page = browser.new_page(viewport={"width": 360, "height": 740})
    try:
        page.goto((out / "2025-017/index.html").as_uri())
        banner = page.locator(".revision-notes")
        assert banner.is_visible()
        box = banner.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "revised-notice-360.png"), full_page=True)
    finally:
        page.close()
