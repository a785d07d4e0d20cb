"""The JSON Schemas of schemas/: made from the checker's declarations, committed, and in agreement
with the checker on what they accept (for the values an editor can tell apart)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from property_budget import examples

from conftest import REPO, SITES
from noticesite import schema, schemas, yamlio
from noticesite.errors import Problems
from noticesite.ledger import LEDGER_NAME
from noticesite.yamlio import Node

pytestmark = pytest.mark.unit

# YAML 1.2 core schema, as an editor's YAML library types a plain scalar (yaml-language-server
# uses eemeli/yaml): what the schema sees, where the checker reads text.
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


def editor_view(node: Node | None) -> object:
    if node is None or node.value is None:
        return None
    if isinstance(node.value, dict):
        return {k: editor_view(v) for k, v in node.value.items()}
    if isinstance(node.value, list):
        return [editor_view(v) for v in node.value]
    raw = node.value
    if node.quoted:
        return raw
    if _INT.fullmatch(raw):
        return int(raw, 0) if raw[:2] in ("0o", "0x") else int(raw)
    if _FLOAT.fullmatch(raw):
        return float(raw)
    return _BOOL.get(raw, raw)


def validator(kind: str) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(json.loads((REPO / "schemas" / f"{kind}.schema.json").read_text("utf-8")))


def kind_of(path: Path) -> str:
    """The schema a data file names on its first line, else the one its name says."""
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    named = re.search(r"\$schema=\S*/([a-z]+)\.schema\.json", first)
    if named:
        return named[1]
    return {"offices.yaml": "directory", "makeup.yaml": "makeup"}.get(path.name, path.stem)


def test_committed_schemas_are_what_the_declarations_make():
    committed = {p.name: p.read_text(encoding="utf-8") for p in (REPO / "schemas").glob("*.json")}
    assert committed == schemas.texts(), "run: python build.py schemas"
    for text in committed.values():
        jsonschema.Draft7Validator.check_schema(json.loads(text))


def test_example_data_files_name_their_schema_by_a_relative_path():
    for path in sorted((REPO / "data").rglob("*.yaml")):
        if path.name == LEDGER_NAME:
            continue  # written by the build, not by staff (noticesite/ledger.py)
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        depth = len(path.relative_to(REPO / "data").parts)
        assert first == f"# yaml-language-server: $schema={'../' * depth}schemas/{kind_of(path)}.schema.json", path
        assert (path.parent / first.split("=", 1)[1]).resolve().is_file()


DATA_FILES = [p for folder in (REPO / "data", SITES / "exam-registration" / "data")
              # the ledger is the build's own file (noticesite/ledger.py)
              for p in sorted(folder.rglob("*.yaml")) if p.name != LEDGER_NAME]


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_schemas_accept_every_data_file_of_the_example_and_the_fixture(path: Path):
    node, problems = yamlio.read(path, REPO)
    assert not problems
    errors = [e.message for e in validator(kind_of(path)).iter_errors(editor_view(node))]
    assert errors == []


def _checker_errors(kind: str, text: str) -> list[str]:
    """The checker's errors (not warnings) on a data file of one kind that refers to no other file."""
    problems = Problems()
    node, found = yamlio.parse(text, "x.yaml")
    problems.extend(found)
    if node is not None:
        loader = {"site": schema.load_site_config, "schedule": schema.load_schedule,
                  "directory": schema.load_directory, "colleges": schema.load_colleges,
                  "procedure": schema.load_procedure}[kind]
        loader(node, problems)
    return [p.message for p in problems.errors]


def _schema_errors(kind: str, text: str) -> list[str]:
    node, _ = yamlio.parse(text, "x.yaml")
    return [e.message for e in validator(kind).iter_errors(editor_view(node))]


SCHEDULE = (REPO / "data/2012-104/schedule.yaml").read_text("utf-8")
SITE = (REPO / "data/site.yaml").read_text("utf-8")
INVALID = {  # (kind, base text, old, new): each must be refused by the schema and by the checker
    "misspelt key": ("schedule", SCHEDULE, "location:", "locaton:"),
    "misspelt column field": ("schedule", SCHEDULE, "{key: college,  label: 学院,", "{key: college,  lable: 学院,"),
    # (a session's values are checked by their column's type, which a schema written ahead cannot know)
    "wrong type: a count in words": ("site", SITE, "language: zh-CN", "language: zh-CN\nper_page: 二十"),
    "wrong type: a time on the 12-hour clock": ("schedule", SCHEDULE, "start: 14:00", "start: 2:00 PM"),
    "wrong type: a mapping for a list": ("schedule", SCHEDULE, "columns:\n", "columns: {a: b}\nx:\n"),
    "wrong type: a date that does not exist": ("schedule", SCHEDULE, "date: 2013-01-03", "date: 2013-02-30"),
    "missing required field": ("schedule", SCHEDULE, "start: 08:00, ", ""),
    "missing required file field": ("colleges", "colleges:\n  - {name: 政法学院}\n", "", ""),
    "unknown column type": ("schedule", SCHEDULE, "type: person}", "type: people}"),
    "a reserved column key": ("schedule", SCHEDULE, "key: person,", "key: date,"),
    "a bad phone": ("directory", "offices:\n  - {name: a, phone: 12345, address: b}\n", "", ""),
    "an empty list": ("procedure", "steps: []\n", "", ""),
    "a control character": ("colleges", 'colleges:\n  - {name: "a\\x1bb", code: "01"}\n', "", ""),
}


@pytest.mark.parametrize("case", INVALID, ids=str)
def test_schemas_and_checker_reject_each_invalid_case(case: str):
    kind, text, old, new = INVALID[case]
    assert old in text
    broken = text.replace(old, new, 1)
    assert _schema_errors(kind, broken), "the schema accepts it"
    assert _checker_errors(kind, broken), "the checker accepts it"


# ---- the property: schema-valid <=> no error from the checker, record by record ----------------

_CJK = st.sampled_from("政法学院数学化工张王李分社路号")
_WORD = st.text(st.one_of(_CJK, st.sampled_from("abcxyz019 -_:.+\t")), max_size=12)
_DASH = st.sampled_from(["", "-", "—", "－", "–", " ", "--"])


@st.composite
def _phone_like(draw) -> str:
    prefix = draw(st.sampled_from(["", "+86", "86 ", "+86-"]))
    area = draw(st.sampled_from(["", "010", "021", "0730", "0731", "073", "0211", "01", "0"]))
    number = draw(st.text(st.sampled_from("0123456789"), min_size=6, max_size=12))
    return prefix + area + draw(_DASH) + number


_MOBILE = st.from_regex(r"\A(\+86)?1[0-9]{10}\Z")
_NAME = st.builds(lambda a, b: a + b, _CJK, _WORD)  # text that is not blank
_VALUES = {  # per shape: values of the right form, and near misses
    "text": st.one_of(_NAME, _NAME, _NAME, _WORD), "optional_text": _WORD,
    "count": st.one_of(st.integers(-5, 200_000), st.from_regex(r"\A[0-9]{1,14}\Z").map(str)),
    "time": st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 25), st.integers(0, 61)),
    "date": st.one_of(st.dates().map(lambda d: d.isoformat()),
                      st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", st.integers(0, 2100),
                                st.integers(0, 13), st.integers(0, 32))),
    "phone": st.one_of(_phone_like(), _MOBILE, st.integers(0, 20_000_000_000)),
    "slug": st.one_of(st.from_regex(r"\A[a-z0-9_A-Z-]{0,6}\Z"), st.integers(-3, 50), st.sampled_from(["date", "end"])),
}
_JUNK = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**12), st.floats(allow_nan=False, allow_infinity=False),
                  st.lists(st.integers(0, 3), max_size=2), st.dictionaries(st.just("a"), st.integers(0, 2)), _WORD)


def _value(shape) -> st.SearchStrategy:
    """A value of the field's form or a near miss of it (a wrong area code, a 25:00)."""
    if shape.kind == "choice":
        return st.one_of(st.sampled_from(shape.options), _WORD)
    if shape.kind == "list":  # an office's aliases: none (refused unless allowed), some, of near misses
        return st.lists(_value(shape.item), max_size=3)
    return _VALUES[shape.kind]


@st.composite
def _record(draw, fields) -> dict:
    """Every required field with a value of its form or a near miss, some optional ones; then at
    most one mutation: a field dropped, a key misspelt, a value of another type."""
    record = {f.name: draw(_value(f.shape)) for f in fields if f.required or draw(st.booleans())}
    mutation = draw(st.sampled_from(["none", "none", "drop", "misspell", "junk"]))
    if mutation == "drop" and record:
        del record[draw(st.sampled_from(sorted(record)))]
    elif mutation == "misspell":
        record[draw(st.sampled_from([f.name for f in fields])) + "s"] = draw(_WORD)
    elif mutation == "junk" and record:
        record[draw(st.sampled_from(sorted(record)))] = draw(_JUNK)
    return record


RECORDS = {  # kind -> (the file around one record)
    "directory": st.builds(lambda r: {"offices": [r]}, _record(schema.OFFICE_FIELDS)),
    "colleges": st.builds(lambda r: {"colleges": [r]}, _record(schema.COLLEGE_FIELDS)),
    "procedure": st.builds(lambda r: {"steps": [r]},
                           _record([f for f in schema.STEP_FIELDS if f.name not in ("branches", "next")])),
}


@pytest.mark.parametrize("kind", sorted(RECORDS))
def test_schema_valid_exactly_when_the_checker_finds_no_error(kind: str):
    @settings(max_examples=examples(300), deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(RECORDS[kind])
    def agree(document: dict) -> None:
        # JSON is YAML: written so, each value's type is the same for the editor and for the test
        text = json.dumps(document, ensure_ascii=False)
        by_schema, by_checker = _schema_errors(kind, text), _checker_errors(kind, text)
        assert bool(by_schema) == bool(by_checker), (text, by_schema, by_checker)

    agree()
