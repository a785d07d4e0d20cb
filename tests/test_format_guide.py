"""docs/data-format.md, true and complete: every YAML and Markdown block of the guide is built.

Each block is marked, on the line before its fence, with an HTML comment (invisible once the
guide is rendered):

    <!-- example: data/site.yaml complete -->            the block is the whole file
    <!-- example: content/2012-104/notice.md fragment --> its top-level fields replace the file's
    <!-- example: data/2012-104/schedule.yaml complete, fails: schedule: missing field 'location' -->
    <!-- example: data/offices.yaml complete, quiet -->   passes with no new warning

A copy of the example project gets the block (a Markdown fragment is merged into the notice's
front matter), and `check` must pass, or fail with the stated message.
"""
from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
import yaml

from conftest import REPO, copy_project
from noticesite.cli import check

pytestmark = pytest.mark.integration

GUIDE = REPO / "docs" / "data-format.md"
_BLOCK = re.compile(r"(?:<!-- example: (?P<marker>[^\n]*?) -->\n)?```(?P<lang>\w*)\n(?P<body>.*?)\n```", re.S)
_MARKER = re.compile(r"(?P<path>[\w./<>-]+) (?P<kind>complete|fragment)(?P<options>(?:, [^,]+)*)")


def blocks() -> list[tuple[str, str, str, str]]:
    """(marker, language, body, where) of each fenced block of the guide."""
    text = GUIDE.read_text(encoding="utf-8")
    return [(m["marker"] or "", m["lang"], m["body"], f"data-format.md:{text.count(chr(10), 0, m.start()) + 1}")
            for m in _BLOCK.finditer(text)]


EXAMPLES = [b for b in blocks() if b[1] in ("yaml", "markdown")]


def test_every_yaml_and_markdown_block_is_marked():
    unmarked = [where for marker, _, _, where in EXAMPLES if not _MARKER.fullmatch(marker)]
    assert not unmarked, f"blocks without a valid '<!-- example: PATH complete|fragment -->' line: {unmarked}"
    assert len(EXAMPLES) >= 10


def _merge_yaml(text: str, fragment: str) -> str:
    """``text`` (YAML) with the fragment's top-level fields in place of its own of the same name,
    done on the text, so that everything else stays as written."""
    keys = set(yaml.load(fragment, Loader=yaml.BaseLoader))
    kept, skipping = [], False
    for line in text.split("\n"):
        top = re.match(r"([\w-]+):", line)
        if top:
            skipping = top[1] in keys
        elif line and not line[0].isspace() and not line.startswith("#"):
            skipping = False
        if not skipping:
            kept.append(line)
    return "\n".join(kept).rstrip("\n") + "\n" + fragment + "\n"


def _merge_front_matter(text: str, fragment: str) -> str:
    """The notice with the fragment's top-level fields in its front matter."""
    _, front, body = text.split("---\n", 2)
    return "---\n" + _merge_yaml(front, fragment) + "---\n" + body


@pytest.mark.parametrize("marker, lang, body, where", EXAMPLES, ids=[b[3] for b in EXAMPLES])
def test_the_guides_example_builds(marker, lang, body, where, tmp_path: Path, capsys):
    found = _MARKER.fullmatch(marker)
    assert found, f"{where}: unmarked block"
    root = copy_project(REPO, tmp_path / "site")
    target = root / found["path"]
    options = [o.strip() for o in found["options"].split(",") if o.strip()]
    fails = next((o.removeprefix("fails:").strip() for o in options if o.startswith("fails:")), None)
    if found["kind"] == "complete":
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body + "\n", encoding="utf-8")
    elif target.suffix == ".md":
        target.write_text(_merge_front_matter(target.read_text(encoding="utf-8"), body), encoding="utf-8")
    else:
        target.write_text(_merge_yaml(target.read_text(encoding="utf-8"), body), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = check(root)
    printed = out.getvalue() + err.getvalue()
    if fails is None:
        assert code == 0, f"{where}: the guide's example does not pass check:\n{printed}"
        if "quiet" in options:
            assert "0 new warning(s)" in printed, printed
    else:
        assert code == 1, f"{where}: expected check to fail with {fails!r}:\n{printed}"
        assert fails in printed, printed
        assert " in \n" not in printed and not printed.rstrip().endswith(" in"), printed  # no place-less overlaps
