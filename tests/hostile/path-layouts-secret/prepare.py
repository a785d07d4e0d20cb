from __future__ import annotations

from pathlib import Path


def prepare(root: Path, outside: Path) -> None:
    """An asset of layouts/ is copied into the site as it is: a link to a file elsewhere."""
    (root / "layouts/secret.txt").symlink_to(outside / "secret.txt")
