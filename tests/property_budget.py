"""How many examples a property test tries: its full count, or a tenth of it in the fast layer.

The README's fast layer (``NOTICESITE_FAST=1 pytest -m unit``) is the edit-test loop: every unit
test runs, each property test with a tenth of its examples (three at least), so a mechanism that
breaks is still met by generated cases within seconds. The README's test command and CI run
the full counts.
"""
from __future__ import annotations

import os

FAST = os.environ.get("NOTICESITE_FAST", "") not in ("", "0")


def examples(full: int) -> int:
    return max(3, full // 10) if FAST else full
