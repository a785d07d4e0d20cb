"""How much input one build accepts: sizes, counts and depths, each refused with a located message.

Without them a file under 1 KB (a YAML alias bomb) took 4 GB, a 5 MB directory a 16-minute
build, and a list nested 300 levels deep ended in a RecursionError (issue 13, item 5). Each
number is far above what a notice needs; the file size can be raised for one run with the
environment variable named below (docs/data-format.md, "Limits").
"""
from __future__ import annotations

import os

FILE_SIZE_VARIABLE = "NOTICESITE_MAX_FILE_MB"
DEFAULT_FILE_MB = 1.0  # the example's largest file is 5 KB; 1 MB holds about 10,000 offices

# YAML: values after aliases are expanded (what the converter visits; an alias bomb of 9 levels
# is 9^9 = 387 million), aliases written, and nesting. Python's recursion limit (1,000 frames)
# is reached by the converter at about 500 levels; data files need 5.
YAML_MAX_VALUES = 300_000
YAML_MAX_ALIASES = 10_000
YAML_MAX_DEPTH = 50

# Markdown: lists and block quotes inside each other. Measured (tests at 50 to 300 levels):
# Python-Markdown overflows Python's stack at 250 list levels; WeasyPrint prints 50 levels in
# 0.6 s but fails with RecursionError at 100 (after 56 s); the page's own template adds about
# ten levels of elements. A notice needs 3.
MARKDOWN_MAX_DEPTH = 30

# Rows of one data file: what the flow layout, the directory's page and a PDF can carry in
# reasonable time (each of them grows faster than linearly with its rows).
MAX_OFFICES = 5_000
MAX_SESSIONS = 2_000
MAX_STEPS = 100

MAX_COUNT = 100_000  # a headcount in a schedule: larger is a typo (totals of 20 digits otherwise)


def max_file_bytes() -> int:
    """The largest data or content file read, in bytes (``NOTICESITE_MAX_FILE_MB`` overrides)."""
    raw = os.environ.get(FILE_SIZE_VARIABLE, "")
    try:
        megabytes = float(raw) if raw.strip() else DEFAULT_FILE_MB
    except ValueError:
        megabytes = DEFAULT_FILE_MB
    return int(megabytes * 1_000_000) if megabytes > 0 else int(DEFAULT_FILE_MB * 1_000_000)


def file_too_large(size: int) -> str | None:
    """The message for a file of ``size`` bytes, or None when it is within the limit."""
    limit = max_file_bytes()
    if size <= limit:
        return None
    return (f"the file is {size / 1_000_000:.1f} MB, over the limit of {limit / 1_000_000:g} MB per file; "
            f"split it, or set {FILE_SIZE_VARIABLE} to raise the limit")
