"""YAML mistakes staff make while typing, reported by their cause at their place: a tab in the
indentation, an unclosed '{' or '[', a front matter whose closing '---' is broken or missing."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from property_budget import examples

from conftest import REPO
from noticesite.content import split_front_matter
from noticesite.errors import Problems
from noticesite.yamlio import parse

TAB = "YAML syntax error: a tab is not allowed for indentation (use spaces)"
# The example's data files and a notice's front matter: every kind of YAML staff write
# (block mappings, lists of flow mappings, nested lists, comments, quoted values).
DATA = ["data/2012-104/schedule.yaml", "data/2012-104/makeup.yaml", "data/2012-104/procedure.yaml",
        "data/offices.yaml", "data/colleges.yaml", "data/site.yaml",
        "tests/sites/exam-registration/data/2025-017/schedule.yaml", "content/2012-104/notice.md",
        "tests/sites/exam-registration/content/2025-017/notice.md"]
TEXTS = {rel: (REPO / rel).read_text(encoding="utf-8") for rel in DATA}


def data_lines(rel: str, text: str) -> list[int]:
    """0-based numbers of the lines that hold data (not blank, not only a comment); for a
    notice, those of its front matter."""
    lines = text.split("\n")
    if rel.endswith(".md"):
        lines = lines[:lines.index("---", 1)]
    return [i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#") and line != "---"]


def read(rel: str, text: str):
    """What the checker reads of the file: (the YAML tree or None, its problems)."""
    if not rel.endswith(".md"):
        return parse(text, rel)
    problems = Problems()
    node, _, _ = split_front_matter(text, rel, problems)
    return node, list(problems)


@st.composite
def tab_in_indentation(draw) -> tuple[str, str, int, int]:
    """A valid data file with a tab typed into the indentation of one of its lines: (path, text,
    1-based line, 1-based column of the tab)."""
    rel = draw(st.sampled_from(DATA))
    lines = TEXTS[rel].split("\n")
    number = draw(st.sampled_from(data_lines(rel, TEXTS[rel])))
    line = lines[number]
    indent = len(line) - len(line.lstrip(" "))
    at = draw(st.integers(0, max(indent - 1, 0)))  # in the indentation: before its last space or the text
    replace = draw(st.booleans()) and at < indent  # the tab typed over a space, or added
    lines[number] = line[:at] + "\t" + line[at + replace:]
    return rel, "\n".join(lines), number + 1, at + 1


@pytest.mark.unit
@settings(max_examples=examples(150), deadline=None, derandomize=True)
@given(tab_in_indentation())
def test_a_tab_in_the_indentation_is_named_at_its_line(case):
    rel, text, line, column = case
    node, problems = read(rel, text)
    assert node is None
    assert [(p.line, p.column, p.message) for p in problems] == [(line, column, TAB)], text.split("\n")[line - 1]


@pytest.mark.unit
@pytest.mark.parametrize("opening, closing", [("{", "}"), ("[", "]")])
def test_an_unclosed_bracket_is_reported_at_its_opening(opening, closing):
    text = (f"title: t\nsessions:\n  - {opening}date: 2013-01-03, start: 08:00\n"
            f"  - {opening}date: 2013-01-04, start: 09:00{closing}\nlocation: x\n")
    node, problems = parse(text, "data/x.yaml")
    assert node is None
    assert [str(p) for p in problems] == [
        f"data/x.yaml:3:5: YAML syntax error: this '{opening}' is not closed: "
        f"a '{closing}' is missing at the end of its value (or a ',' between two of its items)"]


@pytest.mark.unit
def test_an_unclosed_bracket_at_the_end_of_the_file_is_reported_at_its_opening():
    node, problems = parse("a: 1\nb: [1, 2\n", "data/x.yaml")
    assert node is None and [(p.line, p.column) for p in problems] == [(2, 4)]
    assert "this '[' is not closed" in problems[0].message


@pytest.mark.unit
@pytest.mark.parametrize("closing", ["--", "----", "- - -", "———", "", "—-—"])
def test_a_broken_or_missing_closing_line_of_front_matter_is_named(closing):
    text = f"---\nnumber: 1号\ntitle: t\n{closing}\n正文\n"
    problems = Problems()
    node, _, _ = split_front_matter(text, "content/n/notice.md", problems)
    assert node is None
    assert len(problems) == 1 and (problems[0].line, problems[0].column) == (1, 1)
    assert problems[0].message.startswith(
        "the front matter opened by '---' on line 1 is not closed: end it with a line of three hyphens '---'")
    if closing.strip():
        assert f"(line 4, '{closing}', looks like a broken one)" in problems[0].message


@pytest.mark.unit
def test_a_notice_without_front_matter_says_so():
    problems = Problems()
    split_front_matter("正文\n", "content/n/notice.md", problems)
    assert [str(p) for p in problems] == [
        "content/n/notice.md:1:1: expected front matter between '---' lines at the top"]


@pytest.mark.unit
def test_files_exist():  # the strategy's inputs: a renamed example file fails here, not in hypothesis
    assert all(Path(REPO / rel).is_file() for rel in DATA)
