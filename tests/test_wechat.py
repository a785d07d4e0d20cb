"""The WeChat article (<slug>/wechat.html): HTML to paste into the official account's editor.

The editor keeps an element's style attribute and drops <style>, classes and scripts; the
article is read away from the site. So: every style inline, no class, no script, no relative
URL; and at 360 px (a phone) the body never scrolls sideways (tables scroll inside a wrapper)."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from property_budget import examples

from noticesite import urls
from noticesite.wechat import _Inliner, for_wechat

PAGE = "https://jwc.example.edu.cn/jwc/2012-104/"
STYLES = {"p": "margin:0 0 1em", "a": "color:#576b95", "td": "border:1px solid #ccc", "td.n": "text-align:right",
          ".wide": "width:100%"}

# ---- the filter, on any HTML ---------------------------------------------------------------

_TRICKY_URLS = ["attachment-1.html", "notice.pdf", "calendar/all.ics", "#step-1", "?q=a&b=c", "./", "a/../b.html",
                " photo.png", "java&#115;cript:alert(1)", "javascript:alert(1)", "../index.html", "//evil.example/",
                "https://example.org/a?b=1&c=2", "mailto:jwc@example.edu.cn", "tel:+86-730-1234567",
                "a\tb.html", "%2e%2e/x", "a b.html", "\\\\evil", "data:text/html,x", "photo.png#x", "&amp;x.html",
                "&#x09;javascript:x", "ht\ntp://x", ""]
_text = st.lists(st.sampled_from(list("ab <>&\"'=;/中文\u3000#") + ["&amp;", "&lt;", "&#115;", "&nbsp;"]),
                 max_size=8).map("".join)
_url = st.one_of(st.sampled_from(_TRICKY_URLS), _text)
_attr = st.tuples(st.sampled_from(["class", "id", "href", "src", "title", "data-x", "style", "colspan", "alt"]),
                  st.one_of(_url, _text))
_tags = st.sampled_from(["p", "a", "strong", "span", "img", "br", "ul", "li", "table", "tr", "td", "script", "style",
                         "section", "div", "wbr", "time"])


def _element(children):
    def make(args):
        tag, attrs, kids = args
        # attribute values written as a serializer (Markdown's) writes them: quotes escaped, and
        # what looks like an entity left as it is, so that the parser decodes it
        shown = "".join(f' {name}="{value.replace(chr(34), "&quot;")}"' for name, value in attrs)
        if tag in ("img", "br", "wbr"):
            return f"<{tag}{shown}>"
        return f"<{tag}{shown}>{''.join(kids)}</{tag}>"
    return st.tuples(_tags, st.lists(_attr, max_size=3), st.lists(children, max_size=3)).map(make)


_html = st.recursive(_text.map(lambda t: t.replace("<", "&lt;")), _element, max_leaves=12)


def _visible_text(markup: str) -> str:
    tree = BeautifulSoup(f"<body>{markup}</body>", "html5lib")
    for hidden in tree.find_all(["script", "style", "template", "noscript"]):
        hidden.decompose()
    return tree.get_text()


@pytest.mark.unit
@settings(max_examples=examples(150), deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_html, min_size=1, max_size=4).map("".join))
def test_for_wechat_inlines_styles_drops_classes_and_scripts_and_makes_every_url_absolute(markup: str):
    made = str(for_wechat(markup, STYLES, PAGE))
    tree = BeautifulSoup(f"<body>{made}</body>", "html5lib")  # as a browser (and the editor) reads it
    assert tree.find_all(["script", "style"]) == []
    for element in tree.find_all(True):
        assert "class" not in element.attrs and "id" not in element.attrs
        for name in ("href", "src"):
            if name in element.attrs:
                seen = urls.preprocess(element[name])
                parts = urlsplit(seen)
                assert parts.scheme in urls.ALLOWED_SCHEMES, f"{name}={seen!r} is not absolute"
                assert urls.judge(seen).refused is None
    # what a reader sees is what the page said: no text lost, none made up, nothing decoded twice
    assert _visible_text(made) == _visible_text(markup)
    # the fast reader of serialized HTML, where it applies, and Python's HTML parser agree
    parsed = _Inliner(STYLES, PAGE)
    parsed.feed(markup)
    parsed.close()
    assert str(tree) == str(BeautifulSoup(f"<body>{''.join(parsed.out)}</body>", "html5lib"))


@pytest.mark.unit
def test_a_relative_link_resolves_against_the_notices_address():
    made = str(for_wechat('<p class="x"><a href="attachment-1.html">附件1</a> <img src="photo.png" alt="">'
                          '<a href="../index.html">x</a></p>', STYLES, PAGE))
    assert made == ('<p style="margin:0 0 1em"><a href="https://jwc.example.edu.cn/jwc/2012-104/attachment-1.html" '
                    'style="color:#576b95">附件1</a> <img src="https://jwc.example.edu.cn/jwc/2012-104/photo.png" '
                    'alt=""><a style="color:#576b95">x</a></p>')


# ---- the example's article ---------------------------------------------------------------

SITE = "https://jwc.example.edu.cn/"
NOTICE = SITE + "2012-104/"


@pytest.fixture(scope="module")
def example_article(tmp_path_factory) -> Path:
    """The example built with its PDFs skipped: the article of 2012-104."""
    from conftest import REPO, copy_project
    from noticesite.site import BuildOptions, build, load

    root = copy_project(REPO, tmp_path_factory.mktemp("wechat") / "site")
    site, problems = load(root)
    assert site is not None, "\n".join(map(str, problems))
    build(site, root / "output", BuildOptions(pdf=False, search=False))
    return root / "output" / "2012-104" / "wechat.html"


def _article(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html5lib")


@pytest.mark.integration
def test_the_article_has_no_style_element_script_class_or_relative_url(example_article: Path):
    tree = _article(example_article)
    assert tree.find_all(["style", "script", "link"]) == []
    assert [e.name for e in tree.find_all(True) if e.has_attr("class")] == []
    addresses = [e[name] for e in tree.find_all(True) for name in ("href", "src") if e.has_attr(name)]
    assert addresses, "the article links to the site"
    relative = [a for a in addresses if urlsplit(a).scheme not in ("https", "http", "tel", "mailto")]
    assert relative == []
    assert all(urlsplit(a).netloc == "jwc.example.edu.cn" for a in addresses if a.startswith("http")
               and "chsi.com.cn" not in a)
    body = tree.body.section
    assert all(e.has_attr("style") for e in body.find_all(["p", "h1", "h2", "table", "td", "th"]))


@pytest.mark.integration
def test_the_article_holds_the_body_key_dates_tables_and_a_closing_link(example_article: Path):
    tree = _article(example_article)
    text = tree.get_text()
    assert "校教通〔2012〕104号" in text and "请各学院务必按本通知要求做好前期准备工作" in text
    assert "信息有误者到教务处208办公室核查的截止日期" in text  # a key date
    tables = tree.find_all("table")
    assert len(tables) >= 3  # key dates, the schedule, the directory (and college codes)
    schedule = next(t for t in tables if "2881" in t.get_text())
    assert "机械学院" in schedule.get_text()
    assert any("湖南分社" in t.get_text() for t in tables)
    for table in tables:  # each may scroll sideways inside its own wrapper, not the page
        assert "overflow-x:auto" in table.parent["style"]
    links = {a["href"] for a in tree.find_all("a")}
    assert {NOTICE, NOTICE + "attachment-1.html", NOTICE + "calendar/all.ics", SITE} <= links
    closing = tree.find_all("p")[-1]
    assert closing.find("a", href=NOTICE) is not None and closing.find("a", href=SITE) is not None


@pytest.mark.integration
def test_the_notice_page_links_staff_to_the_article_outside_the_navigation(example_article: Path):
    page = _article(example_article.parent / "index.html")
    link = page.find("a", href="wechat.html")
    assert link is not None and link.get_text() == "公众号版本"
    assert link.find_parent("footer") is not None and link.find_parent("nav") is None
    assert link.find_parent(attrs={"data-pagefind-body": True}) is None  # not in the search index


@pytest.mark.browser
def test_the_article_is_readable_at_360_px_without_the_page_scrolling_sideways(example_article: Path, browser):
    from conftest import ARTIFACTS

    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    page = context.new_page()
    page.route("**/*", lambda route: route.abort() if not route.request.url.startswith("file:")
               else route.continue_())  # pasted as a file: nothing is fetched from the (stand-in) host
    page.goto(example_article.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    wide = page.evaluate("""[...document.querySelectorAll('body *')].filter(e => {
        const r = e.getBoundingClientRect(); return r.right > 360.5 && !e.closest('div[style*="overflow-x"]');
      }).map(e => e.tagName + ':' + e.textContent.slice(0, 20))""")
    assert wide == []
    # the schedule is readable: its wrapper scrolls, and its cells are at least 14 px type
    sizes = page.evaluate("[...document.querySelectorAll('td')].map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert sizes and min(sizes) >= 14
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "wechat-360.png"), full_page=True)
    context.close()


@pytest.mark.integration
def test_images_and_links_are_made_absolute_under_a_sub_path(project):
    """A site published under /jwc/: the article's image and links carry the sub-path; a link the
    site's pages keep relative (附件1, the image) is absolute in the article."""
    import io

    from PIL import Image

    from noticesite.site import BuildOptions, build, load

    image = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(image, "PNG")
    project.path("content/2012-104/photo.png").write_bytes(image.getvalue())
    project.replace("content/2012-104/notice.md", "现将有关安排及注意事项通知如下：",
                    "现将有关安排及注意事项通知如下：\n\n![采集现场](photo.png) 见[须知](attachment-2.html#top)。")
    project.replace("data/site.yaml", "base_url: https://jwc.example.edu.cn/", "base_url: https://example.edu.cn/jwc")
    site, problems = load(project.root)
    assert site is not None, problems
    build(site, project.path("output"), BuildOptions(pdf=False, search=False))
    tree = _article(project.path("output/2012-104/wechat.html"))
    base = "https://example.edu.cn/jwc/2012-104/"
    assert tree.find("img", alt="采集现场")["src"] == base + "photo.png"
    assert tree.find("a", string="须知")["href"] == base + "attachment-2.html#top"
    assert tree.find("a", string="附件1")["href"] == base + "attachment-1.html"
    assert tree.find_all("p")[-1].find("a", href="https://example.edu.cn/jwc/") is not None
