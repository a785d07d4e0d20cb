"""The print PDFs: what a reader sees in them, what they say about themselves, and the cache.

The sample notice is rendered once per module (WeasyPrint takes seconds);
page 1 of every PDF is also written as a PNG to tests/artifacts/pdf/ for a
person to look at.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from property_budget import examples
from pypdf import PdfReader

from noticesite import cjktext, pdf
from noticesite.errors import BuildError
from noticesite.model import Column, Location

sys.path.insert(0, str(Path(__file__).parent))
import pdf_samples  # noqa: E402
from print_geometry import names_broken  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts" / "pdf"
A4 = (595.28, 841.89)


def make_env() -> jinja2.Environment:
    """As the build makes it: a loader on layouts/, autoescape, StrictUndefined."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROOT / "layouts")),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    pdf.register_filters(env)
    return env


def documents(**options) -> list[pdf.PrintDocument]:
    site = pdf_samples.site(**options)
    return pdf.print_documents(site, site.notices[0], make_env())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample's five PDFs, rendered once: (docs, a folder of copies of them laid out as the build
    lays them out, cache_dir, report, progress calls)."""
    docs = documents()
    base = tmp_path_factory.mktemp("pdf")
    told = []
    report = pdf.render_pdfs(docs, base / "cache", progress=lambda *call: told.append(call))
    out = pdf_samples.copy_out(report.files, base / "out")  # the other tests may print into the cache
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for doc in docs:
        stem = ARTIFACTS / doc.name.replace("/", "-").removesuffix(".pdf")
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                        str(out / doc.name), str(stem)], check=True)
    return docs, out, base / "cache", report, told


def reader(built, name: str) -> PdfReader:
    return PdfReader(built[1] / "2012-104" / name)


def text_of(built, name: str) -> str:
    return "\n".join(page.extract_text() for page in reader(built, name).pages)


# ---- the documents ----------------------------------------------------------------------


@pytest.mark.unit
def test_one_document_per_attachment_and_one_for_the_notice():
    docs = documents()
    assert [d.name for d in docs] == ["2012-104/notice.pdf"] + [f"2012-104/attachment-{n}.pdf" for n in range(1, 5)]
    assert docs[0].title == "关于做好2014届预计毕业生图像信息采集工作的通知"
    assert docs[1].title == "附件1：2014届预计毕业生图像信息采集时间安排表"
    for d in docs:
        # Without lang, WeasyPrint picks Noto CJK's Japanese glyph forms.
        assert '<html lang="zh-CN">' in d.html
        assert d.stylesheets == (str(ROOT / "layouts" / "print.css"),)
        assert d.metadata.author == "湖南理工学院教务处"


@pytest.mark.unit
def test_the_stylesheet_names_simplified_chinese_fonts_only():
    families = pdf.stylesheet_families((ROOT / "layouts" / "print.css").read_text(encoding="utf-8"))
    assert {"Noto Serif CJK SC", "Noto Sans CJK SC", "AR PL UKai CN"} <= set(families)
    assert not [f for f in families if re.search(r"\b(JP|KR|TC|HK)\b", f)]


@pytest.mark.unit
def test_date_is_written_in_full_without_zero_padding():
    assert pdf.print_date(dt.date(2012, 12, 5)) == "2012年12月5日"
    assert pdf.print_date(dt.date(2013, 1, 3)) == "2013年1月3日"
    assert pdf.print_date(None) == ""


@pytest.mark.unit
def test_a_notice_without_a_date_is_signed_by_the_issuer_only():
    notice = documents(date=None)[0]
    assert '<p class="issuer">湖南理工学院教务处</p>' in notice.html
    assert 'class="date"' not in notice.html and "dcterms.created" not in notice.html
    assert notice.metadata.date is None


@pytest.mark.unit
def test_long_titles_break_into_balanced_lines_between_words():
    assert cjktext.balance_lines("关于做好2014届预计毕业生图像信息采集工作的通知", 20) == [
        "关于做好2014届预计毕业生", "图像信息采集工作的通知"]
    assert cjktext.balance_lines("全国高等教育学历证书电子注册图像采集工作毕业生须知", 20) == [
        "全国高等教育学历证书", "电子注册图像采集工作毕业生须知"]
    assert cjktext.balance_lines("毕业生图像采集流程图", 20) == ["毕业生图像采集流程图"]


_HAN = list("新华社各省分社地址联系电话表学生校外补拍信息关于做好届预计毕业"
            "图像采集工作通知全国高等教育学历证书自治区直辖市")
_PAIRS = {"（": "）", "《": "》", "〔": "〕"}


@st.composite
def _bracketed_titles(draw) -> str:
    """Titles of words, some followed by a bracketed group (a name and its bracket: 各省（自治区）),
    joined by nothing or by a particle or conjunction."""
    parts = draw(st.lists(st.tuples(
        st.text(st.sampled_from(_HAN), min_size=1, max_size=7),
        st.one_of(st.just(""), st.tuples(st.sampled_from(sorted(_PAIRS)), st.text(st.sampled_from(_HAN), min_size=1,
                                                                                 max_size=6))),
        st.sampled_from(["", "", "的", "及", "和", "、"])), min_size=1, max_size=7))
    title = "".join(word + (group[0] + group[1] + _PAIRS[group[0]] if group else "") + joiner
                    for word, group, joiner in parts)
    return title if any(o in title for o in _PAIRS) else title + "（说明）"


@pytest.mark.unit
@settings(max_examples=examples(200), deadline=None, derandomize=True)
@given(_bracketed_titles())
def test_a_title_never_breaks_inside_a_bracketed_group_or_the_name_it_belongs_to(title: str):
    lines = cjktext.balance_lines(title, 20)
    assert "".join(lines) == title
    assert all(cjktext.text_em(line) <= 20 for line in lines), lines
    assert names_broken(lines) == [], lines


@pytest.mark.unit
def test_body_headings_links_and_indents_are_prepared_for_print():
    attachments = pdf_samples.notice().attachments
    html = pdf.print_body('<p>一、图像信息采集对象</p><p>（一）信息核对</p>'
                          '<p>（一）本次信息采集关系到学生一生的形象。</p><p>\u3000\u3000为了确保</p>'
                          '<p>见<a href="attachment-1.html">附件1</a>，'
                          '登录<a href="http://www.chsi.com.cn/">http://www.chsi.com.cn/</a></p>',
                          attachments, internal=True)
    assert '<p class="heading-1">一、图像信息采集对象</p>' in html
    assert '<p class="heading-2">（一）信息核对</p>' in html
    assert "<p>（一）本次信息采集关系到学生一生的形象。</p>" in html  # a paragraph, not a heading
    assert "<p>为了确保</p>" in html
    assert '<a href="#attachment-1">附件1</a>' in html
    # kept whole on one line (print.css a.url): no <wbr>, each of which WeasyPrint made a link of its own
    assert '<a class="url" href="http://www.chsi.com.cn/">http://www.chsi.com.cn/</a>' in html
    assert "见附件1" in pdf.print_body('<p>见<a href="attachment-1.html">附件1</a></p>', attachments)


@pytest.mark.unit
def test_the_attachment_list_has_names_without_punctuation():
    html = documents()[0].html
    items = re.findall(r'<li><span class="n">(\d+)\.</span><a href="#attachment-\d">([^<]*)</a></li>', html)
    assert [n for n, _ in items] == ["1", "2", "3", "4"]
    assert items[2][1] == "学生校外补拍信息及新华社各省（自治区）分社地址及联系电话表"
    assert not [name for _, name in items if name[-1] in "。，；、.,;"]


@pytest.mark.unit
def test_a_procedure_prints_its_flow_chart_at_print_size():
    html = documents()[4].html
    svg = re.search(r'<figure class="flow"><svg ([^>]*)>', html)
    # as wide as the text area (156 mm = 442.2 pt), its height in pt: laid out at print size, never scaled
    assert svg and re.search(r'width="442.2pt" height="[\d.]+pt" ', svg[1]) and 'width="100%"' not in svg[1]
    # the chart draws the notes itself: notes given as the procedure's notes: (as docs/data-format.md shows) print
    figure = html[html.index('<figure class="flow">'):html.index("</figure>")]
    assert "注" in figure and pdf_samples.procedure().notes[0][:12] in figure


@pytest.mark.pdf
def test_a_wide_schedule_goes_on_landscape_pages_without_splitting_a_half_day(tmp_path):
    site = pdf_samples.site()
    attachment = site.notices[0].attachments[0]
    assert not pdf.schedule_table(attachment.data).landscape
    extra = [Column(f"c{i}", f"第{i}项备注", "text") for i in range(3)]
    for s in attachment.data.sessions:
        s.values.update({c.key: "需携带身份证原件" for c in extra})
    attachment.data = dataclasses.replace(attachment.data, columns=attachment.data.columns + extra)
    assert pdf.schedule_table(attachment.data).landscape
    doc = pdf.print_documents(site, site.notices[0], make_env())[1]
    report = pdf.render_pdfs([doc], tmp_path / "cache")
    r = PdfReader(pdf_samples.printed(report.files, doc.name))
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in r.pages]
    assert set(sizes) == {(842, 595)}  # 附件1 and the title turn with the table (issue #15)
    texts = [p.extract_text() for p in r.pages]
    assert texts[0].startswith("附件1")
    for page in texts:
        if any(s[3] in page for s in pdf_samples.SESSIONS):
            assert "日期 时间 学院 在籍人数 负责人 联系电话 第0项备注" in page  # the header, on every page of rows
    halves = [pdf_samples.SESSIONS[0:5], pdf_samples.SESSIONS[5:9], pdf_samples.SESSIONS[9:12],
              pdf_samples.SESSIONS[12:14]]
    for half in halves:
        # every college of a half-day on one page: no row group split
        assert [all(s[3] in page for s in half) for page in texts].count(True) == 1
    assert any("计算机学院" in page for page in texts)  # five characters: never broken


# ---- fonts -------------------------------------------------------------------------------


@pytest.mark.unit
def test_the_sample_needs_no_font_it_does_not_have():
    assert pdf.check_fonts(documents()) == []


@pytest.mark.unit
def test_a_character_no_installed_font_has_stops_the_build():
    doc = documents()[2]
    odd = dataclasses.replace(doc, html=doc.html.replace("各高校毕业生", "各高校\U0010FFFD毕业生"))
    problems = pdf.check_fonts([doc, odd])
    assert len(problems) == 1
    p = problems[0]
    assert p.severity == "error" and p.path == "content/2012-104/instructions.md"
    assert "2012-104/attachment-2.pdf: no installed font has 1 character: '\U0010FFFD' U+10FFFD" in p.message
    assert "Noto Serif CJK SC" in p.message


@pytest.mark.unit
def test_characters_missing_from_the_print_fonts_are_named_with_the_fonts():
    doc = documents()[2]
    pretend = pdf.FontSet((pdf.Font("Pretend Song", ("/nonexistent.ttf",), ((0x20, 0x7E), (0x4E00, 0x9FFF))),))
    problems = pdf.check_fonts([doc], pretend)
    assert [p.severity for p in problems] == ["error"]
    message = problems[0].message
    assert message.startswith("2012-104/attachment-2.pdf: no installed font has ")
    assert "'（' U+FF08" in message and "'，' U+FF0C" in message
    assert "(print fonts: Pretend Song)" in message


@pytest.mark.unit
def test_characters_only_other_installed_fonts_have_are_a_warning():
    doc = documents()[2]
    pretend = pdf.FontSet((pdf.Font("Pretend Song", (), ((0x20, 0xFFFF),)),),
                          fallback=lambda cp: ["DejaVu Sans"] if cp == 0x1F600 else [])
    odd = dataclasses.replace(doc, html=doc.html.replace("各高校毕业生", "各高校毕业生\U0001F600"))
    [problem] = pdf.check_fonts([odd], pretend)
    assert problem.severity == "warning"
    assert "lack 1 character: '\U0001F600' U+1F600; they would print in DejaVu Sans" in problem.message


# ---- the PDFs ----------------------------------------------------------------------------


@pytest.mark.pdf
def test_every_page_is_a4_with_its_page_number(built):
    for doc in built[0]:
        r = PdfReader(built[1] / doc.name)
        for i, page in enumerate(r.pages, start=1):
            size = (float(page.mediabox.width), float(page.mediabox.height))
            assert abs(size[0] - A4[0]) <= 1 and abs(size[1] - A4[1]) <= 1, (doc.name, i, size)
            assert f"— {i} —" in page.extract_text(), (doc.name, i)


@pytest.mark.pdf
def test_page_counts_and_numbering_running_through_the_attachments(built):
    pages = {n: len(reader(built, f"attachment-{n}.pdf").pages) for n in range(1, 5)}
    assert pages == {1: 1, 2: 2, 3: 3, 4: 1}
    notice = reader(built, "notice.pdf")
    firsts = [i for i, page in enumerate(notice.pages, start=1)
              if re.match(r"附件\d", page.extract_text().strip())]
    body_pages = firsts[0] - 1
    assert body_pages == 4
    # Each attachment starts a page, and lays out as it does on its own.
    assert firsts == [body_pages + 1 + sum(pages[m] for m in range(1, n)) for n in range(1, 5)]
    assert len(notice.pages) == body_pages + sum(pages.values())
    assert f"— {len(notice.pages)} —" in notice.pages[-1].extract_text()


@pytest.mark.pdf
def test_the_notice_reads_as_an_official_document(built):
    text = text_of(built, "notice.pdf")
    first = reader(built, "notice.pdf").pages[0].extract_text()
    for line in ["湖南理工学院教务处", "校教通〔2012〕104号", "关于做好2014届预计毕业生", "图像信息采集工作的通知",
                 "校属各教学院："]:
        assert line in first
    assert "附件：1. 2014届预计毕业生图像信息采集时间安排表" in text.replace("附件：\n", "附件：")
    assert "湖南理工学院教务处\n2012年12月5日" in text


@pytest.mark.pdf
def test_the_schedule_pdf_has_every_college(built):
    text = text_of(built, "attachment-1.pdf")
    assert text.startswith("附件1")
    for _date, _start, _end, college, students, _person, phone in pdf_samples.SESSIONS:
        assert college in text and phone in text and str(students) in text
    for row in ["8:00—8:40 政法学院 169 胡美玲 15973010514", "14:35—16:00 机械学院 319 蔡妍 13627306510"]:
        assert row in text
    assert "合计 2881" in text and "地点：南校区6号楼一楼学术报告厅" in text


@pytest.mark.pdf
def test_the_directory_pdf_has_every_office_and_repeats_its_header(built):
    r = reader(built, "attachment-3.pdf")
    text = text_of(built, "attachment-3.pdf")
    for name, _, address in pdf_samples.OFFICES:
        assert name in text and address[:8] in text
    assert "0731-82250811" in text and "政法学院：01" in text
    table_pages = [p.extract_text() for p in r.pages if "名称 电话 地址" in p.extract_text()]
    assert len(table_pages) == 2


@pytest.mark.pdf
def test_the_pdf_says_what_it_is(built):
    r = reader(built, "notice.pdf")
    meta = r.metadata
    assert meta.title == "关于做好2014届预计毕业生图像信息采集工作的通知"
    assert meta.author == "湖南理工学院教务处"
    assert meta.subject == "校教通〔2012〕104号"
    assert meta.creation_date.date() == dt.date(2012, 12, 5)
    root = r.trailer["/Root"]
    assert root["/Lang"] == "zh-CN"
    assert reader(built, "attachment-3.pdf").metadata.title.startswith("附件3：学生校外补拍信息")


@pytest.mark.pdf
def test_fonts_are_embedded_and_subset(built):
    seen = set()
    for doc in built[0]:
        for page in PdfReader(built[1] / doc.name).pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                descendant = font["/DescendantFonts"][0].get_object()
                descriptor = descendant["/FontDescriptor"].get_object()
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font
                name = str(font["/BaseFont"])
                assert re.match(r"/[A-Z]{6}\+", name), name  # the subset tag
                seen.add(name[8:])
    assert {"Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold", "Noto-Sans-CJK-SC", "AR-PL-UKai-CN"} <= seen


@pytest.mark.pdf
def test_the_pdf_is_tagged_with_table_headers(built):
    r = reader(built, "attachment-1.pdf")
    root = r.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()
    tags: dict[str, list] = {}

    def walk(node) -> None:
        node = node.get_object()
        tags.setdefault(str(node.get("/S")), []).append(node)
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            if kid is not None and not isinstance(kid, int) and "/S" in kid.get_object():
                walk(kid)

    walk(root["/StructTreeRoot"]["/K"][0])
    assert len(tags["/Table"]) == 1 and len(tags["/THead"]) == 1
    # column heads, a half-day's label in each of the 14 rows (no rowspan: tests/test_pdf_tags.py), times, 合计
    assert len(tags["/TH"]) == 6 + 14 + 14 + 1
    ids = {str(th["/ID"]) for th in tags["/TH"]}
    for td in tags["/TD"]:
        assert td["/A"]["/Headers"] and {str(h) for h in td["/A"]["/Headers"]} <= ids


_NO_LINE_START = "、。，．：；？！）》」』〕】…—"  # GB/T 15834 and common practice: never at a line's start


@pytest.mark.pdf
def test_body_text_keeps_the_grid_of_28_characters_and_22_lines(built):
    """§5.2.3, measured: lines of only CJK characters that a paragraph continues after carry 28."""
    xml = subprocess.run(["pdftotext", "-f", "2", "-l", "4", "-bbox-layout",
                          str(built[1] / "2012-104" / "notice.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    text_bottom = (37 + 225) / 25.4 * 72
    full, per_page, odd = [], [], []
    for page in re.findall(r"<page .*?</page>", xml, re.S):
        lines = [(float(x0), float(y0), "".join(re.findall(r">([^<]*)</word>", inner)))
                 for x0, y0, inner in re.findall(r'<line xMin="([\d.]+)" yMin="([\d.]+)".*?>(.*?)</line>', page, re.S)]
        body = [line for line in lines if line[1] < text_bottom]
        per_page.append(len(body))
        left = min(x for x, _, _ in body)
        for (x, _, text), nxt in zip(body, body[1:]):
            indent = round((x - left) / 15.79)
            if abs(nxt[0] - left) < 1 and all(ord(c) >= 0x2E80 for c in text):
                carried = indent + len(text)
                # a line that takes a closing mark squeezed in (justify.py, 行尾挤压) holds one more
                squeezed = carried == 29 and text[-1] in "，。、；：？！）》”"
                # the line-start rule (no line starts with 、。，）》 …) may take the 28th character
                # down with the mark that follows it: that line carries 27
                short = carried == 27 and len(nxt[2]) > 1 and nxt[2][1] in _NO_LINE_START
                full.append(28 if squeezed or short else carried)
                if full[-1] != 28:
                    odd.append((indent, text, nxt[2][:2]))
    assert len(full) >= 10 and set(full) == {28}, odd
    assert max(per_page) == 22


@pytest.mark.pdf
def test_an_unchanged_rebuild_renders_nothing_and_an_edit_only_what_it_touches(built, tmp_path):
    docs, _, shared, first, _ = built
    assert sorted(first.rendered) == sorted(d.name for d in docs) and first.reused == []
    cache = shutil.copytree(shared, tmp_path / "cache")  # other tests reuse the shared one
    again = pdf.render_pdfs(documents(), cache)
    assert again.rendered == [] and len(again.reused) == 5
    assert pdf_samples.printed(again.files, "2012-104/attachment-3.pdf").read_bytes() == \
        (built[1] / "2012-104" / "attachment-3.pdf").read_bytes()

    offices = [("天津分社", "022-23678099", "天津市南开区迎水道新华园"), *pdf_samples.OFFICES[1:]]
    edited = pdf.render_pdfs(documents(offices=offices), cache)
    assert edited.rendered == ["2012-104/attachment-3.pdf", "2012-104/notice.pdf"]
    assert len(edited.reused) == 3
    assert "022-23678099" in text_of((None, pdf_samples.copy_out(edited.files, tmp_path / "out")), "attachment-3.pdf")


@pytest.mark.pdf
def test_the_build_stage_links_each_page_to_its_pdf(built):
    """The PDF stage hands its links and texts on as values (no context written into)."""
    report = pdf.write_site_pdfs(pdf_samples.site(), make_env(), built[2])
    assert report.rendered == [] and len(report.reused) == 5
    size = pdf_samples.printed(report.files, "2012-104/attachment-3.pdf").stat().st_size
    assert report.links["2012-104/attachment-3.html"] == ("attachment-3.pdf", size)
    assert report.links["2012-104/index.html"][0] == "notice.pdf"
    assert len(report.links) == 5
    assert {name for name, _, _ in report.texts} == {name for name, _, _ in report.files}


@pytest.mark.pdf
def test_a_failed_document_fails_the_stage_and_leaves_no_pdf_of_its_own(tmp_path):
    """A document WeasyPrint cannot print (here: nested deeper than its layout can recurse) fails
    the stage with a located problem, so the build gets no files to link out; the cache keeps the
    document that printed (for the next build) and nothing of the failed one, not even its
    temporary file."""
    docs = documents()
    broken = dataclasses.replace(docs[2], name="2012-104/broken.pdf", html="<div>" * 3000 + "x")
    with pytest.raises(BuildError) as info:
        pdf.render_pdfs([docs[2], broken], tmp_path / "cache", workers=1)
    assert str(info.value).startswith("content/2012-104/instructions.md:1:1: "
                                      "2012-104/broken.pdf: printing failed: RecursionError")
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert left == ["cache/pdf/2012-104/attachment-2.key", "cache/pdf/2012-104/attachment-2.pdf"]


@pytest.mark.pdf
def test_printing_tells_its_progress_after_each_document(built):
    told = built[4]
    assert told == [(pdf.PDF_STAGE, done, 5) for done in range(6)]


@pytest.mark.unit
def test_the_render_report_reads_well():
    report = pdf.RenderReport(["a.pdf"], ["b.pdf", "c.pdf"], 1.234, 2)
    assert str(report) == "PDF: 1 rendered, 2 reused in 1.23 s (2 workers)"


@pytest.fixture(autouse=True, scope="module")
def _poppler():
    if not shutil.which("pdftoppm") or not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftoppm, pdftotext) is not installed")


@pytest.mark.unit
@settings(max_examples=examples(60), deadline=None, derandomize=True, database=None)
@given(steps=st.lists(st.tuples(st.sampled_from(["通知", "附件", "通知ABC", ""]),
                                st.sampled_from(["注", "第", "", "counter"])), min_size=1, max_size=6))
def test_the_character_memo_answers_what_reading_the_document_answers(tmp_path_factory, steps):
    """Kept between commands by a key over the HTML and the stylesheets: the same characters as
    reading the document again, whichever of the two changed (texts recur, so the memo is hit)."""
    folder = tmp_path_factory.mktemp("chars")
    stylesheet = folder / "print.css"
    memo = pdf.CharacterMemo(folder / "cache")
    for text, generated in steps:
        content = "counter(page)" if generated == "counter" else f'"{generated}"'
        stylesheet.write_text(f"p::before {{ content: {content} }}", encoding="utf-8")
        doc = pdf.PrintDocument("x/notice.pdf", "t", f"<html><body><p>{text}</p></body></html>",
                                pdf.PrintMetadata("t", "", "zh-CN", None, ""), (str(stylesheet),), str(folder),
                                Location("content/x/notice.md"))
        assert memo.characters(doc) == pdf.document_characters(doc)
        memo.save()
        memo = pdf.CharacterMemo(folder / "cache")  # as the next command finds it


@pytest.mark.unit
def test_temporary_files_of_a_killed_printer_are_removed(tmp_path: Path):
    folder = tmp_path / "pdf" / "2012-104"
    folder.mkdir(parents=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()  # a process that has ended
    orphan, live = folder / f"notice.pdf.{dead}.tmp", folder / f"attachment-1.pdf.{os.getpid()}.tmp"
    memo = tmp_path / "pdf" / f"characters.pickle.{dead}-140234.tmp"
    for path in (orphan, live, memo):
        path.write_bytes(b"%PDF-1.7 cut short")
    pdf._remove_orphans(tmp_path / "pdf")
    assert not orphan.exists() and not memo.exists() and live.exists()
