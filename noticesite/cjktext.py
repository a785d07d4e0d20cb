"""Chinese text measured and broken into lines without a font file: one home for the widths
of characters and the line-breaking rules (GB/T 15834: what never starts or ends a line),
used by the flow chart's boxes and the print tables and titles.

Widths are fixed per character (CJK and full-width punctuation 1 em, Latin letters and digits
0.36 to 0.98 em by class, never less than Noto Sans CJK's real advances), so the same input
gives the same bytes on any machine.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Chinese line breaking (GB/T 15834 and common practice): these never start a
# line, and the openers never end one.
CLOSERS = set("，。、；：？！）》」』】〕〉”’…—·％,.;:?!)]}%")
OPENERS = set("（《「『【〔〈“‘([{")
# What a line break costs in wrap(), against the squared em by which lines differ
BREAK_CJK = 30.0  # between two Chinese characters: allowed, but a box reads better at punctuation
BREAK_MIXED = 15.0  # between Chinese and Latin
BREAK_NUMBER = 80.0  # between a number and its unit or date: 12月19|日, 208|办公室
BREAK_URL = 200.0  # inside a URL


def _wide(ch: str) -> bool:
    # "A" (ambiguous) covers “ ” ‘ ’ … — ·, which Noto Sans CJK SC draws full width.
    return unicodedata.east_asian_width(ch) in "WFA"


@lru_cache(maxsize=4096)
def char_em(ch: str) -> float:
    """Width of one character in em: an upper bound of Noto Sans CJK SC's advance.

    CJK and full-width punctuation are 1 em; Latin letters and digits come in a
    few classes rounded up from the font (digits 0.555, b/d/p/q 0.62, H 0.73),
    so estimates run a little wide, never narrow (tests/test_flow.py checks).
    """
    if ch.isspace():
        return 0.3
    if _wide(ch) or not ch.isascii():
        return 1.0
    if ch in "ijlIf.,:;!|'":
        return 0.36
    if ch in "rt()[]{}/\\-\"?*":
        return 0.5
    if ch.isdigit():
        return 0.58
    if ch in "mwMW@%":
        return 0.98
    if ch.isupper() or ch == "&":
        return 0.76
    return 0.64


def text_width(text: str, size: float) -> float:
    return _text_em(text) * size


def text_em(text: str) -> float:
    """Width of ``text`` in em (an upper bound: see char_em)."""
    return _text_em(text)


@lru_cache(maxsize=16384)  # labels recur across the notices of an archive, and layout measures them often
def _text_em(text: str) -> float:
    return sum(char_em(ch) for ch in text)


def wrap(text: str, max_width: float, size: float, *, balance: bool = True) -> list[str]:
    """Break ``text`` into lines no wider than ``max_width``; how, see ``_wrap``."""
    return list(_wrap(text, max_width, size, balance))


@lru_cache(maxsize=8192)  # labels recur across the notices of an archive, and the layout tries widths
def _wrap(text: str, max_width: float, size: float, balance: bool) -> tuple[str, ...]:
    """Break ``text`` into lines no wider than ``max_width``.

    Chinese may break between any two characters, but a box label reads better
    when lines end at punctuation, so breaks have costs: none after ，。、 or at
    a space, a little between two characters, more inside a URL (after a slash
    or before a dot, only when it will not fit whole). Closing punctuation never
    starts a line and opening punctuation never ends one. With ``balance`` the
    fewest lines are chosen to be as even as possible, so no line is left with
    one character; without it lines are filled greedily, as in a paragraph.
    """
    chunks = _chunks(" ".join(text.split()), max_width, size)
    if not chunks:
        return ("",)
    greedy = _greedy(chunks, max_width, size)
    if not balance or len(greedy) == 1:
        return tuple(_line(chunks[i:j]) for i, j in greedy)
    return tuple(_line(chunks[i:j]) for i, j in _balanced(chunks, len(greedy), max_width, size))


@dataclass
class _Chunk:
    text: str  # never broken inside
    space: bool  # a space before it (dropped at the start of a line)
    cost: float  # of a line break before it


def _chunks(text: str, max_width: float, size: float) -> list[_Chunk]:
    atoms: list[str] = []  # single wide characters, runs of anything else, " "
    i = 0
    while i < len(text):
        j = i + 1
        if text[i] != " " and not _wide(text[i]):
            while j < len(text) and text[j] != " " and not _wide(text[j]):
                j += 1
        atoms.append(text[i:j])
        i = j
    chunks: list[_Chunk] = []
    space = False
    for a in atoms:
        if a == " ":
            space = True
            continue
        prev = chunks[-1].text[-1] if chunks else ""
        pieces = _split_long(a, max_width, size) if text_width(a, size) > max_width or "/" in a else [a]
        if chunks and not space and (a[0] in CLOSERS or prev in OPENERS):
            chunks[-1].text += pieces[0]  # kinsoku: no break here
        else:
            chunks.append(_Chunk(pieces[0], space, _break_cost(prev, a[0], space)))
        chunks.extend(_Chunk(p, False, BREAK_URL) for p in pieces[1:])
        space = False
    return chunks


def _break_cost(prev: str, ch: str, space: bool) -> float:
    if not prev or space or prev in CLOSERS:
        return 0.0
    if prev.isdigit() and _wide(ch):
        return BREAK_NUMBER
    return BREAK_CJK if _wide(prev) and _wide(ch) else BREAK_MIXED


def _split_long(word: str, max_width: float, size: float) -> list[str]:
    """Break points in a URL: after a slash (not inside //), before a dot, ?, & or #."""
    pieces, cur = [], ""
    for i, ch in enumerate(word):
        prev = word[i - 1] if i else ""
        if cur and ((prev == "/" and ch != "/") or (ch in ".?&#" and prev not in "/:")):
            pieces.append(cur)
            cur = ""
        cur += ch
    pieces.append(cur)
    out: list[str] = []
    for p in pieces:  # a piece still too long is cut anywhere
        while text_width(p, size) > max_width and len(p) > 1:
            n = len(p) - 1
            while n > 1 and text_width(p[:n], size) > max_width:
                n -= 1
            out.append(p[:n])
            p = p[n:]
        out.append(p)
    return out


def _line(chunks: list[_Chunk]) -> str:
    return "".join((" " if c.space and k else "") + c.text for k, c in enumerate(chunks))


class _Widths:
    """Widths of runs of chunks in O(1): a space before the first chunk of a line does not count."""

    def __init__(self, chunks: list[_Chunk], size: float):
        self.space = [char_em(" ") * size if c.space else 0.0 for c in chunks]
        self.sums = [0.0]
        for c, sp in zip(chunks, self.space):
            self.sums.append(self.sums[-1] + sp + text_width(c.text, size))

    def __call__(self, i: int, j: int) -> float:
        return self.sums[j] - self.sums[i] - self.space[i]


def _greedy(chunks: list[_Chunk], max_width: float, size: float) -> list[tuple[int, int]]:
    width = _Widths(chunks, size)
    lines, start = [], 0
    for j in range(1, len(chunks)):
        if width(start, j + 1) > max_width:
            lines.append((start, j))
            start = j
    lines.append((start, len(chunks)))
    return lines


def _balanced(chunks: list[_Chunk], n_lines: int, max_width: float, size: float) -> list[tuple[int, int]]:
    """The ``n_lines`` lines with the least cost: break costs plus how far each
    line's width strays from the average, in em squared."""
    n = len(chunks)
    width = _Widths(chunks, size)
    avg = width(0, n) / n_lines / size
    inf = float("inf")
    # best[k][j]: cost of putting chunks[:j] on k lines, and where the last line starts
    best = [[(inf, 0)] * (n + 1) for _ in range(n_lines + 1)]
    best[0][0] = (0.0, 0)
    for k in range(1, n_lines + 1):
        for j in range(1, n + 1):
            for i in range(j - 1, -1, -1):
                w = width(i, j)
                if w > max_width and i < j - 1:
                    break
                if best[k - 1][i][0] == inf:
                    continue
                cost = best[k - 1][i][0] + (w / size - avg) ** 2 + (chunks[i].cost if i else 0.0)
                if cost < best[k][j][0]:
                    best[k][j] = (cost, i)
    lines, j = [], n
    for k in range(n_lines, 0, -1):
        i = best[k][j][1]
        lines.append((i, j))
        j = i
    return lines[::-1]


# ---- titles of official documents (print) ---------------------------------------------

_NO_BREAK_AFTER = set("（《“‘〔【各")  # 各 belongs to the word after it
_NO_BREAK_BEFORE = set("）》”’〕】，、。：；？！（")  # （…） explains the word just before it
# A title line may well end after these (particles, counters, closing marks).
_GOOD_BREAK_AFTER = set("的及和与届生表、）》")
# Words of notice titles that a line break must not cut: there is no Chinese
# word segmenter among the dependencies, and titles draw on a small vocabulary.
_TITLE_WORDS = (
    "毕业生 毕业 学生 学院 学历 学位 学期 学年 证书 电子 注册 图像 信息 采集 工作 通知 安排 时间 地址 电话 "
    "联系 须知 全国 高等 教育 预计 做好 关于 新华社 分社 自治区 补拍 校外 考试 报名 课程 教学 教务 管理 "
    "组织 开展 实施 办法 规定 意见 方案 计划 申报 推荐 评选 名单 结果 论文 答辩 实习 选课 成绩 流程图 流程 "
    "核对 校对 电子注册 图像采集 信息采集 说明 问题").split()


def balance_lines(text: str, per_line: int) -> list[str]:
    """Splits a title into the fewest lines of at most ``per_line`` characters, balanced.

    §7.3.1 asks for titles 回行时词意完整，排列对称 in a trapezoid or a
    diamond: each break is scored by how far it is from an even split, with a
    cost for a first line longer than the next and for cutting a known word,
    and a bonus after a particle or closing mark; no break falls inside a run
    of Latin letters or digits or next to punctuation that must stay attached.
    """
    total = text_em(text)
    if total <= per_line:
        return [text]
    count = int(-(-total // per_line))
    inside: set[int] = set()
    for word in _TITLE_WORDS:
        for m in re.finditer(re.escape(word), text):
            inside.update(range(m.start() + 1, m.end()))
    breaks = [i for i in range(1, len(text))
              if not (text[i - 1].isascii() and text[i].isascii() and text[i - 1].isalnum() and text[i].isalnum())
              and text[i - 1] not in _NO_BREAK_AFTER and text[i] not in _NO_BREAK_BEFORE]
    lines, start = [], 0
    for k in range(1, count):
        target = total * k / count
        rest = count - k + 1  # lines left for text[start:]

        # B023: cost is called in this iteration only (min below), with this iteration's values
        def cost(b: int) -> float:
            first, after = text_em(text[start:b]), text_em(text[b:]) / (rest - 1)  # noqa: B023
            longer = 0.5 + (first - after) * 0.5 if first > after else 0.0
            return (abs(text_em(text[:b]) - target) + longer + 4 * (b in inside)  # noqa: B023
                    - (text[b - 1] in _GOOD_BREAK_AFTER))

        fitting = [b for b in breaks if b > start and text_em(text[start:b]) <= per_line]
        if not fitting:
            break
        best = min(fitting, key=cost)
        lines.append(text[start:best])
        start = best
    lines.append(text[start:])
    return lines
