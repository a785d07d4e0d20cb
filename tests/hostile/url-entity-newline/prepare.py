"""A notice body with a hostile URL: '[n](java&NewLine;script:alert(7))'."""
from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    project = Project(root)
    text = '[n](java&NewLine;script:alert(7))'
    project.write("content/2012-104/notice.md", project.read("content/2012-104/notice.md") + "\n" + text + "\n")
