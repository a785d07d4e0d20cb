"""The example's tagged PDFs read as a screen reader reads them, against the HTML they come from.

Each PDF is printed as the build prints it (pdf.render_pdfs: PDF/UA-1, tagged), its structure
tree walked with pypdf (tests/pdf_structure.py), and compared with the print HTML:

* every data cell (/TD) is announced with the headers the HTML table gives it (rowspan, scope);
* one /Table per HTML table, even one that runs over two pages;
* the flow chart's /Figure has an /Alt that lists every step;
* every link is one /Link with the whole text of the <a>, and no link annotation is a sliver.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO, copy_project
from noticesite import pdf
from noticesite.model import Procedure
from noticesite.render import environment
from noticesite.site import load
from pdf_structure import PdfStructure, html_links, html_tables, size, squeeze, table_rows

pytestmark = pytest.mark.pdf

_MIN_LINK_PT = 1.0  # a link annotation narrower or lower than this is a sliver no one can click


@dataclass
class Printed:
    doc: pdf.PrintDocument
    path: Path
    tree: PdfStructure


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> list[Printed]:
    root = copy_project(REPO, tmp_path_factory.mktemp("tags") / "site")
    site, problems = load(root)
    assert site is not None, "\n".join(map(str, problems))
    docs = pdf.site_print_documents(site, environment(root / "layouts"))
    files = {name: cached for name, _, cached in pdf.render_pdfs(docs, root / "cache", workers=2).files}
    return [Printed(d, files[d.name], PdfStructure(files[d.name])) for d in docs]


@pytest.fixture(scope="module")
def procedure() -> Procedure:
    site, _ = load(REPO)
    assert site is not None
    found = [a.data for n in site.notices for a in n.attachments if isinstance(a.data, Procedure)]
    assert found
    return found[0]


def wrong_cells(p: Printed) -> tuple[int, int, list[str]]:
    """(data cells, cells whose headers differ from the HTML's, a description of the first few)."""
    html = [c for t in html_tables(p.doc.html) for c in t]
    tagged = [c for t in p.tree.elements("Table") for c in p.tree.table_cells(t)]
    assert [c.text for c in tagged] == [c.text for c in html], f"{p.doc.name}: the /TD cells are not the <td>s"
    wrong = [(h, t) for h, t in zip(html, tagged) if h.headers != t.headers]
    shown = [f"{h.text}: HTML {sorted(h.headers)}, PDF {sorted(t.headers)}" for h, t in wrong[:6]]
    return len(html), len(wrong), shown


def test_every_data_cell_has_the_headers_of_the_html(printed: list[Printed]):
    report = {}
    for p in printed:
        cells, wrong, shown = wrong_cells(p)
        if cells:
            report[p.doc.name] = (cells, wrong, shown)
    assert report, "the example has tables"
    bad = {name: r for name, r in report.items() if r[1]}
    assert not bad, "\n".join(f"{name}: {wrong} of {cells} data cells point to the wrong headers, e.g. {shown}"
                              for name, (cells, wrong, shown) in bad.items())


def test_one_table_element_per_html_table_even_over_two_pages(printed: list[Printed]):
    counts = {p.doc.name: (len(html_tables(p.doc.html)), len(p.tree.elements("Table"))) for p in printed}
    assert any(p.tree.reader.get_num_pages() > 1 and counts[p.doc.name][0] for p in printed)
    assert {n: c for n, c in counts.items() if c[0] != c[1]} == {}


def test_a_table_over_two_pages_has_its_header_row_once(printed: list[Printed]):
    """WeasyPrint repeats a table's header row at the top of each page it runs onto (thead), and
    tags the repeat as a header row of its own: a screen reader would read 名称 电话 地址 again in
    the middle of the table. The directory (30 offices over two pages) has one header row, and every
    office's cells have the one row's headers."""
    p = next(p for p in printed if p.doc.name.endswith("attachment-3.pdf"))
    assert p.tree.reader.get_num_pages() > 1
    [table] = p.tree.elements("Table")
    rows = list(table_rows(table))
    assert [row.text for row, head in rows if head] == ["名称电话地址"]
    assert len([row for row, head in rows if not head]) == 30
    [html] = html_tables(p.doc.html)
    assert [(c.text, c.headers) for c in p.tree.table_cells(table)] == [(c.text, c.headers) for c in html]
    heads = [e for e in table.walk() if e.kind == "TH" and e.text in ("名称", "电话", "地址")]
    assert len(heads) == 3
    ids = {str(i) for e in table.walk() if e.kind == "TD" for i in (e.attribute("/Headers") or [])}
    assert ids <= set(p.tree.by_id), "a cell names a header that is not in the tree"
    # still drawn on both pages, as it was (an artifact: the reader skips it, the eye does not)
    drawn = [page.extract_text() for page in p.tree.reader.pages]
    assert sum("名称 电话 地址" in text for text in drawn) == 2, drawn


def test_the_flow_chart_alternative_lists_every_step(printed: list[Printed], procedure: Procedure):
    figures = [f for p in printed for f in p.tree.elements("Figure") if "flow" in p.doc.html]
    charts = [f for f in figures if squeeze(str(f.obj.get("/Alt", ""))).find(squeeze(procedure.steps[0].label)) >= 0
              or "流程" in str(f.obj.get("/Alt", ""))]
    assert charts, "no /Figure with the chart's alternative text"
    for chart in charts:
        alt = squeeze(str(chart.obj.get("/Alt", "")))
        missing = [s.label for s in procedure.steps if squeeze(s.label).rstrip("。；，、") not in alt]
        assert missing == [], f"/Alt {alt!r} lacks steps"


def test_each_link_is_tagged_once_with_its_whole_text(printed: list[Printed]):
    for p in printed:
        links = p.tree.elements("Link")
        texts = [squeeze(link.text) for link in links]
        assert texts == html_links(p.doc.html), p.doc.name
        for link in links:
            annotations = [a for e in link.walk() for a in e.annotations]
            assert annotations, f"{p.doc.name}: the link {link.text!r} has no annotation"
            assert all(min(size(a)) >= _MIN_LINK_PT for a in annotations), (p.doc.name, link.text)


def test_no_link_annotation_is_a_sliver(printed: list[Printed]):
    slivers = {p.doc.name: [re.sub(r"\s+", " ", str(a["/Rect"])) for a in p.tree.link_annotations()
                            if min(size(a)) < _MIN_LINK_PT] for p in printed}
    assert {n: s for n, s in slivers.items() if s} == {}
