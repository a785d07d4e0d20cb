"""A notice body with a hostile URL: '[v](VBScript&#58;msgbox(10))'."""
from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    project = Project(root)
    text = '[v](VBScript&#58;msgbox(10))'
    project.write("content/2012-104/notice.md", project.read("content/2012-104/notice.md") + "\n" + text + "\n")
