from __future__ import annotations

import shutil
from pathlib import Path


def prepare(root: Path, outside: Path) -> None:
    """A template that is a link to a file elsewhere (with the same template in it)."""
    template = root / "layouts/partials/notice_nav.html"
    shutil.copy(template, outside / "notice_nav.html")
    (outside / "notice_nav.html").write_text(template.read_text(encoding="utf-8") + "SECRET-FROM-OUTSIDE",
                                             encoding="utf-8")
    template.unlink()
    template.symlink_to(outside / "notice_nav.html")
