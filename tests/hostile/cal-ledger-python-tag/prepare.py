from __future__ import annotations

from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    """A tag that would run a command, in the file the build itself writes."""
    Project(root).replace("data/2012-104/calendar-ledger.yaml", "    sequence: 0\n",
                          "    sequence: !!python/object/apply:os.system ['touch /tmp/owned']\n")
