"""Joins what WeasyPrint's tagged PDF splits at a page or line break.

WeasyPrint (70) builds the structure tree page by page, and a link line by line: a table that
runs over two pages becomes two /Table elements (in two /Sect elements), and a link that wraps
becomes one /Link per line (Kozea/WeasyPrint#2902, #2903, open). A screen reader then announces
two tables, and a link's text in pieces. The PDF format lets one element own content on several
pages; this finisher (``write_pdf(finisher=...)``, WeasyPrint's documented hook to change the PDF
before it is written) moves the continuation's children into the element it continues.

What continues what is not in the tree: a /Sect or /Table on page N is a continuation when no
HTML element of its kind starts on page N (``Page.anchors``, documented, names every ``id`` on
the page; an element starts on the first page that names it). So the print templates give every
<section> and data <table> an ``id``, and pdf.py passes those ids here. Two /Link elements side
by side with the same target are one link broken over two lines. Paragraphs and lists broken
over pages stay split (no id to tell).

A table's header row is drawn again at the top of each page the table runs onto (its <thead>),
and WeasyPrint tags that copy as a /THead of the continuation, whose /TH cells the continuation's
/TD cells name in their /Headers: joined as it is, a screen reader would read 名称 电话 地址 again
in the middle of the table. So the copy is not moved: its cells' marked content becomes an
/Artifact (as a running header is, PDF/UA-1 §7.8), its parent tree entries are emptied, and each
cell naming one of its headers names the first page's header in the same place instead.
"""
from __future__ import annotations

from typing import Any, Iterable

import pydyf

_BY_ID = ("Sect", "Table")  # joined when their page holds no anchor of an element of that kind


def joiner(ids: dict[str, Iterable[str]]):
    """A finisher for ``write_pdf``; ``ids``: structure type -> ids of the HTML elements of that
    type (Sect: the <section>s, Table: the <table>s)."""
    kinds = {kind: set(names) for kind, names in ids.items()}

    def finish(document: Any, pdf: pydyf.PDF) -> None:
        if "StructTreeRoot" not in pdf.catalog:
            return
        # WeasyPrint lists an id on every page its element reaches: it starts on the first.
        seen: set[str] = set()
        starts = []
        for page in document.pages:
            new = set(page.anchors) - seen
            seen |= new
            starts.append({kind for kind, names in kinds.items() if names & new})
        _Tree(pdf, starts).join()

    return finish


class _Tree:
    def __init__(self, pdf: pydyf.PDF, starts: list[set[str]]):
        self.pdf = pdf
        self.starts = starts
        self.pages = {ref: i for i, ref in enumerate(pdf.page_references)}
        self.moved: dict[bytes, bytes] = {}  # element dropped -> element that took its children
        self.header_ids: dict[bytes, Any] = {}  # a repeated header cell's /ID -> the first one's
        self.unmarked: set[tuple[int, int]] = set()  # (page, MCID) made an artifact

    def obj(self, ref: Any) -> Any:
        return self.pdf.objects[int(ref.split()[0])] if isinstance(ref, bytes) else ref

    def join(self) -> None:
        root = self.obj(self.pdf.catalog["StructTreeRoot"])
        for ref in root["K"]:
            self._join_kids(self.obj(ref))
        if self.moved:
            self._repoint(self.obj(root["ParentTree"]))
        if self.header_ids:
            for ref in root["K"]:
                self._rename_headers(self.obj(ref))

    def _page(self, element: pydyf.Dictionary) -> int:
        return self.pages.get(element.get("Pg"), -1)

    def _last_page(self, element: pydyf.Dictionary) -> int:
        pages = [self._page(element)]
        for kid in element["K"]:
            kid = self.obj(kid)
            if isinstance(kid, pydyf.Dictionary) and kid.get("Type") == "/StructElem":
                pages.append(self._last_page(kid))
            elif isinstance(kid, pydyf.Dictionary) and "Pg" in kid:
                pages.append(self.pages.get(kid["Pg"], -1))
        return max(pages)

    def _continues(self, before: pydyf.Dictionary, element: pydyf.Dictionary) -> bool:
        kind = str(element["S"]).lstrip("/")
        if kind != str(before["S"]).lstrip("/"):
            return False
        if kind in _BY_ID:
            page = self._page(element)
            return page > self._last_page(before) and kind not in self.starts[page]
        if kind == "Link":
            return self._target(before) is not None and self._target(before) == self._target(element)
        return False

    def _target(self, link: pydyf.Dictionary) -> bytes | None:
        for kid in link["K"]:
            kid = self.obj(kid)
            if isinstance(kid, pydyf.Dictionary) and kid.get("Type") == "/OBJR":
                annotation = self.obj(kid["Obj"])
                action = annotation.get("A")
                target = (action.get("URI") or action.get("D")) if isinstance(action, dict) else annotation.get("Dest")
                return bytes(pydyf.Dictionary({"T": target}).data) if target is not None else None
        return None

    def _join_kids(self, parent: pydyf.Dictionary) -> None:
        kids: list = []
        for ref in parent["K"]:
            element = self.obj(ref)
            before = self.obj(kids[-1]) if kids else None
            if (isinstance(element, pydyf.Dictionary) and element.get("Type") == "/StructElem"
                    and isinstance(before, pydyf.Dictionary) and before.get("Type") == "/StructElem"
                    and self._continues(before, element)):
                self._move(element, before)
                continue
            kids.append(ref)
        parent["K"] = pydyf.Array(kids)
        for ref in kids:
            element = self.obj(ref)
            if isinstance(element, pydyf.Dictionary) and element.get("Type") == "/StructElem":
                self._join_kids(element)

    def _move(self, element: pydyf.Dictionary, into: pydyf.Dictionary) -> None:
        for kid in element["K"]:
            if str(element["S"]) == "/Table" and self._repeated_head(self.obj(kid), into):
                continue
            if isinstance(kid, int) and element.get("Pg") != into.get("Pg"):
                # a marked-content id belongs to its element's page: say which, now it moves
                kid = pydyf.Dictionary({"Type": "/MCR", "Pg": element["Pg"], "MCID": kid})
            child = self.obj(kid)
            if isinstance(child, pydyf.Dictionary) and child.get("Type") == "/StructElem":
                child["P"] = into.reference
            into["K"].append(kid)
        self.moved[element.reference] = into.reference

    # ---- a table's header row repeated on the next page

    def _repeated_head(self, head: Any, table: pydyf.Dictionary) -> bool:
        """Whether ``head``, a kid of a table's continuation, is the copy of ``table``'s /THead that
        WeasyPrint draws on the next page: then its content is made an artifact (True), and the
        continuation's cells are to name the first header's cells instead of its own."""
        if not (isinstance(head, pydyf.Dictionary) and head.get("S") == "/THead"):
            return False
        first = next((self.obj(k) for k in table["K"] if isinstance(self.obj(k), pydyf.Dictionary)
                      and self.obj(k).get("S") == "/THead"), None)
        if first is None:
            return False
        cells, copies = self._cells(first), self._cells(head)
        if [len(r) for r in cells] != [len(r) for r in copies]:
            return False  # not the same rows: not a copy, keep it
        marks = self._marks(head, self._page(head))
        if not self._make_artifacts(marks):
            return False
        self.unmarked |= set(marks)
        for row, copied in zip(cells, copies):
            for cell, copy in zip(row, copied):
                if "ID" in copy and "ID" in cell:
                    self.header_ids[bytes(copy["ID"].data)] = cell["ID"]
        return True

    def _cells(self, head: pydyf.Dictionary) -> list[list[pydyf.Dictionary]]:
        rows = [self.obj(k) for k in head["K"]]
        return [[self.obj(c) for c in row["K"] if isinstance(self.obj(c), pydyf.Dictionary)]
                for row in rows if isinstance(row, pydyf.Dictionary) and row.get("S") == "/TR"]

    def _marks(self, element: pydyf.Dictionary, page: int) -> list[tuple[int, int]]:
        """(page, MCID) of every marked-content sequence of the element and its descendants."""
        page = self._page(element) if "Pg" in element else page
        found = []
        for kid in element["K"]:
            kid = self.obj(kid)
            if isinstance(kid, int):
                found.append((page, kid))
            elif isinstance(kid, pydyf.Dictionary) and kid.get("Type") == "/MCR":
                found.append((self.pages.get(kid["Pg"], -1), int(kid["MCID"])))
            elif isinstance(kid, pydyf.Dictionary) and kid.get("Type") == "/StructElem":
                found += self._marks(kid, page)
        return found

    def _make_artifacts(self, marks: list[tuple[int, int]]) -> bool:
        """Turns each marked-content sequence ``/TH <</MCID n>> BDC`` of the page's content stream
        into ``/Artifact BMC`` (its EMC stays); False, changing nothing, unless all are found."""
        edits = []
        for page, mcid in marks:
            if page < 0:
                return False
            stream = self.obj(self.obj(self.pdf.page_references[page])["Contents"])
            items = stream.stream if isinstance(stream, pydyf.Stream) else []
            at = next((i for i in range(1, len(items) - 1)
                       if isinstance(items[i], pydyf.Dictionary) and items[i].get("MCID") == mcid
                       and items[i + 1] == b"BDC"), None)
            if at is None:
                return False
            edits.append((items, at))
        for items, at in sorted(edits, key=lambda e: -e[1]):  # from the end: each edit shortens its list
            items[at - 1:at + 2] = ["/Artifact", b"BMC"]
        return True

    def _rename_headers(self, element: pydyf.Dictionary) -> None:
        """Each cell that names a repeated header cell in its /Headers names the first one."""
        for attributes in _attribute_dicts(self.obj(element.get("A"))):
            headers = attributes.get("Headers")
            if isinstance(headers, list):
                attributes["Headers"] = pydyf.Array(self.header_ids.get(bytes(h.data), h)
                                                    if isinstance(h, pydyf.String) else h for h in headers)
        for kid in element["K"]:
            kid = self.obj(kid)
            if isinstance(kid, pydyf.Dictionary) and kid.get("Type") == "/StructElem":
                self._rename_headers(kid)

    def _repoint(self, parent_tree: pydyf.Dictionary) -> None:
        """The parent tree maps each marked-content id and annotation to its element: to the one
        that took the dropped element's children now (following a chain of joins)."""
        def final(ref: Any) -> Any:
            while ref in self.moved:
                ref = self.moved[ref]
            return ref

        nums = parent_tree["Nums"]
        for i in range(1, len(nums), 2):
            value = nums[i]
            if isinstance(value, pydyf.Array):
                # a page's array, by MCID: an MCID made an artifact belongs to no element now
                nums[i] = pydyf.Array(b"null" if (nums[i - 1], mcid) in self.unmarked else final(v)
                                      for mcid, v in enumerate(value))
            else:
                nums[i] = final(value)


def _attribute_dicts(attributes: Any) -> list:
    """An element's /A: one attribute dictionary or an array of them (PDF 32000-1 §14.7.5)."""
    if isinstance(attributes, pydyf.Dictionary):
        return [attributes]
    return [a for a in attributes if isinstance(a, pydyf.Dictionary)] if isinstance(attributes, list) else []
