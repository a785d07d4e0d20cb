from __future__ import annotations

import shutil
from pathlib import Path


def prepare(root: Path, outside: Path) -> None:
    """The site settings, read before anything else, as a link to a copy elsewhere."""
    shutil.copy(root / "data/site.yaml", outside / "site.yaml")
    (root / "data/site.yaml").unlink()
    (root / "data/site.yaml").symlink_to(outside / "site.yaml")
