"""A notice body with a hostile URL: '[e2](&#106;avascript:alert(2))'."""
from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    project = Project(root)
    text = '[e2](&#106;avascript:alert(2))'
    project.write("content/2012-104/notice.md", project.read("content/2012-104/notice.md") + "\n" + text + "\n")
