"""Site search in a real Chromium over three notices in two years: the example (2012) and the
two 2013 notices of tests/sites/search-ranking (a text-only notice about 准考证, a notice with a
directory of its own), built once with their PDFs and the search index.

What a reader sees: the page to open first for each of ten queries (the whole word as typed
above pages with some of its characters, the older year's page when it is the better one), a
page and its PDF as one result with the PDF's size, pinyin finding pages, help when nothing is
found, an office's search-only alias finding it in the directory and in site search, and any
run of Chinese characters of a page, typed as written, finding it (issue 14)."""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from property_budget import examples
from playwright.sync_api import expect

from conftest import SITES
from directory_samples import built_and_served, watched_page
from noticesite.site import BuildOptions

pytestmark = pytest.mark.browser

FIXTURE = SITES / "search-ranking"
RESULTS = "#site-search-results"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with built_and_served(tmp_path_factory.mktemp("search-ranking") / "site",
                          BuildOptions(pdf=True, search=True), FIXTURE) as served:
        yield served


@pytest.fixture
def page(browser):
    context, page = watched_page(browser)
    yield page
    context.close()


def search(page, base: str, query: str) -> list[str]:
    """The results' addresses (path and query, decoded) once the list is complete."""
    page.goto(base + "search/index.html?q=" + quote(query))
    try:
        expect(page.locator(f"{RESULTS}[aria-busy=false]")).to_be_attached(timeout=20000)
    except AssertionError as error:
        raise AssertionError(f"{error}\nwhat the browser reported: {page.troubles}") from None
    links = page.locator(f"{RESULTS} .search-result-link")
    return [unquote(urlsplit(href).path + (f"?{urlsplit(href).query}" if urlsplit(href).query else ""))
            for href in (a.get_attribute("href") for a in links.all())]


RANKED = [
    # the word as typed (the 2013 notice) above pages with 准确 and 准备 (2012)
    ("准考证", "/2013-021/"),
    # words the segmenters cut differently (issue 14): 四六|级 indexed, 四|六|级 typed
    ("四六级", "/2013-021/"),
    ("大学英语", "/2013-021/"),
    ("考务科", "/2013-021/"),
    # the older year's page has it in its title; the newer notice in its text only
    ("图像采集", "/2012-104/attachment-4.html"),
    ("补拍", "/2012-104/attachment-3.html"),
    ("学历证书", "/2012-104/attachment-2.html"),
    ("一览表", "/2013-030/attachment-1.html"),
    # an office of the 2013 directory: its own record, which opens the directory filtered on it
    ("东院教务办", "/2013-030/attachment-1.html?q=东院教务办"),
    # an alias (data/offices.yaml: aliases: [哈尔滨]) finds the office that prints 哈乐滨: its own
    # record, which opens the directory filtered on it
    ("哈尔滨", "/2012-104/attachment-3.html?q=黑龙江分社"),
]


@pytest.mark.parametrize("query, first", RANKED, ids=[query for query, _ in RANKED])
def test_the_expected_page_is_the_first_result(page, site, query, first):
    base, _ = site
    found = search(page, base, query)
    assert found and found[0] == first, found


def test_a_page_containing_only_some_characters_ranks_below_the_word(page, site):
    base, output = site
    text = (output / "2012-104/attachment-2.html").read_text(encoding="utf-8")
    assert "准确" in text and "准考证" not in text  # what the ranking is tested against
    found = search(page, base, "准考证")
    assert "/2012-104/attachment-2.html" in found[1:], found


def test_a_page_and_its_pdf_are_one_result_with_the_pdf_size(page, site):
    base, output = site
    found = search(page, base, "流程图")
    assert not [url for url in found if url.endswith(".pdf")], found  # no PDF as a result of its own
    assert len(found) == len(set(found)), found
    item = page.locator(f"{RESULTS} li", has=page.locator('a.search-result-link[href$="/2012-104/attachment-4.html"]'))
    pdf = item.locator("a.search-result-pdf")
    expect(pdf).to_have_count(1)
    size = round((output / "2012-104/attachment-4.pdf").stat().st_size / 1024)
    expect(pdf).to_have_text(f"打印版 PDF（{size} KB）")
    assert urlsplit(pdf.get_attribute("href")).path == "/2012-104/attachment-4.pdf"


def test_pinyin_finds_a_page_about_hunan(page, site):
    base, _ = site
    found = search(page, base, "hunan")
    assert "/2012-104/" in found and "/2012-104/attachment-3.html" in found, found
    first = page.locator(f"{RESULTS} li").first
    expect(first.locator(".search-excerpt")).to_contain_text("湖南")  # the page's words, not its keys
    assert "hunan" not in first.locator(".search-excerpt").inner_text()
    assert "/2013-021/" in search(page, base, "zhunkaozheng")  # a title's word in full pinyin
    assert "/2012-104/attachment-4.html" in search(page, base, "liuchengtu")


def test_no_result_offers_a_shorter_query_the_directory_and_the_archive(page, site):
    base, _ = site
    assert search(page, base, "量子力学实验") == []
    help_ = page.locator("#site-search-help")
    expect(help_).to_be_visible()
    shorter = help_.locator("#site-search-shorter a")
    expect(shorter).to_have_text("量子")
    directory = help_.locator("#site-search-directory")
    expect(directory).to_be_visible()
    assert urlsplit(directory.get_attribute("href")).path == "/2013-030/attachment-1.html"  # the newest
    expect(help_.locator('a[href$="archive/index.html"]')).to_be_visible()
    shorter.click()  # searches for it at once
    expect(page.locator("#site-search-status")).to_contain_text("“量子”", timeout=20000)
    expect(page.locator("#site-search-q")).to_have_value("量子")
    expect(page).to_have_url(re.compile(re.escape("q=" + quote("量子")) + "$"))


def test_an_alias_finds_the_office_in_the_directory_without_changing_its_address(page, site):
    base, output = site
    assert "哈尔滨" not in (output / "2012-104/attachment-3.html").read_text(encoding="utf-8").split("search-keys")[0] \
        .replace('data-aliases="哈尔滨"', "")  # published nowhere but in the row's search keys
    page.goto(base + "2012-104/attachment-3.html")
    box = page.locator("#office-directory-q")
    box.type("哈尔滨", delay=20)
    rows = page.locator("#office-directory tbody tr:visible")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("th")).to_have_text("黑龙江分社")
    expect(rows.first.locator(".col-address")).to_have_text("哈乐滨市香坊区珠江路35号")
    box.fill("")
    box.type("haerbin", delay=20)
    expect(rows).to_have_count(1)
    assert search(page, base, "哈尔滨")[0] == "/2012-104/attachment-3.html?q=黑龙江分社"


def test_search_page_loads_the_index_before_the_first_query(page, site):
    """The index starts loading with the page, not at the first query; Pagefind's module, preloaded
    by the page's head, is the one search.js imports (the first bundle of bundles.json), asked once."""
    base, output = site
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.goto(base + "search/index.html")
    page.wait_for_load_state("networkidle")
    modules = [u for u in asked if Path(urlsplit(u).path).name == "pagefind.js"]
    first = json.loads((output / "pagefind/bundles.json").read_text(encoding="utf-8"))["bundles"][0]
    assert modules == [base + f"pagefind/{first}/pagefind.js"], asked
    assert page.evaluate("document.querySelector('link[rel=modulepreload]')?.href") == modules[0]
    assert any(Path(urlsplit(u).path).name == "pagefind-worker.js" for u in asked), asked  # init() without a key
    assert not any("/fragment/" in u for u in asked), asked  # no result's data before a query


# Chinese characters (the CJK Unified Ideographs and their extensions): a student types a run of
# them with no space, and expects every page that has that run in its text as written.
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
# The fixture's pages a student reads, and the address their result links to.
PAGES = {"2013-021/index.html": "/2013-021/", "2013-030/index.html": "/2013-030/",
         "2013-030/attachment-1.html": "/2013-030/attachment-1.html"}


def shown_runs(output: Path, page: str) -> list[str]:
    """The runs of Chinese characters (two or more) of the page's indexed part as it is shown:
    without its hidden elements (the search keys, the title meta)."""
    soup = BeautifulSoup((output / page).read_text(encoding="utf-8"), "html.parser")
    body = soup.select_one("[data-pagefind-body]")
    for hidden in body.select("[hidden]"):
        hidden.decompose()
    return [run for run in HAN.findall(body.get_text()) if len(run) >= 2]


@st.composite
def typed_words(draw, output: Path) -> tuple[str, str]:
    """A page of the fixture and 2 to 6 consecutive Chinese characters of its text."""
    page = draw(st.sampled_from(sorted(PAGES)))
    run = draw(st.sampled_from(shown_runs(output, page)))
    length = draw(st.integers(2, min(6, len(run))))
    start = draw(st.integers(0, len(run) - length))
    return page, run[start:start + length]


def test_any_run_of_characters_of_a_page_finds_it(page, site):
    """Whatever the segmenters (Pagefind's ICU4X at index time, the browser's at query time) make
    of the text, a student who types characters as they are written finds the page."""
    base, output = site

    @settings(max_examples=examples(15), deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(typed_words(output))
    def finds(drawn: tuple[str, str]) -> None:
        name, query = drawn
        assert PAGES[name] in search(page, base, query), (name, query)

    finds()
