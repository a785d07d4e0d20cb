"""Calendars that update: SEQUENCE grows exactly when an event changes (hypothesis).

Random sequences of edits of the example's schedule (a slot moved to another day, its place
changed, removed, added back) each followed by a build as a new command (nothing but the disk
from the previous one). After every build, read back with icalendar, every event published
before is still published (a removed slot as STATUS:CANCELLED, never gone); its SEQUENCE grew
by one exactly when what it says changed (summary, time, place, description, status) and its
LAST-MODIFIED with it; otherwise both stayed. And a clean build of a fresh copy of the same
inputs (content/, data/ with the ledger the build wrote, layouts/; no cache, no output) writes
the same bytes.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import icalendar
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from property_budget import examples

from conftest import REPO, copy_project
from noticesite.cache import LoadCache
from noticesite.site import BuildOptions, build, load

pytestmark = pytest.mark.integration

INCREMENTAL = BuildOptions(pdf=False, search=False, incremental=True)
CLEAN = BuildOptions(pdf=False, search=False, incremental=False)
SCHEDULE = "data/2012-104/schedule.yaml"
SESSION = re.compile(r"^  - \{date: (?P<date>[\d-]+), start: (?P<start>[\d:]+), end: (?P<end>[\d:]+), (?P<rest>.*)\}$")
ORIGINAL = [m.groupdict() for m in map(SESSION.match, (REPO / SCHEDULE).read_text(encoding="utf-8").splitlines())
            if m]
EPOCH = 1_700_000_000  # the builds' clock (SOURCE_DATE_EPOCH): a minute later at each build


@contextmanager
def clock(seconds: int):
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(seconds)
    try:
        yield
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def run(root: Path, out: str, options: BuildOptions) -> None:
    site, problems = load(root, LoadCache() if options.incremental else None)
    assert site is not None, "\n".join(map(str, problems))
    build(site, root / out, options)


class Slots:
    """The schedule's sessions as the edits leave them; written back as schedule.yaml."""

    def __init__(self) -> None:
        self.present = [True] * len(ORIGINAL)
        self.day = [0] * len(ORIGINAL)  # 0: its own day; 1, 2: a day no other slot has
        self.place = [0] * len(ORIGINAL)  # 0: the schedule's location; 1, 2: a building of its own

    def text(self) -> str:
        lines = []
        for i, slot in enumerate(ORIGINAL):
            if not self.present[i]:
                continue
            date = slot["date"] if self.day[i] == 0 else f"2013-0{self.day[i]}-{5 + i:02d}"
            place = f", location: 南校区{self.place[i]}号楼" if self.place[i] else ""
            lines.append(f"  - {{date: {date}, start: {slot['start']}, end: {slot['end']}, {slot['rest']}{place}}}")
        head = (REPO / SCHEDULE).read_text(encoding="utf-8").split("sessions:")[0]
        return head + "sessions:\n" + "\n".join(lines) + "\n"

    def apply(self, edit: tuple[str, int, int]) -> None:
        kind, i, value = edit
        if kind == "move":
            self.day[i] = value
        elif kind == "place":
            self.place[i] = value
        elif kind == "remove" and i != 0:  # the schedule keeps one session (an empty one is an error)
            self.present[i] = False
        elif kind == "re-add":
            self.present[i] = True


def published(folder: Path) -> tuple[dict[str, tuple[int, str, tuple]], dict[str, bytes]]:
    """Every event of all.ics by UID: (SEQUENCE, LAST-MODIFIED, what it says); and every .ics file."""
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.ics"))}
    events = {}
    for event in icalendar.Calendar.from_ical(files["2012-104/calendar/all.ics"]).walk("VEVENT"):
        says = tuple(str(event.get(name, "")) for name in ("SUMMARY", "DESCRIPTION", "LOCATION", "URL", "STATUS"))
        says += (event.decoded("DTSTART").isoformat(), event.decoded("DTEND").isoformat())
        sequence = int(event["SEQUENCE"]) if "SEQUENCE" in event else -1
        events[str(event["UID"])] = (sequence, str(event.get("LAST-MODIFIED", "")), says)
    return events, files


@pytest.fixture(scope="module")
def template_project(tmp_path_factory) -> Path:
    root = copy_project(REPO, tmp_path_factory.mktemp("ledger-property") / "site")
    with clock(EPOCH):
        run(root, "output", INCREMENTAL)
    return root


INDEX = st.integers(0, len(ORIGINAL) - 1)
EDIT = st.one_of(
    st.tuples(st.just("move"), INDEX, st.integers(0, 2)),
    st.tuples(st.just("place"), INDEX, st.integers(0, 2)),
    st.tuples(st.just("remove"), INDEX, st.just(0)),
    st.tuples(st.just("re-add"), INDEX, st.just(0)),
)


# No shrinking: each step builds the site twice; the sequence as generated is short enough to read.
@settings(max_examples=examples(12), deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=st.lists(st.lists(EDIT, min_size=1, max_size=2), min_size=1, max_size=4))
def test_sequence_grows_exactly_when_an_event_changes(template_project: Path, edits: list[list[tuple]]):
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "site"
        shutil.copytree(template_project, root)
        slots = Slots()
        before, _ = published(root / "output")
        for step, group in enumerate(edits, 1):  # each group of edits is saved, then built
            for edit in group:
                slots.apply(edit)
            (root / SCHEDULE).write_text(slots.text(), encoding="utf-8")
            with clock(EPOCH + 60 * step):
                run(root, "output", INCREMENTAL)
            after, files = published(root / "output")
            where = f"after {edits[:step]}"
            assert set(before) <= set(after), f"{where}: events vanished: {sorted(set(before) - set(after))}"
            for uid, (sequence, modified, says) in after.items():
                if uid not in before:
                    assert sequence == 0, f"{where}: new event {uid} has SEQUENCE {sequence}"
                    continue
                old_sequence, old_modified, old_says = before[uid]
                changed = says != old_says
                assert sequence == old_sequence + changed, \
                    f"{where}: {uid} SEQUENCE {old_sequence} -> {sequence}, content changed: {changed}"
                assert (modified != old_modified) == changed, \
                    f"{where}: {uid} LAST-MODIFIED {old_modified} -> {modified}, content changed: {changed}"
            fresh = copy_project(root, Path(scratch) / f"fresh-{step}")  # content, data, layouts only
            with clock(EPOCH + 60 * step + 30):  # the clean build needs no clock: the ledger says
                run(fresh, "output", CLEAN)
            assert published(fresh / "output")[1] == files, f"{where}: a clean build differs"
            before = after
