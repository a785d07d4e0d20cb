"""Warnings the office has acknowledged, written in the data next to what they are about.

A warning about a deliberate inconsistency (a source's mixed dash styles, kept as written) is
acknowledged by a YAML comment naming its code, on the warning's line:

    - {name: 甘肃分社, phone: 0931-8863079, address: 兰州市东郊巷15号}  # noticesite: accept mixed-dashes

or on a line of its own just above it (it then covers the next line that is not a comment).
The comment goes in a data file or in a notice's front matter; several codes are separated by
commas. An acknowledged warning is counted, not printed; a new warning on the same site still
shows, because it has another line or another code. An acknowledgement that matches no warning
is itself reported (``stale-accept``), so that a stale one never waits to hide a new warning.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import limits
from .errors import WARNING_CODES, Problem
from .paths import FilePolicy, display_path

MARKER = "noticesite:"
# The line's first comment (a '#' at its start or after a space, as YAML reads one) must begin
# with the marker: a '#' quoted inside a comment's prose is not an acknowledgement. The codes
# come first, separated by commas; words after them are the office's reason, e.g.
# "# noticesite: accept contact-differs (the source gives both addresses)".
_COMMENT = re.compile(r"(?:^|\s)#")
_ACCEPT = re.compile(r"\s*noticesite:\s*accept\s+(?P<codes>[\w-]+(?:\s*[,，]\s*[\w-]+)*)")
_SUFFIXES = (".yaml", ".yml", ".md")
# Stages whose warnings every check and build judges. "print" (the font check) runs unless
# --no-pdf; "printing" (WeasyPrint's own messages) only for a PDF printed again, so an
# acknowledgement of one is never called stale.
ALWAYS_JUDGED = frozenset({"load"})


@dataclass(frozen=True)
class Acceptance:
    path: str  # as messages show it
    line: int  # where the comment is
    column: int
    target: int  # the line whose warnings it acknowledges
    code: str


@dataclass
class Outcome:
    new: list[Problem] = field(default_factory=list)  # warnings to print
    accepted: int = 0  # warnings acknowledged in the data: counted, not printed
    stale: list[Problem] = field(default_factory=list)  # acknowledgements that match no warning


def scan_text(text: str, shown: str) -> list[Acceptance]:
    """The acknowledgements written in one file's text (for Markdown, its front matter only:
    a '#' in the body is a heading)."""
    if MARKER not in text:
        return []
    lines = text.splitlines()
    if shown.endswith(".md"):
        lines = _front_matter(lines)
    found = []
    for index, line in enumerate(lines):
        comment = _COMMENT.search(line)
        match = _ACCEPT.match(line, comment.end()) if comment else None
        if comment is None or match is None:
            continue
        column = comment.end()  # of the '#', 1-based
        target = index
        if not line[:column - 1].strip():  # a comment of its own covers the next line of data
            target = next((i for i in range(index + 1, len(lines))
                           if lines[i].strip() and not lines[i].lstrip().startswith("#")), index)
        codes = [c for c in re.split(r"\s*[,，]\s*", match["codes"]) if c]
        found += [Acceptance(shown, index + 1, column, target + 1, code) for code in codes]
    return found


def _front_matter(lines: list[str]) -> list[str]:
    if not lines or lines[0].rstrip() != "---":
        return []
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), len(lines))
    return lines[:end]


def scan(root: Path) -> list[Acceptance]:
    """Every acknowledgement in the project's data/ and content/ files. A file the loader refuses
    (a link out of the project, too large, not UTF-8) is skipped here: it is reported there."""
    policy = FilePolicy(root)
    found: list[Acceptance] = []
    for folder in (root / "data", root / "content"):
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                path = Path(dirpath) / name
                if not name.endswith(_SUFFIXES) or policy.problem(path) is not None:
                    continue
                try:
                    if limits.file_too_large(path.stat().st_size):
                        continue
                    data = path.read_bytes()
                except OSError:
                    continue
                if MARKER.encode() not in data:  # the common case: one substring test per file
                    continue
                text = data.decode("utf-8-sig", "replace")
                found += scan_text(text, display_path(path, root))
    return found


def sort_out(warnings: list[Problem], acceptances: list[Acceptance],
             judged: frozenset[str] = ALWAYS_JUDGED) -> Outcome:
    """Splits ``warnings`` into new and acknowledged, and reports each acknowledgement that
    names an unknown code, or matches no warning of a stage that ran (``judged``)."""
    by_site = {(a.path, a.target, a.code) for a in acceptances}
    outcome = Outcome()
    used: set[tuple[str, int, str]] = set()
    for warning in warnings:
        site = (warning.path, warning.line, warning.code)
        if warning.code != "stale-accept" and site in by_site:
            outcome.accepted += 1
            used.add(site)
        else:
            outcome.new.append(warning)
    for a in acceptances:
        if (a.path, a.target, a.code) in used:
            continue
        stage = WARNING_CODES[a.code][0] if a.code in WARNING_CODES else None
        if stage is None or stage == "accept":
            known = ", ".join(c for c, (s, _) in WARNING_CODES.items() if s != "accept")
            message = f"'{a.code}' is not a warning code that can be acknowledged (known: {known})"
        elif stage in judged:
            where = "on this line" if a.target == a.line else f"on line {a.target}"
            message = (f"'{a.code}' is acknowledged here, but there is no such warning {where}: remove "
                       "the acknowledgement, so that it cannot hide a new warning")
        else:
            continue
        outcome.stale.append(Problem(a.path, a.line, a.column, message, "warning", "stale-accept"))
    return outcome
