"""A font family name that would close the CSS string it is put in and add a rule of its own."""
from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    p = Project(root)
    p.write("data/site.yaml", p.read("data/site.yaml")
            + 'print:\n  fonts:\n    body: \'x"; } @import url("file:///etc/passwd"); :root { --a: "\'\n')
