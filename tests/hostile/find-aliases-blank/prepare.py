"""An office's search-only aliases with a blank spelling: refused where it is written."""
from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    Project(root).replace("data/offices.yaml", "aliases: [哈尔滨]", "aliases: [哈尔滨, '  ']")
