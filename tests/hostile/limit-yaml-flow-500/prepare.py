from pathlib import Path

from conftest import Project

NOTICE = "content/2012-104/notice.md"

def prepare(root: Path, outside: Path) -> None:
    """A flow sequence nested 500 levels deep in the schedule (the converter's recursion)."""
    project = Project(root)
    project.write('data/2012-104/schedule.yaml',
                  project.read('data/2012-104/schedule.yaml') + 'extra: ' + '[' * 500 + ']' * 500 + '\n')
