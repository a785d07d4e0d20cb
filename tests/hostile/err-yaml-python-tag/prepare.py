from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    # before: the tag, "expected text, got a list" and "missing field 'location'" for one fault
    Project(root).replace("data/2012-104/schedule.yaml", "location: 南校区6号楼一楼学术报告厅",
                          'location: !!python/object/apply:os.system ["ls"]')
