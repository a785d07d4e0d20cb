"""Incremental equals clean, for random sequences of edits (hypothesis).

Each example starts from the example project with a second notice, builds it, then applies a
random sequence of edits: a template starts showing a field of the notice that no template
showed before, a notice's field or body changes, notice data, shared data, a stylesheet, a
notice is added, deleted or renamed. After each edit, an incremental build (as a new command:
nothing but the disk from the previous run) must write byte for byte what a clean build writes.
HTML only: PDFs and search have their own keys and tests (test_pdf, test_search_files).
"""
from __future__ import annotations

import dataclasses
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from property_budget import examples

from conftest import REPO, Project, copy_project
from noticesite.cache import LoadCache
from noticesite.model import Notice, NoticeSummary
from noticesite.site import BuildOptions, BuildReport, build, load

pytestmark = pytest.mark.integration

INCREMENTAL = BuildOptions(pdf=False, search=False, incremental=True)
CLEAN = BuildOptions(pdf=False, search=False, incremental=False)
NOTICES = ("2012-104", "2012-105")
# Every field of the model's notice is a field some template may start to show: derived from the
# model, so a field added later is tried too. (Not the calendar ledger: the build's ledger stage
# updates its file, and the pages are handed the calendars stamped from it instead.)
NOTICE_FIELDS = [f.name for f in dataclasses.fields(Notice) if f.name not in ("inputs", "source", "calendar_ledger")]
# What a list template is handed of each notice (a list that asks for more fails: tests/sites/invalid).
SUMMARY_FIELDS = [f.name for f in dataclasses.fields(NoticeSummary)]
LISTING_TEMPLATES = ("partials/notice_list.html", "sitemap.xml", "archive.html")
NOTICE_TEMPLATES = ("notice.html", "attachments/text.html", "attachments/schedule.html", "feed.xml")
WORDS = st.text(alphabet="通知学院教务处补充更正试验甲乙丙丁ABCxyz0123456789", min_size=1, max_size=8)


def run(root: Path, out: str, options: BuildOptions) -> BuildReport:
    site, problems = load(root, LoadCache() if options.incremental else None)
    assert site is not None, "\n".join(map(str, problems))
    return build(site, root / out, options)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def live_notices(p: Project) -> list[str]:
    return sorted(d.name for d in p.path("content").iterdir() if (d / "notice.md").is_file())


# ---- edits: each takes the project and values drawn by hypothesis ------------------------------

def show_field(p: Project, template: str, field: str) -> None:
    """A template starts showing a field of each notice it has (listing or notice page)."""
    path = f"layouts/{template}"
    text = p.read(path)
    shown = f"<span class=\"probe\">{{{{ notice.{field} }}}}</span>" if not template.endswith(".xml") \
        else f"<!-- {{{{ notice.{field}|string|e }}}} -->"
    if template == "partials/notice_list.html":
        p.write(path, text.replace('<li class="notice-item">', '<li class="notice-item">' + shown, 1))
    elif template == "archive.html":
        p.write(path, text.replace("{% if year %}", "{% if year %}{% for notice in notices %}" + shown
                                   + "{% endfor %}", 1))
    elif template == "sitemap.xml":
        p.write(path, text.replace("{% for notice in notices %}", "{% for notice in notices %}" + shown, 1))
    elif template == "feed.xml":
        p.write(path, text.replace("{% for notice in notices %}", "{% for notice in notices %}" + shown, 1))
    else:  # a page of one notice: shown once, at the start of its main block
        block = "{% block main %}" if template == "notice.html" else "{% block attachment %}"
        p.write(path, text.replace(block, block + shown, 1))


def change_field(p: Project, slug: str, field: str, word: str) -> None:
    """An edit of the source that changes one field of the notice's model."""
    path = f"content/{slug}/notice.md"
    if not p.path(path).is_file():
        return
    text = p.read(path)
    if field in ("title", "issuer", "addressees", "number"):
        text = re.sub(rf"^{field}: (.*?)(号?)$", lambda m: f"{field}: {m[1]}{word}{m[2]}", text, count=1, flags=re.M)
    elif field in ("body_html", "body_text"):
        text += f"\n补充说明：{word}\n"
    elif field == "key_dates":
        text = text.replace("{id: forms, label: ", "{id: forms, label: " + word, 1)
    elif field == "attachments":
        text = text.replace("  - title: ", "  - title: " + word, 1)
    elif field in ("date", "year"):
        text = re.sub(r"^date:.*$", f"date: 2012-12-{len(word) + 10}", text, count=1, flags=re.M)
    elif field == "images":
        shutil.copy(REPO / "tests/hostile/secret.png", p.path(f"content/{slug}/pic-{len(word)}.png"))
        text += f"\n![图{word}](pic-{len(word)}.png)\n"
    elif field == "slug":
        if "\nslug:" not in text:
            text = text.replace("---\n", f"---\nslug: {slug}-{len(word)}\n", 1)
            follow_rename(p, slug, f"{slug}-{len(word)}")  # as staff would: the notices naming it too
    elif field in ("revisions", "updated"):  # a revision added, or its summary and date changed
        day = f"2013-01-{len(word) + 10}"
        if "\nrevisions:" not in text:
            text = text.replace("---\n", f"---\nrevisions:\n  - {{date: {day}, kind: 更正, summary: {word}}}\n", 1)
        else:
            text = re.sub(r"\{date: [0-9-]+, kind: (..), summary: ",
                          lambda m: f"{{date: {day}, kind: {m[1]}, summary: {word}", text, count=1)
    elif field == "amends":  # the second notice starts correcting the first, then supplements it
        path, other = "content/2012-105/notice.md", "2012-104"
        if not p.path(path).is_file():
            return
        text = p.read(path)
        if "\nreplaces: " in text:
            text = text.replace("\nreplaces: ", "\nsupplements: ", 1)
        elif "\nsupplements: " not in text:
            target = re.search(r"^slug: (.*)$", p.read(f"content/{other}/notice.md"), re.M)
            text = text.replace("---\n", f"---\nreplaces: {target[1] if target else other}\n", 1)
    elif field == "imprint":
        if "\nimprint:" not in text:
            text = text.replace("---\n", f"---\nimprint: {{issuer: {word}, date: 2013-01-20}}\n", 1)
        else:
            text = text.replace("imprint: {issuer: ", f"imprint: {{issuer: {word}", 1)
    elif field == "summary":
        text = re.sub(r"^summary: .*\n", "", text, flags=re.M).replace("---\n", f"---\nsummary: {word}\n", 1)
    else:
        raise AssertionError(f"no edit changes the notice's {field}: add one here")
    p.write(path, text)


def follow_rename(p: Project, old: str, new: str) -> None:
    """Other notices that name a notice by its URL segment name it by its new one."""
    for notice in p.path("content").glob("*/notice.md"):
        text = notice.read_text(encoding="utf-8")
        renamed = re.sub(rf"^(replaces|supplements): {re.escape(old)}$", rf"\g<1>: {new}", text, flags=re.M)
        if renamed != text:
            notice.write_text(renamed, encoding="utf-8")


def edit_notice_data(p: Project, count: int) -> None:
    p.write("data/2012-104/schedule.yaml",
            re.sub(r"students: \d+", f"students: {count}", p.read("data/2012-104/schedule.yaml"), count=1))


def edit_shared_data(p: Project, word: str) -> None:
    p.replace("data/offices.yaml", "天津市南天区迎水道新华园", f"天津市南天区迎水道新华园{word}")


def edit_stylesheet(p: Project, word: str) -> None:
    p.write("layouts/style.css", p.read("layouts/style.css") + f"\n/* {word} */\n")


def edit_site(p: Project, word: str) -> None:
    p.write("data/site.yaml", re.sub(r"^(title: .*)$", lambda m: m[1] + word, p.read("data/site.yaml"),
                                     count=1, flags=re.M))


def add_notice(p: Project, number: int) -> None:
    slug = f"2012-{number}"
    if p.path(f"content/{slug}").exists():
        return
    shutil.copytree(p.path("content/2012-104"), p.path(f"content/{slug}"))
    p.replace(f"content/{slug}/notice.md", "104号", f"{number}号")


def delete_notice(p: Project, slug: str) -> None:
    if slug != "2012-104" and p.path(f"content/{slug}").exists():
        shutil.rmtree(p.path(f"content/{slug}"))


def rename_notice(p: Project, slug: str, number: int) -> None:
    new = f"2012-{number}"
    if slug != "2012-104" and p.path(f"content/{slug}").exists() and not p.path(f"content/{new}").exists():
        p.path(f"content/{slug}").rename(p.path(f"content/{new}"))


SLUGS = st.sampled_from(NOTICES)
NUMBERS = st.integers(106, 109)
# A template that starts showing a field, then an edit of that field: the pair that finds a key
# which leaves the field out. Drawn as often as all other edits together.
SHOWN = st.one_of(st.tuples(st.sampled_from(LISTING_TEMPLATES), st.sampled_from(SUMMARY_FIELDS)),
                  st.tuples(st.sampled_from(NOTICE_TEMPLATES), st.sampled_from(NOTICE_FIELDS)))
SHOW_THEN_CHANGE = st.tuples(SHOWN, SLUGS, WORDS).map(
    lambda t: [(show_field, *t[0]), (change_field, t[1], t[0][1], t[2])])
OTHER_EDITS = st.one_of(
    st.tuples(st.just(change_field), SLUGS, st.sampled_from(NOTICE_FIELDS), WORDS),
    st.tuples(st.just(edit_notice_data), st.integers(1, 400)),
    st.tuples(st.just(edit_shared_data), WORDS),
    st.tuples(st.just(edit_stylesheet), WORDS),
    st.tuples(st.just(edit_site), WORDS),
    st.tuples(st.just(add_notice), NUMBERS),
    st.tuples(st.just(delete_notice), SLUGS),
    st.tuples(st.just(rename_notice), SLUGS, NUMBERS),
).map(lambda edit: [edit])
EDITS = st.one_of(SHOW_THEN_CHANGE, OTHER_EDITS)


@pytest.fixture(scope="module")
def template_project(tmp_path_factory) -> Path:
    root = copy_project(REPO, tmp_path_factory.mktemp("incremental-property") / "site")
    p = Project(root)
    shutil.copytree(p.path("content/2012-104"), p.path("content/2012-105"))
    p.replace("content/2012-105/notice.md", "104号", "105号")
    run(root, "output", INCREMENTAL)
    return root


# No shrinking: each step builds the site twice, and the sequence as generated is short enough to read.
@settings(max_examples=examples(14), deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# The older notice's page names the newer one that corrects it (the first build of a copied project
# renders every page: a stylesheet edit first, so that the second build is a true incremental one).
@example(groups=[[(edit_stylesheet, "甲")], [(change_field, "2012-105", "amends", "甲")]])
@given(groups=st.lists(EDITS, min_size=1, max_size=3))
def test_incremental_equals_clean_after_random_edits(template_project: Path, groups: list[list[tuple]]):
    edits = [edit for group in groups for edit in group]
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "site"
        shutil.copytree(template_project, root)
        p = Project(root)
        for edit, *values in edits:
            edit(p, *values)
            run(root, "output", INCREMENTAL)
            shutil.rmtree(root / "clean", ignore_errors=True)
            run(root, "clean", CLEAN)
            assert snapshot(root / "output") == snapshot(root / "clean"), \
                f"after {edit.__name__}{tuple(values)}"
            # and nothing left to do: what a build wrote back (a calendar ledger) is what its keys
            # were made from, so the next build, with nothing changed, renders nothing
            again = run(root, "output", INCREMENTAL)
            assert again.rendered == 0, f"after {edit.__name__}{tuple(values)}: {again.rendered} rendered again"


def test_a_listing_that_starts_showing_addressees_follows_their_edit(project: Project):
    """The reproduction of the issue: lists keyed on a hand-picked set of fields went stale."""
    project.replace("layouts/partials/notice_list.html", '<span>{{ notice.issuer }}</span>',
                    '<span>{{ notice.issuer }}</span><span class="to">{{ notice.addressees }}</span>')
    run(project.root, "output", INCREMENTAL)
    project.replace("content/2012-104/notice.md", "addressees: 校属各教学院", "addressees: 校属各教学院、各部门")
    run(project.root, "output", INCREMENTAL)
    run(project.root, "clean", CLEAN)
    for page in ("index.html", "archive/2012/index.html"):
        assert "校属各教学院、各部门" in (project.path("output") / page).read_text(encoding="utf-8")
    assert snapshot(project.path("output")) == snapshot(project.path("clean"))
