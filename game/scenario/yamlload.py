"""Load a YAML file into plain data plus a data-path -> source-position index.

Scenario validation wants to say *where* a problem is (``PATH:LINE:COL: msg``)
and to report *every* problem in one go, so this loader never raises for bad
input: syntax errors, duplicate keys, unsafe tags, hostile alias bombs, bad
encodings and unreadable files all become :class:`Problem` entries.

Design notes (why it is built this way):

* Events come from ``yaml.CSafeLoader`` (libyaml), but the node graph is composed
  here, iteratively, instead of with ``loader.get_single_node()``: PyYAML's
  C composer recurses on the C stack and segfaults on ~100k nested ``[``,
  which no ``except`` can catch. Composing ourselves also lets us enforce the
  depth/alias/node limits *while* libyaml is still reading, so a hostile file
  is abandoned early, and lets us remember where each ``*alias`` was written.
* Scalars are still constructed by PyYAML's SafeConstructor
  (``loader.construct_object``), so ints/floats/bools/null follow YAML 1.1
  safe loading exactly (``yes`` -> True, ``1:30`` -> 90, ``017`` -> 15).
  Timestamps stay as their source text so data remains JSON-serialisable.
* Syntax errors are recovered from by blanking the offending line (keeping its
  newline so line numbers do not move) and parsing again, up to 20 rounds.
"""

from __future__ import annotations

import bisect
import gc
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "LoadedYaml",
    "Loc",
    "Problem",
    "load_yaml",
    "load_yaml_text",
]

#: Loader used for parsing; module-level so tests can force the pure-Python one.
_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Loc = tuple[str | int, ...]
"""Data path: mapping keys and sequence indices. Non-string mapping keys
(``1:``, ``true:``, ``~:``) appear as their Python value, exactly as in ``data``."""


@dataclass(frozen=True)
class Problem:
    """One reportable problem, printed in the editor-friendly ``PATH:LINE:COL: msg`` form."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


@dataclass(frozen=True)
class Limits:
    """Resource limits that keep hostile input from hanging or exhausting memory."""

    max_bytes: int = 4_000_000
    max_nodes: int = 500_000  # nodes composed, and nodes visited counting alias expansion
    max_aliases: int = 1_000  # ``*alias`` occurrences in the text
    max_depth: int = 64  # nested collections, also after alias expansion


DEFAULT_LIMITS = Limits()


@dataclass
class LoadedYaml:
    """Parsed data plus where every piece of it came from."""

    path: str
    data: Any
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    sha256: str = ""

    def pos(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """Position of ``loc``; falls back to the nearest known ancestor so that
        e.g. a *missing* key can still be reported at its parent mapping."""
        loc = tuple(loc)
        if key and loc in self.key_positions:
            return self.key_positions[loc]
        for end in range(len(loc), -1, -1):
            found = self.positions.get(loc[:end])
            if found is not None:
                return found
        return (1, 1)

    def problem(self, loc: Loc, message: str, *, key: bool = False) -> Problem:
        """Build (but do not record) a Problem located at ``loc``."""
        line, col = self.pos(loc, key=key)
        return Problem(self.path, line, col, message)


# --------------------------------------------------------------------------- helpers

_YAML_TAG_PREFIX = "tag:yaml.org,2002:"
_STR_TAG = _YAML_TAG_PREFIX + "str"
_NULL_TAG = _YAML_TAG_PREFIX + "null"
_SEQ_TAG = _YAML_TAG_PREFIX + "seq"
_MAP_TAG = _YAML_TAG_PREFIX + "map"
_MERGE_TAG = _YAML_TAG_PREFIX + "merge"
_TIMESTAMP_TAG = _YAML_TAG_PREFIX + "timestamp"
_SCALAR_TAGS = frozenset(_YAML_TAG_PREFIX + t for t in ("str", "int", "float", "bool", "null"))
# Resolver tags for plain ``<<`` / ``=`` outside key position: PyYAML has no
# constructor for them; treating them as the string they look like is friendlier.
_AS_TEXT_TAGS = frozenset({_MERGE_TAG, _YAML_TAG_PREFIX + "value"})

# Line breaks as both libyaml and PyYAML count them for marks.
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# Characters YAML forbids in a stream (libyaml: "control characters are not allowed").
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MAX_ROUNDS = 20
_MAX_CHAR_PROBLEMS = 20
# Contexts naming a construct opened earlier whose *start* is the real culprit
# (unclosed bracket/quote, key without colon): report and blank there.
_CONTEXT_FIRST = (
    "while parsing a flow",
    "while scanning a quoted",
    "while scanning a simple key",
)


def _tag_name(tag: str | None) -> str:
    if tag and tag.startswith(_YAML_TAG_PREFIX):
        return "!!" + tag[len(_YAML_TAG_PREFIX) :]
    return str(tag)


def _short(value: object, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _kind(node: Node) -> str:
    return "mapping" if isinstance(node, MappingNode) else "sequence"


class _Abort(Exception):
    """A resource limit was hit: stop everything and report one problem."""

    def __init__(self, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.line, self.col, self.message = line, col, message


def _mark_pos(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


class _Lines:
    """Text split at YAML line breaks, so lines can be blanked without renumbering."""

    def __init__(self, text: str) -> None:
        self.content: list[str] = []
        self.breaks: list[str] = []
        self.starts: list[int] = [0]
        last = 0
        for m in _LINE_BREAK.finditer(text):
            self.content.append(text[last : m.start()])
            self.breaks.append(m.group())
            last = m.end()
            self.starts.append(last)
        self.content.append(text[last:])
        self.breaks.append("")

    def text(self) -> str:
        return "".join(c + b for c, b in zip(self.content, self.breaks, strict=True))

    def pos_of_index(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, index) - 1
        return (line + 1, index - self.starts[line] + 1)

    def char_at(self, line0: int, col0: int) -> str:
        if 0 <= line0 < len(self.content) and 0 <= col0 < len(self.content[line0]):
            return self.content[line0][col0]
        return ""

    def blankable(self, line0: int) -> bool:
        return 0 <= line0 < len(self.content) and self.content[line0] != ""

    def blank(self, line0: int) -> None:
        self.content[line0] = ""


# --------------------------------------------------------------------------- composing


class _Frame:
    __slots__ = ("key", "key_alias", "node")

    def __init__(self, node: Node) -> None:
        self.node = node
        self.key: Node | None = None
        self.key_alias: Any = None


class _Document:
    """Result of one successful parse round: node graph + composer-level problems."""

    def __init__(self) -> None:
        self.root: Node | None = None
        # (id(parent), index, 0 = key / 1 = value or item) -> mark of the ``*alias``
        self.alias_marks: dict[tuple[int, int, int], Any] = {}
        self.problems: list[tuple[int, int, str]] = []
        # ids of null nodes standing in for a bad alias (already reported)
        self.placeholders: set[int] = set()


def _compose(loader: Any, limits: Limits) -> _Document:
    """Build the node graph from parser events without recursion, enforcing limits."""
    doc = _Document()
    get_event = loader.get_event
    get_event()  # StreamStartEvent
    if loader.check_event(StreamEndEvent):
        return doc  # empty stream / only comments
    get_event()  # DocumentStartEvent
    resolve = loader.resolve
    anchors: dict[str, Node] = {}
    open_ids: set[int] = set()
    stack: list[_Frame] = []
    nodes = aliases = 0
    alias_marks = doc.alias_marks

    def attach(node: Node, alias_mark: Any) -> None:
        if not stack:
            doc.root = node
            return
        frame = stack[-1]
        parent = frame.node
        if isinstance(parent, SequenceNode):
            parent.value.append(node)
            if alias_mark is not None:
                alias_marks[(id(parent), len(parent.value) - 1, 1)] = alias_mark
        elif frame.key is None:
            frame.key, frame.key_alias = node, alias_mark
        else:
            parent.value.append((frame.key, node))
            index = len(parent.value) - 1
            if frame.key_alias is not None:
                alias_marks[(id(parent), index, 0)] = frame.key_alias
            if alias_mark is not None:
                alias_marks[(id(parent), index, 1)] = alias_mark
            frame.key = frame.key_alias = None

    def register(anchor: str | None, node: Node) -> None:
        if anchor is None:
            return
        previous = anchors.get(anchor)
        if previous is not None:
            line, col = _mark_pos(node.start_mark)
            doc.problems.append(
                (
                    line,
                    col,
                    f"duplicate anchor '&{anchor}' (first defined at line {previous.start_mark.line + 1})",
                )
            )
        anchors[anchor] = node  # YAML says the latest definition wins

    while True:
        event = get_event()
        kind = type(event)
        alias_mark = None
        if kind is ScalarEvent:
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(ScalarNode, event.value, event.implicit)
            node: Node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
            nodes += 1
            register(event.anchor, node)
        elif kind is AliasEvent:
            aliases += 1
            line, col = _mark_pos(event.start_mark)
            if aliases > limits.max_aliases:
                raise _Abort(line, col, f"too many aliases (more than {limits.max_aliases})")
            target = anchors.get(event.anchor)
            if target is None or id(target) in open_ids:
                why = "undefined alias" if target is None else "recursive alias"
                doc.problems.append((line, col, f"{why} '*{event.anchor}'"))
                target = ScalarNode(_NULL_TAG, "", event.start_mark, event.end_mark)
                doc.placeholders.add(id(target))
            node = target
            alias_mark = event.start_mark
        elif kind is SequenceStartEvent or kind is MappingStartEvent:
            if len(stack) >= limits.max_depth:
                line, col = _mark_pos(event.start_mark)
                raise _Abort(line, col, f"nesting deeper than {limits.max_depth} levels")
            node_class = SequenceNode if kind is SequenceStartEvent else MappingNode
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(node_class, None, event.implicit)
            node = node_class(tag, [], event.start_mark, None, flow_style=event.flow_style)
            nodes += 1
            register(event.anchor, node)
        elif kind is SequenceEndEvent or kind is MappingEndEvent:
            frame = stack.pop()
            frame.node.end_mark = event.end_mark
            open_ids.discard(id(frame.node))
            if not stack:
                break
            continue
        else:  # pragma: no cover - libyaml guarantees well-formed event streams
            raise RuntimeError(f"unexpected YAML event {kind.__name__}")
        if nodes > limits.max_nodes:
            line, col = _mark_pos(event.start_mark)
            raise _Abort(line, col, f"document too large (more than {limits.max_nodes} nodes)")
        attach(node, alias_mark)
        if kind is SequenceStartEvent or kind is MappingStartEvent:
            stack.append(_Frame(node))
            open_ids.add(id(node))
        elif not stack:
            break

    get_event()  # DocumentEndEvent
    if not loader.check_event(StreamEndEvent):
        line, col = _mark_pos(loader.peek_event().start_mark)
        doc.problems.append((line, col, "only one YAML document per file"))
    return doc


# --------------------------------------------------------------------------- walking


class _Walker:
    """Turn the node graph into plain data, recording positions and problems."""

    def __init__(self, loader: Any, doc: _Document, limits: Limits) -> None:
        self.loader = loader
        self.alias_marks = doc.alias_marks
        self.placeholders = doc.placeholders
        self.limits = limits
        self.positions: dict[Loc, tuple[int, int]] = {}
        self.key_positions: dict[Loc, tuple[int, int]] = {}
        self.problems: list[tuple[int, int, str]] = []
        self._flat: dict[int, list[tuple[Any, Any, Node, Any]]] = {}
        self._flattening: set[int] = set()
        self._sizes: dict[int, int] = {}
        self._active: set[int] = set()
        self._visits = 0
        self._work = 0

    # -- problems / limits
    def _report(self, mark: Any, message: str) -> None:
        line, col = _mark_pos(mark)
        self.problems.append((line, col, message))

    def _too_deep(self, mark: Any) -> _Abort:
        line, col = _mark_pos(mark)
        return _Abort(line, col, f"nesting deeper than {self.limits.max_depth} levels")

    def _too_large(self, mark: Any) -> _Abort:
        line, col = _mark_pos(mark)
        return _Abort(line, col, "document too large after alias expansion (billion laughs?)")

    def _supported(self, node: Node, mark: Any) -> bool:
        if isinstance(node, ScalarNode):
            ok = node.tag in _SCALAR_TAGS or node.tag in _AS_TEXT_TAGS or node.tag == _TIMESTAMP_TAG
        elif isinstance(node, SequenceNode):
            ok = node.tag == _SEQ_TAG
        else:
            ok = node.tag == _MAP_TAG
        if not ok:
            self._report(mark, f"unsupported tag '{_tag_name(node.tag)}'")
        return ok

    # -- scalars
    def _scalar(self, node: ScalarNode, mark: Any) -> tuple[bool, Any]:
        if not self._supported(node, mark):
            return False, None
        tag = node.tag
        if tag == _STR_TAG or tag in _AS_TEXT_TAGS:
            return True, node.value  # what SafeConstructor would return, minus the overhead
        try:
            # The SafeConstructor's own function for the tag (construct_object
            # minus its per-node bookkeeping, which costs ~1 s per 300k scalars).
            value = self.loader.yaml_constructors[tag](self.loader, node)
        except Exception as exc:  # noqa: BLE001 - bad !!int/!!bool text, int digit limit...
            detail = str(exc).splitlines()[0] if str(exc) else "invalid value"
            self._report(
                mark,
                f"invalid {_tag_name(node.tag)} value {_short(node.value)}: {detail[:120]}",
            )
            return False, None
        if node.tag == _TIMESTAMP_TAG:
            return True, node.value  # keep the ISO text: JSON-serialisable
        return True, value

    # -- mappings (merge keys, duplicates)
    def _entries(self, node: MappingNode, merge_depth: int) -> list[tuple[Any, Any, Node, Any]]:
        """Effective (key, key_mark, value_node, value_mark) entries of a mapping:
        explicit keys first (first definition wins), then ``<<`` merges in order.
        Memoised per node, so merge chains cost linear time."""
        cached = self._flat.get(id(node))
        if cached is not None:
            return cached
        if merge_depth > self.limits.max_depth:
            line, col = _mark_pos(node.start_mark)
            raise _Abort(
                line,
                col,
                f"merge keys nested deeper than {self.limits.max_depth} levels",
            )
        if id(node) in self._flattening:
            self._report(node.start_mark, "recursive alias in merge key '<<'")
            return []
        self._flattening.add(id(node))
        try:
            entries: list[tuple[Any, Any, Node, Any]] = []
            first_line: dict[Any, int] = {}
            merges: list[tuple[Node, Any, Any]] = []  # (value node, value mark, key mark)
            marks = self.alias_marks
            for index, (key_node, value_node) in enumerate(node.value):
                self._work += 1
                if self._work > self.limits.max_nodes:
                    raise self._too_large(key_node.start_mark)
                kmark = marks.get((id(node), index, 0), key_node.start_mark)
                vmark = marks.get((id(node), index, 1), value_node.start_mark)
                if not isinstance(key_node, ScalarNode):
                    self._report(kmark, f"mapping keys must be scalars, not a {_kind(key_node)}")
                    continue
                if key_node.tag == _MERGE_TAG:
                    if merges:
                        first = merges[0][2].line + 1
                        self._report(kmark, f"duplicate key '<<' (first defined at line {first})")
                        continue
                    merges.append((value_node, vmark, kmark))
                    continue
                ok, key = self._scalar(key_node, kmark)
                if not ok:
                    continue
                if key in first_line:
                    self._report(
                        kmark,
                        f"duplicate key {_short(key)} (first defined at line {first_line[key]})",
                    )
                    continue
                first_line[key] = kmark.line + 1
                entries.append((key, kmark, value_node, vmark))
            if merges:
                seen = {entry[0] for entry in entries}
                for source, smark in self._merge_sources(merges):
                    for entry in self._entries(source, merge_depth + 1):
                        self._work += 1
                        if self._work > self.limits.max_nodes:
                            raise self._too_large(smark)
                        if entry[0] not in seen:
                            seen.add(entry[0])
                            entries.append(entry)
        finally:
            self._flattening.discard(id(node))
        self._flat[id(node)] = entries
        return entries

    def _merge_sources(self, merges: list[tuple[Node, Any, Any]]) -> list[tuple[MappingNode, Any]]:
        sources: list[tuple[MappingNode, Any]] = []
        expected = "merge key '<<' expects a mapping or a list of mappings"
        for value_node, vmark, _kmark in merges:
            if id(value_node) in self.placeholders:
                continue  # bad alias, already reported
            if isinstance(value_node, MappingNode):
                if self._supported(value_node, vmark):
                    sources.append((value_node, vmark))
            elif isinstance(value_node, SequenceNode) and value_node.tag == _SEQ_TAG:
                for index, item in enumerate(value_node.value):
                    imark = self.alias_marks.get((id(value_node), index, 1), item.start_mark)
                    if isinstance(item, MappingNode):
                        if self._supported(item, imark):
                            sources.append((item, imark))
                    else:
                        # via ``<<: *list`` point at the alias, not into the list
                        aliased = vmark is not value_node.start_mark
                        self._report(vmark if aliased else imark, expected)
            else:
                self._report(vmark, expected)
        return sources

    # -- generic traversal
    def _children(self, node: Node) -> list[tuple[Any, Node, Any]]:
        if isinstance(node, SequenceNode):
            marks = self.alias_marks
            return [(index, child, marks.get((id(node), index, 1), child.start_mark)) for index, child in enumerate(node.value)]
        return [(key, vnode, vmark) for key, _kmark, vnode, vmark in self._entries(node, 0)]

    def _size(self, node: Node, mark: Any, depth: int) -> int:
        """Nodes the walk will visit below ``node`` (alias expansions included).
        Computed with memoisation so a billion-laughs bomb is caught in linear time."""
        if isinstance(node, ScalarNode):
            return 1
        cached = self._sizes.get(id(node))
        if cached is not None:
            return cached
        if depth >= self.limits.max_depth:
            raise self._too_deep(mark)
        if id(node) in self._active or not self._supported_quiet(node):
            return 1  # the walk reports recursion / bad tags itself
        self._active.add(id(node))
        try:
            total = 1
            for _key, child, cmark in self._children(node):
                total += self._size(child, cmark, depth + 1)
                if total > self.limits.max_nodes:
                    raise self._too_large(mark)
        finally:
            self._active.discard(id(node))
        self._sizes[id(node)] = total
        return total

    @staticmethod
    def _supported_quiet(node: Node) -> bool:
        return node.tag == (_SEQ_TAG if isinstance(node, SequenceNode) else _MAP_TAG)

    def walk(self, root: Node) -> Any:
        self._size(root, root.start_mark, 0)
        return self._walk(root, (), root.start_mark, 0)

    def _walk(self, node: Node, loc: Loc, mark: Any, depth: int) -> Any:
        self._visits += 1
        if self._visits > self.limits.max_nodes:
            raise self._too_large(mark)
        self.positions[loc] = _mark_pos(mark)
        if isinstance(node, ScalarNode):
            return self._scalar(node, mark)[1]
        if depth >= self.limits.max_depth:
            raise self._too_deep(mark)
        if id(node) in self._active:
            self._report(mark, "recursive alias")
            return None
        if not self._supported(node, mark):
            return None
        self._active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self._walk(child, (*loc, index), cmark, depth + 1) for index, child, cmark in self._children(node)]
            result: dict[Any, Any] = {}
            for key, kmark, vnode, vmark in self._entries(node, 0):
                child_loc = (*loc, key)
                self.key_positions[child_loc] = _mark_pos(kmark)
                result[key] = self._walk(vnode, child_loc, vmark, depth + 1)
            return result
        finally:
            self._active.discard(id(node))


# --------------------------------------------------------------------------- syntax recovery


_TAB_HINT = "YAML does not allow tabs for indentation: use spaces"
_INDENT_HINT = "check the indentation of this line and the one above"
# PyYAML problems that almost always mean a line is indented too much or too little
_INDENT_PROBLEMS = ("did not find expected '-' indicator", "did not find expected key", "expected <block end>")


def _with_hint(message: str, problem: str, tab: bool) -> str:
    """Add how to fix it to PyYAML's description of a layout error."""
    if tab or "tab character" in problem:
        return f"{message}; {_TAB_HINT}"
    if problem.startswith(_INDENT_PROBLEMS):
        return f"{message}; {_INDENT_HINT}"
    return message


def _syntax_problem(exc: Exception, lines: _Lines) -> tuple[int, int, str, list[int]]:
    """Position, message and candidate lines (0-based, in order) to blank for a parser error."""
    line, col, message, candidates = _syntax_problem_raw(exc, lines)
    if isinstance(exc, yaml.MarkedYAMLError) and (exc.problem_mark or exc.context_mark):
        pmark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or ""
        indent = (
            lines.content[pmark.line][: len(lines.content[pmark.line]) - len(lines.content[pmark.line].lstrip())]
            if 0 <= pmark.line < len(lines.content)
            else ""
        )
        tab = lines.char_at(pmark.line, pmark.column) == "\t" or "\t" in indent
        message = _with_hint(message, problem, tab)
    return line, col, message, candidates


def _syntax_problem_raw(exc: Exception, lines: _Lines) -> tuple[int, int, str, list[int]]:
    if isinstance(exc, yaml.MarkedYAMLError) and (exc.problem_mark or exc.context_mark):
        pmark = exc.problem_mark or exc.context_mark
        cmark = exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        context = exc.context if exc.problem else None
        if context and cmark is not None and (cmark.line, cmark.column) != (pmark.line, pmark.column):
            cl, cc = _mark_pos(cmark)
            pl, pc = _mark_pos(pmark)
            if context.startswith(_CONTEXT_FIRST) and cmark.line < pmark.line:
                return (
                    cl,
                    cc,
                    f"{context}: {problem} (detected at line {pl}, column {pc})",
                    [cmark.line, pmark.line],
                )
            return (
                pl,
                pc,
                f"{problem} ({context} starting at line {cl}, column {cc})",
                [pmark.line, cmark.line],
            )
        pl, pc = _mark_pos(pmark)
        if context:
            problem = f"{problem} ({context})" if "while scanning for the next token" not in context else problem
        return pl, pc, problem, [pmark.line]
    if isinstance(exc, yaml.reader.ReaderError):
        # libyaml reports a byte offset into the UTF-8 text, PyYAML a character index.
        current = _Lines(lines.text())  # blanked lines are shorter than the originals
        index = exc.position
        if _LOADER is not yaml.SafeLoader:
            index = len(current.text().encode("utf-8", "surrogatepass")[: exc.position].decode("utf-8", "replace"))
        line, col = current.pos_of_index(index)
        return line, col, f"invalid character ({exc.reason})", [line - 1]
    message = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
    return 1, 1, message[:200], [0]


def _replace_bad_chars(text: str, problems: list[tuple[int, int, str]]) -> str:
    """Report characters YAML forbids and neutralise them (same length, so
    positions stay valid) instead of letting the reader stop at the first one."""
    first = _NON_PRINTABLE.search(text)
    if first is None:
        return text
    lines = _Lines(text)
    count = 0
    for m in _NON_PRINTABLE.finditer(text, first.start()):
        count += 1
        if count <= _MAX_CHAR_PROBLEMS:
            line, col = lines.pos_of_index(m.start())
            problems.append((line, col, f"character U+{ord(m.group()):04X} is not allowed in YAML"))
        elif count == _MAX_CHAR_PROBLEMS + 1:
            line, col = lines.pos_of_index(m.start())
    if count > _MAX_CHAR_PROBLEMS:
        more = count - _MAX_CHAR_PROBLEMS
        problems.append((line, col, f"character U+... is not allowed in YAML ({more} more not listed individually)"))
    return _NON_PRINTABLE.sub("\ufffd", text)


def _parse(text: str, limits: Limits) -> tuple[Any, _Document]:
    loader = _LOADER(text)
    try:
        return loader, _compose(loader, limits)
    except BaseException:
        loader.dispose()
        raise


def _scan(text: str, limits: Limits) -> None:
    """Cheap syntax-only pass (no nodes built) used by the recovery rounds, so a
    file with many errors is not fully composed once per error. Raises the
    parser's error; stops quietly when nesting or size would hit a limit (the
    following compose reports those)."""
    loader = _LOADER(text)
    try:
        get_event = loader.get_event
        get_event()  # StreamStartEvent
        if loader.check_event(StreamEndEvent):
            return
        depth = 0
        budget = 2 * limits.max_nodes + 8
        opening = (SequenceStartEvent, MappingStartEvent)
        closing = (SequenceEndEvent, MappingEndEvent)
        while budget > 0:
            budget -= 1
            kind = type(get_event())
            if kind in opening:
                depth += 1
                if depth > limits.max_depth:
                    return
            elif kind in closing:
                depth -= 1
            elif kind is DocumentEndEvent:
                loader.check_event(StreamEndEvent)  # same look-ahead as _compose
                return
    finally:
        loader.dispose()


def _load(text: str, limits: Limits) -> tuple[Any, dict, dict, list[tuple[int, int, str]]]:
    problems: list[tuple[int, int, str]] = []
    # libyaml does not count a BOM in columns; neither do we.
    text = text.removeprefix("\ufeff")
    text = _replace_bad_chars(text, problems)
    lines = _Lines(text)
    seen: set[tuple[int, int, str]] = set()
    tried: set[int] = set()
    current = text
    for round_number in range(_MAX_ROUNDS):
        try:
            if round_number:
                _scan(current, limits)
            loader, doc = _parse(current, limits)
        except _Abort as abort:
            problems.append((abort.line, abort.col, abort.message))
            return None, {}, {}, problems
        except (yaml.YAMLError, UnicodeError) as exc:
            line, col, message, candidates = _syntax_problem(exc, lines)
            if (line, col, message) not in seen:
                seen.add((line, col, message))
                problems.append((line, col, message))
            target = next((c for c in candidates if c not in tried and lines.blankable(c)), None)
            if target is None:  # nothing left on the reported lines: try the nearest line above
                start = min(max(candidates[0], 0), len(lines.content) - 1)
                target = next(
                    (c for c in range(start, -1, -1) if c not in tried and lines.blankable(c)),
                    None,
                )
            if target is None:
                break
            tried.add(target)
            lines.blank(target)
            current = lines.text()
            continue
        try:
            problems.extend(doc.problems)
            if doc.root is None:
                return None, {}, {}, problems
            walker = _Walker(loader, doc, limits)
            try:
                data = walker.walk(doc.root)
            except _Abort as abort:
                problems.extend(walker.problems)
                problems.append((abort.line, abort.col, abort.message))
                return None, {}, {}, problems
            except RecursionError:
                problems.extend(walker.problems)
                problems.append((1, 1, "nesting too deep"))
                return None, {}, {}, problems
            problems.extend(walker.problems)
            return data, walker.positions, walker.key_positions, problems
        finally:
            loader.dispose()
    return None, {}, {}, problems


# --------------------------------------------------------------------------- public API


def _finish(
    path: str,
    data: Any,
    positions: dict,
    key_positions: dict,
    raw: list[tuple[int, int, str]],
    digest: str,
) -> LoadedYaml:
    unique: list[tuple[int, int, str]] = []
    seen: set[tuple[int, int, str]] = set()
    for item in raw:
        if item not in seen:
            seen.add(item)
            unique.append(item)
    unique.sort(key=lambda p: (p[0], p[1]))
    problems = [Problem(path, max(1, line), max(1, col), message) for line, col, message in unique]
    return LoadedYaml(path, data, positions, key_positions, problems, digest)


def _text_limited(text: str, path: str, limits: Limits, digest: str, extra: list[tuple[int, int, str]]) -> LoadedYaml:
    # The cyclic GC would rescan the growing node graph again and again (it
    # doubles load time on big files); nothing built here needs it meanwhile.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        data, positions, key_positions, raw = _load(text, limits)
    except Exception as exc:  # noqa: BLE001 - bad input must never escape as an exception
        detail = str(exc).splitlines()[0][:120] if str(exc) else "unexpected error"
        data, positions, key_positions = None, {}, {}
        raw = [(1, 1, f"could not read YAML: {detail}")]
    finally:
        if gc_was_enabled:
            gc.enable()
    return _finish(path, data, positions, key_positions, extra + raw, digest)


def load_yaml_text(text: str, path: str = "<string>", *, limits: Limits = DEFAULT_LIMITS) -> LoadedYaml:
    """Parse YAML text; ``sha256`` is the digest of its UTF-8 encoding."""
    if len(text) > limits.max_bytes:  # every character is at least one byte
        return _finish(
            path,
            None,
            {},
            {},
            [(1, 1, f"file is too large (more than {limits.max_bytes} bytes)")],
            "",
        )
    raw = text.encode("utf-8", "surrogatepass")
    digest = hashlib.sha256(raw).hexdigest()
    if len(raw) > limits.max_bytes:
        message = f"file is too large ({len(raw)} bytes, limit {limits.max_bytes})"
        return _finish(path, None, {}, {}, [(1, 1, message)], digest)
    return _text_limited(text, path, limits, digest, [])


def _decode(raw: bytes) -> tuple[str, list[tuple[int, int, str]]]:
    """Decode UTF-8, reporting the first bad byte of each invalid sequence
    (up to a cap) and replacing it with U+FFFD so the rest still gets checked."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    view = memoryview(raw)
    parts: list[str] = []
    bad: list[tuple[int, int]] = []  # (char index in decoded text, byte value)
    length = 0
    pos = 0
    while pos < len(raw):
        if len(bad) >= _MAX_CHAR_PROBLEMS:
            parts.append(bytes(view[pos:]).decode("utf-8", "replace"))
            break
        try:
            parts.append(bytes(view[pos:]).decode("utf-8"))
            break
        except UnicodeDecodeError as exc:
            good = bytes(view[pos : pos + exc.start]).decode("utf-8")
            parts.append(good)
            length += len(good)
            bad.append((length, raw[pos + exc.start]))
            parts.append("\ufffd")
            length += 1
            pos += exc.end
    text = "".join(parts)
    # one problem for the first bad byte, with a count of the rest (a binary file has hundreds)
    bad_total = raw.decode("utf-8", "replace").count("\ufffd") - raw.count("\ufffd".encode())
    index, byte = bad[0]
    line, col = _Lines(text).pos_of_index(index)
    message = f"invalid UTF-8 byte 0x{byte:02x}"
    if bad_total > 1:
        message += f" (and {bad_total - 1} more)"
    return text, [(line, col, message)]


def _looks_binary(raw: bytes, text: str) -> bool:
    """A NUL byte, or many bytes that are neither UTF-8 nor printable: not a text file at all."""
    if b"\x00" in raw[:8192]:
        return True
    odd = text.count("\ufffd") + len(_NON_PRINTABLE.findall(text[:8192]))
    return odd >= 8 and odd * 10 >= min(len(text), 8192)


def load_yaml(path: str | os.PathLike, *, limits: Limits = DEFAULT_LIMITS) -> LoadedYaml:
    """Read and parse a YAML file; unreadable files become a Problem at 1:1.

    The size limit is checked before decoding or parsing; ``sha256`` is the
    digest of the raw bytes ("" if the file could not be read completely).
    """
    label = os.fsdecode(path)

    def fail(message: str) -> LoadedYaml:
        return _finish(label, None, {}, {}, [(1, 1, message)], "")

    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            return fail("is a directory, not a YAML file")
        if not stat.S_ISREG(info.st_mode):
            return fail("not a regular file")
        if info.st_size > limits.max_bytes:
            return fail(f"file is too large ({info.st_size} bytes, limit {limits.max_bytes})")
        with open(path, "rb") as handle:
            raw = handle.read(limits.max_bytes + 1)
    except FileNotFoundError:
        return fail("file not found")
    except PermissionError:
        return fail("permission denied")
    except OSError as exc:
        return fail(f"cannot read file: {exc.strerror or exc}")
    except ValueError:  # e.g. an embedded NUL in the path
        return fail("invalid file name")
    if len(raw) > limits.max_bytes:
        return fail(f"file is too large (more than {limits.max_bytes} bytes)")
    digest = hashlib.sha256(raw).hexdigest()
    text, encoding_problems = _decode(raw)
    if encoding_problems and _looks_binary(raw, text):
        line, col, message = encoding_problems[0]
        return _finish(label, None, {}, {}, [(line, col, f"{message}: this is a binary file, not YAML text")], digest)
    if encoding_problems:
        line, col, message = encoding_problems[0]
        encoding_problems = [(line, col, f"{message}: the file is not UTF-8; save it as UTF-8")]
    return _text_limited(text, label, limits, digest, encoding_problems)
