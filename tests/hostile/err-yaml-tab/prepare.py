from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    Project(root).replace("data/2012-104/makeup.yaml", "\n  name: 湖南新华分社", "\n\tname: 湖南新华分社")
