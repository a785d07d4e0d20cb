from pathlib import Path

from conftest import Project

NOTICE = "content/2012-104/notice.md"


def prepare(root: Path, outside: Path) -> None:
    """A headcount of 20 digits: totals became 100000000000000002711."""
    Project(root).replace('data/2012-104/schedule.yaml', 'students: 169', 'students: 99999999999999999999')
