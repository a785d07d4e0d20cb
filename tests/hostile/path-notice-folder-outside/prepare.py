from __future__ import annotations

import shutil
from pathlib import Path


def prepare(root: Path, outside: Path) -> None:
    """A notice folder of content/ that is a link to a folder elsewhere."""
    shutil.copytree(root / "content/2012-104", outside / "2099-1")
    notice = outside / "2099-1/notice.md"
    notice.write_text(notice.read_text(encoding="utf-8").replace("〔2012〕104号", "〔2099〕1号"), encoding="utf-8")
    (root / "content/2099-1").symlink_to(outside / "2099-1", target_is_directory=True)
