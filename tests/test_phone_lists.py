"""A list of phone numbers where only the first carries its area code ("0731-82250811、82684582")
means every number is in that area: each tel: link must dial the area code too (issue 16).
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from property_budget import examples

from noticesite import fields, yamlio
from noticesite.errors import Problems

pytestmark = pytest.mark.unit

# Beijing and the 02x cities have three-digit area codes, the rest four (fields.parse_phone).
AREA_CODES = st.one_of(st.sampled_from(["010", "020", "021", "022", "023", "024", "025", "027", "028", "029"]),
                       st.from_regex(r"0[3-9][0-9]{2}", fullmatch=True))
LOCAL = st.from_regex(r"[2-8][0-9]{6,7}", fullmatch=True)  # a local number starts with neither 0 nor 1
MOBILE = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
DASHES = st.sampled_from(["-", "—", "－", "–", "--", "——", " ", ""])  # what people type after an area code
LIST_SEPARATORS = st.sampled_from(["、", "，", ",", "；", ";", "/", " ", "  ", ", ", " / ", "、 "])

landline = st.builds(lambda area, dash, number: area + dash + number, AREA_CODES, DASHES, LOCAL)
number = st.one_of(landline, LOCAL, MOBILE)


@st.composite
def phone_lists(draw) -> tuple[list[str], str]:
    """Numbers whose first has an area code, and the YAML that writes them: a list, one text with
    separators, or a list of such texts."""
    numbers = [draw(landline)] + draw(st.lists(number, max_size=5))
    form = draw(st.sampled_from(["list", "text", "mixed"]))
    if form == "list":
        return numbers, "[" + ", ".join(f'"{n}"' for n in numbers) + "]"
    joined = [numbers[0]]
    for n in numbers[1:]:
        if form == "mixed" and draw(st.booleans()):
            joined.append(n)  # a new item of the list
        else:
            joined[-1] += draw(LIST_SEPARATORS) + n
    return numbers, "[" + ", ".join(f'"{t}"' for t in joined) + "]" if form == "mixed" else f'"{joined[0]}"'


def read(text: str) -> tuple[list, Problems]:
    node, parsed = yamlio.parse(f"phones: {text}\n", "data/x.yaml")
    assert node is not None and not parsed, parsed
    problems = Problems()
    return fields.phones(node.value["phones"], "contact: phones", problems), problems


@settings(max_examples=examples(200), deadline=None, derandomize=True)
@given(phone_lists())
def test_every_number_of_a_list_dials_the_area_code_of_the_first(case: tuple[list[str], str]):
    numbers, text = case
    phones, problems = read(text)
    assert not list(problems), list(problems)
    assert [p.raw for p in phones] == numbers  # each number as written, in its order
    for p in phones:
        assert p.tel.startswith("tel:+86-"), (text, p)  # a country code, then an area code (or a mobile)
    for p, written in zip(phones, numbers):
        # what the page shows stays as written (its dash style too): a number written without its area
        # code shows without it
        assert p.display == written.strip()


def test_the_example_contact_dials_changsha_twice():
    phones, problems = read("[0731-82250811, 82684582]")
    assert [p.tel for p in phones] == ["tel:+86-731-82250811", "tel:+86-731-82684582"]
    assert [p.display for p in phones] == ["0731-82250811", "82684582"]


def test_a_list_with_no_area_code_stays_local():
    phones, problems = read('"82250811、82684582"')
    assert not list(problems)
    assert [p.tel for p in phones] == ["tel:82250811", "tel:82684582"]


def test_a_number_that_is_not_one_is_reported_at_its_item():
    phones, problems = read('["0731-82250811、123"]')
    assert [p.message for p in problems] == [
        "contact: phones: '123' is not a Chinese landline (area code + 7 or 8 digits, e.g. 0730-8640000) "
        "or mobile number (11 digits starting with 1)"]
