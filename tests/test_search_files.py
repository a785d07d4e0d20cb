"""The search index is checked before it is published (issue 14): a file of it that is missing,
empty or cut short is found and named; the next build repairs a damaged index; a writer that keeps
writing a bad file fails the build with a located message and the previous output/ intact; a
template edit that changes no indexed text re-indexes nothing."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from property_budget import examples

from conftest import REPO, copy_project
from noticesite import search
from noticesite.errors import BuildError
from noticesite.site import BuildOptions, build, load

pytestmark = pytest.mark.integration


def site_build(root: Path) -> None:
    site, problems = load(root)
    assert site is not None, problems
    build(site, root / "output", BuildOptions(pdf=False, search=True))


def index_of(root: Path) -> tuple[Path, int]:
    import json

    listing = json.loads((root / "output/pagefind/bundles.json").read_text(encoding="utf-8"))
    return root / "output/pagefind/site", listing["pages"]["site"]


def one_of_each_kind(index: Path) -> dict[str, str]:
    """A file of each kind Pagefind writes, by kind."""
    files = {p.relative_to(index).as_posix() for p in index.rglob("*") if p.is_file()}
    kinds = {"entry": "pagefind-entry.json", "script": "pagefind.js", "worker": "pagefind-worker.js"}
    for kind, test in (("meta", lambda f: f.endswith(".pf_meta")), ("wasm", lambda f: f.startswith("wasm.")),
                       ("fragment", lambda f: f.startswith("fragment/")), ("chunk", lambda f: f.startswith("index/"))):
        kinds[kind] = min(f for f in files if test(f))
    assert set(kinds.values()) <= files
    return kinds


def damage(path: Path, how: str, cut: float = 0.5) -> None:
    if how == "missing":
        path.unlink()
    elif how == "empty":
        path.write_bytes(b"")
    else:
        data = path.read_bytes()
        path.write_bytes(data[:int(len(data) * cut)])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = copy_project(REPO, tmp_path_factory.mktemp("search-files") / "site")
    site_build(root)
    return root


@pytest.fixture(scope="module")
def pristine(built: Path, tmp_path_factory) -> Path:
    """A copy of a whole index, for the property test to damage."""
    index, _ = index_of(built)
    copy = tmp_path_factory.mktemp("pristine") / "site"
    shutil.copytree(index, copy)
    return copy


@settings(max_examples=examples(60), deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), how=st.sampled_from(["missing", "empty", "cut"]), cut=st.floats(0.0, 0.999))
def test_any_damaged_file_of_the_index_is_found_and_named(built, pristine, tmp_path_factory, data, how, cut):
    _, pages = index_of(built)
    files = sorted(p.relative_to(pristine).as_posix() for p in pristine.rglob("*") if p.is_file())
    target = data.draw(st.sampled_from(files))
    index = tmp_path_factory.mktemp("damaged") / "site"
    shutil.copytree(pristine, index)
    search.verify_index(index, pages)  # whole: passes
    damage(index / target, how, cut)
    with pytest.raises(search.IndexError_) as found:
        search.verify_index(index, pages)
    assert found.value.path == target


def test_a_page_count_that_disagrees_is_found(built):
    index, pages = index_of(built)
    with pytest.raises(search.IndexError_, match=f"counts {pages} pages, {pages + 1} were indexed"):
        search.verify_index(index, pages + 1)


@pytest.mark.parametrize("how", ["empty", "cut", "missing"])
def test_the_next_build_repairs_each_kind_of_damaged_index_file(built, how):
    index, pages = index_of(built)
    for kind, rel in one_of_each_kind(index).items():
        damage(index / rel, how)
        with pytest.raises(search.IndexError_):
            search.verify_index(index, pages)
        site_build(built)
        index, pages = index_of(built)
        search.verify_index(index, pages)  # raises, naming the file, if it was not repaired
        assert (index / rel).stat().st_size > 0, (kind, rel)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = copy_project(REPO, tmp_path / "site")
    site_build(root)
    return root


def edit_notice(root: Path) -> None:
    notice = root / "content/2012-104/notice.md"
    notice.write_text(notice.read_text(encoding="utf-8").replace("现将有关安排", "现将补充的有关安排", 1),
                      encoding="utf-8")


def test_a_writer_that_writes_a_bad_file_twice_fails_the_build_and_keeps_the_output(project, monkeypatch):
    real = search.run_pagefind
    calls = []

    def bad_writer(site: Path, output: Path) -> None:
        real(site, output)
        calls.append(output)
        fragment = min((output / "fragment").iterdir())
        fragment.write_bytes(fragment.read_bytes()[:10])

    before = snapshot(project / "output")
    edit_notice(project)
    monkeypatch.setattr(search, "run_pagefind", bad_writer)
    with pytest.raises(BuildError) as failed:
        site_build(project)
    assert len(calls) == 2  # built again once
    [problem] = failed.value.problems
    assert problem.path.startswith("pagefind/site/fragment/") and problem.path.endswith(".pf_fragment")
    assert "does not decompress" in problem.message and "2 times" in problem.message
    assert snapshot(project / "output") == before


def test_a_writer_that_writes_a_bad_file_once_is_run_again(project, monkeypatch):
    real = search.run_pagefind
    calls = []

    def flaky_writer(site: Path, output: Path) -> None:
        real(site, output)
        calls.append(output)
        if len(calls) == 1:
            (output / "pagefind-entry.json").write_bytes(b"")

    edit_notice(project)
    monkeypatch.setattr(search, "run_pagefind", flaky_writer)
    site_build(project)
    assert len(calls) == 2
    search.verify_index(*index_of(project))
    assert "补充" in (project / "output/2012-104/index.html").read_text(encoding="utf-8")


def test_a_template_edit_that_changes_no_indexed_text_reindexes_nothing(project, monkeypatch):
    calls = []
    real = search.run_pagefind
    monkeypatch.setattr(search, "run_pagefind", lambda site, output: (calls.append(output), real(site, output)))
    base = next(p for p in (project / "layouts").rglob("*.html") if "<footer" in p.read_text(encoding="utf-8"))
    base.write_text(base.read_text(encoding="utf-8").replace("<footer", '<footer data-edited="1"', 1),
                    encoding="utf-8")
    site_build(project)
    assert 'data-edited="1"' in (project / "output/2012-104/index.html").read_text(encoding="utf-8")
    assert calls == []  # the pages changed, the indexed text did not
    search.verify_index(*index_of(project))
    edit_notice(project)  # and an edit of the text does re-index
    site_build(project)
    assert len(calls) == 1
