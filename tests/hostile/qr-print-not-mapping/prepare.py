from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    project = Project(root)
    project.write("data/site.yaml", project.read("data/site.yaml") + "print: qr_code\n")
