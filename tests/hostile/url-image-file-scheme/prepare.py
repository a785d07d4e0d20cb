"""A notice image given as a file: URL of a file outside the project, its ':' an entity."""
from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    project = Project(root)
    text = f'![i](file&#58;//{outside}/secret.png)'
    project.write("content/2012-104/notice.md", project.read("content/2012-104/notice.md") + "\n" + text + "\n")
