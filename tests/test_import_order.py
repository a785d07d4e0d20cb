"""A value followed from build() through the calls does not climb back up the import order.

The package's modules by pipeline stage, as docs/architecture.md lists them. An import is upward
when a module names one of an earlier stage (the model stage excepted: the model is the value
that flows, and every stage reads it). None is left; one kept would be listed here with its
reason, so that a new one, or one of the moved constants and functions coming back, fails a test.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from noticesite import model

pytestmark = pytest.mark.unit

PACKAGE = Path(model.__file__).parent

# In pipeline order, from the command line down to the helpers (docs/architecture.md, "Module map").
STAGES: tuple[tuple[str, frozenset[str]], ...] = (
    ("command line", frozenset({"cli", "site", "serve", "scaffold", "schemas", "acknowledge"})),
    ("loading", frozenset({"loading", "content", "yamlio", "schema", "fields", "keydates", "amendments",
                           "ledger_read", "limits", "textcheck", "spreadsheet_import"})),
    ("model", frozenset({"model", "memos", "printed"})),
    ("planning", frozenset({"outputs"})),
    ("rendering", frozenset({"render", "calendars", "ics", "ledger", "pdf", "print_server", "pdftags", "fontsubset",
                             "cidcff", "justify", "cjktext", "qrcode", "timetable", "flow", "wechat", "spreadsheet",
                             "search"})),
    ("writing", frozenset({"output_folder", "cache"})),
    ("helpers", frozenset({"errors", "paths", "urls", "children", "pinyin"})),
)
MODEL_STAGE = "model"

# The upward imports kept, each with its reason (docs/architecture.md, "Does an import climb back up"):
# none. The last two went when the ledger's reading moved to ledger_read.py (calendars imported
# ledger, then of the loading stage, for its rules) and pinyin.py, which imports only the model,
# became a helper (render's pinyin_keys filter imported it).
KNOWN_UPWARD: set[tuple[str, str]] = set()


def stage_of(name: str) -> int:
    return next(i for i, (_, modules) in enumerate(STAGES) if name in modules)


def package_imports(source: str) -> set[str]:
    """The package's modules a module's source imports, at its top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level == 1 and module:
                found.add(module.split(".")[0])
            elif (node.level == 1 and not module) or module == "noticesite":
                found |= {alias.name for alias in node.names}
            elif module.startswith("noticesite."):
                found.add(module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {alias.name.split(".")[1] for alias in node.names if alias.name.startswith("noticesite.")}
    return found


def upward_imports(sources: dict[str, str]) -> set[tuple[str, str]]:
    """(importer, imported) for each import of a module of an earlier stage than the importer's."""
    model_stage = next(i for i, (name, _) in enumerate(STAGES) if name == MODEL_STAGE)
    return {(name, imported) for name, source in sources.items() for imported in package_imports(source)
            if stage_of(imported) != model_stage and stage_of(imported) < stage_of(name)}


def package_sources() -> dict[str, str]:
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(PACKAGE.glob("*.py"))}


def test_every_module_has_a_stage():
    staged = set().union(*(modules for _, modules in STAGES))
    assert set(package_sources()) == staged


def test_no_import_climbs_back_up_but_the_known_ones():
    assert upward_imports(package_sources()) == KNOWN_UPWARD


def test_the_output_stages_import_no_loader():
    """The fixed directions by name: pdf took FONT_ROLES from schema, spreadsheet read with schema
    and yamlio, render took relations from amendments, output_folder took INDEX_DIR from search,
    ledger read its file with yamlio (now ledger_read.py's)."""
    sources = package_sources()
    loaders = {"schema", "yamlio", "content", "loading", "amendments", "ledger_read"}
    outputs = ["render", "pdf", "outputs", "calendars", "ics", "ledger", "spreadsheet", "search", "output_folder"]
    assert {name: package_imports(sources[name]) & loaders for name in outputs} == {name: set() for name in outputs}
    assert "search" not in package_imports(sources["output_folder"])


def test_the_check_tells_each_upward_import_that_was_fixed():
    sources = {
        "pdf": "from . import schema, urls\n",
        "render": "from .amendments import relations\n",
        "spreadsheet": "def read():\n    from noticesite import yamlio\n",
        "output_folder": "import noticesite.search\n",
        "ledger": "from .fields import Field, record, text\n",  # its reading back beside its rules
        "outputs": "from .render import site_pages\nfrom .model import Site\n",  # downward and the model: fine
    }
    assert upward_imports(sources) == {("pdf", "schema"), ("render", "amendments"), ("spreadsheet", "yamlio"),
                                       ("output_folder", "search"), ("ledger", "fields")}
    moved = {
        "calendars": "from . import ledger\n",  # the rules, in the rendering stage since the reading moved
        "loading": "from .ledger import ledger_path\nfrom .ledger_read import load_ledger\n",
        "render": "def keys():\n    from . import pinyin\n",  # a helper now
    }
    assert upward_imports(moved) == set()
