from __future__ import annotations

from pathlib import Path


def prepare(root: Path, outside: Path) -> None:
    """A text attachment's page (instructions.md) that is a link to a file elsewhere."""
    page = root / "content/2012-104/instructions.md"
    page.unlink()
    page.symlink_to(outside / "secret.txt")
