from __future__ import annotations

from pathlib import Path


def prepare(root: Path, outside: Path) -> None:
    """A link to a link (both in layouts/, written relative) to a file elsewhere: the chain is
    followed to its end, and each link that leads out is named."""
    (root / "layouts/second.css").symlink_to("../../outside/secret.txt")
    (root / "layouts/first.css").symlink_to("second.css")
