"""A notice body with a hostile URL: '![i](%2e%2e/%2e%2e/%2e%2e/outside/secret.png)'."""
from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    project = Project(root)
    text = '![i](%2e%2e/%2e%2e/%2e%2e/outside/secret.png)'
    project.write("content/2012-104/notice.md", project.read("content/2012-104/notice.md") + "\n" + text + "\n")
