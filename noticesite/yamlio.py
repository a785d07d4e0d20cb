"""YAML with positions kept.

PyYAML's ``compose()`` gives every node its start mark; we keep that mark
beside each value so that checks on meaning (a bad phone number, an overlap)
can point at the line. Scalars stay raw text: the schema converts them by
their declared type, which sidesteps YAML 1.1 surprises such as ``14:00``
read as the sexagesimal integer 840 or ``NO`` read as false.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Union

import yaml
from yaml.composer import Composer
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from .errors import Problem
from .model import Location

# Tags a data file may carry: the plain YAML types. Anything else (``!!python/…``,
# custom ``!tags``) is refused rather than constructed.
_SAFE_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}


try:
    from yaml.cyaml import CParser
except ImportError:  # PyYAML built without libyaml
    CParser = None

if CParser is not None:
    class _Loader(CParser, BaseResolver):
        """libyaml's parser (several times faster than PyYAML's, same marks) and no implicit tag
        resolution: every plain scalar stays text for the schema to read by its declared type."""

        def __init__(self, stream):
            CParser.__init__(self, stream)
            BaseResolver.__init__(self)

        # libyaml's composer calls these for every node. With no implicit and no path
        # resolvers their answer is fixed: skip BaseResolver's general lookups.
        _TAGS = {yaml.ScalarNode: BaseResolver.DEFAULT_SCALAR_TAG,
                 yaml.SequenceNode: BaseResolver.DEFAULT_SEQUENCE_TAG,
                 yaml.MappingNode: BaseResolver.DEFAULT_MAPPING_TAG}

        def resolve(self, kind, value, implicit):
            return self._TAGS[kind]

        def descend_resolver(self, current_node, current_index):
            pass

        def ascend_resolver(self):
            pass
else:  # the same pieces in Python
    class _Loader(Reader, Scanner, Parser, Composer, BaseResolver):  # type: ignore[no-redef]
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)
            BaseResolver.__init__(self)


_LOADER = _Loader
_NULLS = ("", "~", "null", "Null", "NULL")


@dataclass
class Node:
    """A YAML value with its location: ``dict[str, Node]``, ``list[Node]``, ``str`` or ``None``."""

    value: Union[dict[str, "Node"], list["Node"], str, None]
    loc: Location
    quoted: bool = False  # a scalar written in quotes
    key_loc: Location | None = None  # for a mapping's value: where its key is

    @property
    def is_map(self) -> bool:
        return isinstance(self.value, dict)

    @property
    def is_seq(self) -> bool:
        return isinstance(self.value, list)

    @property
    def is_scalar(self) -> bool:
        return isinstance(self.value, str)

    def describe(self) -> str:
        """How a wrong value reads in "expected X, got Y"."""
        if self.value is None:
            return "nothing"
        if self.is_map:
            return "a mapping"
        if self.is_seq:
            return "a list"
        text = self.value if len(self.value) <= 30 else self.value[:29] + "…"
        return f"'{text}'"


def location(path: str, mark: yaml.Mark | None) -> Location:
    if mark is None:
        return Location(path)
    return Location(path, mark.line + 1, mark.column + 1)


def parse(text: str, path: str) -> tuple[Node | None, list[Problem]]:
    """Parse one YAML document; an empty document gives a ``None`` value."""
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or "invalid YAML"
        if exc.context and exc.problem:
            message = f"{exc.context}, {exc.problem}"
        return None, [Problem.at(location(path, mark), f"YAML syntax error: {message}")]
    except yaml.YAMLError as exc:  # e.g. a second document in one file
        return None, [Problem(path, 0, 0, f"YAML error: {exc}")]
    if root is None:
        return Node(None, Location(path, 1, 1)), []
    problems: list[Problem] = []
    return _convert(root, path, problems), problems


def read(path: Path, root: Path) -> tuple[Node | None, list[Problem]]:
    """Read and parse a project file; ``path`` in messages is relative to ``root``."""
    shown = display_path(path, root)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None, [Problem(shown, 0, 0, "file not found")]
    except UnicodeDecodeError as exc:
        return None, [Problem(shown, 0, 0, f"not UTF-8 text (byte {exc.start})")]
    except OSError as exc:
        return None, [Problem(shown, 0, 0, f"cannot read: {exc.strerror}")]
    return parse(text, shown)


def display_path(path: Path, root: Path) -> str:
    """``path`` relative to the project, as messages show it."""
    resolved = _resolved(str(root))
    full = os.path.abspath(path)
    if not full.startswith(resolved + os.sep):
        full = os.path.realpath(full)
    if full.startswith(resolved + os.sep):
        return full[len(resolved) + 1:].replace(os.sep, "/")
    return path.as_posix()


@lru_cache(maxsize=16)
def _resolved(root: str) -> str:
    return os.path.realpath(root)


def _convert(node: yaml.Node, path: str, problems: list[Problem]) -> Node:
    loc = location(path, node.start_mark)
    if node.tag not in _SAFE_TAGS:
        # Reported, then read as plain data: one problem, not a cascade of "missing field".
        problems.append(Problem.at(loc, f"YAML tag '{node.tag}' is not allowed in data files"))
    if isinstance(node, yaml.MappingNode):
        return Node(_convert_map(node, path, problems), loc)
    if isinstance(node, yaml.SequenceNode):
        return Node([_convert(item, path, problems) for item in node.value], loc)
    quoted = node.style in ("'", '"', "|", ">")
    if not quoted and node.value in _NULLS:
        return Node(None, loc)
    return Node(str(node.value), loc, quoted)


def _convert_map(node: yaml.MappingNode, path: str, problems: list[Problem]) -> dict[str, Node]:
    result: dict[str, Node] = {}
    first_seen: dict[str, Location] = {}
    for key_node, value_node in node.value:
        key_loc = location(path, key_node.start_mark)
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(Problem.at(key_loc, "a key must be plain text, not a list or mapping"))
            continue
        key = str(key_node.value)
        if key == "<<":
            problems.append(Problem.at(key_loc, "merge keys ('<<') are not supported; write the fields out"))
            continue
        if key in first_seen:
            problems.append(Problem.at(
                key_loc, f"duplicate key '{key}' (first at line {first_seen[key].line})"))
            continue
        first_seen[key] = key_loc
        result[key] = _convert(value_node, path, problems)
        result[key].key_loc = key_loc
    return result
