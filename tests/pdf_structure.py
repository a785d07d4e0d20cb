"""What a screen reader gets from a tagged PDF, next to what the HTML it was printed from says.

Used by tests/test_pdf_tags.py. Two readings of the same document:

* ``html_tables`` and ``html_links`` read the print HTML (as pdf.py hands it to WeasyPrint) and
  work out each data cell's headers by the HTML table algorithm (rowspan, colspan, ``scope``,
  ``headers``: https://html.spec.whatwg.org/multipage/tables.html#header-and-data-cell-semantics);
* ``PdfStructure`` walks ``/StructTreeRoot`` with pypdf and works out each /TD's headers as a
  PDF/UA reader does (ISO 14289-1 §7.5, PDF 1.7 §14.8.5.7): the /Headers IDs when the cell has
  them, else its row and column position with the header cells' /Scope.

Texts are compared with all white space removed: a PDF's lines are not the HTML's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, Tag
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class DataCell:
    text: str
    headers: frozenset[str]  # the header cells' texts


# ---- HTML ------------------------------------------------------------------------------------


@dataclass(eq=False)  # hashed by identity: a set of header slots
class _Slot:
    cell: Tag
    x: int
    y: int
    width: int
    height: int
    group: int  # index of its row group (thead, tbody, tfoot)


def _grid(table: Tag) -> list[_Slot]:
    """Every cell of the table with its place in the grid (the HTML table model, rowspan and
    colspan included; rowspan="0" is not used by our templates and counts as 1)."""
    slots: list[_Slot] = []
    taken: set[tuple[int, int]] = set()
    y = 0
    groups = [g for g in table.children if isinstance(g, Tag) and g.name in ("thead", "tbody", "tfoot")]
    for gi, group in enumerate(groups):
        for row in group.find_all("tr", recursive=False):
            x = 0
            for cell in row.find_all(["th", "td"], recursive=False):
                while (x, y) in taken:
                    x += 1
                width = int(cell.get("colspan", 1) or 1)
                height = max(1, int(cell.get("rowspan", 1) or 1))
                slots.append(_Slot(cell, x, y, width, height, gi))
                taken.update((x + i, y + j) for i in range(width) for j in range(height))
                x += width
            y += 1
    return slots


def _html_headers(slot: _Slot, slots: list[_Slot], by_id: dict[str, Tag]) -> frozenset[str]:
    explicit = slot.cell.get("headers")
    if explicit:
        ids = explicit.split() if isinstance(explicit, str) else explicit
        return frozenset(squeeze(by_id[i].get_text()) for i in ids if i in by_id)
    rows = range(slot.y, slot.y + slot.height)
    cols = range(slot.x, slot.x + slot.width)
    found = set()
    for h in slots:
        if h.cell.name != "th" or h is slot:
            continue
        scope = h.cell.get("scope", "")
        h_rows = range(h.y, h.y + h.height)
        h_cols = range(h.x, h.x + h.width)
        left = h.x + h.width <= slot.x
        above = h.y + h.height <= slot.y
        if scope == "row" and left and set(h_rows) & set(rows):
            found.add(h)
        elif scope == "col" and above and set(h_cols) & set(cols):
            found.add(h)
        elif scope == "rowgroup" and h.group == slot.group and h.y <= slot.y and h.x <= slot.x \
                and not (h.y in rows and set(h_cols) & set(cols)):
            found.add(h)
        elif not scope and above and set(h_cols) & set(cols):  # auto: a column header above
            found.add(h)
    return frozenset(squeeze(h.cell.get_text()) for h in found)


def html_tables(html: str) -> list[list[DataCell]]:
    """Each table's data cells, in document order, with the headers the HTML gives them."""
    page = BeautifulSoup(html, "html5lib")
    by_id = {t["id"]: t for t in page.find_all(id=True)}
    tables = []
    for table in page.find_all("table"):
        slots = _grid(table)
        tables.append([DataCell(squeeze(s.cell.get_text()), _html_headers(s, slots, by_id))
                       for s in slots if s.cell.name == "td"])
    return tables


def html_links(html: str) -> list[str]:
    page = BeautifulSoup(html, "html5lib")
    return [squeeze(a.get_text()) for a in page.find_all("a", href=True) if squeeze(a.get_text())]


# ---- PDF -------------------------------------------------------------------------------------


def _obj(x):
    return x.get_object() if isinstance(x, IndirectObject) else x


@dataclass
class Element:
    kind: str  # the structure type without its slash: Table, TR, TD, Link, Figure...
    obj: DictionaryObject
    kids: list[Element] = field(default_factory=list)
    text: str = ""  # of every marked-content sequence inside it, in order
    annotations: list[DictionaryObject] = field(default_factory=list)  # OBJR targets

    def attribute(self, name: str):
        attrs = self.obj.get("/A")
        for a in (attrs if isinstance(_obj(attrs), ArrayObject) else [attrs]):
            a = _obj(a)
            if isinstance(a, DictionaryObject) and name in a:
                return _obj(a[name])
        return None

    def walk(self):
        yield self
        for k in self.kids:
            yield from k.walk()


class PdfStructure:
    """The structure tree of a tagged PDF, with each element's text."""

    def __init__(self, path: Path):
        self.reader = PdfReader(path)
        self._pages = {p.indirect_reference.idnum: i for i, p in enumerate(self.reader.pages)}
        self._texts: dict[int, dict[int, str]] = {}
        root = _obj(self.reader.trailer["/Root"]["/StructTreeRoot"])
        self.root = Element("StructTreeRoot", root)
        self.root.kids = self._kids(root.get("/K"), None)
        self.by_id = {str(e.obj["/ID"]): e for e in self.root.walk() if "/ID" in e.obj}

    def _page_texts(self, page: int) -> dict[int, str]:
        if page not in self._texts:
            stack: list[int | None] = []
            texts: dict[int, str] = {}

            def before(op, args, cm, tm) -> None:
                if op == b"BDC":
                    props = _obj(args[1]) if len(args) > 1 else None
                    stack.append(props.get("/MCID") if isinstance(props, DictionaryObject) else None)
                elif op == b"BMC":
                    stack.append(None)
                elif op == b"EMC" and stack:
                    stack.pop()

            def text(t, cm, tm, font, size) -> None:
                mcid = next((m for m in reversed(stack) if m is not None), None)
                if mcid is not None:
                    texts[mcid] = texts.get(mcid, "") + t

            self.reader.pages[page].extract_text(visitor_operand_before=before, visitor_text=text)
            self._texts[page] = texts
        return self._texts[page]

    def _kids(self, k, page: int | None) -> list[Element]:
        k = _obj(k)
        if k is None:
            return []
        items = list(k) if isinstance(k, ArrayObject) else [k]
        out: list[Element] = []
        for item in items:
            item = _obj(item)
            if isinstance(item, DictionaryObject) and "/S" in item:
                pg = item.get("/Pg")
                here = self._pages.get(pg.idnum, page) if isinstance(pg, IndirectObject) else page
                e = Element(str(item["/S"]).lstrip("/"), item)
                e.kids = self._kids(item.get("/K"), here)
                for kid in e.kids:
                    e.text += kid.text
                    if kid.kind in ("#MCID", "#OBJR"):
                        e.annotations += kid.annotations
                out.append(e)
            elif isinstance(item, DictionaryObject) and item.get("/Type") == "/OBJR":
                out.append(Element("#OBJR", item, annotations=[_obj(item["/Obj"])]))
            elif isinstance(item, DictionaryObject) and item.get("/Type") == "/MCR":
                pg = item.get("/Pg")
                here = self._pages.get(pg.idnum, page) if isinstance(pg, IndirectObject) else page
                out.append(Element("#MCID", item, text=squeeze(self._page_texts(here).get(int(item["/MCID"]), ""))))
            elif isinstance(item, int) and page is not None:
                out.append(Element("#MCID", DictionaryObject(), text=squeeze(self._page_texts(page).get(item, ""))))
        return out

    def elements(self, kind: str) -> list[Element]:
        return [e for e in self.root.walk() if e.kind == kind]

    # ---- tables

    def table_cells(self, table: Element) -> list[DataCell]:
        """The table's /TD cells in order, each with the headers a PDF/UA reader gives it."""
        rows = [e for e in table_rows(table)]
        grid: list[tuple[Element, int, int, int, int, bool]] = []  # cell, x, y, w, h, in THead
        taken: set[tuple[int, int]] = set()
        for y, (row, in_head) in enumerate(rows):
            x = 0
            for cell in row.kids:
                if cell.kind not in ("TH", "TD"):
                    continue
                while (x, y) in taken:
                    x += 1
                w = int(cell.attribute("/ColSpan") or 1)
                h = int(cell.attribute("/RowSpan") or 1)
                grid.append((cell, x, y, w, h, in_head))
                taken.update((x + i, y + j) for i in range(w) for j in range(h))
                x += w
        out = []
        for cell, x, y, w, h, _ in grid:
            if cell.kind != "TD":
                continue
            ids = cell.attribute("/Headers")
            if ids is not None:
                heads = [self.by_id[str(i)] for i in ids if str(i) in self.by_id]
            else:
                heads = []
                for hc, hx, hy, hw, hh, head in grid:
                    if hc.kind != "TH":
                        continue
                    scope = str(hc.attribute("/Scope") or ("/Column" if head else ""))
                    if (scope in ("/Column", "/Both") and hy + hh <= y
                            and set(range(hx, hx + hw)) & set(range(x, x + w))):
                        heads.append(hc)
                    elif scope in ("/Row", "/Both") and hx + hw <= x and set(range(hy, hy + hh)) & set(range(y, y + h)):
                        heads.append(hc)
            out.append(DataCell(cell.text, frozenset(hd.text for hd in heads)))
        return out

    # ---- links

    def link_annotations(self) -> list[DictionaryObject]:
        return [_obj(a) for page in self.reader.pages for a in (_obj(page.get("/Annots")) or [])
                if _obj(a).get("/Subtype") == NameObject("/Link")]


def table_rows(table: Element):
    """Each row of the table with whether it is in its /THead."""
    for kid in table.kids:
        if kid.kind == "TR":
            yield kid, False
        elif kid.kind in ("THead", "TBody", "TFoot"):
            for row in kid.kids:
                if row.kind == "TR":
                    yield row, kid.kind == "THead"


def size(annotation: DictionaryObject) -> tuple[float, float]:
    """Width and height of an annotation's rectangle, in points (a reader normalises the corners)."""
    x1, y1, x2, y2 = (float(v) for v in annotation["/Rect"])
    return abs(x2 - x1), abs(y2 - y1)
