"""A notice body with a hostile URL: '[e1](java&#115;cript:alert(1))'."""
from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    project = Project(root)
    text = '[e1](java&#115;cript:alert(1))'
    project.write("content/2012-104/notice.md", project.read("content/2012-104/notice.md") + "\n" + text + "\n")
