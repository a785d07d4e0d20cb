from pathlib import Path

from conftest import Project

NOTICE = "content/2012-104/notice.md"


def prepare(root: Path, outside: Path) -> None:
    """A title with NUL."""
    Project(root).replace(NOTICE, 'title: 关于做好2014届预计毕业生图像信息采集工作的通知',
                          'title: "关于做好\\0图像信息采集工作的通知"')
