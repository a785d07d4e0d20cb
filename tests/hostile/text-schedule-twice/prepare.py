from pathlib import Path

from conftest import Project

NOTICE = "content/2012-104/notice.md"


def prepare(root: Path, outside: Path) -> None:
    """The same schedule listed by two attachments: its calendar events doubled (18 to 32)."""
    Project(root).replace(NOTICE, '  - title: 毕业生图像采集流程图\n',
                          '  - title: 时间安排表（再列）\n    type: schedule\n    data: 2012-104/schedule.yaml\n'
                          '  - title: 毕业生图像采集流程图\n')
