from __future__ import annotations

import shutil
from pathlib import Path


def prepare(root: Path, outside: Path) -> None:
    """A data file that is a link to a copy of itself elsewhere: the same bytes, still refused."""
    data = root / "data/2012-104/schedule.yaml"
    shutil.copy(data, outside / "schedule.yaml")
    data.unlink()
    data.symlink_to(outside / "schedule.yaml")
