"""The live-reload preview: serves the site, rebuilds once per save, shows data errors in the page."""
from __future__ import annotations

import gzip
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO, Project
from noticesite.paths import OUTPUT_MARKER

# The live server in a subprocess, and the preview's in-process builds of the whole example.
pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(predicate, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out; last result: {last!r}")


@pytest.fixture
def server(project: Project, tmp_path: Path):
    port = free_port()
    log = (tmp_path / "serve.log").open("w+")
    proc = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--project", str(project.root),
                             "--port", str(port), "--no-pdf", "--no-search"],
                            stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: "notice-list" in fetch(base + "index.html"))
        yield base, project, tmp_path / "serve.log"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def test_serve_shows_the_site_with_live_reload(server):
    base, project, _ = server
    page = fetch(base + "2012-104/index.html")
    assert "关于做好2014届预计毕业生图像信息采集工作的通知" in page
    assert "livereload" in page
    assert not project.path("output").exists(), "the preview must not touch output/"


def test_data_error_shows_in_the_page_then_recovers(server):
    base, project, log = server
    schedule = "data/2012-104/schedule.yaml"
    project.replace(schedule, "start: 08:40, end: 09:20", "start: 08:40, end: 08:20")
    line = project.line_of(schedule, "end: 08:20")
    page = wait_for(lambda: (p := fetch(base + "2012-104/attachment-1.html")) and "构建失败" in p and p)
    assert f"{schedule}:{line}:" in page
    assert "ends at 08:20, which is not after its start at 08:40" in page
    project.replace(schedule, "end: 08:20", "end: 09:20")
    wait_for(lambda: "table" in fetch(base + "2012-104/attachment-1.html"))


def test_one_rebuild_per_save(project: Project):
    """The watches serve() sets up, looked through by hand: each look is one pass of the
    watcher that the server runs every 0.8 s, so "no second rebuild" is known when a look
    returns, with no waiting."""
    from livereload import Server

    from noticesite.serve import Preview, watch_sources
    from noticesite.site import BuildOptions

    preview = Preview(project.root, BuildOptions(pdf=False, search=False))
    server = Server()
    watch_sources(server, project.root, preview.rebuild)
    look = server.watcher.examine
    try:
        assert preview.rebuild()  # serve() builds once before it serves
        look()  # the first look notes every file's time: nothing was saved since the server started
        assert preview.builds == 1
        project.replace("content/2012-104/instructions.md", "各高校毕业生：", "各高校毕业生（更新）：")
        look()
        assert preview.builds == 2
        assert "各高校毕业生（更新）" in (preview.folder / "2012-104/attachment-2.html").read_text(encoding="utf-8")
        look()  # the pass after the rebuild: the build wrote nothing that is watched
        look()
        assert preview.builds == 2
    finally:
        preview.close()


def index_text(folder: Path) -> str:
    """Every text the preview's search index holds (its fragments are gzipped JSON)."""
    fragments = sorted((folder / "pagefind").glob("*/fragment/*.pf_fragment"))
    return "\n".join(gzip.decompress(f.read_bytes()).decode("utf-8") for f in fragments)


def test_preview_shows_the_pages_first_then_indexes_them(project: Project):
    from noticesite.serve import Preview
    from noticesite.site import BuildOptions

    preview = Preview(project.root, BuildOptions(pdf=False))  # search on, as `serve` has it
    try:
        assert preview.rebuild()
        assert preview.indexer.wait(timeout=120)
        assert '"url":"/2012-104/"' in index_text(preview.folder) and preview.indexer.builds == 1
        project.replace("content/2012-104/notice.md", "现将有关安排", "现将有关安排（QXZ2026补充）", count=1)
        assert preview.rebuild()
        # the page is new as soon as rebuild() returns; its words reach the index after
        assert "QXZ2026" in (preview.folder / "2012-104/index.html").read_text(encoding="utf-8")
        assert preview.last_report.search_job is not None and "search" not in preview.last_report.timings
        assert preview.indexer.wait(timeout=120)
        assert "QXZ2026" in index_text(preview.folder) and preview.indexer.builds == 2
        assert preview.rebuild()  # no page changed: the index is not built again
        assert preview.indexer.wait(timeout=120) and preview.indexer.builds == 2
        assert not [p.name for p in preview.folder.iterdir()  # nothing left beside it
                    if p.name.startswith(".") and p.name != OUTPUT_MARKER]
    finally:
        preview.close()


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_preview_keeps_the_collector_off_its_rebuilds_and_collects_when_idle(project: Project):
    """What a rebuild leaves alive is frozen, so that collections during the next rebuild do not
    walk the whole archive again; the garbage cycles frozen with it go in the collection run
    once the preview is idle, which each rebuild puts off, in the caller's loop (no thread)."""
    import gc
    import threading
    import weakref

    from noticesite.serve import Preview
    from noticesite.site import BuildOptions

    scheduled: list[list] = []  # [delay, work, cancelled]

    def call_later(delay, work):
        entry = [delay, work, False]
        scheduled.append(entry)
        return lambda: entry.__setitem__(2, True)

    threads = threading.active_count()
    preview = Preview(project.root, BuildOptions(pdf=False, search=False), call_later)
    try:
        cycle = _Cycle()
        dropped = weakref.ref(cycle)
        assert preview.rebuild()
        assert gc.get_freeze_count() > 0 and threading.active_count() == threads
        assert [(delay, cancelled) for delay, _, cancelled in scheduled] == [(preview.collector.idle_seconds, False)]
        del cycle
        gc.collect()
        assert dropped() is not None, "a frozen cycle is not collected by an ordinary collection"
        assert preview.rebuild()
        assert [cancelled for _, _, cancelled in scheduled] == [True, False], "a rebuild puts the collection off"
        scheduled[-1][1]()  # the preview has been idle: the loop runs the collection
        assert dropped() is None and preview.collector.collections == 1
        assert gc.get_freeze_count() > 0, "what is alive is frozen again after the idle collection"
    finally:
        preview.close()
    assert gc.get_freeze_count() == 0, "close() gives the process its collector back"


def test_preview_compiles_its_templates_before_the_first_build(project: Project):
    """The first edit's pages are rendered in the preview's own process: they must not wait for
    Jinja to compile templates that only the first build's forked workers had compiled. A broken
    template is left for the build, which reports it with its location."""
    from noticesite.serve import Preview
    from noticesite.site import BuildOptions

    project.replace("layouts/attachments/procedure.html", "{% block", "{% blok", count=1)
    preview = Preview(project.root, BuildOptions(pdf=False, search=False))
    try:
        compiled = {key[1] for key in preview.env.cache.keys()}
        assert {"notice.html", "attachments/schedule.html", "partials/schedule.html", "feed.xml"} <= compiled
        assert "attachments/procedure.html" not in compiled
        assert not preview.rebuild()
        page = (preview.folder / "index.html").read_text(encoding="utf-8")
        assert "layouts/attachments/procedure.html:" in page
    finally:
        preview.close()


def pdf_state(folder: Path, page: str = "2012-104/attachment-1.html") -> tuple[bool, bool]:
    """(whether the page marks its PDF link as being printed, whether its PDF is in the folder)"""
    html = (folder / page).read_text(encoding="utf-8")
    return "pdf-pending" in html and "正在生成" in html, (folder / page).with_suffix(".pdf").is_file()


@pytest.mark.pdf
def test_preview_shows_the_pages_first_then_the_pdfs_and_a_newer_save_supersedes(project: Project):
    """With PDFs on (as `serve` has them): a save's pages are written before its PDFs are
    printed, their PDF links marked as being printed; the PDFs land in a second update, and the
    browsers are told to reload after each. A save that comes while an older one's PDFs print
    supersedes them: only the newest lands. (The printer is held by an event, not a clock.)"""
    import threading

    from noticesite.serve import Preview
    from noticesite.site import BuildOptions

    reloads: list[int] = []
    preview = Preview(project.root, BuildOptions(search=False), reload=lambda: reloads.append(preview.generation))
    try:
        assert preview.rebuild()
        assert pdf_state(preview.folder) == (True, False)  # the first pages: no PDF printed for them yet
        assert preview.printer.wait(timeout=600) and preview.landed == 1
        assert pdf_state(preview.folder) == (False, True)
        assert len(reloads) == 2

        # one data edit: its notice's links are marked until its PDFs are printed again
        gate, real_print = threading.Event(), preview.printer._print
        preview.printer._print = lambda site: (gate.wait(600), real_print(site))[1]
        schedule = "data/2012-104/schedule.yaml"
        project.replace(schedule, "students: 169", "students: 911")
        assert preview.rebuild()
        page = (preview.folder / "2012-104/attachment-1.html").read_text(encoding="utf-8")
        assert ">911<" in page and pdf_state(preview.folder) == (True, False)
        project.replace(schedule, "students: 911", "students: 912")  # a newer save while the PDFs print
        assert preview.rebuild()
        assert ">912<" in (preview.folder / "2012-104/attachment-1.html").read_text(encoding="utf-8")
        gate.set()
        assert preview.printer.wait(timeout=600)
        assert preview.landed == 2, "the older save's PDFs do not land over the newer save's pages"
        page = (preview.folder / "2012-104/attachment-1.html").read_text(encoding="utf-8")
        assert ">912<" in page and pdf_state(preview.folder) == (False, True)
        from pypdf import PdfReader

        pdf_text = "".join(p.extract_text() for p in PdfReader(preview.folder / "2012-104/attachment-1.pdf").pages)
        assert "912" in pdf_text and "911" not in pdf_text
        assert not [p.name for p in preview.folder.rglob("*.tmp")], "nothing half-written is left"
    finally:
        preview.close()


@pytest.mark.pdf
def test_serve_reloads_with_the_pages_then_with_the_pdfs(project: Project, tmp_path: Path):
    """The live server, with PDFs: after a data edit the page is served first with its PDF link
    marked as being printed, then with the PDF in place (polled over HTTP, no fixed sleep)."""
    port = free_port()
    log = (tmp_path / "serve.log").open("w+")
    proc = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--project", str(project.root),
                             "--port", str(port), "--no-search"], stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
    base = f"http://127.0.0.1:{port}/"
    page = base + "2012-104/attachment-1.html"

    def pdf_served() -> bool:
        with urllib.request.urlopen(base + "2012-104/attachment-1.pdf", timeout=5) as response:
            return response.status == 200 and response.read(5) == b"%PDF-"

    try:
        wait_for(lambda: "pdf-pending" not in fetch(page) and pdf_served(), timeout=600)
        project.replace("data/2012-104/schedule.yaml", "students: 169", "students: 913")
        first = wait_for(lambda: (p := fetch(page)) and ">913<" in p and p, timeout=60)
        assert "pdf-pending" in first and "正在生成" in first  # the pages first: printing takes seconds
        final = wait_for(lambda: (p := fetch(page)) and ">913<" in p and "pdf-pending" not in p and p, timeout=600)
        assert "正在生成" not in final and pdf_served()
        log.seek(0)
        text = log.read()
        assert "PDFs in" in text and text.index("rebuilt in") < text.rindex("PDFs in")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
