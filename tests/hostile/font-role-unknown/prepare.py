"""A role of the fonts setting nobody knows (a misspelt body)."""
from pathlib import Path

from conftest import Project


# The example's one print: line (site.yaml) becomes a block with the fonts under it.
PRINT_LINE = "print: {duplex: false}       # one side of the sheet: see docs/data-format.md\n"


def prepare(root: Path, outside: Path) -> None:
    Project(root).replace("data/site.yaml", PRINT_LINE, "print:\n  duplex: false\n  fonts:\n    boddy: 仿宋_GB2312\n")
