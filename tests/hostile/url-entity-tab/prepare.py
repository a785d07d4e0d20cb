"""A notice body with a hostile URL: '[t](java&Tab;script:alert(6))'."""
from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    project = Project(root)
    text = '[t](java&Tab;script:alert(6))'
    project.write("content/2012-104/notice.md", project.read("content/2012-104/notice.md") + "\n" + text + "\n")
