"""The notice body's Markdown: texts no inline pattern can match skip the inline stage, and the
result is the same as Python-Markdown's own."""
from __future__ import annotations

import markdown
import pytest

from noticesite import content

pytestmark = pytest.mark.unit

# Every inline pattern the converter registers, inside Chinese prose, one per sample.
SAMPLES = [
    "为规范教学管理工作，我校图像采集工作安排在2012年12月完成。",
    "见附件1和附件 2，附件9不存在。",
    "请访问 http://jwc.example.edu.cn/a?b=1 查询。",
    "用 `code` 与 ``a`b`` 写代码。",
    "转义 \\*不是强调\\* 与 \\\\ 反斜杠。",
    "[链接](https://example.edu.cn/) 与 [引用][r] 与 [r]。\n\n[r]: https://example.edu.cn/r",
    "图片 ![图](photo.png) 与 ![引用图][i]。\n\n[i]: photo2.png",
    "自动链接 <https://example.edu.cn/x> 与 <jwc@example.edu.cn>。",
    "第一行  \n第二行（硬换行）",
    "实体 &amp; &#169; &copy; 与单独的 & 号。",
    "*强调* **加粗** ***都有*** _下划线_ __加粗__ 和 2*3*4。",
    "## 一、标题\n\n- 列表一\n- 列表二 **加粗**\n\n| 列 | 值 |\n|---|---|\n| 甲 | *乙* |",
    "> 引用里的附件1\n\n    缩进代码 *不处理*",
]


def _convert(md: markdown.Markdown, text: str) -> str:
    md.attachment_links.numbers, md.attachment_links.link = {1, 2}, lambda n: f"attachment-{n}.html"
    md.safe_urls.report = lambda needle, message: None
    return md.reset().convert(text)


def test_every_inline_pattern_has_its_trigger_so_the_fast_path_is_on():
    md = content._markdown()
    assert content._inline_triggers(md) is not None
    assert "plain_text" in md.treeprocessors


@pytest.mark.parametrize("text", SAMPLES)
def test_skipping_plain_texts_changes_nothing(text: str):
    md = content._markdown()
    fast = _convert(md, text)
    item = next(i for i in md.treeprocessors._priority if i.name == "plain_text")
    md.treeprocessors.deregister("plain_text")
    try:
        slow = _convert(md, text)
    finally:
        md.treeprocessors.register(item_processor(md), "plain_text", item.priority)
    assert fast == slow


def item_processor(md: markdown.Markdown) -> content._PlainText:
    return content._PlainText(md, content._inline_triggers(md))


def test_plain_texts_are_marked_and_texts_with_markup_are_not():
    md = content._markdown()
    processor = item_processor(md)
    root = md.parser.parseDocument(["纯文本段落。", "", "含**加粗**的段落。"]).getroot()
    processor.run(root)
    plain, marked = list(root)
    assert isinstance(plain.text, markdown.util.AtomicString)
    assert not isinstance(marked.text, markdown.util.AtomicString)


def test_an_unknown_inline_pattern_turns_the_fast_path_off():
    md = markdown.Markdown()
    md.inlinePatterns.register(markdown.inlinepatterns.SimpleTextInlineProcessor(r"(%%)"), "percent", 1)
    assert content._inline_triggers(md) is None
