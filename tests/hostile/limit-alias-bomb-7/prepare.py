from pathlib import Path

from conftest import Project
from hostile_inputs import bomb


def prepare(root: Path, outside: Path) -> None:
    """An alias bomb under an unknown key of the directory: 9^7 values from a few lines."""
    Project(root).write("data/offices.yaml", Project(root).read("data/offices.yaml") + bomb(7))
