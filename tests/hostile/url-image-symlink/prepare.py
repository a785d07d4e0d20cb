"""A notice body with an image that is a symbolic link to a file outside the project."""
from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    project = Project(root)
    text = '![照片](photo.png)'
    project.write("content/2012-104/notice.md", project.read("content/2012-104/notice.md") + "\n" + text + "\n")
    (root / "content/2012-104/photo.png").symlink_to(outside / "secret.png")
