from pathlib import Path

from conftest import Project

NOTICE = "content/2012-104/notice.md"


def prepare(root: Path, outside: Path) -> None:
    """A NUL in the notice's body, written raw."""
    Project(root).replace(NOTICE, '接新华社湖南分社通知，', '接新华社湖南分社通知，\x00')
