"""A CID-keyed CFF font cut to some of its glyphs, read and written in time proportional to the
glyphs kept (Adobe Technical Note #5176, "The Compact Font Format Specification").

WeasyPrint's HarfBuzz subset keeps every glyph slot up to the highest one used (``fontsubset``
says why): 43,000–65,000 slots in a CJK face. fontTools reads every slot of every table it opens
(the CharStrings offsets, the charset, the FDSelect: 0.1–0.7 s a font, a fifth of the PDF stage),
where only the few dozen glyphs a document draws are needed. This reads the offsets of those
glyphs alone, and writes a bare CFF holding them, each under the CID equal to its old glyph ID,
every Font DICT and Private DICT (with its local subroutines) copied as it is. fontTools reads and
checks what this writes (``tests/test_fontsubset.py``); a font this does not handle is left to
``fontsubset.compact_cff``'s fontTools route.
"""
from __future__ import annotations

import struct
from bisect import bisect_right
from dataclasses import dataclass

# DICT operators (TN5176, Appendix H): one byte, or 12 then a second byte (encoded as 1200 + it).
CHARSET, CHARSTRINGS, PRIVATE, SUBRS = 15, 17, 18, 19
ROS, FDARRAY, FDSELECT = 1230, 1236, 1237


class NotHandled(ValueError):
    """A font this module does not cut (not CID-keyed, or a structure it does not read)."""


@dataclass(frozen=True)
class Index:
    """A CFF INDEX: where its items are in ``data``, and where it ends."""

    data: bytes
    start: int  # where the INDEX starts (its count)
    count: int
    off_size: int
    offsets_at: int  # where the offset array starts
    end: int

    def raw(self) -> bytes:
        """The whole INDEX, as it is in ``data``."""
        return self.data[self.start:self.end]

    def item(self, i: int) -> bytes:
        start, stop = self.span(i)
        return self.data[start:stop]

    def span(self, i: int) -> tuple[int, int]:
        if not 0 <= i < self.count:
            raise NotHandled(f"no item {i} in an INDEX of {self.count}")
        base = self.offsets_at + (self.count + 1) * self.off_size - 1
        return base + self._offset(i), base + self._offset(i + 1)

    def _offset(self, i: int) -> int:
        at = self.offsets_at + i * self.off_size
        return int.from_bytes(self.data[at:at + self.off_size], "big")


def read_index(data: bytes, at: int) -> Index:
    (count,) = struct.unpack_from(">H", data, at)
    if count == 0:
        return Index(data, at, 0, 1, at + 2, at + 2)
    off_size = data[at + 2]
    if not 1 <= off_size <= 4:
        raise NotHandled(f"offset size {off_size}")
    index = Index(data, at, count, off_size, at + 3, 0)
    end = index.span(count - 1)[1]
    if end > len(data):
        raise NotHandled("an INDEX runs past the table's end")
    return Index(data, at, count, off_size, at + 3, end)


def write_index(items: list[bytes]) -> bytes:
    if not items:
        return b"\0\0"
    offsets = [1]
    for item in items:
        offsets.append(offsets[-1] + len(item))
    off_size = next(n for n in (1, 2, 3, 4) if offsets[-1] < 1 << (8 * n))
    return (struct.pack(">HB", len(items), off_size) + b"".join(o.to_bytes(off_size, "big") for o in offsets)
            + b"".join(items))


Entry = tuple[int, list[float], bytes]  # operator, operands, the entry's bytes as read


def read_dict(data: bytes) -> list[Entry]:
    """A DICT's entries in order, each with its raw bytes (copied as they are unless rewritten)."""
    entries: list[Entry] = []
    operands: list[float] = []
    start = at = 0
    while at < len(data):
        b0 = data[at]
        if b0 <= 21:
            op = 1200 + data[at + 1] if b0 == 12 else b0
            at += 2 if b0 == 12 else 1
            entries.append((op, operands, data[start:at]))
            operands, start = [], at
        elif b0 == 28:
            operands.append(struct.unpack_from(">h", data, at + 1)[0])
            at += 3
        elif b0 == 29:
            operands.append(struct.unpack_from(">i", data, at + 1)[0])
            at += 5
        elif b0 == 30:  # a real: nibbles up to 0xf; its value is not needed, only its length
            at += 1
            while data[at] & 0x0F != 0x0F and data[at] >> 4 != 0x0F:
                at += 1
            at += 1
            operands.append(0.0)
        elif 32 <= b0 <= 246:
            operands.append(b0 - 139)
            at += 1
        elif 247 <= b0 <= 250:
            operands.append((b0 - 247) * 256 + data[at + 1] + 108)
            at += 2
        elif 251 <= b0 <= 254:
            operands.append(-(b0 - 251) * 256 - data[at + 1] - 108)
            at += 2
        else:
            raise NotHandled(f"DICT byte {b0}")
    return entries


def _int5(value: int) -> bytes:
    """An operand in its 5-byte form, so a DICT's size is known before the offsets it holds."""
    return b"\x1d" + struct.pack(">i", value)


def _op(op: int) -> bytes:
    return bytes([12, op - 1200]) if op >= 1200 else bytes([op])


def _rewritten(entries: list[Entry], replaced: dict[int, list[int]]) -> bytes:
    """A DICT's bytes with the entries of ``replaced``'s operators given new (5-byte) operands."""
    kept = b"".join(raw for op, _, raw in entries if op not in replaced)
    return kept + b"".join(b"".join(map(_int5, values)) + _op(op) for op, values in replaced.items())


def _operands(entries: list[Entry], op: int) -> list[float] | None:
    return next((operands for o, operands, _ in entries if o == op), None)


def _fd_of(data: bytes, at: int, glyphs: int) -> tuple[list[int], list[int]]:
    """FDSelect at ``at`` as range starts and their FDs (formats 0 and 3)."""
    fmt = data[at]
    if fmt == 0:
        fds = list(data[at + 1:at + 1 + glyphs])
        return list(range(glyphs)), fds
    if fmt == 3:
        (n,) = struct.unpack_from(">H", data, at + 1)
        firsts, fds = [], []
        for i in range(n):
            first, fd = struct.unpack_from(">HB", data, at + 3 + 3 * i)
            firsts.append(first)
            fds.append(fd)
        return firsts, fds
    raise NotHandled(f"FDSelect format {fmt}")


def cff_table(font: bytes) -> bytes:
    """The 'CFF ' table of an OpenType font (its table directory read, nothing else)."""
    (tables,) = struct.unpack_from(">H", font, 4)
    for i in range(tables):
        tag, _, offset, length = struct.unpack_from(">4sLLL", font, 12 + 16 * i)
        if tag == b"CFF ":
            return font[offset:offset + length]
    raise NotHandled("no CFF table")


def cut(cff: bytes, glyphs: set[int]) -> bytes:
    """A bare CID-keyed CFF holding glyph 0 and ``glyphs`` of ``cff`` (ignoring IDs it lacks),
    each under the CID equal to its glyph ID there."""
    header_size = cff[2]
    names = read_index(cff, header_size)
    tops = read_index(cff, names.end)
    strings = read_index(cff, tops.end)
    global_subrs = read_index(cff, strings.end)
    top = read_dict(tops.item(0))
    if _operands(top, ROS) is None:
        raise NotHandled("not CID-keyed")
    charstrings_at, fdarray_at, fdselect_at = (_operands(top, op) for op in (CHARSTRINGS, FDARRAY, FDSELECT))
    if charstrings_at is None or fdarray_at is None or fdselect_at is None:
        raise NotHandled("no CharStrings, FDArray or FDSelect")
    charstrings = read_index(cff, int(charstrings_at[0]))
    keep = sorted({0} | {g for g in glyphs if 0 <= g < charstrings.count})
    firsts, fds = _fd_of(cff, int(fdselect_at[0]), charstrings.count)
    kept_fds = [fds[bisect_right(firsts, g) - 1] for g in keep]
    fonts = read_index(cff, int(fdarray_at[0]))

    charset = b"\0" + b"".join(struct.pack(">H", g) for g in keep[1:])  # format 0: CID of glyph 1…
    runs = [(i, fd) for i, fd in enumerate(kept_fds) if i == 0 or fd != kept_fds[i - 1]]
    fdselect = struct.pack(">BH", 3, len(runs)) + b"".join(struct.pack(">HB", i, fd) for i, fd in runs)
    fdselect += struct.pack(">H", len(keep))
    programs = write_index([charstrings.item(g) for g in keep])

    # Top DICT first (its size does not depend on the offsets it holds), then the tables in order.
    top_size = len(write_index([_rewritten(top, {CHARSET: [0], CHARSTRINGS: [0], FDARRAY: [0],
                                                 FDSELECT: [0]})]))
    head = cff[:header_size] + names.raw()
    shared = strings.raw() + global_subrs.raw()
    at_charset = len(head) + top_size + len(shared)
    at_fdselect = at_charset + len(charset)
    at_programs = at_fdselect + len(fdselect)
    at_fonts = at_programs + len(programs)

    font_dicts = [read_dict(fonts.item(i)) for i in range(fonts.count)]
    privates = [_private_block(cff, _operands(entries, PRIVATE)) for entries in font_dicts]
    fonts_size = len(write_index([_rewritten(e, {PRIVATE: [0, 0]}) for e in font_dicts]))
    at_private = at_fonts + fonts_size
    new_fonts = []
    for entries, (block, dict_size) in zip(font_dicts, privates):
        new_fonts.append(_rewritten(entries, {PRIVATE: [dict_size, at_private]}))
        at_private += len(block)
    new_top = write_index([_rewritten(top, {CHARSET: [at_charset], CHARSTRINGS: [at_programs],
                                            FDARRAY: [at_fonts], FDSELECT: [at_fdselect]})])
    return b"".join([head, new_top, shared, charset, fdselect, programs, write_index(new_fonts),
                     *(block for block, _ in privates)])


def _private_block(cff: bytes, private: list[float] | None) -> tuple[bytes, int]:
    """A Font DICT's Private DICT and its local subroutines as one block (the DICT, its Subrs
    offset rewritten to point just after it, then the subroutines' INDEX), and the DICT's size."""
    if not private or len(private) != 2:
        raise NotHandled("a Font DICT without its Private DICT")
    size, at = int(private[0]), int(private[1])
    entries = read_dict(cff[at:at + size])
    subrs = _operands(entries, SUBRS)
    if subrs is None:
        return cff[at:at + size], size
    local = read_index(cff, at + int(subrs[0]))
    dict_size = len(_rewritten(entries, {SUBRS: [0]}))
    return _rewritten(entries, {SUBRS: [dict_size]}) + local.raw(), dict_size
