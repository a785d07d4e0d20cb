from pathlib import Path

from conftest import Project


PRINT_LINE = "print: {duplex: false}       # one side of the sheet: see docs/data-format.md\n"


def prepare(root: Path, outside: Path) -> None:
    project = Project(root)
    project.replace("data/site.yaml", "base_url: https://jwc.example.edu.cn/\n", "")
    project.replace("data/site.yaml", PRINT_LINE, "print:\n  qr_code: true\n")
