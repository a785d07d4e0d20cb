from pathlib import Path

from conftest import Project


PRINT_LINE = "print: {duplex: false}       # one side of the sheet: see docs/data-format.md\n"


def prepare(root: Path, outside: Path) -> None:
    # "yes" is YAML 1.1's true, but every value is read as text: only true or false is taken
    project = Project(root)
    project.replace("data/site.yaml", PRINT_LINE, "print:\n  qr_code: yes\n")
