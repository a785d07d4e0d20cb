from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    project = Project(root)
    project.replace("data/site.yaml", "base_url: https://jwc.example.edu.cn/\n", "")
    project.write("data/site.yaml", project.read("data/site.yaml") + "print:\n  qr_code: true\n")
