from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    Project(root).replace("data/2012-104/procedure.yaml", "title: 毕业生", "title: 毕业\0生")
