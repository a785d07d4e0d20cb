from __future__ import annotations

from pathlib import Path


def prepare(root: Path, outside: Path) -> None:
    """An asset linked to an endless file: refused before a byte of it is read (bounded memory)."""
    (root / "layouts/zero.js").symlink_to("/dev/zero")
