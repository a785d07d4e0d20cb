"""The web pages' design in Chromium (issue 16): the calendar list's bullets clear the previous
item, a printed schedule page fits one A4 sheet without its calendar links, the dark theme
passes axe's contrast rules on every page kind (the flow chart included), and every page kind
is screenshotted at 360 px and 1280 px, light and dark, into tests/artifacts/screens/."""
from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from property_budget import examples
from axe_playwright_python.sync_playwright import Axe
from PIL import Image, ImageChops
from pypdf import PdfReader

from conftest import ARTIFACTS
from directory_samples import built_and_served
from noticesite.site import BuildOptions

pytestmark = pytest.mark.browser

SCHEDULE = "2012-104/attachment-1.html"
PROCEDURE = "2012-104/attachment-4.html"
SCREENS = ARTIFACTS / "screens"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]  # the rules of WCAG 2.2 AA


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The example, HTML only (the pages' design does not depend on the PDFs or the index)."""
    with built_and_served(tmp_path_factory.mktemp("web-design") / "site",
                          BuildOptions(pdf=False, search=False)) as served:
        yield served


def html_pages(output: Path) -> list[str]:
    return sorted(p.relative_to(output).as_posix() for p in output.rglob("*.html"))


def open_page(browser, url: str, width: int, scheme: str = "light"):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return context, page


# --- 1. The bullets of the calendar list --------------------------------------------------------

def text_boxes(page) -> list[list[dict]]:
    """Each item's text as drawn, a box per line (a Range over its link's text), relative to the list."""
    return page.evaluate("""() => {
        const list = document.querySelector('.group-calendar-list');
        const origin = list.getBoundingClientRect();
        return [...list.querySelectorAll(':scope > li')].map(li => {
            const range = document.createRange();
            range.selectNodeContents(li.querySelector('a'));
            return [...range.getClientRects()].filter(r => r.width > 0).map(r => (
                {left: r.left - origin.left, right: r.right - origin.left,
                 top: r.top - origin.top, bottom: r.bottom - origin.top}));
        });
    }""")


def bullet_pixels(page) -> list[tuple[int, int]]:
    """Where the bullets are drawn, whatever draws them (a ::marker, a ::before, an image): the
    list screenshotted with its text made transparent, compared with the same list with its
    items' colour made transparent too (nothing left but the background)."""
    element = page.locator(".group-calendar-list")
    page.add_style_tag(content=".group-calendar-list a { color: transparent !important;"
                                " text-decoration: none !important; }")
    with_bullets = Image.open(io.BytesIO(element.screenshot())).convert("RGB")
    page.add_style_tag(content=".group-calendar-list li, .group-calendar-list li::marker,"
                               " .group-calendar-list li::before { color: transparent !important; }")
    bare = Image.open(io.BytesIO(element.screenshot())).convert("RGB")
    mask = ImageChops.difference(with_bullets, bare).convert("L").point(lambda v: 255 if v > 40 else 0)
    width, height = mask.size
    data = mask.load()
    return [(x, y) for y in range(height) for x in range(width) if data[x, y]]


def bullet_problems(boxes: list[list[dict]], pixels: list[tuple[int, int]]) -> list[str]:
    """No bullet pixel on any item's text, and each item a bullet of its own: on its first line,
    between the end of the previous item on that line (or the line's start) and its text."""
    def within(x: int, y: int, box: dict) -> bool:
        return box["left"] <= x + 0.5 <= box["right"] and box["top"] <= y + 0.5 <= box["bottom"]

    problems = [f"bullet pixel ({x}, {y}) on the text of item {i}"
                for x, y in pixels for i, lines in enumerate(boxes) if any(within(x, y, b) for b in lines)][:5]
    for i, lines in enumerate(boxes):
        first = lines[0]
        before = [b["right"] for lines_ in boxes[:i] for b in lines_
                  if abs(b["top"] - first["top"]) < 2 and b["right"] <= first["left"] + 0.5]
        start = max(before, default=0)
        if not any(start <= x + 0.5 <= first["left"] and first["top"] <= y + 0.5 <= first["bottom"]
                   for x, y in pixels):
            problems.append(f"item {i} has no bullet between {start:.1f} and its text at {first['left']:.1f}")
    return problems


@pytest.mark.parametrize("width", [360, 1280])
def test_calendar_list_bullets_do_not_touch_the_previous_item(browser, site, width):
    base, _ = site
    context, page = open_page(browser, base + SCHEDULE, width)
    try:
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.locator(".group-calendars").screenshot(path=str(SCREENS / f"calendar-list-{width}.png"))
        boxes = text_boxes(page)
        pixels = bullet_pixels(page)
    finally:
        context.close()
    assert len(boxes) == 14 and pixels
    assert not bullet_problems(boxes, pixels), (width, bullet_problems(boxes, pixels))


GROUP_NAME = st.text(alphabet="政法数学中文化工体育计算机新闻土建音乐信息美术外语物电械院系ABCxyz0123 -·（）",
                     min_size=1, max_size=24).map(str.strip).filter(bool)


@settings(max_examples=examples(12), deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(GROUP_NAME, min_size=1, max_size=16),
       width=st.sampled_from([320, 360, 412, 768, 1280]))
def test_any_calendar_list_keeps_its_bullets_clear(browser, site, names, width):
    """Whatever the groups are called (long names that wrap, Latin, digits) and whatever the
    screen, a bullet never lands on text and each item keeps its own."""
    base, _ = site
    context, page = open_page(browser, base + SCHEDULE, width)
    try:
        page.evaluate("""names => {
            const list = document.querySelector('.group-calendar-list');
            list.replaceChildren(...names.map(n => {
                const li = document.createElement('li'), a = document.createElement('a');
                a.href = '#'; a.textContent = n; li.append(a); return li;
            }));
        }""", names)
        problems = bullet_problems(text_boxes(page), bullet_pixels(page))
    finally:
        context.close()
    assert not problems, problems


# --- 2. Printing a page from the browser ----------------------------------------------------------

def test_printed_schedule_page_is_one_a4_sheet_without_calendar_links(browser, site):
    base, output = site
    context, page = open_page(browser, base + SCHEDULE, 1280)
    try:
        hidden = page.evaluate("""() => [...document.querySelectorAll('a[type="text/calendar"]')]
            .filter(a => a.closest('.group-calendars')).map(a => a.textContent)""")
        pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    finally:
        context.close()
    (ARTIFACTS / "print").mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "print" / "attachment-1.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    # NFKC: the PDF's text maps some characters to Kangxi radicals (⽣ for 生).
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", "".join(p.extract_text() for p in reader.pages)))
    assert len(reader.pages) == 1, f"{len(reader.pages)} sheets"
    assert "合计" in text and "学术报告厅" in text  # the schedule, whole
    html = (output / SCHEDULE).read_text(encoding="utf-8")
    for gone in ("各学院日历", "加入手机日历", "全部通知", "上一个", "下一个"):
        if gone in html:
            assert gone not in text, f"{gone!r} printed"
    # A college's name is in the table once; its calendar link would print it a second time.
    assert len(hidden) == 14
    for name in hidden:
        assert text.count(name) == 1, f"{name} printed {text.count(name)} times"


# --- 3 and 4. Light and dark: axe on every page kind, screenshots -------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_kind_passes_axe_and_is_screenshotted(browser, site, scheme):
    base, output = site
    SCREENS.mkdir(parents=True, exist_ok=True)
    axe = Axe()
    failures = []
    pages = html_pages(output)
    assert {"index.html", "404.html", "search/index.html", "archive/index.html", "2012-104/index.html",
            SCHEDULE, PROCEDURE} <= set(pages)
    for path in pages:
        for width in (360, 1280):
            context, page = open_page(browser, base + path, width, scheme)
            background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
            # The WeChat article (staff's export, every style inline for the editor, which drops the
            # site's stylesheet) is light in both: WeChat's reader darkens articles itself.
            dark = scheme == "dark" and not path.endswith("/wechat.html")
            assert luminance(background) < 0.05 if dark else luminance(background) > 0.9, (path, background)
            if width == 360:
                results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
                failures += [f"{path} ({scheme}): {v['id']} ({v['impact']}): {v['help']}: "
                             + "; ".join(n["target"][0] for n in v["nodes"][:3])
                             for v in results.response["violations"]]
            name = path.replace("/", "_").removesuffix(".html")
            page.screenshot(path=str(SCREENS / f"{name}-{width}-{scheme}.png"), full_page=True)
            context.close()
    assert not failures, "\n".join(failures)


def rgb(color: str) -> tuple[float, ...]:
    """An opaque colour from a computed one; a transparent one is the canvas's white."""
    values = [float(v) for v in re.findall(r"[\d.]+", color)]
    if len(values) == 4 and values[3] == 0:
        return (255.0, 255.0, 255.0)
    return tuple(values[:3])


def luminance(color: str) -> float:
    def channel(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_flow_chart_is_readable(browser, site, scheme):
    """axe does not judge SVG text: every label of the chart against what it is drawn on (its box,
    or the page) at 4.5:1, and every box outline and arrow against the page at 3:1 (WCAG 1.4.11)."""
    base, _ = site
    context, page = open_page(browser, base + PROCEDURE, 1280, scheme)
    try:
        found = page.evaluate("""() => {
            const svg = document.querySelector('svg.flow-chart');
            const page = getComputedStyle(document.documentElement).backgroundColor;
            const texts = [...svg.querySelectorAll('text')].map(t => {
                const box = t.closest('.flow-node')?.querySelector('.flow-box, .flow-note-box');
                const notebox = t.previousElementSibling?.classList.contains('flow-note-box')
                    ? t.previousElementSibling : null;
                const under = notebox || box;
                return {text: t.textContent, fill: getComputedStyle(t).fill,
                        under: under ? getComputedStyle(under).fill : page};
            });
            const strokes = [...svg.querySelectorAll('.flow-box, .flow-edge path')]
                .map(e => getComputedStyle(e).stroke);
            const heads = [...svg.querySelectorAll('.flow-edge polygon')].map(e => getComputedStyle(e).fill);
            return {page, texts, strokes, heads};
        }""")
    finally:
        context.close()
    assert found["texts"] and found["strokes"] and found["heads"]
    low = [(t["text"], t["fill"], t["under"], round(contrast(t["fill"], t["under"]), 2))
           for t in found["texts"] if contrast(t["fill"], t["under"]) < 4.5]
    assert not low, low
    faint = [c for c in found["strokes"] + found["heads"] if contrast(c, found["page"]) < 3]
    assert not faint, (found["page"], faint)
