"""In Chromium: every hostile link on a built page clicked, no dialog.

A notice with a hostile link is refused by ``check`` and ``build``, so no site with one can be
built through the command line. The page tested here is built in-process through the real
pipeline (templates, output folder, served over HTTP) from the example whose notice body is
replaced by what the URL policy made of a body full of hostile links: the problems it reported
are asserted (one per hostile link), and the HTML it produced is what a browser gets. A canary
page, the same shell with one link as the unfixed code wrote it, shows that the procedure does
see a dialog when there is one."""
from __future__ import annotations


import pytest

from conftest import REPO, copy_project
from directory_samples import serve
from noticesite.content import attachment_href, render_markdown
from noticesite.errors import Problems
from noticesite.site import BuildOptions, build, load

pytestmark = pytest.mark.browser

HOSTILE = [
    "[e1](java&#115;cript:alert(1))", "[e2](&#106;avascript:alert(2))", "[e3](javascript&colon;alert(3))",
    "[e4](&#x6A;avascript&#x3A;alert(4))", "[r5][r]", "[e6](java&Tab;script:alert(6))",
    "[e7](java&NewLine;script:alert(7))", "[e8](&#1;&#32;JaVaScRiPt:alert(8))", "[e9](\x01javascript:alert(9))",
    "[e10](data:text/html,<script>alert(10)</script>)", "[e11](vbscript:alert(11))",
    "[e13](&#x09;javascript&#x3a;alert(13))", "[e14](javascript&#0058alert(14))",
]
# Let through once rewritten: the browser reads exactly the judged, harmless value.
REWRITTEN = ["[k1](&amp;#106;avascript:alert(21))", "[k2](java%73cript:alert(22))", "<jwc@example.edu.cn>"]
BODY = "\n\n".join(HOSTILE + REWRITTEN) + "\n\n[r]: javascript&#58;alert(5)\n"
CANARY = '<p><a href="java&#115;cript:alert(99)">canary</a></p>'  # what the unfixed code wrote


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = copy_project(REPO, tmp_path_factory.mktemp("url-browser") / "site")
    site, problems = load(root)
    assert site is not None, problems
    notice = site.notices[0]
    found = Problems()
    body_html, _ = render_markdown(BODY, "content/2012-104/notice.md", 1, found, numbers=set(),
                                   link=attachment_href, folder=root / "content/2012-104", root=root)
    # every hostile link reported by the URL policy (a raw control character is refused besides)
    assert len([p for p in found if "not allowed (use http" in p.message]) == len(HOSTILE), [str(p) for p in found]
    notice.body_html = body_html  # ... and the page shows what the policy made of them
    build(site, root / "output", BuildOptions(pdf=False, search=False))
    page = root / "output" / notice.slug / "index.html"
    canary = page.with_name("canary.html")
    canary.write_text(page.read_text(encoding="utf-8").replace(body_html, CANARY), encoding="utf-8")
    with serve(root / "output") as base:
        yield base + f"{notice.slug}/index.html", base + f"{notice.slug}/canary.html", body_html


def click_every_body_link(browser, url: str, count: int) -> list[str]:
    """Clicks each of the first ``count`` links of the notice body, each on a fresh load of the
    page; returns the dialogs that opened. After a click, a new script task is run in the page
    and then the page is navigated again: a javascript: URL's script, queued by the click, has
    run by then (the canary shows it)."""
    dialogs: list[str] = []
    context = browser.new_context()
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for i in range(count):
        page.goto(url)
        link = page.locator(".notice-body a").nth(i)
        link.click(no_wait_after=False)
        page.wait_for_load_state()
        page.evaluate("() => new Promise(resolve => setTimeout(resolve, 0))")
    page.goto(url)
    context.close()
    return dialogs


def test_the_canary_link_of_the_unfixed_code_opens_a_dialog(browser, served):
    _, canary, _ = served
    assert click_every_body_link(browser, canary, 1) == ["99"]


def test_every_hostile_link_clicked_opens_no_dialog(browser, served):
    url, _, body_html = served
    count = body_html.count("<a")
    assert count == len(HOSTILE) + len(REWRITTEN)
    assert click_every_body_link(browser, url, count) == []
