from __future__ import annotations

import shutil
from pathlib import Path


def prepare(root: Path, outside: Path) -> None:
    """A folder of data/ that is a link to a copy of itself elsewhere."""
    shutil.copytree(root / "data/2012-104", outside / "2012-104")
    shutil.rmtree(root / "data/2012-104")
    (root / "data/2012-104").symlink_to(outside / "2012-104", target_is_directory=True)
