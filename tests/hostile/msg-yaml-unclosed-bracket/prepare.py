from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    Project(root).replace("data/2012-104/makeup.yaml", "82684582]", "82684582")  # no closing bracket
