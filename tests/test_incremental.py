"""Incremental builds write exactly what a clean build writes, for every kind of edit."""
from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import pytest

from conftest import Project
from noticesite.cache import LoadCache, NoticeRef
from noticesite.site import BuildOptions, build, load

pytestmark = pytest.mark.integration

INCREMENTAL = BuildOptions(pdf=False, search=False, incremental=True)
CLEAN = BuildOptions(pdf=False, search=False, incremental=False)


def add_second_notice(project: Project) -> None:
    shutil.copytree(project.path("content/2012-104"), project.path("content/2012-105"))
    project.replace("content/2012-105/notice.md", "104号", "105号")
    project.replace("content/2012-105/notice.md", "关于做好2014届", "关于补充做好2014届")


def run(project: Project, out: str, options: BuildOptions, cache: LoadCache | None = None):
    site, problems = load(project.root, cache)
    assert site is not None, "\n".join(map(str, problems))
    return build(site, project.path(out), options, cache.hasher if cache else None,
                 memos=cache.memos() if cache else None)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def edit_content(p: Project):
    p.replace("content/2012-104/notice.md", "现将有关安排及注意事项通知如下",
              "现将有关安排及注意事项通知如下（已更新）")


def edit_text_attachment(p: Project):
    p.replace("content/2012-104/instructions.md", "各高校毕业生", "各高等学校毕业生")


def edit_notice_data(p: Project):
    p.replace("data/2012-104/schedule.yaml", "students: 169", "students: 170")


def edit_shared_data(p: Project):
    p.replace("data/offices.yaml", "天津市南天区迎水道新华园", "天津市南开区迎水道新华园")


def edit_template(p: Project):
    p.replace("layouts/attachments/text.html", '<div class="attachment-body">', '<div class="attachment-body text">')


def edit_partial(p: Project):
    p.replace("layouts/partials/schedule.html", "小计", "合计（当日）")


def edit_stylesheet(p: Project):
    p.write("layouts/style.css", p.read("layouts/style.css") + "\n/* edited */\n")


def delete_notice(p: Project):
    shutil.rmtree(p.path("content/2012-105"))


def edit_site_settings(p: Project):
    p.replace("data/site.yaml", "https://jwc.example.edu.cn/", "https://example.edu.cn/jwc/")


EDITS = [edit_content, edit_text_attachment, edit_notice_data, edit_shared_data, edit_template,
         edit_partial, edit_stylesheet, delete_notice, edit_site_settings]


@pytest.mark.parametrize("edit", EDITS, ids=[e.__name__ for e in EDITS])
def test_incremental_build_equals_clean_build(project: Project, edit):
    add_second_notice(project)
    first = run(project, "output", INCREMENTAL, LoadCache())
    assert first.reused == 0
    edit(project)
    cache = LoadCache()  # as a new command would: nothing from the first run but the disk
    report = run(project, "output", INCREMENTAL, cache)
    run(project, "clean", CLEAN)
    assert snapshot(project.path("output")) == snapshot(project.path("clean"))
    assert report.reused > 0, "an incremental build should reuse something"


def test_unchanged_rebuild_renders_nothing(project: Project):
    run(project, "output", INCREMENTAL)
    report = run(project, "output", INCREMENTAL)
    assert report.rendered == 0 and report.reused == report.files


def releases_state(project: Project) -> dict[str, tuple[int, int, int]]:
    """Every entry beside and under the output link (releases, links, files) by inode and time."""
    home = project.path(".output.releases")
    entries = [project.path("output"), *sorted(home.rglob("*"))]
    return {str(p): (p.lstat().st_ino, p.lstat().st_mtime_ns, p.lstat().st_size) for p in entries}


@pytest.mark.parametrize("search", [False, True], ids=["no-search", "search"])
def test_a_rebuild_with_nothing_to_write_keeps_the_current_release(project: Project, search: bool):
    options = BuildOptions(pdf=False, search=search, incremental=True)
    run(project, "output", options)
    run(project, "output", options)  # a second release: "previous" exists too
    link, before = os.readlink(project.path("output")), releases_state(project)
    report = run(project, "output", options)
    assert report.rendered == 0 and report.reused == report.files and report.removed == 0
    assert os.readlink(project.path("output")) == link
    assert releases_state(project) == before  # no release made, nothing written or removed
    edit_content(project)  # a change still makes a release
    report = run(project, "output", options)
    assert report.rendered > 0 and os.readlink(project.path("output")) != link


def test_a_build_without_search_after_one_with_it_drops_the_index(project: Project):
    run(project, "output", BuildOptions(pdf=False, search=True, incremental=True))
    assert project.path("output/pagefind").is_dir()
    report = run(project, "output", INCREMENTAL)  # every page unchanged, but the index must go
    assert report.rendered == 0 and not project.path("output/pagefind").exists()


def test_shared_data_edit_rerenders_only_notices_that_use_it(project: Project):
    add_second_notice(project)
    project.replace("content/2012-105/notice.md", "    type: directory\n    data: 2012-104/makeup.yaml\n",
                    "    type: text\n    page: instructions.md\n")
    run(project, "output", INCREMENTAL)
    before = snapshot(project.path("output"))
    edit_shared_data(project)
    report = run(project, "output", INCREMENTAL)
    after = snapshot(project.path("output"))
    changed = {path for path in after if before.get(path) != after[path]}
    assert "2012-104/attachment-3.html" in changed
    assert not any(path.startswith("2012-105/") for path in changed)
    assert report.rendered < report.files


def test_template_edit_rerenders_only_pages_that_use_it(project: Project):
    run(project, "output", INCREMENTAL)
    edit_template(project)
    report = run(project, "output", INCREMENTAL)
    assert report.rendered == 1  # the one text attachment


def test_removed_notice_leaves_no_output(project: Project):
    add_second_notice(project)
    run(project, "output", INCREMENTAL)
    assert project.path("output/2012-105/index.html").exists()
    delete_notice(project)
    report = run(project, "output", INCREMENTAL)
    assert not project.path("output/2012-105").exists()
    assert report.removed > 0


def test_load_cache_reuses_unchanged_notices_and_keeps_their_warnings(project: Project):
    cache = LoadCache()
    site1, problems1 = load(project.root, cache)
    site2, problems2 = load(project.root, cache)
    assert site2.notices[0] is site1.notices[0]  # taken from the cache, not parsed again
    assert problems1 == problems2 and problems1.warnings
    edit_shared_data(project)
    site3, _ = load(project.root, cache)
    assert site3.notices[0] is not site1.notices[0]


def test_a_broken_file_is_still_reported_with_a_warm_cache(project: Project):
    cache = LoadCache()
    load(project.root, cache)
    project.replace("data/2012-104/schedule.yaml", "students: 169", "students: 0")
    site, problems = load(project.root, cache)
    assert site is None and problems.errors


def test_parallel_cold_build_equals_serial(project: Project):
    for i in range(40):  # enough files to cross the threshold for forking workers
        shutil.copytree(project.path("content/2012-104"), project.path(f"content/n{i:03d}"))
        project.replace(f"content/n{i:03d}/notice.md", "104号", f"{200 + i}号")
    parallel = run(project, "par", BuildOptions(pdf=False, search=False, incremental=False, workers=2))
    run(project, "ser", BuildOptions(pdf=False, search=False, incremental=False, workers=1))
    assert parallel.rendered >= 200
    assert snapshot(project.path("par")) == snapshot(project.path("ser"))


@pytest.mark.parametrize("private", [False, True], ids=["folder-read", "folder-private"])
@pytest.mark.parametrize("edit", EDITS, ids=[e.__name__ for e in EDITS])
def test_in_place_preview_build_equals_clean_build(project: Project, edit, private):
    add_second_notice(project)
    in_place = BuildOptions(pdf=False, search=False, in_place=True, private_output=private)
    run(project, "preview", in_place, LoadCache())
    edit(project)
    report = run(project, "preview", in_place, LoadCache())
    run(project, "clean", CLEAN)
    assert snapshot(project.path("preview")) == snapshot(project.path("clean"))
    assert report.rendered < report.files


def test_render_slices_keep_each_notice_whole_and_share_the_cost():
    from noticesite.outputs import Output
    from noticesite.site import _output_cost, _slices_by_cost

    # as the plan lists them: every notice's pages first, then every notice's calendar files
    outputs = [Output(f"n{i:02d}/{name}.html", "k", bytes) for i in range(40) for name in ("index", "a1", "a2")]
    outputs += [Output(f"n{i:02d}/calendar/{j}.ics", "k", bytes) for i in range(40) for j in range(19)]
    outputs += [Output("index.html", "k", bytes), Output("feed.xml", "k", bytes)]
    slices = _slices_by_cost(outputs, 8)
    assert sorted(o.path for part in slices for o in part) == sorted(o.path for o in outputs)
    owner = {}
    for n, part in enumerate(slices):
        for output in part:
            assert owner.setdefault(output.path.split("/")[0], n) == n  # one notice, one slice
    costs = [sum(_output_cost(o) for o in part) for part in slices]
    assert len(slices) == 8 and max(costs) < 1.5 * sum(costs) / 8, costs


def test_parallel_load_equals_serial_load(project: Project):
    for i in range(110):  # enough notices to cross the threshold for parsing in workers
        shutil.copytree(project.path("content/2012-104"), project.path(f"content/n{i:03d}"))
        project.replace(f"content/n{i:03d}/notice.md", "104号", f"{300 + i}号")
    project.replace("data/offices.yaml", "022—23678033", "022—2367803")  # a 7-digit number: still valid
    serial_site, serial_problems = load(project.root, workers=1)
    parallel_site, parallel_problems = load(project.root, workers=2)
    assert serial_problems == parallel_problems and serial_problems.warnings

    def as_text(site):
        return [(n.slug, n.number, n.body_html, n.inputs, [a.title for a in n.attachments]) for n in site.notices]

    assert as_text(serial_site) == as_text(parallel_site)
    assert len(parallel_site.notices) == 111


def test_files_changed_added_or_removed_in_output_are_put_right(project: Project):
    run(project, "output", INCREMENTAL)
    out = project.path("output")
    (out / "2012-104/index.html").write_text("edited by hand", encoding="utf-8")
    (out / "2012-104/stray.html").write_text("not from the build", encoding="utf-8")
    (out / "feed.xml").unlink()
    report = run(project, "output", INCREMENTAL)
    run(project, "clean", CLEAN)
    assert snapshot(out) == snapshot(project.path("clean"))
    assert report.rendered == 2 and report.removed == 1


def open_cache_and_build(project: Project, out: str = "output"):
    """What one `build.py build` does with the cache on disk."""
    cache = LoadCache.open(project.root)
    site, problems = load(project.root, cache)
    assert site is not None, "\n".join(map(str, problems))
    report = build(site, project.path(out), INCREMENTAL, cache.hasher, memos=cache.memos())
    cache.save(project.root)
    return site, report


def test_a_cached_notice_is_read_from_disk_only_when_one_of_its_files_is_made(project: Project, monkeypatch):
    import noticesite.outputs

    monkeypatch.setattr(noticesite.outputs, "FEED_ENTRIES", 1)  # the feed shows 2012-105 whole, not 2012-104
    add_second_notice(project)
    open_cache_and_build(project)  # writes the new notice's calendar ledger (data/2012-105/), one of its inputs:
    open_cache_and_build(project)  # so it is parsed once more, and then taken from the cache
    edit_content(project)  # 2012-104 changes; 2012-105 does not
    site, report = open_cache_and_build(project)
    by_slug = {n.slug: n for n in site.notices}
    assert isinstance(by_slug["2012-105"], NoticeRef) and by_slug["2012-105"]._full is None
    assert not isinstance(by_slug["2012-104"], NoticeRef)  # parsed again
    run(project, "clean", CLEAN)
    assert snapshot(project.path("output")) == snapshot(project.path("clean"))
    edit_template(project)  # now a page of each notice is made again: 2012-105's is read from disk
    site, report = open_cache_and_build(project)
    assert report.rendered == 2
    assert {n.slug: n for n in site.notices}["2012-105"]._full is not None
    run(project, "clean", CLEAN)
    assert snapshot(project.path("output")) == snapshot(project.path("clean"))


def test_an_unchanged_rebuild_reads_no_notice_from_disk(project: Project, monkeypatch):
    """The ledger stage, the plan and the search index's key of an unchanged site come from the
    memos kept with the notices' summaries (memos.py): no notice is parsed, no shard is read, as
    `build.py build` runs, even right after a build that wrote a notice's calendar ledger."""
    from noticesite import cli

    from noticesite import content

    add_second_notice(project)
    options = BuildOptions(pdf=False, search=True, incremental=True)
    # this build writes the new notice's calendar ledger, one of its inputs: it hands the notice on
    # (and the load cache keeps it) as the next build will find it, so that one is a true no-op
    assert cli.run_build(project.root, project.path("output"), options) == 0
    before = snapshot(project.path("output"))
    monkeypatch.setattr(NoticeRef, "full", lambda self: pytest.fail(f"{self.slug} was read from its shard"))
    monkeypatch.setattr(content, "load_notice", lambda path, *args, **kw: pytest.fail(f"{path} was parsed again"))
    assert cli.run_build(project.root, project.path("output"), options) == 0
    assert snapshot(project.path("output")) == before


def test_the_cache_keeps_one_shard_per_notice(project: Project):
    add_second_notice(project)
    open_cache_and_build(project)
    shards = lambda: sorted(p.name for p in project.path(".noticesite-cache/notices").glob("*.pickle"))  # noqa: E731
    first = shards()
    assert len(first) == 2
    edit_content(project)
    open_cache_and_build(project)
    assert len(shards()) == 2 and shards() != first  # the edited notice's old shard is gone
    delete_notice(project)
    open_cache_and_build(project)
    assert len(shards()) == 1


def test_reading_the_output_folder_in_another_process_finds_what_is_there(tmp_path: Path):
    from noticesite.output_folder import OutputScan, _files_on_disk

    folder = tmp_path / "out"
    (folder / "a/calendar").mkdir(parents=True)
    (folder / "a/index.html").write_text("x")
    (folder / "a/calendar/all.ics").write_text("yy")
    (folder / "pagefind").mkdir()
    (folder / "pagefind/index.bin").write_text("kept by the search stage")
    found = OutputScan(folder).result()
    assert set(found) == {"a/index.html", "a/calendar/all.ics"} and found == _files_on_disk(folder)
    assert found["a/calendar/all.ics"][0] == 2
    assert OutputScan(folder, process=False).result() == found
    unused = OutputScan(folder)
    unused.close()  # not needed after all: the child is ended and reaped
    assert unused.result() == {}


def test_search_index_is_kept_until_a_page_or_record_changes(project: Project):
    with_search = BuildOptions(pdf=False, search=True, incremental=True)
    run(project, "output", with_search)
    script = project.path("output/pagefind/site/pagefind.js")  # the site's one index (search.py)
    first = script.stat().st_mtime_ns
    run(project, "output", with_search)
    assert script.stat().st_mtime_ns == first  # nothing changed: Pagefind did not run
    project.replace("data/offices.yaml", "长沙市迎宾路153号", "长沙市迎宾路155号")  # only an office record
    run(project, "output", with_search)
    assert script.stat().st_mtime_ns != first
    fragments = project.path("output/pagefind").glob("*/fragment/*.pf_fragment")
    texts = [gzip.decompress(f.read_bytes()).decode("utf-8").replace("\u200b", "") for f in fragments]
    assert any("迎宾路155号" in text for text in texts)  # (Pagefind marks word breaks with U+200B)


def test_an_edit_reindexes_the_sites_one_index_and_a_removed_notice_leaves_it(project: Project):
    """One index for the whole site (one ranking across years, search.py): an edit of a notice of
    2013 makes it again; the notice removed, the index is what a clean build makes."""
    shutil.copytree(project.path("content/2012-104"), project.path("content/2013-005"))
    project.replace("content/2013-005/notice.md", "校教通〔2012〕104号", "校教通〔2013〕5号")
    with_search = BuildOptions(pdf=False, search=True, incremental=True)
    run(project, "output", with_search)
    index = project.path("output/pagefind")
    before = (index / "site/pagefind.js").stat().st_mtime_ns
    project.replace("content/2013-005/notice.md", "现将有关安排", "现将有关安排（更新）")
    run(project, "output", with_search)
    assert (index / "site/pagefind.js").stat().st_mtime_ns != before
    shutil.rmtree(project.path("content/2013-005"))
    run(project, "output", with_search)
    assert sorted(p.name for p in index.iterdir()) == ["bundles.json", "site"]
    run(project, "clean", BuildOptions(pdf=False, search=True, incremental=False))
    assert snapshot(project.path("output/pagefind")) == snapshot(project.path("clean/pagefind"))


def test_a_notice_keeps_its_calendars_in_its_shard_not_in_its_summary(project: Project, monkeypatch):
    """The calendars are worked out once, where the notice is parsed; a later build that makes a
    notice's calendar files again reads them from the shard instead of working them out again."""
    import noticesite.calendars

    open_cache_and_build(project)
    cache = LoadCache.open(project.root)
    (entry,) = cache.entries.values()
    assert entry.memos.summary and not entry.memos.shard  # the summary, read by every build, stays small
    assert not any("calendars" in key for key in entry.memos.summary if isinstance(key, tuple))
    worked_out = []
    original = noticesite.calendars._notice_calendars
    monkeypatch.setattr(noticesite.calendars, "_notice_calendars",
                        lambda *args: worked_out.append(args) or original(*args))
    edit_template(project)  # every page is made again, so the notice is read whole
    cache = LoadCache.open(project.root)
    site, _ = load(project.root, cache)
    assert site is not None
    build(site, project.path("output"), INCREMENTAL, cache.hasher, memos=cache.memos())
    (notice,) = site.notices
    (entry,) = cache.entries.values()
    assert isinstance(notice, NoticeRef) and notice._full is not None
    assert any(key[0] == "calendars" for key in entry.memos.shard)  # brought by the shard
    assert not worked_out
    run(project, "clean", CLEAN)
    assert snapshot(project.path("output")) == snapshot(project.path("clean"))


def test_a_library_upgrade_changes_the_code_key(tmp_path: Path, monkeypatch):
    """Every output's key holds code_version(): a new version of any installed library changes it."""
    import sys

    from noticesite import cache

    site_packages = tmp_path / "site-packages"
    (site_packages / "jinja2-3.1.6.dist-info").mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [*sys.path, str(site_packages)])
    monkeypatch.setattr(cache, "_CODE_VERSION", None)
    before = cache.code_version()
    (site_packages / "jinja2-3.1.6.dist-info").rename(site_packages / "jinja2-3.2.0.dist-info")
    monkeypatch.setattr(cache, "_CODE_VERSION", None)
    assert cache.code_version() != before
    assert "jinja2-3.2.0" in cache.installed_distributions([str(site_packages)])


def test_another_python_changes_the_code_key(monkeypatch):
    """The standard library shapes outputs too (html.escape, json, zipfile, csv): another Python
    with the same packages must not reuse what this one made."""
    import sys

    from noticesite import cache

    monkeypatch.setattr(cache, "_CODE_VERSION", None)
    before = cache.code_version()
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    monkeypatch.setattr(cache, "_CODE_VERSION", None)
    assert cache.code_version() != before
