"""Pinyin search keys for the office directory, computed once at build time.

The directory page's filter script (``layouts/directory.js``) matches what a
reader types against the visible text of a row and against the row's
``data-keys``: the string that ``search_keys`` returns.  A reader without a
Chinese input method, or on a phone, can then type ``hunan`` or ``hn`` for
湖南分社, and ``changsha`` for its address.

Heteronyms (重庆 chóngqìng, 长沙 chángshā) are resolved by pypinyin's phrase
dictionary, which only works when a place name is converted as a whole: so
each name is converted on its own, never character by character.
"""
from __future__ import annotations

import functools
import re

from pypinyin import Style, lazy_pinyin

from .model import Directory, Office

# Province-level names as they open an address without their suffix
# (山西太原市…, 西藏拉萨…, 宁夏银川市…).  Longest first, so 内蒙古 wins over
# a shorter name that would be its prefix.
_PROVINCES = sorted(
    (
        "北京 天津 上海 重庆 河北 山西 内蒙古 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建"
        " 江西 山东 河南 湖北 湖南 广东 广西 海南 四川 贵州 云南 西藏 陕西 甘肃"
        " 青海 宁夏 新疆 香港 澳门 台湾"
    ).split(),
    key=len,
    reverse=True,
)
_PROVINCE_SUFFIX = re.compile(r"(?:壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)?")
# A city, district or county: a few Han characters and the unit's suffix.  The
# match is lazy, so 南昌市红谷滩新区 gives 南昌市 first.  省 is left out here:
# after the first place it is more often part of a building (陕西省政府院内).
_PLACE = re.compile(r"[\u4e00-\u9fff]{1,6}?(?:市|区|县|旗)")
# Official spellings that plain pinyin cannot give: 陕西 is written Shaanxi to
# tell it from 山西 Shanxi (both "shanxi" in toneless pinyin).
_EXTRA_SPELLINGS = {"陕西": "shaanxi"}
# The first three units are enough to find an office: province, city, district.
_MAX_PLACES = 3


def leading_places(address: str) -> list[str]:
    """The place names an address opens with, e.g. 长沙市迎宾路153号 -> ["长沙市"].

    A heuristic for the addresses as the notices write them: a province, with or
    without its suffix, then cities, districts and counties, stopping at the
    first part that is not one (a street, a number, a punctuation mark).
    """
    places: list[str] = []
    rest = address.strip()
    for province in _PROVINCES:
        if rest.startswith(province):
            suffix = _PROVINCE_SUFFIX.match(rest, len(province))
            assert suffix is not None  # the pattern can match the empty string
            places.append(rest[: suffix.end()])
            rest = rest[suffix.end():]
            break
    while len(places) < _MAX_PLACES:
        m = _PLACE.match(rest)
        if not m:
            break
        places.append(m.group())
        rest = rest[m.end():]
    return places


def _ascii_lower(parts: list[str] | tuple[str, ...]) -> str:
    return "".join(ch for ch in "".join(parts).lower() if ch.isascii() and ch.isalnum())


@functools.lru_cache(maxsize=16_384)
def _syllables(text: str, style: Style) -> tuple[str, ...]:
    """pypinyin's reading of ``text``, remembered: the preview loads the directory and renders
    the pages of an edited notice again on every save, and converting the same names and
    headings again was half of reloading a one-cell edit (issue 16). A pure function of the
    text while the process lives (pypinyin's dictionaries do not change under it)."""
    return tuple(lazy_pinyin(text, style=style, errors="ignore"))


def full_pinyin(text: str) -> str:
    """Toneless pinyin, joined: 湖南分社 -> hunanfenshe (ü is written v)."""
    return _ascii_lower(_syllables(text, Style.NORMAL))


def initials(text: str) -> str:
    """First letter of each syllable: 湖南分社 -> hnfs, 重庆 -> cq."""
    return _ascii_lower(_syllables(text, Style.FIRST_LETTER))


def search_keys(office: Office) -> str:
    """Lowercase, space-separated keys for one office's row.

    Full pinyin first, then initials, then the phone digits: for each of the
    name, the province, the address's leading place names and the aliases.  Duplicates are
    dropped, the first occurrence kept.
    """
    sources = [office.name, office.province, *leading_places(office.address)]
    sources += [place for alias in office.aliases for place in (alias, *leading_places(alias))]
    words = [w for w in sources if w]
    keys = [full_pinyin(w) for w in words]
    keys += [spelling for w in words for p, spelling in _EXTRA_SPELLINGS.items() if w.startswith(p)]
    keys += [initials(w) for w in words]
    keys.append(office.phone.digits)
    return " ".join(dict.fromkeys(k for k in keys if k))


def annotate(directory: Directory) -> None:
    """Fill ``office.pinyin`` for every office of the directory."""
    for office in directory.offices:
        office.pinyin = search_keys(office)


_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
_KEY_SYLLABLES = 4  # most Chinese words have two to four characters
_MAX_KEY_TEXT = 2_000  # characters of a page's headings given pinyin keys: titles, not bodies


def text_keys(texts: list[str]) -> str:
    """Pinyin keys for a page's title and headings, for the site search (indexed, never shown):
    for each run of Han characters, its full pinyin and initials joined (湖南理工学院 ->
    hunanligongxueyuan, hnlgxy), and, from each of its characters, those of the next
    ``_KEY_SYLLABLES`` (hunanligong, nanligongxue, ligongxueyuan ...; hnlg, nlgx ...). Pagefind
    finds a query at the start of an indexed word, so a word of up to that many characters
    found anywhere in a title is found by its pinyin (hunan, ligong, zhunkaozheng) or its
    initials (hn, lg), as the directory finds an office."""
    keys: list[str] = []
    budget = _MAX_KEY_TEXT
    for text in texts:
        for run in _HAN_RUN.findall(text[:budget]):
            budget -= len(run)
            syllables = _syllables(run, Style.NORMAL)
            if len(syllables) != len(run):
                continue  # a character without a reading: no key rather than a shifted one
            firsts = [s[:1] for s in syllables]
            keys += [_ascii_lower(syllables), _ascii_lower(firsts)]
            for i in range(len(run) - 1):
                keys += [_ascii_lower(syllables[i:i + _KEY_SYLLABLES]), _ascii_lower(firsts[i:i + _KEY_SYLLABLES])]
        if budget <= 0:
            break
    return " ".join(dict.fromkeys(k for k in keys if len(k) > 1))
