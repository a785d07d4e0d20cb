"""Encoding faults and YAML syntax faults are reported in the file that has them, at the line and
column of the first bad byte or character, in words that name the fault (issue 13, item 8)."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from property_budget import examples

from noticesite import yamlio

pytestmark = pytest.mark.unit

# Lines of YAML-safe text, Chinese included (multi-byte in UTF-8: columns count characters).
_LINE = st.text(alphabet=st.sampled_from("abc xyz:-中文通知，。1"), max_size=12)


def _position(lines: list[str], line: int, column: int) -> tuple[int, int]:
    return line + 1, column + 1


@settings(max_examples=examples(60), deadline=None, derandomize=True)
@given(st.lists(_LINE, min_size=1, max_size=8), st.data(), st.sampled_from([b"\xff", b"\xc3(", b"\x80"]))
def test_a_bad_byte_is_located_at_its_line_and_column(tmp_path_factory, lines, data, bad):
    line = data.draw(st.integers(0, len(lines) - 1))
    column = data.draw(st.integers(0, len(lines[line])))
    text = "\n".join(lines)
    encoded = [ln.encode("utf-8") for ln in lines]
    prefix = lines[line][:column].encode("utf-8")
    encoded[line] = prefix + bad + lines[line][column:].encode("utf-8")
    folder = tmp_path_factory.mktemp("enc")
    path = folder / "data.yaml"
    path.write_bytes(b"\n".join(encoded))
    node, problems = yamlio.read(path, folder)
    assert node is None and len(problems) == 1, (text, problems)
    problem = problems[0]
    assert (problem.path, problem.line, problem.column) == ("data.yaml", line + 1, column + 1), problem
    assert "not UTF-8" in problem.message


@settings(max_examples=examples(60), deadline=None, derandomize=True)
@given(st.integers(0, 5), st.sampled_from(["\0", "\x07", "\x1b"]))
def test_a_control_character_in_yaml_is_located(tmp_path_factory, line, char):
    lines = [f"key{i}: 值{i}" for i in range(6)]
    column = 3 + line % 3
    lines[line] = lines[line][:column] + char + lines[line][column:]
    _, problems = yamlio.parse("\n".join(lines), "data.yaml")
    assert len(problems) == 1, problems
    problem = problems[0]
    assert (problem.line, problem.column) == (line + 1, column + 1), problem
    assert f"U+{ord(char):04X}" in problem.message
    if char == "\0":
        assert "a NUL character (U+0000)" in problem.message


@settings(max_examples=examples(40), deadline=None, derandomize=True)
@given(st.integers(1, 4), st.integers(0, 3))
def test_a_tab_for_indentation_is_named_at_its_position(line, spaces):
    lines = ["a:", "  b: 1", "  c: 2", "  d: 3", "  e: 4"]
    lines[line] = " " * spaces + "\t" + lines[line].lstrip()
    _, problems = yamlio.parse("\n".join(lines), "data.yaml")
    assert len(problems) == 1, problems
    problem = problems[0]
    assert "a tab is not allowed for indentation (use spaces)" in problem.message, problem
    assert (problem.line, problem.column) == (line + 1, spaces + 1), problem


def test_utf16_and_gbk_are_named(tmp_path: Path):
    path = tmp_path / "a.yaml"
    path.write_bytes("title: 通知\n".encode("utf-16"))
    _, problems = yamlio.read(path, tmp_path)
    assert [str(p) for p in problems] == ["a.yaml:1:1: not UTF-8 text: saved as UTF-16; save it as UTF-8"]
    path.write_bytes("title: 补拍\n".encode("gbk"))
    _, problems = yamlio.read(path, tmp_path)
    assert [str(p) for p in problems] == [
        "a.yaml:1:8: not UTF-8 text (byte 0xB2): it looks like GBK (GB 18030); save it as UTF-8"]
