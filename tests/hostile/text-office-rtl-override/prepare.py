from pathlib import Path

from conftest import Project

NOTICE = "content/2012-104/notice.md"


def prepare(root: Path, outside: Path) -> None:
    """An office name with a right-to-left override, written raw."""
    Project(root).replace('data/offices.yaml', 'name: 天津分社', 'name: 天津\u202e分社')
