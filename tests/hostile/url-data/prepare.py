"""A notice body with a hostile URL: '[d](data:text/html;base64,PHNjcmlwdD5hbGVydCg5KTwvc2NyaXB0Pg==)'."""
from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    project = Project(root)
    text = '[d](data:text/html;base64,PHNjcmlwdD5hbGVydCg5KTwvc2NyaXB0Pg==)'
    project.write("content/2012-104/notice.md", project.read("content/2012-104/notice.md") + "\n" + text + "\n")
