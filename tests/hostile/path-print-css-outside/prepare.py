from __future__ import annotations

import shutil
from pathlib import Path


def prepare(root: Path, outside: Path) -> None:
    """The print stylesheet (read for the PDFs through the template loader) as a link elsewhere."""
    shutil.copy(root / "layouts/print.css", outside / "print.css")
    (root / "layouts/print.css").unlink()
    (root / "layouts/print.css").symlink_to(outside / "print.css")
