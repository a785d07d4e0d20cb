"""YAML with positions kept.

PyYAML's ``compose()`` gives every node its start mark; we keep that mark
beside each value so that checks on meaning (a bad phone number, an overlap)
can point at the line. Scalars stay raw text: the schema converts them by
their declared type, which sidesteps YAML 1.1 surprises such as ``14:00``
read as the sexagesimal integer 840 or ``NO`` read as false.
"""
from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Union

import yaml
from yaml.composer import Composer
from yaml.parser import Parser
from yaml.reader import Reader, ReaderError
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from . import limits, textcheck
from .errors import Problem
from .paths import display_path, refusal
from .model import Location

# Tags a data file may carry: the plain YAML types. Anything else (``!!python/…``,
# custom ``!tags``) is refused rather than constructed.
_SAFE_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}


try:
    # The stubs do not re-export CParser from yaml.cyaml (it comes from yaml._yaml, libyaml's binding).
    from yaml.cyaml import CParser  # type: ignore[attr-defined]  # present at run time, see above
    _LIBYAML = True
except ImportError:  # PyYAML built without libyaml
    _LIBYAML = False

if _LIBYAML:
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
    class _Loader(Reader, Scanner, Parser, Composer, BaseResolver):  # type: ignore[no-redef]  # one name, two branches
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)
            BaseResolver.__init__(self)


_LOADER = _Loader
_NULLS = ("", "~", "null", "Null", "NULL")


class Node:
    """A YAML value with its location: ``dict[str, Node]``, ``list[Node]``, ``str`` or ``None``.

    The location is kept as numbers and made a ``Location`` only when asked for: an archive
    has hundreds of thousands of values, and only the few that are reported need one.
    """

    __slots__ = ("value", "path", "line", "column", "quoted", "key_line", "key_column", "refused")

    def __init__(self, value: Union[dict[str, "Node"], list["Node"], str, None], path: str, line: int,
                 column: int, quoted: bool = False):
        self.value, self.path, self.line, self.column = value, path, line, column
        self.quoted = quoted  # a scalar written in quotes
        self.key_line = self.key_column = 0  # for a mapping's value: where its key is (0: none)
        # A value refused (an unsafe tag) and reported already: present, but read as nothing, so
        # the checks of its record neither call it missing nor describe what it holds.
        self.refused = False

    @property
    def loc(self) -> Location:
        return Location(self.path, self.line, self.column)

    @property
    def key_loc(self) -> Location | None:
        return Location(self.path, self.key_line, self.key_column) if self.key_line else None

    def __repr__(self) -> str:
        return f"Node({self.value!r}, {self.path}:{self.line}:{self.column})"

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
        assert isinstance(self.value, str)  # the one kind left: text
        text = self.value if len(self.value) <= 30 else self.value[:29] + "…"
        return f"'{text}'"


def location(path: str, mark: yaml.Mark | None, first_line: int = 1) -> Location:
    if mark is None:
        return Location(path)
    return Location(path, mark.line + first_line, mark.column + 1)


def parse(text: str, path: str, first_line: int = 1) -> tuple[Node | None, list[Problem]]:
    """Parse one YAML document; an empty document gives a ``None`` value.

    ``first_line``: the line of the file the text starts on (front matter starts on line 2).
    """
    try:
        # The stubs accept only PyYAML's own loader classes; ours is built from the same parts.
        root = yaml.compose(text, Loader=_LOADER)  # type: ignore[arg-type]  # see above
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or "invalid YAML"
        if exc.context and exc.problem:
            message = f"{exc.context}, {exc.problem}"
        tab = _indenting_tab(text, mark.line) if mark is not None else None
        if tab is not None:
            # PyYAML says "found character that cannot start any token", or, after spaces, that
            # a mapping is out of place: the fault is the tab, so the message is about it
            return None, [Problem(path, tab[0] + first_line, tab[1] + 1,
                                  "YAML syntax error: a tab is not allowed for indentation (use spaces)")]
        unclosed = _unclosed_bracket(exc, path, first_line)
        if unclosed is not None:
            return None, [unclosed]
        return None, [Problem.at(location(path, mark, first_line), f"YAML syntax error: {message}")]
    except ReaderError as exc:  # a character YAML does not allow
        line, column = _line_column(text, exc.position)
        return None, [Problem(path, line + first_line - 1, column, _unacceptable(exc.character))]
    except yaml.YAMLError as exc:  # e.g. a second document in one file
        return None, [Problem(path, 0, 0, f"YAML error: {exc}")]
    except (RecursionError, MemoryError) as exc:  # the limits below should come first; never a traceback
        return None, [Problem(path, first_line, 1,
                              f"YAML too large or too deeply nested to read ({type(exc).__name__})")]
    if root is None:
        return Node(None, path, first_line, 1), []
    problems: list[Problem] = []
    # Without a '*' the text has no alias: its nodes form a tree, and counting them is enough.
    # The walk over the graph costs about as much as composing the file (a third of a cold
    # build's loading at 1,000 notices), so it is kept for texts that may have aliases.
    if "*" in text or _tree_size(root) > limits.YAML_MAX_VALUES:
        too_large = _expansion_problem(root, path, first_line)
        if too_large:
            return None, [too_large]
    try:
        node = _Converter(text, path, first_line, problems).node(root, 0)
        return (None if node.refused else node), problems
    except (RecursionError, MemoryError) as exc:
        return None, [Problem(path, first_line, 1,
                              f"YAML too large or too deeply nested to read ({type(exc).__name__})")]


def _expansion_problem(root: yaml.Node, path: str, first_line: int) -> Problem | None:
    """Aliases make a tree of a graph: a few lines may stand for millions of values (an alias
    bomb). Counts what the converter would visit, on the graph itself (each node once), and
    names the smallest value that goes over the limit, so the message points at the culprit."""
    sizes: dict[int, int] = {}  # per node, once finished: the values it stands for, capped
    aliases = 0
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:  # depth first, without recursion: a node is summed once its children are
        node, children_done = stack.pop()
        if children_done:
            total = 1 + sum(sizes[id(child)] for child in _children(node))
            sizes[id(node)] = min(total, limits.YAML_MAX_VALUES + 1)
            continue
        if id(node) in sizes:  # met again: an alias (or a node still open above: a cycle, which
            aliases += 1       # libyaml's composer cannot make)
            continue
        sizes[id(node)] = 0
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node))
    if aliases > limits.YAML_MAX_ALIASES:
        return Problem(path, first_line, 1, f"{aliases} aliases ('*name'), more than the limit of "
                                            f"{limits.YAML_MAX_ALIASES}: write the values out")
    if sizes[id(root)] <= limits.YAML_MAX_VALUES:
        return None
    culprit = root
    while True:  # down to the smallest value still over the limit
        bigger = [c for c in _children(culprit) if sizes[id(c)] > limits.YAML_MAX_VALUES]
        if not bigger:
            break
        culprit = bigger[0]
    return Problem.at(location(path, culprit.start_mark, first_line), (
        f"this value stands for more than {limits.YAML_MAX_VALUES:,} values once its aliases ('*name') "
        "are expanded (the limit): an alias bomb? write the values out"))


def _tree_size(root: yaml.Node) -> int:
    """The number of nodes under ``root``, itself included, for a document without aliases."""
    count, stack = 0, [root]
    while stack:
        node = stack.pop()
        count += 1
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for pair in node.value:
                stack.extend(pair)
    return count


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def read(path: Path, root: Path) -> tuple[Node | None, list[Problem]]:
    """Read and parse a project file; ``path`` in messages is relative to ``root``."""
    shown = display_path(path, root)
    refused = refusal(path, root)  # a link out of the project is not read
    if refused is not None:
        return None, [refused]
    text, problems = read_text(path, shown)
    if text is None:
        return None, problems
    return parse(text, shown)


def read_text(path: Path, shown: str) -> tuple[str | None, list[Problem]]:
    """A project file's text (UTF-8, a BOM dropped), or None with the problem located in it."""
    try:
        too_large = limits.file_too_large(path.stat().st_size)  # before reading it whole
        if too_large:
            return None, [Problem(shown, 0, 0, too_large)]
        data = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem(shown, 0, 0, "file not found")]
    except OSError as exc:
        return None, [Problem(shown, 0, 0, f"cannot read: {exc.strerror}")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        return None, [decoding_problem(data, exc.start, shown)]


def decoding_problem(data: bytes, start: int, shown: str) -> Problem:
    """"Not UTF-8" at the line and column (in characters) of the first bad byte, with the
    encoding the file looks saved in when that is easy to tell: a UTF-16 BOM, or GBK."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return Problem(shown, 1, 1, "not UTF-8 text: saved as UTF-16; save it as UTF-8")
    line_start = data.rfind(b"\n", 0, start) + 1
    line = data.count(b"\n", 0, start) + 1
    column = len(data[line_start:start].decode("utf-8", "replace").lstrip("\ufeff")) + 1
    message = f"not UTF-8 text (byte 0x{data[start]:02X})"
    if data.count(b"\0") > len(data) // 4:  # every other byte zero: UTF-16 without its BOM
        message += ": saved as UTF-16; save it as UTF-8"
    elif _decodes(data, "gb18030"):
        message += ": it looks like GBK (GB 18030); save it as UTF-8"
    return Problem(shown, line, column, message)


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


_FLOW = {"while parsing a flow mapping": ("{", "}"), "while parsing a flow sequence": ("[", "]")}


def _unclosed_bracket(exc: yaml.MarkedYAMLError, path: str, first_line: int) -> Problem | None:
    """A '{' or '[' left open: PyYAML notices it where the next value starts, a line late, and
    says "did not find expected ',' or '}'". The fault is at the bracket (the context mark)."""
    brackets = _FLOW.get(exc.context or "")
    if brackets is None or exc.context_mark is None or "did not find expected" not in (exc.problem or ""):
        return None
    opening, closing = brackets
    return Problem.at(location(path, exc.context_mark, first_line), (
        f"YAML syntax error: this '{opening}' is not closed: a '{closing}' is missing at the end of its value "
        "(or a ',' between two of its items)"))


def _indenting_tab(text: str, last_line: int) -> tuple[int, int] | None:
    """The first tab (0-based line, column) in the indentation of a line up to ``last_line``."""
    for number, line in enumerate(text.splitlines()[:last_line + 1]):
        indent = line[:len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            return number, indent.index("\t")
    return None


def _line_column(text: str, position: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a ReaderError's position: libyaml counts it
    in bytes of the UTF-8 text, PyYAML's own reader in characters."""
    if _LIBYAML:
        position = len(text.encode("utf-8")[:position].decode("utf-8", "replace"))
    line_start = text.rfind("\n", 0, position) + 1
    return text.count("\n", 0, position) + 1, position - line_start + 1


def _unacceptable(character: str | int) -> str:
    """``character``: a ReaderError's, the character (PyYAML's reader) or its code (libyaml's)."""
    code = ord(character) if isinstance(character, str) else int(character)
    if code == 0:
        return "a NUL character (U+0000) is not allowed in YAML; remove it"
    return f"the control character U+{code:04X} is not allowed in YAML; remove it"


class _Converter:
    """PyYAML's nodes to ours, every value text or None, positions 1-based from ``first_line``."""

    def __init__(self, text: str, path: str, first_line: int, problems: list[Problem]):
        self.text, self.path, self.first_line, self.problems = text, path, first_line, problems
        self.line_starts: list[int] | None = None  # made when a refused character is to be located
        # A value's characters are the text's, or escapes of a double-quoted scalar (a '\\'):
        # a text with neither a refused character nor a backslash needs no check per value.
        self.clean = "\\" not in text and textcheck.VALUE_CHARACTERS.search(text) is None

    def node(self, node: yaml.Node, depth: int) -> Node:
        mark = node.start_mark
        line, column = mark.line + self.first_line, mark.column + 1
        if node.tag not in _SAFE_TAGS:
            # Reported once, then kept as a refused value: not read, so no cascade of "missing
            # field" or "expected a mapping" about what the tag held (fields.record, fields.items).
            self._report(line, column, f"YAML tag '{node.tag}' is not allowed in data files")
            refused = Node(None, self.path, line, column)
            refused.refused = True
            return refused
        if depth >= limits.YAML_MAX_DEPTH and not isinstance(node, yaml.ScalarNode):
            # Checked before the recursion goes deeper: Python's limit is at about 500 levels.
            self._report(line, column, f"lists and mappings nested more than {limits.YAML_MAX_DEPTH} "
                                       "levels deep (the limit)")
            return Node(None, self.path, line, column)
        if isinstance(node, yaml.MappingNode):
            return Node(self.mapping(node, depth), self.path, line, column)
        if isinstance(node, yaml.SequenceNode):
            return Node([self.node(item, depth + 1) for item in node.value], self.path, line, column)
        assert isinstance(node, yaml.ScalarNode)  # not a mapping, not a list: a scalar
        self.check_characters(node)
        quoted = node.style in ("'", '"', "|", ">")
        if not quoted and node.value in _NULLS:
            return Node(None, self.path, line, column)
        return Node(str(node.value), self.path, line, column, quoted)

    def mapping(self, node: yaml.MappingNode, depth: int) -> dict[str, Node]:
        result: dict[str, Node] = {}
        first_seen: dict[str, int] = {}  # key -> its line
        for key_node, value_node in node.value:
            mark = key_node.start_mark
            line, column = mark.line + self.first_line, mark.column + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self._report(line, column, "a key must be plain text, not a list or mapping")
                continue
            key = str(key_node.value)
            self.check_characters(key_node)
            if key == "<<":
                self._report(line, column, "merge keys ('<<') are not supported; write the fields out")
                continue
            if key in first_seen:
                self._report(line, column, f"duplicate key '{key}' (first at line {first_seen[key]})")
                continue
            first_seen[key] = line
            value = result[key] = self.node(value_node, depth + 1)
            value.key_line, value.key_column = line, column
        return result

    def check_characters(self, node: yaml.ScalarNode) -> None:
        """Control characters, bidirectional controls, noncharacters: refused where they are
        written (raw, or as an escape such as \\e or \\x1b in a double-quoted scalar)."""
        if self.clean:
            return
        found = textcheck.VALUE_CHARACTERS.search(node.value)
        if found:
            line, column = self._position(node, found[0])
            self._report(line, column, textcheck.message(found[0]))

    def _position(self, node: yaml.ScalarNode, char: str) -> tuple[int, int]:
        if self.line_starts is None:
            self.line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        start, end = (self._offset(node.start_mark), self._offset(node.end_mark))
        source = self.text[start:end]
        hits = [i for i in (source.find(form) for form in textcheck.spellings(char)) if i >= 0]
        at = start + min(hits) if hits else start
        line = max(0, bisect.bisect_right(self.line_starts, at) - 1)
        return line + self.first_line, at - self.line_starts[line] + 1

    def _offset(self, mark: yaml.Mark) -> int:
        assert self.line_starts is not None
        if mark.line >= len(self.line_starts):
            return len(self.text)
        return self.line_starts[mark.line] + mark.column

    def _report(self, line: int, column: int, message: str) -> None:
        self.problems.append(Problem.at(Location(self.path, line, column), message))
