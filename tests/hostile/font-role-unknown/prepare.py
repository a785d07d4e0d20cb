"""A role of the fonts setting nobody knows (a misspelt body)."""
from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    p = Project(root)
    p.write("data/site.yaml", p.read("data/site.yaml") + "print:\n  fonts:\n    boddy: 仿宋_GB2312\n")
