"""Building: atomic output, escaping, the second fixture notice, the command line."""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, Project, soup
from noticesite.paths import OUTPUT_MARKER
from noticesite.site import BuildOptions, build, load

HTML_ONLY = BuildOptions(pdf=False, search=False)


def run_cli(project: Project, *args: str) -> subprocess.CompletedProcess:
    fast = ["--no-pdf", "--no-search"] if args[0] == "build" else []
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args, "--project", str(project.root), *fast],
                          capture_output=True, text=True, cwd=REPO)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.integration
def test_failed_build_leaves_previous_output_exactly_as_it_was(project: Project):
    assert run_cli(project, "build").returncode == 0
    output = project.path("output")
    before = snapshot(output)
    project.replace("data/2012-104/schedule.yaml", "end: 08:40", "end: 07:40")
    result = run_cli(project, "build")
    assert result.returncode == 1
    assert "data/2012-104/schedule.yaml:" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(output) == before
    leftovers = [p.name for p in project.root.iterdir() if p.name.startswith(".output-")]
    assert leftovers == []


@pytest.mark.integration
def test_pagefind_ending_early_is_reported_and_the_old_site_stays(project: Project, tmp_path: Path, monkeypatch):
    site, _ = load(project.root)
    output = project.path("output")
    build(site, output, BuildOptions(pdf=False))
    index_before = snapshot(output / "pagefind")
    project.replace("content/2012-104/notice.md", "现将有关安排", "现将有关安排（更新）")
    # a Pagefind binary that reads part of the first request and dies
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\nhead -c 20 >/dev/null\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(broken))
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--project", str(project.root),
                             "--no-pdf"], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "pagefind/site: site search: Pagefind failed: its command line ended with exit code 3" in result.stderr
    assert "left as it was" in result.stderr
    assert snapshot(output / "pagefind") == index_before  # not removed, not half rebuilt
    # the pages and their index are one release: neither is switched in without the other
    assert "（更新）" not in (output / "2012-104/index.html").read_text(encoding="utf-8")
    assert not [p.name for p in output.iterdir() if p.name.startswith(".") and p.name != OUTPUT_MARKER]


@pytest.mark.integration
def test_template_error_mid_build_leaves_previous_output(project: Project):
    assert run_cli(project, "build").returncode == 0
    before = snapshot(project.path("output"))
    project.replace("layouts/attachments/text.html", "{{ attachment.body_html|safe }}",
                    "{{ attachment.no_such_field }}")
    result = run_cli(project, "build")
    assert result.returncode == 1
    assert "layouts/attachments/text.html" in result.stderr and "template error" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(project.path("output")) == before


@pytest.mark.integration
def test_no_file_from_an_earlier_build_survives(project: Project):
    output = project.path("output")
    assert run_cli(project, "build").returncode == 0
    (output / "stale.html").write_text("old")  # in the folder the build made: not kept
    assert run_cli(project, "build").returncode == 0
    assert not (output / "stale.html").exists()
    assert (output / "index.html").exists()


@pytest.mark.integration
def test_yaml_and_markdown_cannot_inject_markup(project: Project):
    project.replace("data/offices.yaml", "name: 天津分社", "name: '<script>alert(1)</script>天津分社'")
    project.replace("content/2012-104/notice.md", "title: 关于做好", "title: <img src=x onerror=alert(1)>关于做好")
    project.replace("content/2012-104/notice.md", "接新华社湖南分社通知",
                    "<script>alert(2)</script>接新华社湖南分社通知")
    site, problems = load(project.root)
    assert site is not None, problems
    build(site, project.path("output"), HTML_ONLY)
    for page in project.path("output").rglob("*.html"):
        doc = soup(page)
        assert not [s for s in doc.find_all("script") if "alert" in s.get_text()], page
        assert not doc.find("img", onerror=True), page
    notice = soup(project.path("output/2012-104/index.html"))
    assert notice.h1.get_text().startswith("<img src=x onerror=alert(1)>")
    assert "<script>alert(2)</script>接新华社" in notice.select_one(".notice-body p").get_text()
    directory = soup(project.path("output/2012-104/attachment-3.html"))
    first = directory.select_one("#office-directory tbody th").get_text(strip=True)
    assert first == "<script>alert(1)</script>天津分社"


@pytest.mark.unit
def test_second_fixture_notice_with_other_schedule_columns(exam_project: Project):
    site, problems = load(exam_project.root)
    assert site is not None, "\n".join(map(str, problems))
    build(site, exam_project.path("output"), HTML_ONLY)
    notice = site.notices[0]
    page = exam_project.path(f"output/{notice.slug}/attachment-1.html")
    table = soup(page).select_one("table.schedule")
    headers = [th.get_text(strip=True) for th in table.thead.find_all("th")]
    schedule = notice.attachments[0].data
    assert headers == ["时间"] + [c.label for c in schedule.columns]
    assert "教学楼" in headers and "教室" in headers and "座位数" in headers
    rows = [tr for tr in table.select("tbody tr") if not set(tr.get("class", [])) & {"group-row", "subtotal"}]
    assert len(rows) == len(schedule.sessions)
    seats = [c for c in schedule.columns if c.type == "count"][0]
    total = int(table.tfoot.select_one("td.col-count").get_text())
    assert total == sum(s.values[seats.key] for s in schedule.sessions)


@pytest.mark.unit
def test_overlap_in_a_room_is_found_through_place_columns(exam_project: Project):
    site, _ = load(exam_project.root)
    schedule = site.notices[0].attachments[0].data
    first = schedule.sessions[0]
    rel = next(str(p.relative_to(exam_project.root)) for p in exam_project.root.glob("data/*/schedule.yaml"))
    text = exam_project.read(rel)
    # Move every session into the first session's slot and place: now they overlap.
    place_keys = [c.key for c in schedule.columns if c.type == "place"]
    assert place_keys, "the fixture declares place columns"
    site2, problems = load(exam_project.root)
    assert site2 is not None
    second = schedule.sessions[1]
    lines = text.splitlines()
    line = lines[second.location.line - 1]
    for key in place_keys:
        line = line.replace(f"{key}: {second.values[key]}", f"{key}: {first.values[key]}")
    line = line.replace(f"date: {second.date}", f"date: {first.date}")
    line = line.replace(f"start: {second.start:%H:%M}", f"start: {first.start:%H:%M}")
    line = line.replace(f"end: {second.end:%H:%M}", f"end: {first.end:%H:%M}")
    lines[second.location.line - 1] = line
    exam_project.write(rel, "\n".join(lines) + "\n")
    _, problems = load(exam_project.root)
    overlaps = [p for p in problems.errors if "overlaps" in p.message]
    assert overlaps and overlaps[0].path == rel


@pytest.mark.integration
def test_options_before_the_command_are_kept(project: Project, tmp_path: Path):
    out = tmp_path / "elsewhere"  # not tmp_path / "site": that is the project, which the build must not replace
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--project", str(project.root),
                             "--output", str(out), "build", "--no-pdf", "--no-search"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (out / "2012-104/index.html").is_file() and not project.path("output").exists()


@pytest.mark.integration
def test_help_on_every_command():
    for args in ([], ["build"], ["check"], ["serve"]):
        result = subprocess.run([sys.executable, str(REPO / "build.py"), *args, "--help"],
                                capture_output=True, text=True, cwd=REPO)
        assert result.returncode == 0
        assert "usage:" in result.stdout


@pytest.mark.integration
def test_missing_site_yaml_is_a_message_not_a_traceback(project: Project):
    project.path("data/site.yaml").unlink()
    result = run_cli(project, "check")
    assert result.returncode == 1
    assert "data/site.yaml: file not found" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.integration
def test_not_utf8_is_a_message(project: Project):
    project.path("data/offices.yaml").write_bytes("offices: 天津".encode("gbk"))
    result = run_cli(project, "check")
    assert result.returncode == 1
    assert "data/offices.yaml:1:10: not UTF-8 text (byte 0xCC): it looks like GBK" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.integration
def test_template_syntax_error_is_located(project: Project):
    project.replace("layouts/notice.html", "{% block main %}", "{% block main %}{% if %}")
    result = run_cli(project, "build")
    assert result.returncode == 1
    assert "layouts/notice.html:" in result.stderr and "template error" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.integration
def test_folder_without_a_notice_is_a_warning(project: Project):
    project.path("content/drafts").mkdir()
    result = run_cli(project, "check")
    assert result.returncode == 0
    assert ("content/drafts: warning [unpublished-folder]: a folder in content/ without notice.md is not published"
            in result.stderr)


@pytest.mark.integration
def test_the_command_leaves_the_collector_as_it_found_it(project: Project):
    """build and check tune the cycle collector for a one-shot run (and freeze what they load);
    a caller running them in-process (a test, a script) gets its settings back."""
    import gc

    from noticesite import cli

    thresholds = gc.get_threshold()
    for args in (["check"], ["build", "--no-pdf", "--no-search"]):
        assert cli.main([*args, "--project", str(project.root)]) == 0
        assert gc.get_threshold() == thresholds
        assert gc.get_freeze_count() == 0
        assert gc.isenabled()


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def _tell(line, total: int, clock: list[float], monkeypatch) -> None:
    """Feed ``line`` a stage of ``total`` items, one a second (by a clock that the test moves)."""
    from noticesite import cli

    monkeypatch.setattr(cli.time, "monotonic", lambda: clock[0])
    for done in range(total + 1):
        line("printing PDFs", done, total)
        clock[0] += 1.0


@pytest.mark.unit
def test_a_long_stage_logs_a_line_at_each_tenth_with_the_time_left(monkeypatch):
    from noticesite.cli import ProgressLine

    stream = _Stream(tty=False)
    _tell(ProgressLine(stream), 200, [100.0], monkeypatch)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 11 and lines[0] == "printing PDFs: 0 of 200 (0%)"
    assert lines[1] == "printing PDFs: 20 of 200 (10%), about 3 min left"  # 20 done in 20 s: 180 s to go
    assert lines[-1] == "printing PDFs: 200 of 200 (100%) in 3 min"


@pytest.mark.unit
def test_a_short_stage_stays_quiet_in_a_log_and_shows_one_line_on_a_terminal(monkeypatch):
    from noticesite.cli import ProgressLine

    log = _Stream(tty=False)
    _tell(ProgressLine(log), 5, [0.0], monkeypatch)
    assert log.getvalue() == ""
    terminal = _Stream(tty=True)
    _tell(ProgressLine(terminal), 5, [0.0], monkeypatch)
    text = terminal.getvalue()
    assert text.count("\n") == 1 and text.endswith("printing PDFs: 5 of 5 (100%) in 5 s\033[K\n")
    assert "\rprinting PDFs: 2 of 5 (40%), about 3 s left" in text
