"""A notice image given as the absolute path of a file outside the project, its first '/' an entity."""
from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    project = Project(root)
    text = f"![i](&#47;{str(outside).lstrip('/')}/secret.png)"
    project.write("content/2012-104/notice.md", project.read("content/2012-104/notice.md") + "\n" + text + "\n")
