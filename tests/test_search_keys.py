"""The pinyin keys a page carries for site search (noticesite.pinyin.text_keys): Pagefind finds a
query at the start of an indexed word, so every word of a title, typed in pinyin or initials,
must start some key."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from property_budget import examples
from pypinyin import Style, lazy_pinyin

from noticesite.pinyin import text_keys

pytestmark = pytest.mark.unit

# Characters of notice titles, without heteronyms whose reading depends on the phrase around them.
_HAN = "湖南理工学院教务处关于领取准考证的通知全国大学英语四六级考试毕业生图像信息采集流程表校区联系点"
_TEXT = st.lists(st.one_of(st.text(_HAN, min_size=1, max_size=12), st.sampled_from(["2013", "（", "，", " ", "〔"])),
                 min_size=1, max_size=6).map("".join)


@settings(max_examples=examples(300), deadline=None, derandomize=True, database=None)
@given(_TEXT, st.data())
def test_every_word_of_two_to_four_characters_starts_a_key(text: str, data):
    runs = re.findall(r"[\u4e00-\u9fff]+", text)
    runs = [r for r in runs if len(r) >= 2]
    if not runs:
        return
    run = data.draw(st.sampled_from(runs))
    start = data.draw(st.integers(0, len(run) - 2))
    length = data.draw(st.integers(2, min(4, len(run) - start)))
    syllables = lazy_pinyin(run, style=Style.NORMAL)  # the readings in the title, as a reader types them
    word = "".join(syllables[start:start + length])
    initials = "".join(s[0] for s in syllables[start:start + length])
    keys = text_keys([text]).split()
    assert any(k.startswith(word) for k in keys), (run[start:start + length], word, keys)
    assert any(k.startswith(initials) for k in keys), (run[start:start + length], initials, keys)


def test_keys_of_a_title():
    keys = text_keys(["湖南理工学院教务处"]).split()
    assert {"hunanligongxueyuanjiaowuchu", "hnlgxyjwc", "hunanligong", "ligongxueyuan"} <= set(keys)
    assert text_keys(["2013 PDF"]) == ""  # no Han characters: no key
