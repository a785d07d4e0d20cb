"""A notice body with a hostile URL: '见[r]。\n\n[r]: javascript&#58;alert(5)'."""
from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    project = Project(root)
    text = '见[r]。\n\n[r]: javascript&#58;alert(5)'
    project.write("content/2012-104/notice.md", project.read("content/2012-104/notice.md") + "\n" + text + "\n")
