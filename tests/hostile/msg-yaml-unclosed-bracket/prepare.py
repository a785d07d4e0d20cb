from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    Project(root).replace("data/2012-104/makeup.yaml", "phones: [0731-82250811, 82684582]", "phones: [0731-82250811, 82684582")
