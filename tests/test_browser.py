"""The built example site in a real browser (Debian's Chromium driven by Playwright), served from
output/ on 127.0.0.1: the office directory, site search, accessibility, requests, screenshots."""
from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from conftest import ARTIFACTS, REPO, copy_project
from directory_samples import built_and_served, serve
from noticesite import search
from noticesite.site import BuildOptions, build, load

pytestmark = pytest.mark.browser

DIRECTORY = "2012-104/attachment-3.html"
ROWS = "#office-directory tbody tr"
SCREENS = ARTIFACTS / "screens"


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    """The example built with its search index (and PDFs, as the README build does) and served."""
    with built_and_served(tmp_path_factory.mktemp("browser") / "site", BuildOptions(pdf=True, search=True)) as served:
        yield served


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.requests = []  # every URL the page asked for
    page.on("request", lambda r: page.requests.append(r.url))
    page.troubles = []  # what the browser reported going wrong, shown when a test fails
    page.on("console", lambda m: m.type == "error" and page.troubles.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: page.troubles.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: page.troubles.append(f"request failed: {r.url} {r.failure}"))
    yield page
    context.close()


def html_pages(output: Path) -> list[str]:
    return sorted(p.relative_to(output).as_posix() for p in output.rglob("*.html")
                  if not p.relative_to(output).as_posix().startswith("pagefind/"))


def visible_offices(page) -> list[str]:
    return page.locator(f"{ROWS}:visible th").all_inner_texts()


def type_query(page, text: str) -> None:
    box = page.locator("#office-directory-q")
    box.fill("")
    box.type(text, delay=20)


def test_typing_hunan_shows_only_the_hunan_branch(page, site_url):
    base, _ = site_url
    page.goto(base + DIRECTORY)
    type_query(page, "湖南")
    expect(page.locator(f"{ROWS}:visible")).to_have_count(1)
    assert visible_offices(page) == ["湖南分社"]
    expect(page.locator("#office-directory-count")).to_have_text("找到 1 条")
    assert page.locator(f"{ROWS}:visible mark").first.inner_text() == "湖南"


def test_typing_an_area_code_matches_phone_digits(page, site_url):
    base, _ = site_url
    page.goto(base + DIRECTORY)
    type_query(page, "0731")
    expect(page.locator(f"{ROWS}:visible")).to_have_count(1)
    assert visible_offices(page) == ["湖南分社"]
    type_query(page, "0898-6852")  # typed with a dash, stored with two
    assert visible_offices(page) == ["海南分社"]


def test_pinyin_initials_match(page, site_url):
    base, _ = site_url
    page.goto(base + DIRECTORY)
    type_query(page, "hn")
    expect(page.locator(f"{ROWS}:visible")).to_have_count(3)
    assert sorted(visible_offices(page)) == sorted(["海南分社", "河南分社", "湖南分社"])
    type_query(page, "hunan")
    expect(page.locator(f"{ROWS}:visible")).to_have_count(1)


def test_unknown_word_shows_the_no_match_message(page, site_url):
    base, _ = site_url
    page.goto(base + DIRECTORY)
    type_query(page, "火星")
    expect(page.locator("#office-directory-empty")).to_be_visible()
    expect(page.locator(f"{ROWS}:visible")).to_have_count(0)
    page.locator(".directory-clear").click()
    expect(page.locator(f"{ROWS}:visible")).to_have_count(30)


def test_query_in_the_url_restores_a_search(page, site_url):
    base, _ = site_url
    page.goto(base + DIRECTORY + "?q=" + quote("湖南"))
    expect(page.locator(f"{ROWS}:visible")).to_have_count(1)
    assert page.locator("#office-directory-q").input_value() == "湖南"
    type_query(page, "四川")
    expect(page.locator(f"{ROWS}:visible")).to_have_count(1)
    expect(page).to_have_url(re.compile(re.escape("q=" + quote("四川"))))
    page.reload()
    assert visible_offices(page) == ["四川分社"]


def test_without_javascript_all_thirty_rows_are_visible(browser, site_url):
    base, _ = site_url
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + DIRECTORY + "?q=" + quote("湖南"))
    expect(page.locator(f"{ROWS}:visible")).to_have_count(30)
    expect(page.locator("form.directory-search")).to_be_hidden()
    context.close()


def expect_search_result(page, locator) -> None:
    try:
        expect(locator).to_be_visible(timeout=10000)
    except AssertionError as error:
        raise AssertionError(f"{error}\nwhat the browser reported: {page.troubles}") from None


def test_search_index_files_are_whole(site_url):
    """Every compressed file of the index decompresses and the script ends with its exports:
    the Pagefind binary once was stopped while still writing, leaving pagefind.js cut short.
    One index for the whole site (issue 14: indexes per year ranked on different scales)."""
    _, output = site_url
    index = output / "pagefind"
    listing = json.loads((index / "bundles.json").read_text(encoding="utf-8"))
    assert listing["bundles"] == ["site"]
    search.verify_index(index / "site", listing["pages"]["site"])
    packed = [p for p in index.rglob("*") if p.is_file() and (".pf_" in p.suffix or p.name.startswith("wasm."))]
    assert len(packed) >= 4
    for path in packed:
        gzip.decompress(path.read_bytes())  # raises on a cut-off file
    script = (index / "site/pagefind.js").read_text(encoding="utf-8")
    assert re.search(r"export\{[^}]*\bsearch\b[^}]*\};?\s*$", script), script[-200:]


def test_site_search_finds_the_example_notice(page, site_url):
    base, _ = site_url
    page.goto(base + "search/index.html")
    page.locator("#site-search-q").fill("图像采集")
    results = page.locator(".search-result-link")
    expect_search_result(page, results.first)
    titles = results.all_inner_texts()
    assert "关于做好2014届预计毕业生图像信息采集工作的通知" in titles
    assert any(t.startswith("附件4：毕业生图像采集流程图") for t in titles)
    link = page.locator(".search-result-link").get_by_text("关于做好2014届预计毕业生图像信息采集工作的通知", exact=True)
    expect(page.locator("#site-search-status")).to_contain_text("找到")
    expect(page).to_have_url(re.compile(re.escape("q=" + quote("图像采集"))))
    assert urlsplit(link.get_attribute("href")).path == "/2012-104/"
    assert all(urlsplit(u).hostname == "127.0.0.1" for u in page.requests)


def test_site_search_finds_an_office_and_opens_the_filtered_directory(page, site_url):
    base, _ = site_url
    page.goto(base + "search/index.html?q=" + quote("湖南分社"))
    link = page.locator(".search-result-link", has_text="湖南分社（附件3").first
    expect_search_result(page, link)
    link.click()
    expect(page.locator(f"{ROWS}:visible")).to_have_count(1)
    assert visible_offices(page) == ["湖南分社"]


@pytest.fixture(scope="module")
def two_years_url(tmp_path_factory):
    """The example beside a notice of 2013: one search index covers both years."""
    root = copy_project(REPO, tmp_path_factory.mktemp("two-years") / "site")
    shutil.copytree(root / "content/2012-104", root / "content/2013-005")
    notice = root / "content/2013-005/notice.md"
    text = notice.read_text(encoding="utf-8").replace("校教通〔2012〕104号", "校教通〔2013〕5号")
    notice.write_text(text.replace("现将有关安排", "现将补录QXZ有关安排", 1), encoding="utf-8")
    site, problems = load(root)
    assert site is not None, problems
    build(site, root / "output", BuildOptions(pdf=False, search=True))
    with serve(root / "output") as base:
        yield base, root / "output"


def test_site_search_finds_pages_of_every_year(page, two_years_url):
    base, output = two_years_url
    assert json.loads((output / "pagefind/bundles.json").read_text(encoding="utf-8"))["bundles"] == ["site"]
    page.goto(base + "search/index.html?q=QXZ")  # only in the 2013 notice
    expect_search_result(page, page.locator(".search-result-link").first)
    assert {urlsplit(a.get_attribute("href")).path for a in page.locator(".search-result-link").all()} == {"/2013-005/"}
    page.goto(base + "search/index.html?q=" + quote("湖南分社"))  # in both years
    expect_search_result(page, page.locator(".search-result-link").first)
    paths = {urlsplit(a.get_attribute("href")).path for a in page.locator(".search-result-link").all()}
    assert {"/2012-104/attachment-3.html", "/2013-005/attachment-3.html"} <= paths
    assert all(urlsplit(u).hostname == "127.0.0.1" for u in page.requests)


def test_every_page_passes_axe_stays_on_this_host_and_is_screenshotted(browser, site_url):
    base, output = site_url
    SCREENS.mkdir(parents=True, exist_ok=True)
    axe = Axe()
    failures = []
    for path in html_pages(output):
        for width in (360, 1280):
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))  # noqa: B023 (this page's list; it closes below)
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            if width == 360:
                results = axe.run(page)
                serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
                failures += [f"{path}: {v['id']} ({v['impact']}): {v['help']}" for v in serious]
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                if scroll_width > width:
                    failures.append(f"{path}: page is {scroll_width}px wide at {width}px")
                # Tables fit a phone without sideways scrolling (only the flow chart may scroll).
                cut = page.evaluate("""[...document.querySelectorAll('.table-scroll')]
                    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.getAttribute('aria-label'))""")
                failures += [f"{path}: table '{label}' is wider than a 360px screen" for label in cut]
            name = path.replace("/", "_").removesuffix(".html")
            page.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
            outside = [u for u in requests if urlsplit(u).hostname != "127.0.0.1" and not u.startswith("data:")]
            failures += [f"{path}: request to {u}" for u in outside]
            context.close()
    assert not failures, "\n".join(failures)
