"""A notice body with a hostile URL: '[p](//evil.example/x)'."""
from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    project = Project(root)
    text = '[p](//evil.example/x)'
    project.write("content/2012-104/notice.md", project.read("content/2012-104/notice.md") + "\n" + text + "\n")
