from pathlib import Path

from conftest import Project

NOTICE = "content/2012-104/notice.md"


def prepare(root: Path, outside: Path) -> None:
    """A bare CR in a key date's label: a raw CR in every .ics file, a forged ATTENDEE property."""
    Project(root).replace(NOTICE, 'label: 信息有误者到教务处208办公室核查的截止日期',
                          'label: "信息有误者到教务处208办公室核查\\rATTENDEE:mailto:x@example.com"')
