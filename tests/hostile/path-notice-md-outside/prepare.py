from __future__ import annotations

import shutil
from pathlib import Path


def prepare(root: Path, outside: Path) -> None:
    """notice.md itself as a link to a copy elsewhere."""
    notice = root / "content/2012-104/notice.md"
    shutil.copy(notice, outside / "notice.md")
    notice.unlink()
    notice.symlink_to(outside / "notice.md")
