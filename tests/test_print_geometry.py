"""GB/T 9704-2012's geometry, measured in the printed PDFs themselves (tests/print_geometry.py):
the example's notice and a second notice with a short schedule (tests/sites/exam-registration).

Measured on the output before the fix (issue #15): the mark's ink 36.19 mm below the text area's
top, the rule 6.27 mm under the number's ink, the page number's dash 7.77 mm below the text area,
19 of 58 continuing lines short of the right edge, the fixture's schedule a page of its own apart
from 附件1 and its title, the flow chart's labels at 7.8 pt and its notes at 6.3 pt, drawn 111 mm wide.

A third fixture (tests/sites/long-procedure) has a procedure of 25 main steps, too tall for a page
at reading size: its chart continues on a second page.
"""
from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
import yaml

from conftest import ARTIFACTS, REPO, copy_project
from pdf_structure import PdfStructure, squeeze
from print_geometry import (MM, TEXT_TOP, TEXT_WIDTH, body_lines, glyphs, ink_height, lines, mark_top, names_broken,
                            page_number_drops, page_sizes, ragged, rule_gap, titles)

pytestmark = pytest.mark.pdf

FIXTURE = REPO / "tests/sites/exam-registration"
LONG = REPO / "tests/sites/long-procedure"
LABEL_PT, NOTE_PT = 10.5, 9.0  # 五号, 小五


def _build(root: Path) -> None:
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--project", str(root), "--no-search"],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    root = copy_project(REPO, tmp_path_factory.mktemp("geometry") / "site")
    _build(root)
    return root / "output/2012-104"


@pytest.fixture(scope="module")
def second(tmp_path_factory) -> Path:
    root = copy_project(FIXTURE, tmp_path_factory.mktemp("geometry2") / "site")  # with the example's layouts
    _build(root)
    return root / "output/2025-017"


@pytest.fixture(scope="module")
def long(tmp_path_factory) -> Path:
    root = copy_project(LONG, tmp_path_factory.mktemp("geometry3") / "site")
    _build(root)
    return root / "output/2025-030"


def _labels(procedure_yaml: Path) -> list[str]:
    data = yaml.safe_load(procedure_yaml.read_text(encoding="utf-8"))
    return [s["label"] for s in [*data["steps"], *data.get("side_steps", [])]]


def _chart_chars(pdf: Path) -> list[list[dict]]:
    """Each page's characters smaller than the body's 3号 and the page number's 4号: the chart's."""
    with pdfplumber.open(pdf) as doc:
        return [[c for c in page.chars if c["size"] < 13.9 and not c["text"].isspace()] for page in doc.pages]


def _drawn_span(pdf: Path, page: int = 0) -> tuple[float, float]:
    """The left and right edge, in mm, of the lines and boxes drawn on a page."""
    with pdfplumber.open(pdf) as doc:
        p = doc.pages[page]
        xs = [x for o in [*p.rects, *p.lines, *p.curves] for x in (o["x0"], o["x1"])]
    return min(xs) / MM, max(xs) / MM


def test_the_red_mark_starts_35_mm_below_the_text_area(example: Path):
    assert mark_top(example / "notice.pdf") == pytest.approx(35, abs=1)  # §7.2.4


def test_the_red_rule_lies_4_mm_under_the_document_number(example: Path):
    assert rule_gap(example / "notice.pdf") == pytest.approx(4, abs=0.5)  # §7.2.7


def test_every_page_number_lies_7_mm_below_the_text_area(example: Path):
    drops = page_number_drops(example / "notice.pdf")
    assert len(drops) == len(page_sizes(example / "notice.pdf"))  # every page is portrait
    assert all(d == pytest.approx(7, abs=0.5) for _, d in drops), drops  # §7.5


@pytest.mark.parametrize("name", ["notice.pdf", "attachment-2.pdf", "attachment-3.pdf"])
def test_every_line_but_a_paragraphs_last_ends_flush_with_the_text_area(example: Path, name: str):
    pdf = example / name
    assert sum(continues for _, continues in body_lines(pdf)) > 2
    assert ragged(pdf) == []


def test_lines_of_chinese_characters_hold_28_and_a_full_page_22(example: Path):
    pdf = example / "notice.pdf"
    only_chinese = [ln for ln, continues in body_lines(pdf) if continues and abs(ln.x0 - 28) < 0.3
                    and all("\u4e00" <= ch <= "\u9fff" for ch in ln.text)]
    assert only_chinese and all(ln.chars == 28 for ln in only_chinese), [ln.text for ln in only_chinese]
    # the text's lines: 16 pt, and the headings at the size that makes their face look 16 pt (print.css)
    text_lines = [[ln for ln in page if ln.top >= TEXT_TOP - 1 and 15.9 < ln.size < 18.5 and ln.top < 262]
                  for page in lines(pdf)]
    assert max(len(page) for page in text_lines) == 22


def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one(example: Path):
    for ln, _ in body_lines(example / "notice.pdf"):
        assert ln.text[0] not in "／，。、；：？！）》”", ln.text
        assert ln.text[-1] not in "（《“", ln.text
    text = subprocess.run(["pdftotext", str(example / "notice.pdf"), "-"], capture_output=True, text=True).stdout
    assert "http://www.chsi.com.cn/" in text  # the URL whole, on one line


def test_a_kai_headings_characters_look_as_large_as_the_bodys(example: Path):
    """§7.3.3: 二级标题 in 楷体 at the body's 3号. A Kai face draws its ideographs smaller in their em
    than FandolFang (AR PL UKai: 0.83 em of ink, against 0.94): the same characters, measured in
    the ink, in the heading （一）信息核对： and in the body's lines."""
    pdf = example / "notice.pdf"
    heading = next(ln for page in lines(pdf) for ln in page if ln.text == "（一）信息核对：")
    drawn = glyphs(pdf)
    kai = [g for g in drawn if g.page == heading.page and abs(g.top - heading.top) < 3 and g.text in "信息核对"]
    body = [g for g in drawn if abs(g.size - 16) < 0.1 and g.text in "信息核对"
            and not (g.page == heading.page and abs(g.top - heading.top) < 3)][:8]
    assert len(kai) == 4 and len(body) >= 4
    ratio = (sum(ink_height(pdf, g) for g in kai) / len(kai)) / (sum(ink_height(pdf, g) for g in body) / len(body))
    assert ratio == pytest.approx(1, abs=0.05), ratio


def test_no_title_breaks_inside_a_name_and_its_bracket(example: Path):
    """§7.3.1 回行时词意完整: attachment 3's title once broke 新华社|各省（自治区）分社."""
    found = {pdf.name: titles(pdf) for pdf in sorted(example.glob("*.pdf"))}
    assert ["学生校外补拍信息及", "新华社各省（自治区）分社地址及联系电话表"] in found["attachment-3.pdf"]
    assert sum(len(t) > 1 for ts in found.values() for t in ts) >= 3  # titles of two lines, checked
    assert {name: [(t, names_broken(t)) for t in ts if names_broken(t)] for name, ts in found.items()} == \
        {name: [] for name in found}


def test_the_flow_charts_labels_print_at_reading_size(example: Path):
    assert len(page_sizes(example / "attachment-4.pdf")) == 1  # the example's chart: one page
    (chart,) = _chart_chars(example / "attachment-4.pdf")
    # the characters at 五号 or more are exactly the steps' labels' (notes and branch labels are 小五)
    big = Counter(c["text"] for c in chart if c["size"] >= LABEL_PT - 0.001)
    assert big == Counter(squeeze("".join(_labels(REPO / "data/2012-104/procedure.yaml"))))


def test_the_flow_charts_notes_print_at_9_pt_in_a_dark_ink(example: Path):
    (chart,) = _chart_chars(example / "attachment-4.pdf")
    small = [c for c in chart if c["size"] < LABEL_PT - 0.001]
    assert small and min(c["size"] for c in small) >= NOTE_PT - 0.001  # 小五
    # black or a dark grey: at least 7:1 against the white paper (WCAG's AAA for small text)
    greys = {c["non_stroking_color"] for c in small}
    assert all(len(g) == 3 and max(g) <= 0.33 for g in greys), greys


def test_the_flow_chart_is_as_wide_as_the_text_area(example: Path):
    left, right = _drawn_span(example / "attachment-4.pdf")
    assert right - left >= 150 and 28 - 0.1 <= left and right <= 28 + TEXT_WIDTH + 0.1, (left, right)


def test_a_long_flow_chart_continues_on_a_second_page_at_reading_size(long: Path):
    pdf = long / "attachment-1.pdf"
    labels = _labels(LONG / "data/2025-030/procedure.yaml")
    pages = _chart_chars(pdf)
    assert len(pages) >= 2
    for chart in pages:
        assert min(c["size"] for c in chart) >= NOTE_PT - 0.001
    # every label is on one line (the fixture's are short) at 五号, once in the whole text
    text = "".join(squeeze(ln.text) for page in lines(pdf) for ln in page)
    assert {label: text.count(squeeze(label)) for label in labels} == {label: 1 for label in labels}
    big = Counter(c["text"] for chart in pages for c in chart if c["size"] >= LABEL_PT - 0.001)
    assert big == Counter(squeeze("".join(labels)) + "（续）" * (len(pages) - 1))
    assert "接下页" in squeeze("".join(ln.text for ln in lines(pdf)[0]))
    assert squeeze(lines(pdf)[1][0].text).startswith("（续）")
    for page in range(len(pages)):
        left, right = _drawn_span(pdf, page)
        assert right - left >= 150


def test_a_long_flow_charts_parts_together_describe_every_step(long: Path):
    tree = PdfStructure(long / "attachment-1.pdf")
    alts = [squeeze(str(f.obj.get("/Alt", ""))) for f in tree.elements("Figure")]
    assert len(alts) >= 2 and all("流程共25步" in a for a in alts), alts
    data = yaml.safe_load((LONG / "data/2025-030/procedure.yaml").read_text(encoding="utf-8"))
    for step in data["steps"]:
        assert sum(squeeze(step["label"]).rstrip("？") in a for a in alts) == 1, step["label"]


def test_a_short_schedule_shares_its_page_with_its_label_and_title(second: Path):
    pages = lines(second / "attachment-1.pdf")
    assert len(pages) == 1
    assert pages[0][0].text == "附件1" and any(abs(ln.size - 14) < 0.1 for ln in pages[0])


def test_page_images_of_every_page_for_a_person_to_look_at(example: Path, second: Path, long: Path):
    for pdf in [*sorted(example.glob("*.pdf")), *sorted(second.glob("*.pdf")), *sorted(long.glob("*.pdf"))]:
        folder = ARTIFACTS / "print-pages" / pdf.parent.name
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(folder / pdf.stem)], check=True)
        assert len(list(folder.glob(f"{pdf.stem}-*.png"))) == len(page_sizes(pdf))
