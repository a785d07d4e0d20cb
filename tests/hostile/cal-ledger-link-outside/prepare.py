from __future__ import annotations

from pathlib import Path


def prepare(root: Path, outside: Path) -> None:
    """The ledger a link to a file elsewhere: the build would write through it. Refused."""
    ledger = root / "data/2012-104/calendar-ledger.yaml"
    (outside / "ledger.yaml").write_bytes(ledger.read_bytes())
    ledger.unlink()
    ledger.symlink_to(outside / "ledger.yaml")
