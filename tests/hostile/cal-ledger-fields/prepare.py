from __future__ import annotations

from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    """The calendar ledger edited by hand: a negative sequence, a month 13, a file name that
    climbs out of the calendar folder, a field it does not have."""
    p = Project(root)
    ledger = "data/2012-104/calendar-ledger.yaml"
    p.replace(ledger, "  2012-104.photos@jwc.example.edu.cn:\n    sequence: 0\n",
              "  2012-104.photos@jwc.example.edu.cn:\n    sequence: -1\n    colour: red\n")
    p.replace(ledger, "    file: group-政法学院.ics", "    file: ../../../../etc/cron.d/x.ics")
    text = p.read(ledger)
    stamp = text[text.index("last_modified: '") + 16:].split("'")[0]
    p.write(ledger, text.replace(f"last_modified: '{stamp}'", "last_modified: '2013-13-01T00:00:00Z'", 1))
