"""One test per data check: each names the file, the line and what is wrong."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import REPO, Project
from noticesite.errors import Problem
from noticesite.site import load

SCHEDULE = "data/2012-104/schedule.yaml"
OFFICES = "data/offices.yaml"
NOTICE = "content/2012-104/notice.md"


def errors_of(project: Project) -> list[Problem]:
    site, problems = load(project.root)
    assert site is None, "expected the site to fail its checks"
    return problems.errors


def only_error(project: Project) -> Problem:
    errors = errors_of(project)
    assert len(errors) == 1, "\n".join(map(str, errors))
    return errors[0]


def col(project: Project, rel: str, line: int, needle: str) -> int:
    return project.read(rel).splitlines()[line - 1].index(needle) + 1


@pytest.mark.unit
def test_example_passes_with_warnings_only(project: Project):
    site, problems = load(project.root)
    assert site is not None, "\n".join(map(str, problems))
    assert not problems.errors
    assert problems.warnings


@pytest.mark.unit
def test_yaml_syntax_error_names_the_line(project: Project):
    project.replace(SCHEDULE, "location: 南校区6号楼一楼学术报告厅", "location: [南校区6号楼")
    error = only_error(project)
    assert error.path == SCHEDULE
    assert error.line in (5, 6)
    assert error.message.startswith("YAML syntax error:")


@pytest.mark.unit
def test_duplicate_key_names_both_lines(project: Project):
    project.replace(SCHEDULE, "location: 南校区6号楼一楼学术报告厅",
                    "location: 南校区6号楼一楼学术报告厅\nlocation: 北校区")
    error = only_error(project)
    assert (error.path, error.line, error.column) == (SCHEDULE, 6, 1)
    assert error.message == "duplicate key 'location' (first at line 5)"


@pytest.mark.unit
def test_missing_field(project: Project):
    project.replace(SCHEDULE, "college: 政法学院,   ", "")
    line = project.line_of(SCHEDULE, "person: 胡美玲")
    error = only_error(project)
    assert (error.path, error.line, error.column) == (SCHEDULE, line, 5)
    assert error.message == "session 1: missing field 'college' (学院 (text))"


@pytest.mark.unit
def test_unknown_field_suggests_the_right_one(project: Project):
    project.replace(SCHEDULE, "students: 169", "studnets: 169")
    errors = errors_of(project)
    line = project.line_of(SCHEDULE, "studnets")
    assert f"{SCHEDULE}:{line}:{col(project, SCHEDULE, line, 'studnets')}: " \
           "session 1: unknown field 'studnets'; did you mean 'students'?" in map(str, errors)


@pytest.mark.unit
def test_mistyped_field_says_expected_and_got(project: Project):
    project.replace(SCHEDULE, "college: 政法学院", "college: [政法, 学院]")
    line = project.line_of(SCHEDULE, "college: [政法")
    error = only_error(project)
    assert (error.line, error.column) == (line, col(project, SCHEDULE, line, "[政法"))
    assert error.message == "session 1: college: expected text, got a list"


@pytest.mark.unit
def test_time_not_hh_mm(project: Project):
    project.replace(SCHEDULE, "start: 08:00, end: 08:40", "start: 8点, end: 08:40")
    line = project.line_of(SCHEDULE, "8点")
    error = only_error(project)
    assert (error.path, error.line, error.column) == (SCHEDULE, line, col(project, SCHEDULE, line, "8点"))
    assert error.message == "session 1: start: expected a time as HH:MM on the 24-hour clock, got '8点'"


@pytest.mark.unit
def test_session_ending_before_it_starts(project: Project):
    project.replace(SCHEDULE, "start: 08:40, end: 09:20", "start: 08:40, end: 08:20")
    line = project.line_of(SCHEDULE, "end: 08:20")
    error = only_error(project)
    assert (error.path, error.line) == (SCHEDULE, line)
    assert error.column == col(project, SCHEDULE, line, "08:20")
    assert error.message == "session 2: ends at 08:20, which is not after its start at 08:40"


@pytest.mark.unit
def test_overlapping_sessions_in_one_place(project: Project):
    project.replace(SCHEDULE, "start: 08:40, end: 09:20", "start: 08:30, end: 09:20")
    line = project.line_of(SCHEDULE, "start: 08:30")
    first = project.line_of(SCHEDULE, "start: 08:00")
    error = only_error(project)
    assert (error.path, error.line, error.column) == (SCHEDULE, line, 5)
    assert error.message == (f"session from 08:30 to 09:20 on 2013-01-03 overlaps the session from 08:00 to "
                             f"08:40 (line {first}) in 南校区6号楼一楼学术报告厅")


@pytest.mark.unit
@pytest.mark.parametrize("value", ["0", "-3", "12.5", "很多"])
def test_counts_must_be_positive_whole_numbers(project: Project, value: str):
    project.replace(SCHEDULE, "students: 169", f"students: {value}")
    error = only_error(project)
    assert error.path == SCHEDULE
    assert error.line == project.line_of(SCHEDULE, f"students: {value}")
    assert error.message == f"session 1: students: expected a positive whole number, got '{value}'"


@pytest.mark.unit
@pytest.mark.parametrize("phone", ["12345", "0731-123", "2345678901234", "0731—8225-0811"])
def test_phone_numbers_must_be_chinese_landline_or_mobile(project: Project, phone: str):
    project.replace(OFFICES, "022—23678033", phone)
    error = only_error(project)
    line = project.line_of(OFFICES, phone)
    assert (error.path, error.line, error.column) == (OFFICES, line, col(project, OFFICES, line, phone))
    assert error.message.startswith(f"office '天津分社': phone: '{phone}' is not a Chinese landline")


@pytest.mark.unit
def test_duplicate_office_names(project: Project):
    project.replace(OFFICES, "name: 江西分社", "name: 天津分社")
    error = only_error(project)
    assert error.path == OFFICES
    assert error.line == project.line_of(OFFICES, "0791—8536738")
    assert error.message == f"office '天津分社' is listed twice (first at line {project.line_of(OFFICES, '022—')})"


@pytest.mark.unit
def test_attachment_data_file_that_does_not_exist(project: Project):
    project.replace(NOTICE, "data: 2012-104/procedure.yaml", "data: 2012-104/procedures.yaml")
    error = only_error(project)
    line = project.line_of(NOTICE, "procedures.yaml")
    assert (error.path, error.line, error.column) == (NOTICE, line, col(project, NOTICE, line, "2012-104/p"))
    assert error.message == "procedure: data/2012-104/procedures.yaml does not exist"


@pytest.mark.unit
def test_attachment_page_that_does_not_exist(project: Project):
    project.replace(NOTICE, "page: instructions.md", "page: instruction.md")
    error = only_error(project)
    assert (error.path, error.line) == (NOTICE, project.line_of(NOTICE, "instruction.md"))
    assert error.message == "page: content/2012-104/instruction.md does not exist"


@pytest.mark.unit
def test_body_names_an_attachment_that_does_not_exist(project: Project):
    project.replace(NOTICE, "具体时间安排见附件1。", "具体时间安排见附件7。")
    error = only_error(project)
    line = project.line_of(NOTICE, "附件7")
    assert (error.path, error.line, error.column) == (NOTICE, line, col(project, NOTICE, line, "附件7"))
    assert error.message == "'附件7' names an attachment this notice does not have (it has 4)"


@pytest.mark.unit
def test_shared_data_file_that_does_not_exist(project: Project):
    project.path("data/colleges.yaml").unlink()
    error = only_error(project)
    assert error.path == "data/2012-104/makeup.yaml"
    assert error.line == project.line_of("data/2012-104/makeup.yaml", "college_codes:")
    assert error.message == "colleges: data/colleges.yaml does not exist"


@pytest.mark.unit
def test_mixed_dash_styles_are_warnings_on_each_odd_number(project: Project):
    site, problems = load(project.root)
    assert site is not None
    dashes = [w for w in problems.warnings if "separates the area code" in w.message]
    lines = {w.line for w in dashes}
    assert project.line_of(OFFICES, "0898--68527569") in lines
    assert project.line_of(OFFICES, "0931-8863079") in lines
    assert project.line_of(OFFICES, "022—23678033") not in lines
    hainan = next(w for w in dashes if "0898" in w.message)
    assert hainan.message == ("phone '0898--68527569' separates the area code with two hyphens '--', while most "
                              "numbers here use an em dash '—' (the site shows each as written)")
    assert hainan.code == "mixed-dashes"


@pytest.mark.unit
def test_hunan_contact_and_directory_row_disagree_is_a_warning(project: Project):
    _, problems = load(project.root)
    hunan = [w for w in problems.warnings if "湖南新华分社" in w.message]
    assert len(hunan) == 1 and "湖南分社" in hunan[0].message
    assert hunan[0].path == "data/2012-104/makeup.yaml"


@pytest.mark.unit
def test_all_problems_reported_in_one_run_sorted(project: Project):
    project.replace(SCHEDULE, "students: 169", "students: 0")
    project.replace(OFFICES, "022—23678033", "12345")
    project.replace(NOTICE, "具体时间安排见附件1。", "具体时间安排见附件9。")
    errors = errors_of(project)
    assert [e.path for e in errors] == sorted([NOTICE, SCHEDULE, OFFICES])
    assert errors == sorted(errors)


@pytest.mark.unit
def test_data_path_may_not_leave_the_project(project: Project):
    project.replace(NOTICE, "data: 2012-104/schedule.yaml", "data: ../../../../etc/passwd")
    error = only_error(project)
    assert error.message == "schedule: '../../../../etc/passwd' is outside data/"
    project.replace(NOTICE, "data: ../../../../etc/passwd", "data: /etc/passwd")
    assert only_error(project).message == "schedule: '/etc/passwd' is outside data/"


@pytest.mark.unit
def test_python_tags_are_refused(project: Project):
    project.replace(SCHEDULE, "location: 南校区6号楼一楼学术报告厅", "location: !!python/str 南校区")
    error = only_error(project)
    assert error.message == "YAML tag 'tag:yaml.org,2002:python/str' is not allowed in data files"
    assert (error.line, error.column) == (5, 11)


@pytest.mark.unit
def test_front_matter_error_lines_count_from_the_top_of_the_file(project: Project):
    project.replace(NOTICE, "addressees: 校属各教学院", "addresees: 校属各教学院")
    errors = errors_of(project)
    line = project.line_of(NOTICE, "addresees")
    assert f"{NOTICE}:{line}:1: notice: unknown field 'addresees'; did you mean 'addressees'?" in map(str, errors)
    assert f"{NOTICE}:2:1: notice: missing field 'addressees' (to whom the notice is addressed, e.g. 校属各教学院)" \
        in map(str, errors)


@pytest.mark.integration
def test_check_command_exits_non_zero_and_names_file_and_line(project: Project):
    project.replace(SCHEDULE, "start: 08:40, end: 09:20", "start: 08:40, end: 08:20")
    line = project.line_of(SCHEDULE, "end: 08:20")
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "check", "--project", str(project.root)],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 1
    assert f"{SCHEDULE}:{line}:" in result.stderr
    assert "ends at 08:20, which is not after its start at 08:40" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.integration
def test_check_command_on_the_example_succeeds(project: Project):
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "check", "--project", str(project.root)],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    # the example's eight deliberate data warnings and its no-date are acknowledged in its data: counted, not printed
    assert "no errors, 0 new warning(s), 9 acknowledged" in result.stdout
    assert "warning" not in result.stderr


@pytest.mark.integration
def test_check_reports_the_same_with_its_cache_and_after_an_edit(project: Project):
    def check() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(REPO / "build.py"), "check", "--project", str(project.root)],
                              capture_output=True, text=True, cwd=REPO)

    project.replace(OFFICES, "甘肃省}  # noticesite: accept mixed-dashes", "甘肃省}")  # one warning not acknowledged
    first, again = check(), check()
    assert first.returncode == again.returncode == 0
    assert first.stderr == again.stderr and "warning" in first.stderr  # cached notices keep their warnings
    assert "1 new warning(s), 8 acknowledged" in again.stdout
    assert project.path(".noticesite-cache/index.pickle").is_file()
    project.replace("data/2012-104/schedule.yaml", "students: 169", "students: 0")
    broken = check()
    assert broken.returncode == 1 and "data/2012-104/schedule.yaml:" in broken.stderr


@pytest.mark.integration
def test_check_makes_print_documents_again_only_when_their_inputs_change(project: Project, monkeypatch, capfd):
    """A notice's print check is kept under a key over its inputs, the code, the settings, layouts/
    and the fonts: a second check makes no print document and says the same; an edit of the notice
    or of a print template makes them again."""
    from noticesite import cli, pdf

    made: list[str] = []
    real = pdf.print_documents
    monkeypatch.setattr(pdf, "print_documents", lambda site, notice, env: made.append(notice.slug) or real(
        site, notice, env))
    project.replace("content/2012-104/notice.md", "各学院务必", "各学院\ue000务必")  # a character the print fonts lack

    def check() -> tuple[int, str]:
        made.clear()
        code = cli.main(["--project", str(project.root), "check"])
        return code, capfd.readouterr().err

    first = check()
    assert first[0] == 0 and "lack 1 character: '\ue000' U+E000" in first[1] and made == ["2012-104"]
    assert check() == first and made == []  # the same answer, nothing made
    project.write("layouts/print/base.html", project.read("layouts/print/base.html") + "\n")
    assert check() == first and made == ["2012-104"]
    project.replace("content/2012-104/notice.md", "各学院\ue000务必", "各学院务必")
    code, err = check()
    assert code == 0 and "U+E000" not in err and made == ["2012-104"]


@pytest.mark.integration
def test_a_second_check_renders_only_what_changed_and_still_finds_a_broken_template(project: Project, monkeypatch,
                                                                                    capfd):
    """check renders every file a build would make (a template's error surfaces there); a file
    whose key the last check rendered without a problem is not rendered again (check's own
    manifest: a key covers all a template is handed, its templates and the code). A template
    edited since changes the keys of the pages it makes: they are rendered, and its error found."""
    from noticesite import cli, site

    rendered: list[str] = []
    real = site._made
    monkeypatch.setattr(site, "_made", lambda output, ctx: rendered.append(output.path) or real(output, ctx))

    def check() -> int:
        rendered.clear()
        code = cli.main(["--project", str(project.root), "check"])
        check.err = capfd.readouterr().err  # type: ignore[attr-defined]
        return code

    assert check() == 0 and "index.html" in rendered and "2012-104/index.html" in rendered
    assert check() == 0 and rendered == []
    project.replace("content/2012-104/notice.md", "各学院务必", "各学院一定")
    assert check() == 0 and "2012-104/index.html" in rendered and "index.html" not in rendered
    project.write("layouts/notice.html", project.read("layouts/notice.html").replace(
        "{% block main %}", "{% block main %}{{ no_such_name.field }}", 1))
    assert check() == 1 and rendered == ["2012-104/index.html"]
    assert "layouts/notice.html" in check.err and "no_such_name" in check.err  # type: ignore[attr-defined]


@pytest.mark.integration
def test_a_read_only_project_is_checked(project: Project, monkeypatch, capfd):
    """check writes nothing the project needs: what it would keep in .noticesite-cache (the load
    cache, the print check's memos, its own manifest) is only a faster next check, and a folder it
    may not write is no reason to fail (found on a read-only mount: '[Errno 30] Read-only file
    system')."""
    import errno
    import pathlib

    from noticesite import cache, cli, pdf

    def refused(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    real_mkdir = pathlib.Path.mkdir

    def mkdir(self, *args, **kwargs):
        if ".noticesite-cache" in self.parts:
            refused()
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(cache, "write_atomic", refused)
    monkeypatch.setattr(pdf, "write_atomic", refused)
    monkeypatch.setattr(pathlib.Path, "mkdir", mkdir)
    assert cli.main(["--project", str(project.root), "check"]) == 0, capfd.readouterr().err
    assert not project.path(".noticesite-cache").exists()
