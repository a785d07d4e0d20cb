"""An office's aliases written as a mapping instead of a list: refused where it is written."""
from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    Project(root).replace("data/offices.yaml", "aliases: [哈尔滨]", "aliases: {哈尔滨: 哈乐滨}")
