from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    Project(root).replace("content/2012-104/notice.md", "\n---\n", "\n----\n")
