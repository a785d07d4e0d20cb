"""Fonts of a printed PDF cut down to the glyphs it shows, each subset under a tag of its own.

WeasyPrint (70) subsets every font with HarfBuzz but keeps glyph IDs (``RETAIN_GIDS``, its
``pdf/fonts.py``): its content streams draw glyph *n* of the original font, so a subset of ten
Chinese characters still has a slot for every glyph up to the highest one used — 43,193 slots in
the example, with their widths (``hmtx``, ``vmtx``) and the offsets of their empty outlines, some
80–250 KB compressed per font, 91–96 % of each file. Its subset tag is a hash of the font's name
(six letters of the MD5 of Pango's description), so every subset of a face has the same tag in
every file. WeasyPrint offers no option against either (``hinting``, ``full_fonts``,
``uncompressed_pdf``, ``optimize_images`` do other things); this is done by the documented
``finisher`` of ``write_pdf``, which is handed the ``pydyf.PDF`` before it is written.

For a CID-keyed CFF font (Noto CJK, the Fandol faces, most OpenType CJK faces) the PDF's codes are
CIDs, which the CFF's charset maps to glyphs (ISO 32000-1 §9.7.4.2): the glyphs used are kept, in a
bare CFF (``/CIDFontType0C``), each glyph's CID set to the code the content streams already use.
Nothing else in the file changes: widths (``/W``) and ``/ToUnicode`` are by code. Other fonts
(TrueType, a name-keyed CFF) keep WeasyPrint's subset; their empty slots compress well (a TrueType
``loca`` of repeated offsets: the example's 楷体 takes 8 KB). Every subset gets a tag from the
glyphs it holds (ISO 32000-1 §9.6.4: a tag per subset).
"""
from __future__ import annotations

import hashlib
import io
import struct
from typing import Any

from fontTools.ttLib import TTFont

from . import cidcff


def _number(ref: Any) -> int:
    """The object number of a pydyf reference (``b"12 0 R"``)."""
    return int((ref.decode() if isinstance(ref, bytes) else str(ref)).split()[0])


def _used_codes(widths: Any) -> set[int]:
    """Every code a CIDFont's ``/W`` array gives a width: WeasyPrint lists each glyph it drew."""
    codes: set[int] = set()
    items = list(widths or ())
    for start, run in zip(items[::2], items[1::2]):
        codes.update(range(int(start), int(start) + len(run)))
    return codes


def subset_tag(name: str, codes: set[int]) -> str:
    """Six capital letters from the face's name and the glyphs in the subset (stable: a rebuild
    writes the same bytes)."""
    digest = hashlib.sha256(f"{name}:{sorted(codes)}".encode()).digest()
    return "".join(chr(65 + b % 26) for b in digest[:6])


def compact_cff(data: bytes, codes: set[int]) -> bytes | None:
    """A bare CID-keyed CFF holding only the glyphs ``codes`` (glyph IDs of the OpenType font
    ``data``), each under the CID equal to its old glyph ID; None for a font this does not apply
    to (not CFF, not CID-keyed, or one fontTools cannot read).

    The glyphs' programs are copied as they are, never run: WeasyPrint's HarfBuzz subset has
    already removed the subroutines and the hints (fontTools' own subsetter would run every
    program again, 1–2 s a font). Only the CFF table is read; the PDF gives widths itself.
    ``cidcff`` reads only the glyphs kept; fontTools (which reads every slot) is the route for a
    font it does not handle."""
    try:
        return cidcff.cut(cidcff.cff_table(data), codes)
    except (cidcff.NotHandled, struct.error, IndexError):
        return _compact_cff_fonttools(data, codes)


def _compact_cff_fonttools(data: bytes, codes: set[int]) -> bytes | None:
    try:
        font = TTFont(io.BytesIO(data), lazy=True, recalcBBoxes=False)
        if "CFF " not in font:
            return None
        cff = font["CFF "].cff
        top = cff.topDictIndex[0]
        if not hasattr(top, "ROS") or not top.CharStrings.charStringsAreIndexed:
            return None  # name-keyed: codes are glyph IDs, nothing would map them to new ones
        index = top.CharStrings.charStringsIndex
        keep = sorted({0} | {c for c in codes if c < len(index)})
        programs = [index[g] for g in keep]
        if hasattr(top, "FDSelect"):
            fds = [top.FDSelect[g] for g in keep]
            top.FDSelect.gidArray = fds
            top.FDSelect.format = 3  # ranges: the compact form for runs of one FD
        names = [".notdef"] + [f"cid{g:05d}" for g in keep[1:]]  # the CID is the code used
        index.items = programs
        index.count = len(programs)
        top.CharStrings.charStrings = {name: i for i, name in enumerate(names)}
        top.charset = names
        font.setGlyphOrder(names)
        out = io.BytesIO()
        cff.compile(out, font)
        return out.getvalue()
    except Exception:  # noqa: BLE001 (a font fontTools cannot read or write: WeasyPrint's subset stays)
        return None


def compact_fonts(_document: Any, pdf: Any) -> None:
    """WeasyPrint's ``finisher``: every CID-keyed CFF font of ``pdf`` (a ``pydyf.PDF``) cut to its
    glyphs, and every font's subset tag made from its glyphs."""
    objects = pdf.objects
    by_file: dict[int, list[Any]] = {}  # font file object → the CIDFont dictionaries drawing with it
    for obj in objects:
        if isinstance(obj, dict) and obj.get("Subtype") in ("/CIDFontType0", "/CIDFontType2"):
            descriptor = objects[_number(obj["FontDescriptor"])]
            ref = descriptor.get("FontFile3") or descriptor.get("FontFile2")
            if ref is not None:
                by_file.setdefault(_number(ref), []).append(obj)
    renames: dict[Any, bytes] = {}
    for file_number, cidfonts in by_file.items():
        codes = set().union(*(_used_codes(f.get("W")) for f in cidfonts))
        stream = objects[file_number]
        if cidfonts[0]["Subtype"] == "/CIDFontType0" and stream.extra.get("Subtype") == "/OpenType":
            cff = compact_cff(b"".join(bytes(part) for part in stream.stream), codes)
            if cff is not None:
                stream.stream = [cff]
                stream.extra["Subtype"] = "/CIDFontType0C"
        for font in cidfonts:
            old = font["BaseFont"]
            text = old.decode() if isinstance(old, bytes) else str(old)
            face = text.split("+", 1)[-1]
            renames[old] = f"/{subset_tag(face, codes)}+{face}".encode()
    for obj in objects:  # the Type0 font, its CIDFont and its descriptor all carry the name
        if isinstance(obj, dict):
            for key in ("BaseFont", "FontName"):
                if obj.get(key) in renames:
                    obj[key] = renames[obj[key]]
