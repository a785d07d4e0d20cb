from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    Project(root).replace("data/2012-104/procedure.yaml", "\n    label: 对照本人身份证", "\n  \t label: 对照本人身份证")
