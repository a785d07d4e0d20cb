"""The model stays plain data; caches and memos live beside it, and no stage reaches into the cache.

A notice is what its files say, nothing more: no field for the output stages' memos (they are
kept beside it, memos.py), so that what the load cache pickles, what a key fingerprints and what
a template is handed are the notice and only it. And the load cache is the business of loading:
the other modules take from cache.py only its hashing and the output manifest, never its
notices (a renderer reads a cached notice whole through model.whole, knowing nothing of shards).
"""
from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import types
import typing
from pathlib import Path

import pytest

from noticesite import model

pytestmark = pytest.mark.unit

PACKAGE = Path(model.__file__).parent
LEAVES = (str, int, float, bool, type(None), dt.date, dt.datetime, dt.time)
# What a module other than the cache and loading may take from cache.py: content hashes, the
# code's version, writing a file whole, the output manifest, and (the commands) the cache itself.
CACHE_NAMES_FOR_OTHERS = {"CACHE_DIR", "Hasher", "LoadCache", "Manifest", "code_version", "digest",
                          "installed_distributions", "write_atomic"}
CACHE_OWNERS = {"cache.py", "loading.py"}


def not_plain(hint: object, where: str, seen: set[type]) -> list[str]:
    """Where ``hint`` (a field's type) admits something other than plain data: strings, numbers,
    dates, None, literals, lists, tuples and string-keyed dicts of them, and the model's records."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Literal:
        return []
    if isinstance(hint, typing.NewType):  # e.g. CheckedProcedure: a Procedure that passed the check
        return not_plain(hint.__supertype__, where, seen)
    if origin in (typing.Union, types.UnionType):
        return [found for arg in args for found in not_plain(arg, where, seen)]
    if origin in (list, tuple) and args:
        return [found for arg in args if arg is not Ellipsis for found in not_plain(arg, f"{where}[]", seen)]
    if origin is dict and args:
        return not_plain(args[0], f"{where} key", seen) + not_plain(args[1], f"{where}[]", seen)
    if isinstance(hint, type) and issubclass(hint, LEAVES):
        return []
    if isinstance(hint, type) and dataclasses.is_dataclass(hint) and hint.__module__ == model.__name__:
        return record_not_plain(hint, seen)
    return [f"{where}: {hint!r}"]


def record_not_plain(record: type, seen: set[type]) -> list[str]:
    if record in seen:
        return []
    seen.add(record)
    hints = typing.get_type_hints(record)
    return [found for f in dataclasses.fields(record)
            for found in not_plain(hints[f.name], f"{record.__name__}.{f.name}", seen)]


def test_every_field_of_a_notice_is_plain_data():
    assert record_not_plain(model.Notice, set()) == []


def test_the_check_tells_a_memo_field():
    """A notice that carries memos again (as it did: ``derived: dict``) or anything untyped."""
    with_memos = dataclasses.make_dataclass(
        "Notice", [("derived", dict, dataclasses.field(default_factory=dict)), ("cache", typing.Any, None)],
        bases=(model.Notice,))
    with_memos.__module__ = model.__name__
    assert record_not_plain(with_memos, set()) == ["Notice.derived: <class 'dict'>", "Notice.cache: typing.Any"]


def cache_imports(source: str) -> set[str]:
    """The names a module's source imports from the package's cache.py (``*`` for the module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if (node.level == 1 and module == "cache") or module == "noticesite.cache":
                found |= {alias.name for alias in node.names}
            elif (node.level == 1 and not module) or module == "noticesite":
                found |= {"*" for alias in node.names if alias.name == "cache"}
        elif isinstance(node, ast.Import):
            found |= {"*" for alias in node.names if alias.name == "noticesite.cache"}
    return found


def test_only_loading_takes_notices_or_memos_from_the_cache():
    reaching = {}
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name in CACHE_OWNERS:
            continue
        taken = cache_imports(path.read_text(encoding="utf-8")) - CACHE_NAMES_FOR_OTHERS
        if taken:
            reaching[path.name] = sorted(taken)
    assert reaching == {}


def test_the_import_check_tells_a_renderer_reaching_into_the_cache():
    assert cache_imports("from .cache import Hasher, full_notice\n") == {"Hasher", "full_notice"}
    assert cache_imports("from noticesite.cache import NoticeRef\n") == {"NoticeRef"}
    assert cache_imports("from . import cache, model\n") == {"*"}
    assert cache_imports("import noticesite.cache\n") == {"*"}
