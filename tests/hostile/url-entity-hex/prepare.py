"""A notice body with a hostile URL: '[e4](&#x6A;avascript&#x3A;alert(4))'."""
from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    project = Project(root)
    text = '[e4](&#x6A;avascript&#x3A;alert(4))'
    project.write("content/2012-104/notice.md", project.read("content/2012-104/notice.md") + "\n" + text + "\n")
