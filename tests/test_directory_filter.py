"""The office directory in a real browser: the table of
layouts/partials/directory.html driven by layouts/directory.js.

The macro is rendered into a bare page (tests/directory_samples.py), served
from a temporary folder on 127.0.0.1 and opened in Debian's Chromium.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from directory_samples import real_directory, serve, write_site
from noticesite.pinyin import annotate

import playwright.sync_api as playwright_api
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

ALL = [name for name, *_ in __import__("directory_samples").OFFICES]
INPUT = "#office-directory-q"
COUNT = "#office-directory-count"
EMPTY = "#office-directory-empty"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    directory = real_directory()
    annotate(directory)
    folder = tmp_path_factory.mktemp("directory")
    page_path = write_site(folder, directory)
    with serve(folder) as base:
        yield base + page_path


class Tab:
    """A page with the requests it made and the dialogs it tried to open."""

    def __init__(self, page):
        self.page = page
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def visible_names(self) -> list[str]:
        return self.page.locator("#office-directory tbody tr:visible th").all_inner_texts()

    def marks(self) -> list[str]:
        return self.page.locator("#office-directory tbody tr:visible mark").all_inner_texts()

    def wait_for_count(self, text: str) -> None:
        playwright_api.expect(self.page.locator(COUNT)).to_have_text(text, timeout=3000)

    def assert_local(self) -> None:
        hosts = {urlsplit(u).hostname for u in self.requests}
        assert hosts == {"127.0.0.1"}, self.requests


@pytest.fixture(scope="module")
def context(browser):
    # one context for the module, a new page per test: the page state the
    # script keeps (the query, the URL) is per page
    c = browser.new_context()
    yield c
    c.close()


@pytest.fixture
def tab(context, site):
    page = context.new_page()
    t = Tab(page)
    page.goto(site)
    page.wait_for_selector("form.directory-search", state="visible")
    yield t
    t.assert_local()
    assert t.dialogs == []
    page.close()


def type_query(tab: Tab, text: str) -> None:
    tab.page.fill(INPUT, "")
    tab.page.type(INPUT, text)


def test_without_javascript_every_row_shows_and_the_form_stays_hidden(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    t = Tab(page)
    page.goto(site)
    assert t.visible_names() == ALL
    assert page.locator("form.directory-search").is_hidden()
    assert page.locator(EMPTY).is_hidden()
    assert page.locator(COUNT).inner_text() == ""
    # the whole table is there: phone links (the number as written) and addresses
    assert page.locator("#office-directory tbody a[href='tel:+86-731-82250811']").inner_text() == "0731—82250811"
    assert page.locator("#office-directory thead th[scope=col]").all_inner_texts() == ["名称", "省份", "电话", "地址"]
    t.assert_local()
    context.close()


def test_the_script_reveals_the_form_and_shows_every_row(tab):
    assert tab.visible_names() == ALL
    assert tab.page.locator(INPUT).get_attribute("type") == "search"
    assert tab.page.locator(EMPTY).is_hidden()


def test_chinese_from_an_ime_is_matched_on_compositionend(tab):
    page = tab.page
    page.focus(INPUT)
    page.dispatch_event(INPUT, "compositionstart")
    page.keyboard.insert_text("湖南")
    # still composing: the filter has not run
    assert page.input_value(INPUT) == "湖南"
    assert tab.visible_names() == ALL
    page.dispatch_event(INPUT, "compositionend")
    assert tab.visible_names() == ["湖南分社"]
    assert tab.marks() == ["湖南", "湖南"]  # the name and the province
    tab.wait_for_count("找到 1 条")
    # the same text inserted outside a composition is matched at once
    page.fill(INPUT, "")
    page.keyboard.insert_text("河南")
    assert tab.visible_names() == ["河南分社"]


@pytest.mark.parametrize(
    "query, names, marks",
    [
        ("0731", ["湖南分社"], ["0731"]),
        ("0731-822", ["湖南分社"], ["0731—822"]),  # shown as written, with its em dash
        ("0731822", ["湖南分社"], ["0731—822"]),  # dashes ignored, the mark spans the dash
        ("０７３１", ["湖南分社"], ["0731"]),  # full-width digits from an IME
        ("+86-731-82250811", ["湖南分社"], ["0731—82250811"]),
        ("hn", ["海南分社", "河南分社", "湖南分社"], []),  # initials: 海南 hn, 河南 hn, 湖南 hn
        ("hunan", ["湖南分社"], []),
        ("changsha", ["湖南分社"], []),  # the address's city
        ("chongqing", ["重庆分社"], []),
        ("cq", ["重庆分社"], []),
        ("xian", ["陕西分社", "黑龙江分社"], []),  # 西安市 xianshi, 香坊区 xiangfangqu
        ("xi'an", ["陕西分社", "黑龙江分社"], []),
        ("shaanxi", ["陕西分社"], []),
        ("nanchang", ["江西分社"], []),
        ("HN", ["海南分社", "河南分社", "湖南分社"], []),
        ("nanning", ["广西分社"], []),
        ("长沙", ["湖南分社"], ["长沙"]),
        ("内蒙古", ["内蒙分社"], ["内蒙古"]),  # the province column
        ("迎宾路", ["广西分社", "湖南分社"], ["迎宾路", "迎宾路"]),
        ("a楼", ["上海采集中心"], ["A楼"]),  # case-insensitive, marks the text as written
        ("河南 0371", ["河南分社"], ["河南", "河南", "0371", "河南"]),  # every term must match
        ("河南 0731", [], []),
    ],
)
def test_typed_queries_show_exactly_the_matching_rows(tab, query, names, marks):
    type_query(tab, query)
    assert tab.visible_names() == names
    assert tab.marks() == marks


def test_substring_of_full_pinyin_from_three_letters(tab):
    type_query(tab, "nan")
    nan = tab.visible_names()
    # 3+ letters match inside a key: 湖南 hunan, 河南 henan, 南昌 nanchang...
    assert {"湖南分社", "河南分社", "海南分社", "江西分社", "云南分社", "广西分社", "山东分社"} <= set(nan)
    type_query(tab, "na")  # two letters: prefix only (nanchangshi, nantianqu, nanningshi)
    assert tab.visible_names() == ["天津分社", "江西分社", "广西分社"]


def test_unknown_word_shows_the_no_match_message(tab):
    type_query(tab, "火星分社")
    assert tab.visible_names() == []
    playwright_api.expect(tab.page.locator(EMPTY)).to_be_visible()
    assert tab.page.locator(EMPTY).inner_text() == "没有匹配的条目"
    tab.wait_for_count("找到 0 条")
    type_query(tab, "湖南")
    assert tab.page.locator(EMPTY).is_hidden()


def test_count_is_announced_once_typing_settles(tab):
    live = tab.page.locator(COUNT)
    assert live.get_attribute("aria-live") == "polite"
    type_query(tab, "hunan")
    # debounced: not spoken on every keystroke
    assert live.inner_text() == ""
    tab.wait_for_count("找到 1 条")
    type_query(tab, "0")
    tab.wait_for_count("找到 30 条")


def test_clear_button_restores_every_row_and_the_original_text(tab):
    page = tab.page
    before = page.locator("#office-directory tbody").inner_html()
    type_query(tab, "湖南")
    type_query(tab, "长沙")  # the marks move from the name to the address
    assert tab.marks() == ["长沙"]
    assert page.locator("#office-directory tbody tr:visible th mark").count() == 0
    page.click("button.directory-clear")
    assert page.input_value(INPUT) == ""
    assert tab.visible_names() == ALL
    assert page.locator("#office-directory mark").count() == 0
    assert page.locator("#office-directory tbody").inner_html() == before
    assert "q=" not in page.url
    tab.wait_for_count("已显示全部 30 条")
    assert page.evaluate("document.activeElement.id") == "office-directory-q"


def test_query_is_kept_in_the_url_and_restored_on_load(tab, site):
    page = tab.page
    type_query(tab, "hn")
    page.wait_for_url("**/index.html?q=hn", timeout=3000)
    page.reload()
    assert page.input_value(INPUT) == "hn"
    assert tab.visible_names() == ["海南分社", "河南分社", "湖南分社"]

    page.goto(site + "?q=0731")
    assert page.input_value(INPUT) == "0731"
    assert tab.visible_names() == ["湖南分社"]
    assert tab.marks() == ["0731"]
    tab.wait_for_count("找到 1 条")

    page.goto(site + "?q=%E6%B9%96%E5%8D%97")  # 湖南, percent-encoded as shared
    assert tab.visible_names() == ["湖南分社"]


@pytest.mark.parametrize("payload", ["<img src=x onerror=alert(1)>", '"><script>alert(1)</script>', "<mark>湖南"])
def test_query_markup_is_never_injected(tab, site, payload):
    page = tab.page
    type_query(tab, payload)
    assert tab.visible_names() == []
    page.goto(site + "?q=" + payload.replace("#", "%23"))
    assert page.input_value(INPUT) == payload
    assert tab.visible_names() == []
    assert page.locator("img").count() == 0
    assert page.locator("body script").count() == 1  # the page's own
    assert page.locator("mark").count() == 0
    # and matching text made of markup characters stays text
    type_query(tab, "（福临之家")
    assert tab.marks() == ["（福临之家"]
    page.wait_for_timeout(100)
    assert tab.dialogs == []


def test_only_local_requests(tab):
    type_query(tab, "湖南")
    tab.page.click("button.directory-clear")
    tab.page.reload()
    tab.assert_local()
    paths = {urlsplit(u).path for u in tab.requests}
    assert {"/sub/index.html", "/directory.js"} <= paths


def test_axe_finds_no_serious_violation(tab):
    axe = Axe()

    def serious(results) -> list[str]:
        return [
            f"{v['id']} ({v['impact']}): {v['help']}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    assert serious(axe.run(tab.page)) == []
    type_query(tab, "湖南")
    assert serious(axe.run(tab.page)) == []
    type_query(tab, "火星")
    tab.wait_for_count("找到 0 条")
    assert serious(axe.run(tab.page)) == []
