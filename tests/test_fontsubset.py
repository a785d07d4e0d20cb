"""The fonts of a printed PDF cut to the glyphs it draws (noticesite/fontsubset.py), and the
office's faces put in front of the free ones (pdf.font_stylesheet), without printing anything."""
from __future__ import annotations

import io
from functools import lru_cache

import pytest
from fontTools import subset as ftsubset
from fontTools.cffLib import CFFFontSet
from fontTools.ttLib import TTFont
from hypothesis import given, settings
from hypothesis import strategies as st

from property_budget import examples

from noticesite import cidcff
from noticesite.fontsubset import compact_cff, subset_tag
from noticesite.pdf import font_stylesheet, installed_fonts, stylesheet_families

NOTO_SANS = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
# Latin letters and digits sit in Noto CJK's first few hundred glyph slots: the property test runs
# over a font of a few hundred slots (a Chinese character's glyph is tens of thousands in, the same
# mechanism at a hundred times the cost a run); the example's PDFs are measured in test_example_pdf.
TEXT = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.,:;()"


@lru_cache(maxsize=2)
def weasyprint_like_font(desubroutinize: bool = True) -> tuple[bytes, int]:
    """A CID-keyed CFF font as WeasyPrint embeds one: subset to some characters with the glyph IDs
    kept (empty slots up to the last glyph used), as HarfBuzz's RETAIN_GIDS does. Returns the
    OpenType bytes and the number of glyph slots. With ``desubroutinize=False`` its glyphs call
    global and local subroutines (another subsetter's output may)."""
    font = TTFont(NOTO_SANS, fontNumber=2, lazy=True)  # Noto Sans CJK SC
    options = ftsubset.Options(retain_gids=True, desubroutinize=desubroutinize, hinting=False,
                               notdef_outline=True,
                               layout_features=[])  # no ligature or vertical forms: the glyphs drawn only
    options.drop_tables += ["GSUB", "GPOS", "vmtx", "vhea", "VORG"]
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(text=TEXT)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue(), font["maxp"].numGlyphs


@lru_cache(maxsize=1)
def original_programs() -> dict[int, bytes]:
    return _programs(weasyprint_like_font()[0], opentype=True)


def _programs(cff_bytes: bytes, opentype: bool) -> dict[int, bytes]:
    """CID → the glyph's program bytes, read back as a PDF reader does (charset maps CIDs)."""
    if opentype:
        cff = TTFont(io.BytesIO(cff_bytes))["CFF "].cff
    else:
        cff = CFFFontSet()
        cff.decompile(io.BytesIO(cff_bytes), None)
    top = cff.topDictIndex[0]
    out = {}
    for gid, name in enumerate(top.charset):
        cid = 0 if name == ".notdef" else int(name[3:])
        program = top.CharStrings.charStringsIndex[gid]
        program.compile()
        out[cid] = program.bytecode
    return out


@pytest.mark.unit
@settings(max_examples=examples(20), deadline=None, derandomize=True)
@given(st.data())
def test_every_drawn_code_keeps_its_glyph_and_nothing_else_is_kept(data):
    """Whatever glyph codes a PDF draws (in range, or past the font's last glyph), the compact
    font has exactly those glyphs and .notdef, each under its code, with the same outline."""
    font, slots = weasyprint_like_font()
    before = original_programs()
    drawn = [gid for gid, program in before.items() if gid and len(program) > 1]  # glyphs with outlines
    codes = set(data.draw(st.lists(st.sampled_from(drawn) | st.integers(0, slots + 5), max_size=20)))
    compact = compact_cff(font, codes)
    assert compact is not None
    after = _programs(compact, opentype=False)
    assert set(after) == {0} | {c for c in codes if c < slots}
    for cid, program in after.items():
        assert program == before[cid]


def _cut_font(cff_bytes: bytes, opentype: bool) -> dict[int, tuple[bytes, dict]]:
    """CID → (the glyph's program, its Font DICT's Private DICT) as a PDF reader finds them."""
    cff = TTFont(io.BytesIO(cff_bytes))["CFF "].cff if opentype else CFFFontSet()
    if not opentype:
        cff.decompile(io.BytesIO(cff_bytes), None)
    top = cff.topDictIndex[0]
    out = {}
    for name in top.charset:
        program, fd = top.CharStrings.getItemAndSelector(name)
        program.compile()
        private = top.FDArray[fd].Private
        subrs = [s.bytecode for s in getattr(private, "Subrs", [])]
        out[0 if name == ".notdef" else int(name[3:])] = (program.bytecode, {**private.rawDict, "Subrs": subrs})
    return out


@pytest.mark.unit
@settings(max_examples=examples(15), deadline=None, derandomize=True)
@given(st.data(), st.booleans())
def test_the_fast_cut_keeps_each_glyph_with_its_program_private_dict_and_subroutines(data, plain):
    """``cidcff.cut`` reads only the glyphs kept: whatever codes are drawn, from a font with or
    without subroutines, each kept CID has the original's program, Private DICT and local
    subroutines (read back by fontTools, as a PDF reader would), and the global subroutines stay."""
    font, slots = weasyprint_like_font(plain)
    codes = set(data.draw(st.lists(st.integers(0, slots + 5), max_size=25)))
    before = _cut_font(font, opentype=True)
    compact = cidcff.cut(cidcff.cff_table(font), codes)
    after = _cut_font(compact, opentype=False)
    assert set(after) == {0} | {c for c in codes if c < slots}
    for cid, kept in after.items():
        assert kept == before[cid]
    read = CFFFontSet()
    read.decompile(io.BytesIO(compact), None)
    assert [s.bytecode for s in read.GlobalSubrs] == [
        s.bytecode for s in TTFont(io.BytesIO(font))["CFF "].cff.GlobalSubrs]


@pytest.mark.unit
def test_a_truetype_font_is_left_to_weasyprint():
    assert compact_cff(b"not a font", {1, 2}) is None


@pytest.mark.unit
def test_subset_tags_differ_with_the_glyphs_and_stay_the_same_for_the_same_glyphs():
    assert subset_tag("FandolFang", {1, 2}) == subset_tag("FandolFang", {2, 1})
    assert subset_tag("FandolFang", {1, 2}) != subset_tag("FandolFang", {1, 3})
    assert subset_tag("FandolFang", {1}) != subset_tag("Noto-Sans-CJK-SC", {1})
    assert len(subset_tag("X", set())) == 6 and subset_tag("X", set()).isupper()


@pytest.mark.unit
def test_the_office_face_goes_first_in_its_role_and_a_folder_font_gets_a_font_face(tmp_path):
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    (layouts / "print.css").write_text(':root { --font-body: "FandolFang", "Noto Serif CJK SC"; '
                                       '--font-title: "Noto Serif CJK SC"; }', encoding="utf-8")
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "kai.ttc").write_bytes(open("/usr/share/fonts/truetype/arphic/ukai.ttc", "rb").read())
    css = font_stylesheet([("body", "AR PL UKai CN"), ("title", "方正小标宋简体")], str(tmp_path),
                          str(layouts / "print.css"))
    assert '@font-face { font-family: "AR PL UKai CN"; src: url("file://' in css
    assert '--font-body: "AR PL UKai CN", "FandolFang", "Noto Serif CJK SC";' in css
    assert '--font-title: "方正小标宋简体", "Noto Serif CJK SC";' in css
    assert "--weight-title: normal;" in css  # an office's 小标宋 is heavy: no synthetic bold
    assert stylesheet_families(css)[:2] == ["AR PL UKai CN", "FandolFang"]
    fonts = installed_fonts([str(layouts / "print.css")], css)
    assert fonts.families[0] == "AR PL UKai CN" and fonts.fonts[0].files[0].endswith("fonts/kai.ttc")
    assert fonts.missing == ("方正小标宋简体",)  # not installed here: the free faces print it
    assert [(label, face.family) for label, face, _ in fonts.preferred] == [("正文", "AR PL UKai CN")]


@pytest.mark.unit
def test_no_office_faces_no_stylesheet(tmp_path):
    assert font_stylesheet([], str(tmp_path), str(tmp_path / "print.css")) == ""


def _print(text: str, finisher) -> bytes:
    import weasyprint  # noqa: PLC0415 (slow import, only for the PDF test)

    html = f'<p style="font-family: \'Noto Sans CJK SC\'">{text}</p>'
    return weasyprint.HTML(string=html).write_pdf(finisher=finisher)


def _fonts_of(pdf: bytes) -> list[tuple[str, int]]:
    """(BaseFont, glyphs in its font program) of each font of the PDF."""
    from pypdf import PdfReader  # noqa: PLC0415

    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            stream = descriptor["/FontFile3"].get_object()
            if stream.get("/Subtype") == "/OpenType":
                glyphs = TTFont(io.BytesIO(stream.get_data()))["maxp"].numGlyphs
            else:
                cff = CFFFontSet()
                cff.decompile(io.BytesIO(stream.get_data()), None)
                glyphs = len(cff.topDictIndex[0].charset)
            found.append((str(font["/BaseFont"]), glyphs))
    return found


@pytest.mark.pdf
@settings(max_examples=examples(4), deadline=None, derandomize=True)
@given(st.lists(st.text(alphabet="湖南理工学院教务处关于做好毕业生", min_size=1, max_size=6), min_size=2, max_size=2,
                unique_by=frozenset))
def test_each_printed_subset_holds_its_glyphs_under_a_tag_of_its_own(texts):
    """Two documents drawing different characters of one face: each embeds that face with its own
    glyphs only (and .notdef), under different subset tags (ISO 32000-1 §9.6.4)."""
    from noticesite.fontsubset import compact_fonts  # noqa: PLC0415

    (first, glyphs1), = _fonts_of(_print(texts[0], compact_fonts))
    (second, glyphs2), = _fonts_of(_print(texts[1], compact_fonts))
    assert first.split("+")[1] == second.split("+")[1] == "Noto-Sans-CJK-SC"
    assert first != second
    assert (glyphs1, glyphs2) == (len(set(texts[0])) + 1, len(set(texts[1])) + 1)
