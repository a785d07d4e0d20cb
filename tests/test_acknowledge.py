"""Warnings acknowledged in the data (noticesite/acknowledge.py): counted, not printed; a new
warning still shows; an acknowledgement that matches nothing is reported; the summary line."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import REPO, Project
from noticesite import acknowledge
from noticesite.cli import sort_warnings
from noticesite.errors import Problem
from noticesite.pdf import FONTTOOLS_SUBSET, font_subsetter
from noticesite.site import load

OFFICES = "data/offices.yaml"
ACCEPT = "  # noticesite: accept mixed-dashes"


def shown_and_summary(project: Project) -> tuple[list[Problem], str]:
    _, problems = load(project.root)
    return sort_warnings(project.root, problems, printed=False)


@pytest.mark.unit
def test_the_examples_deliberate_warnings_are_counted_not_shown(project: Project):
    shown, summary = shown_and_summary(project)
    assert shown == []
    assert summary == "0 new warning(s), 9 acknowledged"  # 8 in the data, no-date on notice.md


@pytest.mark.unit
def test_a_new_warning_on_an_acknowledged_site_still_shows(project: Project):
    # 天津's number gets a hyphen: a new mixed-dashes warning in the file whose seven others are acknowledged
    project.replace(OFFICES, "022—23678033", "022-23678033")
    shown, summary = shown_and_summary(project)
    line = project.line_of(OFFICES, "022-23678033")
    assert [(p.path, p.line, p.code) for p in shown] == [(OFFICES, line, "mixed-dashes")]
    assert str(shown[0]).startswith(f"{OFFICES}:{line}:29: warning [mixed-dashes]: phone '022-23678033'")
    assert summary == "1 new warning(s), 9 acknowledged"


@pytest.mark.unit
def test_another_code_on_an_acknowledged_line_still_shows():
    warnings = [Problem("data/x.yaml", 3, 5, "dashes", "warning", "mixed-dashes"),
                Problem("data/x.yaml", 3, 9, "addresses", "warning", "contact-differs")]
    accepted = acknowledge.scan_text("a: 1\nb: 2\nc: 3  # noticesite: accept mixed-dashes\n", "data/x.yaml")
    outcome = acknowledge.sort_out(warnings, accepted)
    assert outcome.accepted == 1 and [p.code for p in outcome.new] == ["contact-differs"]


@pytest.mark.unit
def test_a_stale_acknowledgement_is_reported_where_it_is_written(project: Project):
    # the number is corrected to the file's usual style: its acknowledgement now hides nothing
    project.replace(OFFICES, "0931-8863079", "0931—8863079")
    shown, summary = shown_and_summary(project)
    line = project.line_of(OFFICES, "0931—8863079")
    column = project.read(OFFICES).splitlines()[line - 1].index("#") + 1
    assert [str(p) for p in shown] == [
        f"{OFFICES}:{line}:{column}: warning [stale-accept]: 'mixed-dashes' is acknowledged here, but there is "
        "no such warning on this line: remove the acknowledgement, so that it cannot hide a new warning"]
    assert summary == "1 new warning(s), 8 acknowledged"


@pytest.mark.unit
def test_an_unknown_code_is_reported():
    accepted = acknowledge.scan_text("a: 1  # noticesite: accept mixed-dash\n", "data/x.yaml")
    outcome = acknowledge.sort_out([], accepted)
    assert len(outcome.stale) == 1
    assert outcome.stale[0].message.startswith("'mixed-dash' is not a warning code that can be acknowledged "
                                               "(known: mixed-dashes, ")


@pytest.mark.unit
def test_a_comment_line_covers_the_next_line_of_data_and_reasons_are_words_after_the_codes():
    text = ("offices:\n"
            "  # noticesite: accept mixed-dashes, contact-differs (the source says so)\n"
            "  # an ordinary comment between\n"
            "  - {name: a}\n"
            "  - {name: b}\n")
    accepted = acknowledge.scan_text(text, "data/x.yaml")
    assert [(a.line, a.column, a.target, a.code) for a in accepted] == [
        (2, 3, 4, "mixed-dashes"), (2, 3, 4, "contact-differs")]


@pytest.mark.unit
def test_prose_that_quotes_the_marker_is_not_an_acknowledgement():
    text = '# write "# noticesite: accept mixed-dashes" on the line\nname: a\n'
    assert acknowledge.scan_text(text, "data/x.yaml") == []


@pytest.mark.unit
def test_markdown_acknowledgements_are_read_in_the_front_matter_only():
    text = "---\ntitle: t  # noticesite: accept font-fallback\n---\n# noticesite: accept mixed-dashes\n"
    assert [(a.line, a.code) for a in acknowledge.scan_text(text, "content/n/notice.md")] == [(2, "font-fallback")]


@pytest.mark.unit
def test_print_warnings_are_judged_stale_only_when_the_font_check_ran():
    accepted = acknowledge.scan_text("a: 1  # noticesite: accept font-fallback\n", "data/x.yaml")
    assert acknowledge.sort_out([], accepted).stale == []  # --no-pdf: not judged
    assert len(acknowledge.sort_out([], accepted, frozenset({"load", "print"})).stale) == 1


@pytest.mark.unit
def test_the_font_subsetter_is_said_once():
    slow = f'{FONTTOOLS_SUBSET} for font "Noto Serif CJK SC". This will be unsupported…'
    assert font_subsetter([], printed=False) == ("", [])
    assert font_subsetter(["something else"], printed=True) == ("HarfBuzz", [])
    name, warnings = font_subsetter([slow] * 11, printed=True)
    assert name == "fontTools" and len(warnings) == 1
    assert str(warnings[0]) == (
        "PDF fonts: warning [font-subsetter]: subset with fontTools, several times slower than HarfBuzz: install "
        "HarfBuzz's subset library (on Debian: sudo apt-get install libharfbuzz-subset0; scripts/bootstrap does)")


@pytest.mark.integration
def test_the_build_prints_one_summary_line_and_no_acknowledged_warning(project: Project):
    project.replace(OFFICES, "022—23678033", "022-23678033")
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--project", str(project.root),
                             "--no-pdf", "--no-search"], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [line for line in result.stderr.splitlines() if "022-23678033" in line]
    assert len(result.stderr.splitlines()) == 1
    summary = result.stdout.splitlines()
    assert len(summary) == 1 and summary[0].startswith("built 1 notice(s), ")
    assert "; 1 new warning(s), 9 acknowledged; into " in summary[0]


@pytest.mark.unit
def test_with_an_error_no_acknowledgement_is_called_stale(project: Project):
    # offices.yaml cannot be read: its warnings are not made, and its acknowledgements stay quiet
    project.replace(OFFICES, "022—23678033,", "022—23678033")
    project.replace(OFFICES, "province: 天津市}", "province: [天津市}")
    shown, summary = shown_and_summary(project)
    assert [p.severity for p in shown] == ["error"] and "stale" not in summary
    assert summary == "0 new warning(s), 1 acknowledged"  # the notice's no-date, read apart
