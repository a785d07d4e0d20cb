"""A font family name that would close the CSS string it is put in and add a rule of its own."""
from pathlib import Path

from conftest import Project


# The example's one print: line (site.yaml) becomes a block with the fonts under it.
PRINT_LINE = "print: {duplex: false}       # one side of the sheet: see docs/data-format.md\n"
HOSTILE = "'x\"; } @import url(\"file:///etc/passwd\"); :root { --a: \"'"


def prepare(root: Path, outside: Path) -> None:
    Project(root).replace("data/site.yaml", PRINT_LINE,
                          f"print:\n  duplex: false\n  fonts:\n    body: {HOSTILE}\n")
