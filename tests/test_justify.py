"""justify.py: any paragraph broken into lines keeps its text, obeys the line-start and line-end
rules and fills every line but its last to the measure."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from property_budget import examples

from noticesite import justify
from noticesite.cjktext import CLOSERS, OPENERS

pytestmark = pytest.mark.unit

# A face with Noto's kind of advances: CJK one em, digits 0.56, Latin letters 0.5 to 0.8.
FACE = justify.Face("test", {**{ord(c): 0.56 for c in "0123456789"}, **{ord(c): 0.5 + (ord(c) % 7) / 20
                                                                       for c in "abcdefghijklmnopqrstuvwxyz:/."}})
PIECES = st.sampled_from(["图", "像", "采", "集", "，", "。", "、", "（", "）", "《", "》", "“", "”", "2014", "40",
                          "http://www.chsi.com.cn/", "abc", "—"])


def _lines(html: str) -> list[tuple[float | None, str]]:
    found = []
    for part in html.split('<br class="jl">'):
        m = re.search(r'letter-spacing: (-?[\d.]+)pt', part)
        found.append((float(m[1]) if m else None, re.sub(r"<[^>]+>", "", part)))
    return found


@settings(max_examples=examples(300), deadline=None, derandomize=True)
@given(st.lists(PIECES, min_size=1, max_size=120))
def test_lines_keep_the_text_obey_the_rules_and_fill_the_measure(pieces: list[str]):
    text = "".join(pieces)
    html, broken = justify.justify_paragraph(text, FACE)
    assert re.sub(r"<[^>]+>", "", html) == text  # nothing added, nothing lost
    if not broken:
        return
    lines = _lines(html)
    for i, (spacing, line) in enumerate(lines):
        if i + 1 < len(lines):
            assert line[-1] not in OPENERS and lines[i + 1][1][:1] not in CLOSERS, (line, lines[i + 1][1])
            assert spacing is not None
            cap = justify.LINE_PT - (justify.INDENT_PT if i == 0 else 0)
            width = sum(FACE.em(c) for c in line) * justify.FONT_PT + (len(line) - 1) * spacing
            if len(line) > 1 and spacing < 3:  # a line of one unit wider than the measure stands alone
                assert width == pytest.approx(cap, abs=0.05)
            assert spacing >= justify.GRID_SPACING_PT - justify.MAX_SQUEEZE_PT - 1e-6


def test_the_example_paragraph_keeps_its_url_whole():
    text = ("（四）参加了本次图像采集的同学须于图像采集完40个工作日后登录中国高等教育学生信息网"
            "（http://www.chsi.com.cn/）的“学历电子注册图像核对系统”，在线校对本人图像及信息。")
    lines = [line for _, line in _lines(justify.justify_paragraph(text, FACE)[0])]
    assert any("http://www.chsi.com.cn/" in line for line in lines)
