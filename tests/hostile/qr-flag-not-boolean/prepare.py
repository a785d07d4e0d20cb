from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    # "yes" is YAML 1.1's true, but every value is read as text: only true or false is taken
    project = Project(root)
    project.write("data/site.yaml", project.read("data/site.yaml") + "print:\n  qr_code: yes\n")
