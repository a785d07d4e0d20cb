"""No template carries the example's wording (issue 16): what a template says must fit any notice.

The example's own words are found, not listed: the CJK character pairs (bigrams) of the names and
titles in its content and data (the notice's and attachments' titles, office and college names:
what the example is about), less every pair the second fixture notice uses anywhere and the
labels the example gives its fields (学校地址, 联系电话: words of a form, not of a subject).
A template's text is its source with Jinja tags and comments taken out."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from conftest import REPO, SITES

pytestmark = pytest.mark.unit

CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
# Jinja tags and comments, HTML comments, CSS and JS block comments, JS line comments.
NOT_TEXT = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}|<!--.*?-->|/\*.*?\*/|^\s*//.*?$", re.S | re.M)


def bigrams(text: str) -> set[str]:
    return {run[i:i + 2] for run in CJK_RUN.findall(text) for i in range(len(run) - 1)}


def documents(root: Path, notice: str) -> Iterator[object]:
    """The YAML of the notice's front matter and of every data file."""
    for path in sorted((root / "content" / notice).glob("*.md")):
        match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
        if match:
            yield yaml.safe_load(match.group(1))
    for path in sorted((root / "data").rglob("*.yaml")):
        yield yaml.safe_load(path.read_text(encoding="utf-8"))


def values(node: object, keys: set[str], inside: str | None = None, under: set[str] | None = None) -> Iterator[str]:
    """Every string under one of ``keys``; with ``under``, only in a list or map of one of those."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str) and key in keys and (under is None or inside in under):
                yield value
            else:
                yield from values(value, keys, key if isinstance(value, list) else inside, under)
    elif isinstance(node, list):
        for item in node:
            yield from values(item, keys, inside, under)


def example_words(example: Path, other: Path) -> set[str]:
    names, labels = set(), set()
    for doc in documents(example, "2012-104"):
        names |= {b for text in values(doc, {"title", "name"}) for b in bigrams(text)}
        labels |= {b for text in values(doc, {"label"}, under={"columns", "card_fields"}) for b in bigrams(text)}
    used_elsewhere = {b for p in other.rglob("*") if p.is_file() for b in bigrams(p.read_text(encoding="utf-8"))}
    return names - used_elsewhere - labels


def template_text(path: Path) -> str:
    return NOT_TEXT.sub(" ", path.read_text(encoding="utf-8"))


def test_the_example_words_are_found():
    """The mechanism sees the example's subject, and not a word the other notice uses."""
    words = example_words(REPO, SITES / "exam-registration")
    assert {"采集", "图像", "补拍", "分社"} <= words
    assert not {"学院", "通知", "附件", "联系", "电话", "地址"} & words


def test_no_template_says_what_only_the_example_says():
    words = example_words(REPO, SITES / "exam-registration")
    found = {}
    for path in sorted((REPO / "layouts").rglob("*")):
        if path.is_file() and path.suffix in {".html", ".xml", ".js", ".css"}:
            hits = sorted(bigrams(template_text(path)) & words)
            if hits:
                found[path.relative_to(REPO).as_posix()] = hits
    assert not found, found
