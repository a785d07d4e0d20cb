"""Where the search stage stages its pages (issue 14): in the memory folder (/dev/shm) when there is
one with room, else beside the index in output/; a staging folder of a killed build is removed by
the next build, one of a living build never; staged by forked workers or by the build's own
process, the same pages and the same index."""
from __future__ import annotations

import fcntl
import os
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from property_budget import examples

from conftest import REPO, copy_project
from noticesite import search
from noticesite.site import BuildOptions, build, load

OLD = time.time() - 3600

# One entry of a memory folder: (its name's prefix is ours, a folder / a file / a link to a folder,
# older than the age limit, locked by a living build).
entries = st.lists(st.tuples(st.booleans(), st.sampled_from(["folder", "file", "link"]), st.booleans(), st.booleans()),
                   max_size=8)


@pytest.mark.unit
@settings(max_examples=examples(60), deadline=None)
@given(entries)
def test_only_old_unheld_staging_folders_of_ours_are_removed(found):
    with tempfile.TemporaryDirectory() as tmp:
        memory, outside = Path(tmp, "shm"), Path(tmp, "outside")
        memory.mkdir()
        outside.mkdir()
        (outside / "keep.txt").write_text("not ours")
        held, expected = [], set()
        try:
            for number, (ours, kind, old, locked) in enumerate(found):
                path = memory / f"{search.SCRATCH_PREFIX if ours else 'other-'}{number}"
                if kind == "folder":
                    path.mkdir()
                    (path / "page.html").write_bytes(b"<p>x</p>")
                    if locked:
                        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
                        fcntl.flock(fd, fcntl.LOCK_EX)
                        held.append(fd)
                elif kind == "file":
                    path.write_bytes(b"x")
                else:
                    path.symlink_to(outside, target_is_directory=True)
                if old:
                    os.utime(path, (OLD, OLD), follow_symlinks=False)
                if ours and kind == "folder" and old and not locked:
                    expected.add(path)
            removed = set(search.remove_leftovers(memory))
            assert removed == expected
            made = {f"{search.SCRATCH_PREFIX if ours else 'other-'}{n}" for n, (ours, *_) in enumerate(found)}
            assert {p.name for p in memory.iterdir()} == made - {p.name for p in expected}
            assert (outside / "keep.txt").read_text() == "not ours"  # a link is never followed
        finally:
            for fd in held:
                os.close(fd)


def _built(root: Path) -> dict[str, bytes]:
    site, problems = load(root)
    assert site is not None, problems
    build(site, root / "output", BuildOptions(pdf=False, search=True))
    index = root / "output/pagefind"
    return {p.relative_to(index).as_posix(): p.read_bytes() for p in index.rglob("*") if p.is_file()}


@pytest.mark.integration
def test_staged_in_memory_or_on_disk_the_index_is_the_same_and_nothing_is_left(tmp_path, monkeypatch):
    memory = tmp_path / "shm"
    memory.mkdir()
    leftover = memory / f"{search.SCRATCH_PREFIX}killed"
    leftover.mkdir()
    (leftover / "index.html").write_bytes(b"<p>from a killed build</p>")
    os.utime(leftover, (OLD, OLD))
    staged_in: list[Path] = []
    real = search.run_pagefind

    def recording(site: Path, output: Path) -> None:
        staged_in.append(site)
        real(site, output)

    monkeypatch.setattr(search, "run_pagefind", recording)
    monkeypatch.setattr(search, "MEMORY_FOLDER", memory)
    in_memory = _built(copy_project(REPO, tmp_path / "a"))
    assert staged_in[-1].parent == memory
    assert list(memory.iterdir()) == []  # its own removed when done, the killed build's too

    monkeypatch.setattr(search, "MEMORY_FOLDER", tmp_path / "no-such-folder")
    on_disk = _built(copy_project(REPO, tmp_path / "b"))
    assert (tmp_path / "b").resolve() in staged_in[-1].resolve().parents  # beside the index, in output/
    assert not staged_in[-1].exists()
    assert on_disk == in_memory


def _built_bundle(tmp_path: Path) -> tuple[Path, search.Bundle]:
    """The example built with search, and the bundle of its pages as the build indexes them."""
    root = copy_project(REPO, tmp_path / "site")
    _built(root)
    site, _ = load(root)
    assert site is not None
    return root, search.bundles(site, {p.relative_to(root / "output").as_posix(): ""
                                       for p in (root / "output").rglob("*.html")}, [])[0]


@pytest.mark.integration
def test_pages_staged_by_workers_are_those_staged_in_one_process(tmp_path, monkeypatch):
    root, bundle = _built_bundle(tmp_path)
    alone = search.stage_pages(root / "output", bundle, workers=1)
    monkeypatch.setattr(search, "_PARALLEL_PAGES", 1)
    forked = search.stage_pages(root / "output", bundle, workers=2)
    assert forked == alone and len(alone[0]) > 3
    written = {}
    for workers in (1, 2):
        folder = tmp_path / f"written-{workers}"
        search._write_staged(folder, alone[0], workers)
        written[workers] = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert written[1] == written[2] == {path: search.split_han(page) for path, page in alone[0].items()}


def _listing(folder: Path) -> list[str]:
    """Every entry under ``folder`` in the order the file system lists it (Pagefind's order)."""
    found = []
    for entry in os.scandir(folder):
        found.append(entry.name)
        if entry.is_dir():
            found += [f"{entry.name}/{name}" for name in _listing(Path(entry.path))]
    return found


# Paths of staged pages: a few folders deep, as a site's are (2012-104/attachment-1.html, …).
staged_paths = st.lists(st.lists(st.sampled_from(["a", "b", "2012-104", "_records", "x1"]), min_size=0, max_size=2)
                        .map(lambda parts: "/".join([*parts, "index.html"])), min_size=2, max_size=12, unique=True)


@pytest.mark.unit
@settings(max_examples=examples(100), deadline=None)
@given(staged_paths, st.randoms(use_true_random=False))
def test_the_staged_folder_lists_its_pages_in_one_order_whatever_order_they_were_staged_in(paths, rng):
    """On tmpfs a folder lists its entries newest first: pages written in the order they were
    staged gave Pagefind another order, and so another index, for the same pages (a clean build
    and an incremental one disagreed)."""
    memory = search.MEMORY_FOLDER if search.MEMORY_FOLDER.is_dir() else None
    shuffled = list(paths)
    rng.shuffle(shuffled)
    listings = []
    for order in (paths, shuffled):
        with tempfile.TemporaryDirectory(dir=memory) as tmp:
            search._write_staged(Path(tmp), {path: f"<p>{path}</p>".encode() for path in order}, workers=1)
            listings.append(_listing(Path(tmp)))
            assert {p: Path(tmp, p).read_bytes() for p in paths} == {p: f"<p>{p}</p>".encode() for p in paths}
    assert listings[0] == listings[1]


@pytest.mark.integration
def test_pages_staged_in_another_order_make_the_same_index(tmp_path):
    root, bundle = _built_bundle(tmp_path)
    staged, _ = search.stage_pages(root / "output", bundle)
    indexes = []
    for order in (sorted(staged), sorted(staged, reverse=True)):
        with search.scratch_folder(tmp_path / "fallback", 0) as folder:
            search._write_staged(folder, {path: staged[path] for path in order}, workers=1)
            search.run_pagefind(folder, tmp_path / f"index-{len(indexes)}")
        index = tmp_path / f"index-{len(indexes)}"
        indexes.append({p.relative_to(index).as_posix(): p.read_bytes() for p in index.rglob("*") if p.is_file()})
    assert indexes[0] == indexes[1]


@pytest.mark.integration
def test_a_memory_folder_that_fills_up_while_staging_falls_back_to_the_disk(tmp_path, monkeypatch):
    """The room is judged before staging; another build or program may fill /dev/shm meanwhile
    (a container's is 64 MB): the pages are then staged on the disk, not the build failed."""
    import errno

    memory = tmp_path / "shm"
    memory.mkdir()
    monkeypatch.setattr(search, "MEMORY_FOLDER", memory)
    real = search._write_staged
    tried: list[Path] = []

    def filling(site: Path, staged: dict[str, bytes], workers: int) -> None:
        tried.append(site)
        if memory in site.parents:
            (site / "half-written.html").write_bytes(b"<p>")
            raise OSError(errno.ENOSPC, "No space left on device")
        real(site, staged, workers)

    in_memory = _built(copy_project(REPO, tmp_path / "a"))
    monkeypatch.setattr(search, "_write_staged", filling)
    full = _built(copy_project(REPO, tmp_path / "b"))
    assert [memory in site.parents for site in tried] == [True, False]
    assert full == in_memory
    assert list(memory.iterdir()) == []  # what was half written there is gone
