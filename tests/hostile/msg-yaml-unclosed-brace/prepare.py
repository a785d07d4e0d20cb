from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    Project(root).replace("data/2012-104/schedule.yaml", "phone: 15973010514}", "phone: 15973010514")
