"""A search index whose files the Pagefind binary left cut short is found out and built again."""
from __future__ import annotations

import asyncio
import gzip
from pathlib import Path

import pytest

from noticesite import search

pytestmark = pytest.mark.unit

WHOLE_SCRIPT = b"const x=1;export{init,mergeIndex,search};\n"


def write_index(folder: Path, script: bytes = WHOLE_SCRIPT) -> None:
    (folder / "fragment").mkdir(parents=True, exist_ok=True)
    (folder / "fragment/zh-cn_1.pf_fragment").write_bytes(gzip.compress("图像采集".encode() * 50))
    (folder / "pagefind-entry.json").write_text('{"version":"1.5.2"}', encoding="utf-8")
    (folder / "pagefind-worker.js").write_bytes(b"(()=>{self.onmessage=()=>{};})();")
    (folder / "pagefind.js").write_bytes(script)


def test_cut_files_are_found_and_whole_ones_pass(tmp_path: Path):
    write_index(tmp_path)
    assert search._incomplete_files(tmp_path) == []
    packed = tmp_path / "fragment/zh-cn_1.pf_fragment"
    packed.write_bytes(packed.read_bytes()[:-10])
    (tmp_path / "pagefind-entry.json").write_text('{"version":"1.', encoding="utf-8")
    (tmp_path / "pagefind-worker.js").write_bytes(b"(()=>{self.onmessage=(")
    (tmp_path / "pagefind.js").write_bytes(WHOLE_SCRIPT[:20])
    assert search._incomplete_files(tmp_path) == [
        "fragment/zh-cn_1.pf_fragment", "pagefind-entry.json", "pagefind-worker.js", "pagefind.js"]


def test_an_index_left_cut_short_is_built_again(tmp_path: Path, monkeypatch):
    calls = []

    async def flaky_build(jobs):
        for _site, index, _records, _pages in jobs:
            calls.append(index)
            write_index(index, WHOLE_SCRIPT if len(calls) > 1 else WHOLE_SCRIPT[:25])

    monkeypatch.setattr(search, "_build", flaky_build)
    index = tmp_path / "2012"
    asyncio.run(search._build_each([(tmp_path, index, [], "*.html")]))
    assert len(calls) == 2
    assert search._incomplete_files(index) == []


def test_an_index_always_cut_short_is_an_error(tmp_path: Path, monkeypatch):
    async def broken_build(jobs):
        for _site, index, _records, _pages in jobs:
            write_index(index, WHOLE_SCRIPT[:25])

    monkeypatch.setattr(search, "_build", broken_build)
    with pytest.raises(RuntimeError, match="pagefind.js cut short, 3 times"):
        asyncio.run(search._build_each([(tmp_path, tmp_path / "2012", [], "*.html")]))


def test_years_share_a_process_each_and_only_the_cut_one_is_built_again(tmp_path: Path, monkeypatch):
    """Five years on two processes: each year is indexed once, by one of two launches of the
    binary; the one year left cut short is built again, alone, in a third."""
    launches: list[list[str]] = []

    async def recording_build(jobs):
        launches.append([])
        for _site, index, _records, _pages in jobs:
            launches[-1].append(index.name)
            cut = index.name == "2013" and sum(1 for names in launches if "2013" in names) == 1
            write_index(index, WHOLE_SCRIPT[:25] if cut else WHOLE_SCRIPT)
            await asyncio.sleep(0)  # let the other process take the next year

    monkeypatch.setattr(search, "_build", recording_build)
    years = ["2016", "2015", "2014", "2013", "2012"]
    asyncio.run(search._build_each([(tmp_path, tmp_path / y, [], "*.html") for y in years], at_once=2))
    assert len(launches) == 3 and launches[2] == ["2013"]
    assert sorted(launches[0] + launches[1]) == sorted(years)
    assert launches[0] and launches[1], "both processes took years"
    assert all(search._incomplete_files(tmp_path / y) == [] for y in years)


def test_a_process_builds_a_few_years_then_a_new_one_starts(tmp_path: Path, monkeypatch):
    """The binary keeps each index it built until it ends: ten years on one core take three
    processes, not one."""
    launches: list[list[str]] = []

    async def recording_build(jobs):
        launches.append([])
        for _site, index, _records, _pages in jobs:
            launches[-1].append(index.name)
            write_index(index)

    monkeypatch.setattr(search, "_build", recording_build)
    years = [str(2020 - i) for i in range(10)]
    asyncio.run(search._build_each([(tmp_path, tmp_path / y, [], "*.html") for y in years], at_once=1))
    assert [len(names) for names in launches] == [4, 4, 2] and sum(launches, []) == years
