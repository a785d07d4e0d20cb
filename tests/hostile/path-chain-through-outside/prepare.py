from __future__ import annotations

from pathlib import Path


def prepare(root: Path, outside: Path) -> None:
    """A link in the project to a link outside it, which leads to a file outside."""
    (outside / "hop.css").symlink_to(outside / "secret.txt")
    (root / "layouts/hop.css").symlink_to(outside / "hop.css")
