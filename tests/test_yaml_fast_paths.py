"""The YAML reader's shortcuts say what the full checks say: the expansion limit counted on a
text without aliases, and the refused characters checked per value only in a text that may hold
one (a refused character or a backslash)."""
from __future__ import annotations

import yaml
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from property_budget import examples

from noticesite import limits, yamlio

pytestmark = pytest.mark.unit

scalars = st.one_of(st.none(), st.integers(-5, 5), st.text("ab 中", max_size=3))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text("kxy", min_size=1, max_size=2),
                                                                       inner, max_size=4)),
                      max_leaves=40)


@settings(max_examples=examples(200), deadline=None, derandomize=True)
@given(values, st.integers(1, 40))
def test_tree_count_agrees_with_the_alias_walk(value, limit):
    text = yaml.safe_dump(value, allow_unicode=True)
    assert "*" not in text  # safe_dump of a tree of fresh values writes no alias
    root = yaml.compose(text, Loader=yamlio._LOADER)
    old = limits.YAML_MAX_VALUES
    limits.YAML_MAX_VALUES = limit
    try:
        walked = yamlio._expansion_problem(root, "x.yaml", 1)
        counted = yamlio._tree_size(root) > limit
        assert counted == (walked is not None)
        parsed = yamlio.parse(text, "x.yaml")[1]
        assert bool(parsed and "stands for more than" in parsed[0].message) == counted
    finally:
        limits.YAML_MAX_VALUES = old


def test_a_text_with_aliases_still_gets_the_full_walk():
    text = "a: &x [1, 2, 3, 4, 5]\nb: [*x, *x, *x, *x, *x]\n"
    old = limits.YAML_MAX_VALUES
    limits.YAML_MAX_VALUES = 20
    try:
        _, problems = yamlio.parse(text, "x.yaml")
    finally:
        limits.YAML_MAX_VALUES = old
    assert problems and "stands for more than 20" in problems[0].message


pieces = st.sampled_from(["a", "中", " ", "\t", "\\", "\\e", "\\x1b", "\\u202e", "\\n", "\u202e", "\x1b", "\x85",
                          "\r", "\ufffe", "#", "'", '"'])
scalar_texts = st.lists(pieces, max_size=8).map("".join)


@settings(max_examples=examples(300), deadline=None, derandomize=True)
@given(st.lists(scalar_texts, min_size=1, max_size=3), st.sampled_from(["plain", "single", "double", "block"]))
def test_the_clean_text_shortcut_finds_what_the_check_per_value_finds(texts, style):
    if style == "plain":
        body = "".join(f"k{i}: {t}\n" for i, t in enumerate(texts))
    elif style == "single":
        body = "".join(f"k{i}: '{t}'\n" for i, t in enumerate(texts))
    elif style == "double":
        body = "".join(f'k{i}: "{t}"\n' for i, t in enumerate(texts))
    else:
        body = "".join(f"k{i}: |\n  {t}\n" for i, t in enumerate(texts))
    shortcut = yamlio.parse(body, "x.yaml")
    original = yamlio._Converter.__init__

    def never_clean(self, *args):
        original(self, *args)
        self.clean = False

    yamlio._Converter.__init__ = never_clean
    try:
        full = yamlio.parse(body, "x.yaml")
    finally:
        yamlio._Converter.__init__ = original
    assert [str(p) for p in shortcut[1]] == [str(p) for p in full[1]]
