"""What the search index is given of Chinese text: each character a word of its own (search.py,
``split_han``; issue 14), the markup and the text Pagefind reads as metadata left as written.
The browser side (every run of characters as typed finds its page) is in test_search_browser.py."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from property_budget import examples

from noticesite.search import HAN, split_han

pytestmark = pytest.mark.unit

ZWSP = "\u200b"
TWO_HAN = re.compile(f"[{HAN}][{HAN}]")

texts = st.lists(st.sampled_from(list("四六级考务科东院教务办𠀀a1 ，（）\n") + ["&amp;", "&#22235;"]),
                 max_size=12).map("".join)
# elements whose text is indexed as words, and ones whose text Pagefind reads as a value
indexed = st.sampled_from(["p", "h1", "b", 'div class="x"', 'a href="x" data-pagefind-meta="pdf[href]"',
                           'span data-pagefind-meta="date:2013"'])
read = st.sampled_from(['span hidden data-pagefind-meta="title"', "script", "style",
                        "span data-pagefind-filter='type'", 'span data-pagefind-meta="url[href], title"'])


def spaced(text: str) -> str:
    return re.sub(f"(?<=[{HAN}])(?=[{HAN}])", ZWSP, text)


@st.composite
def pages(draw) -> tuple[str, str]:
    """A part of a page, and what the index is to be given of it: a break between each two
    Chinese characters of the text indexed as words, the rest as it was."""
    given_, expected = [], []
    for _ in range(draw(st.integers(1, 5))):
        text = draw(texts)
        if draw(st.booleans()):
            tag = draw(read)
            given_.append(f"<{tag}>{text}</{tag.split()[0]}>")
            expected.append(given_[-1])
        else:
            tag, inner = draw(indexed), draw(texts)
            given_.append(f"{text}<{tag}>{inner}<br></{tag.split()[0]}>")
            expected.append(f"{spaced(text)}<{tag}>{spaced(inner)}<br></{tag.split()[0]}>")
    return ("<article data-pagefind-body>" + "".join(given_) + "</article>",
            "<article data-pagefind-body>" + "".join(expected) + "</article>")


@settings(max_examples=examples(300), deadline=None, derandomize=True)
@given(pages())
def test_each_chinese_character_is_a_word_and_nothing_else_changes(drawn):
    page, expected = drawn
    assert split_han(page.encode()).decode() == expected


def test_the_words_of_a_notice_as_pagefind_is_given_them():
    part = ('<article data-pagefind-body><h1>四六级考试</h1>'
            '<span hidden data-pagefind-meta="title">附件1：一览表</span>'
            '<p data-pagefind-meta="date:2013">教务处考务科（行政楼305室）2013年上半年</p></article>')
    assert split_han(part.encode()).decode().replace(ZWSP, "|") == (
        '<article data-pagefind-body><h1>四|六|级|考|试</h1>'
        '<span hidden data-pagefind-meta="title">附件1：一览表</span>'
        '<p data-pagefind-meta="date:2013">教|务|处|考|务|科（行|政|楼305室）2013年|上|半|年</p></article>')


def _js_class(pattern: str) -> set[int]:
    """The code points of a JavaScript character class written with \\uXXXX and \\u{X…} escapes."""
    escape = re.compile(r"\\u\{([0-9a-fA-F]+)\}|\\u([0-9a-fA-F]{4})")
    ends = [int(m.group(1) or m.group(2), 16) for m in escape.finditer(pattern)]
    return {cp for start, end in zip(ends[::2], ends[1::2]) for cp in range(start, end + 1)}


def test_the_search_page_splits_a_query_at_the_characters_the_index_was_split_at():
    """search.js's HAN and HANS classes are search.py's HAN: a character split apart in the index
    but not in the query (or the reverse) would never be found."""
    script = (Path(__file__).resolve().parent.parent / "layouts" / "search.js").read_text(encoding="utf-8")
    ours = {cp for start, end in re.findall(r"(.)-(.)", HAN) for cp in range(ord(start), ord(end) + 1)}
    for name in ("HAN", "HANS"):
        found = re.search(rf"var {name} = /\(?\[([^\]]+)\]", script)
        assert found, name
        assert _js_class(found.group(1)) == ours, name
