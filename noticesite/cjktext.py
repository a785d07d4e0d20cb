"""Chinese text measured and broken into lines without a font file: one home for the widths
of characters and the line-breaking rules (GB/T 15834: what never starts or ends a line),
used by the flow chart's boxes and the print tables and titles.

Widths are fixed per character (CJK and full-width punctuation 1 em, Latin letters and digits
0.36 to 0.98 em by class, never less than Noto Sans CJK's real advances), so the same input
gives the same bytes on any machine.
"""
from __future__ import annotations

import itertools
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
MAX_BALANCED_LINES = 12  # wrap() balances a text of at most this many lines (a box's), fills a longer one


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
    # Balancing costs lines × chunks × a line's chunks: fine for a box's few lines, minutes for a
    # label pasted in by mistake (20,000 characters). A text past a box's size is filled instead.
    if not balance or len(greedy) == 1 or len(greedy) > MAX_BALANCED_LINES:
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


# Paired marks whose group is never broken: （自治区） explains the word before it, 《…》 is a title.
_PAIRS = {"（": "）", "(": ")", "《": "》", "〔": "〕", "【": "】", "“": "”", "「": "」"}
# The particles and conjunctions that end a phrase of a title (关于…的, …及…, …和…, …、…): a name
# with a bracketed group (新华社各省（自治区）分社) lies between two of them, and a title line
# breaks after them, never inside the name, when the name fits on a line.
_PHRASE_END = set("的及和与、，；：")


def _groups(text: str) -> list[tuple[int, int]]:
    """(start, end) of each bracketed group of ``text``, its marks included (an unclosed one runs
    to the end)."""
    found, i = [], 0
    while i < len(text):
        close = _PAIRS.get(text[i])
        if close is None:
            i += 1
            continue
        end = text.find(close, i + 1)
        end = len(text) if end < 0 else end + 1
        found.append((i, end))
        i = end
    return found


def _named_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The phrase around the group text[start:end]: from the phrase end before it to the one after."""
    before = max((i + 1 for i in range(start) if text[i] in _PHRASE_END), default=0)
    after = next((i + 1 for i in range(end, len(text)) if text[i] in _PHRASE_END), len(text))
    return before, after


def balance_lines(text: str, per_line: int) -> list[str]:
    """Splits a title into the fewest lines of at most ``per_line`` characters, balanced.

    §7.3.1 asks for titles 回行时词意完整，排列对称 in a trapezoid or a diamond. Where a line may
    end: never inside a run of Latin letters or digits, next to punctuation that must stay
    attached, inside a bracketed group (（…）《…》), nor inside the name a group belongs to (the
    phrase around it, between two particles or conjunctions: 新华社各省（自治区）分社地址及) when
    that name fits on a line; when no such lines fit, the rules are loosened in that order, the
    name's first. Of the ways that remain, the fewest lines, then the least cost: how far each
    line is from the average, a first line longer than the second, a known word cut; less after
    a particle or closing mark.
    """
    total = text_em(text)
    if total <= per_line or len(text) < 2:
        return [text]
    inside: set[int] = set()
    for word in _TITLE_WORDS:
        for m in re.finditer(re.escape(word), text):
            inside.update(range(m.start() + 1, m.end()))
    groups = _groups(text)
    in_group = {b for start, end in groups for b in range(start + 1, end)} | {start for start, _ in groups}
    names = [_named_span(text, start, end) for start, end in groups]
    in_name = {b for start, end in names if text_em(text[start:end]) <= per_line for b in range(start + 1, end)}
    loose = [b for b in range(1, len(text))
             if not (text[b - 1].isascii() and text[b].isascii() and text[b - 1].isalnum() and text[b].isalnum())
             and text[b - 1] not in _NO_BREAK_AFTER and text[b] not in _NO_BREAK_BEFORE]
    cost = {b: 4.0 * (b in inside) - (text[b - 1] in _GOOD_BREAK_AFTER) for b in range(1, len(text))}
    for allowed in ([b for b in loose if b not in in_group and b not in in_name],
                    [b for b in loose if b not in in_group], loose, list(range(1, len(text)))):
        filled = _filled(text, per_line, allowed)
        if filled is None:
            continue
        # balancing weighs every way of breaking (count × breaks × a line's breaks): a title too
        # long to read as a title (a hostile one of thousands of characters) is only filled
        found = filled if len(filled) >= _BALANCE_MAX_LINES else _title_breaks(
            text, per_line, allowed, len(filled) + 1, cost)
        if found is not None:
            return [text[i:j] for i, j in itertools.pairwise([0, *found, len(text)])]
    return [text]  # unreachable: a break anywhere always fits (a character is at most one em)


_BALANCE_MAX_LINES = 8


def _filled(text: str, per_line: int, allowed: list[int]) -> list[int] | None:
    """The breaks among ``allowed`` that fill each line (the fewest lines), or None when a
    stretch between two of them is wider than a line."""
    points = [0, *allowed, len(text)]
    breaks, start = [], 0
    for a, b in itertools.pairwise(points):
        if text_em(text[a:b]) > per_line:
            return None
        if text_em(text[start:b]) > per_line:
            breaks.append(a)
            start = a
    return breaks


def _title_breaks(text: str, per_line: int, allowed: list[int], count: int,
                  cost: dict[int, float]) -> list[int] | None:
    """The ``count - 1`` breaks among ``allowed`` of least cost whose lines all fit, or None."""
    points = [0, *allowed, len(text)]
    em = list(itertools.accumulate((char_em(ch) for ch in text), initial=0.0))  # em[b]: text[:b]'s width
    avg = em[-1] / count
    inf = float("inf")
    # best[k][j]: (cost, previous point) of lines 1..k with line k ending at points[j]
    best = [[(inf, -1)] * len(points) for _ in range(count + 1)]
    best[0][0] = (0.0, -1)
    for k in range(1, count + 1):
        for j in range(1, len(points)):
            for i in range(j - 1, -1, -1):
                width = em[points[j]] - em[points[i]]
                if width > per_line + 1e-9:
                    break
                if best[k - 1][i][0] == inf:
                    continue
                c = best[k - 1][i][0] + abs(width - avg) / 2 + (cost[points[j]] if j < len(points) - 1 else 0.0)
                if k == 2:  # §7.3.1's trapezoid: a first line longer than the second costs
                    first = em[points[i]]
                    c += 0.5 + (first - width) * 0.5 if first > width else 0.0
                if c < best[k][j][0]:
                    best[k][j] = (c, i)
    if best[count][-1][0] == inf:
        return None
    breaks, j = [], len(points) - 1
    for k in range(count, 1, -1):
        j = best[k][j][1]
        breaks.append(points[j])
    return breaks[::-1]
