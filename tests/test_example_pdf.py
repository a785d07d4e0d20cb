"""The example's PDFs, as the README's build command writes them."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ARTIFACTS, REPO, Project, copy_project, soup
from noticesite.site import load

pytestmark = pytest.mark.pdf

PDFS = ["notice.pdf", "attachment-1.pdf", "attachment-2.pdf", "attachment-3.pdf", "attachment-4.pdf"]


def build(root: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--project", str(root), "--no-search", *extra],
                          capture_output=True, text=True, cwd=REPO)


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    root = copy_project(REPO, tmp_path_factory.mktemp("pdf") / "site")
    result = build(root)
    assert result.returncode == 0, result.stderr
    return root


def text_of(path: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def test_build_writes_a_pdf_per_attachment_and_one_for_the_notice(example: Path):
    for name in PDFS:
        assert (example / "output/2012-104" / name).stat().st_size > 10_000


def test_directory_pdf_has_all_thirty_offices(example: Path):
    site, _ = load(example)
    offices = site.notices[0].attachments[2].data.directory.offices
    text = text_of(example / "output/2012-104/attachment-3.pdf")
    assert len(offices) == 30
    missing = [o.name for o in offices if o.name not in text]
    assert missing == []


def test_schedule_pdf_has_all_fourteen_colleges_and_the_total(example: Path):
    site, _ = load(example)
    sessions = site.notices[0].attachments[0].data.sessions
    text = text_of(example / "output/2012-104/attachment-1.pdf")
    assert [s.values["college"] for s in sessions if s.values["college"] not in text] == []
    assert "2881" in text


def test_flow_pdf_has_every_step(example: Path):
    site, _ = load(example)
    procedure = site.notices[0].attachments[3].data
    text = re.sub(r"\s+", "", text_of(example / "output/2012-104/attachment-4.pdf"))
    for step in procedure.steps:
        assert re.sub(r"\s+", "", step.label)[:12] in text, step.label


def test_pages_link_their_pdf_with_its_size(example: Path):
    page = soup(example / "output/2012-104/attachment-3.html")
    link = page.select_one(".pdf-link a")
    assert link["href"] == "attachment-3.pdf"
    size = (example / "output/2012-104/attachment-3.pdf").stat().st_size
    assert f"{max(1, round(size / 1024))} KB" in link.get_text()
    notice = soup(example / "output/2012-104/index.html")
    assert notice.select_one(".pdf-link a")["href"] == "notice.pdf"
    assert len(notice.select(".attachment-list a.pdf-inline")) == 4


def test_page_one_images_for_a_person_to_look_at(example: Path):
    folder = ARTIFACTS / "example-pdf"
    folder.mkdir(parents=True, exist_ok=True)
    for name in PDFS:
        stem = folder / name.removesuffix(".pdf")
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                        str(example / "output/2012-104" / name), str(stem)], check=True)
        assert stem.with_suffix(".png").stat().st_size > 5_000


def test_unchanged_rebuild_renders_no_pdf(example: Path):
    result = build(example)
    assert result.returncode == 0
    assert "0 PDF(s) rendered, 5 unchanged" in result.stdout


def test_a_character_without_a_font_stops_the_build_and_writes_nothing(project: Project):
    assert build(project.root, "--no-pdf").returncode == 0
    before = sorted(p.name for p in project.path("output").rglob("*"))
    project.replace("content/2012-104/notice.md", "addressees: 校属各教学院", "addressees: 校属各教学院\U000F0001")
    result = build(project.root)
    assert result.returncode == 1
    assert "U+F0001" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in project.path("output").rglob("*")) == before


def test_a_build_never_marks_a_pdf_as_being_printed(example: Path):
    """The preview's pages-first release marks links to PDFs not yet printed (正在生成, class
    pdf-pending); a build prints before it writes: every link it writes has the PDF's size."""
    pages = sorted((example / "output").rglob("*.html"))
    assert pages
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert "pdf-pending" not in text and "正在生成" not in text, path
    links = soup(example / "output/2012-104/index.html").select("a[type='application/pdf']")
    assert len(links) == len(PDFS)
    for a in links:
        assert re.search(r"\d+(\.\d+)?\s*[KM]B", a.get_text() + a.get("aria-label", "")), a
        assert (example / "output/2012-104" / a["href"]).is_file()


def pdffonts(path: Path) -> list[tuple[str, ...]]:
    """(subset tag, face) of each font poppler's pdffonts lists."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [tuple(line.split()[0].split("+", 1)) for line in out.splitlines()[2:]]


def test_the_body_is_fangsong_and_each_attachment_is_small_with_a_tag_per_subset(example: Path):
    """GB/T 9704-2012 §5.2.2: the body in 仿宋. Fonts cut to the glyphs drawn (issue 15: the
    attachments were 264-624 KB, fonts 91-96 % of each), each subset under a tag of its own."""
    tags = []
    for name in PDFS:
        path = example / "output/2012-104" / name
        fonts = pdffonts(path)
        tags += [tag for tag, _ in fonts]
        if name != "attachment-4.pdf":  # the directory: a table in 黑体, no running text
            assert any("Fang" in face for _, face in fonts), (name, fonts)
        if name.startswith("attachment"):
            assert path.stat().st_size < 150_000, (name, path.stat().st_size)
    assert len(tags) == len(set(tags)), tags  # within a file and across files
