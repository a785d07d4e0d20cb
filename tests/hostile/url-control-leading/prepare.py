"""A notice body with a hostile URL: '[c](\x01\x1fJaVaScRiPt:alert(8))'."""
from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    project = Project(root)
    text = '[c](\x01\x1fJaVaScRiPt:alert(8))'
    project.write("content/2012-104/notice.md", project.read("content/2012-104/notice.md") + "\n" + text + "\n")
