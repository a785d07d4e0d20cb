"""The preview's search indexer goes on after a job that fails with a disk error (a full disk, a
memory folder filled meanwhile): the error is said and the next save is indexed (before, the
thread died with the error, marked as running, and the preview's index never changed again)."""
from __future__ import annotations

import errno
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from noticesite.serve import SearchIndexer

pytestmark = pytest.mark.unit


@dataclass
class Job:
    key: str
    fails: bool
    runs: list[str] = field(default_factory=list)
    folder: Path = Path("/nonexistent")

    def run(self, reuse_from: Path | None, workers: int = 1) -> list[str]:
        self.runs.append(self.key)
        if self.fails:
            raise OSError(errno.ENOSPC, "No space left on device")
        return []


def test_a_disk_error_is_said_and_the_next_job_runs(capsys):
    indexer = SearchIndexer()
    failing, next_one = Job("a", fails=True), Job("b", fails=False)
    indexer.submit(failing)
    assert indexer.wait(10)
    indexer.submit(next_one)
    assert indexer.wait(10)
    indexer.close(10)
    assert failing.runs == ["a"] and next_one.runs == ["b"]
    assert indexer.builds == 1
    assert "No space left on device" in capsys.readouterr().err
