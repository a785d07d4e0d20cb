from pathlib import Path

from conftest import Project

NOTICE = "content/2012-104/notice.md"


def prepare(root: Path, outside: Path) -> None:
    """Full-width digits in a phone: tel:+86-730-８６４０００１ before."""
    Project(root).replace('data/offices.yaml', 'phone: 022—23678033', 'phone: 0730-８６４０００１')
