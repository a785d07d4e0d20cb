from __future__ import annotations

import shutil
from pathlib import Path


def prepare(root: Path, outside: Path) -> None:
    """A folder of templates as a link to a copy of it elsewhere (Jinja's loader follows it)."""
    shutil.copytree(root / "layouts/partials", outside / "partials")
    shutil.rmtree(root / "layouts/partials")
    (root / "layouts/partials").symlink_to(outside / "partials", target_is_directory=True)
