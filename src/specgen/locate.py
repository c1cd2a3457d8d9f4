"""Locate: turn a JSON path inside a document into a line and a column.

Only files that have diagnostics are composed again, with position marks, so
the common case (a clean file) pays nothing for locations.

Lines are counted by line feeds only, as editors and GitHub's annotations
count them. YAML parsers also break lines at a lone carriage return, U+0085,
U+2028 and U+2029; where a text holds one, positions are worked out from the
mark's character offset instead of its line, so no later line shifts.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from specgen.diagnostics import Diagnostic, Pointer
from specgen.yamlio import needs_pure


def locate_all(
    diagnostics: Iterable[Diagnostic], texts: Mapping[str, str], old_keys: Mapping[str, tuple[str, ...]] | None = None
) -> list[Diagnostic]:
    """Fill in line and column for diagnostics that carry only a pointer.

    ``old_keys`` names, for a key, the older spellings a file may still have
    (see :mod:`specgen.vocabulary`): a finding about ``title`` lands on ``name``.
    """
    pending: dict[str, list[Diagnostic]] = defaultdict(list)
    done: list[Diagnostic] = []
    for diagnostic in diagnostics:
        if diagnostic.line:
            done.append(diagnostic)
        elif diagnostic.path in texts:
            pending[diagnostic.path].append(diagnostic)
        else:  # a whole-file problem: point at the start of the file
            done.append(diagnostic.located(1, 1))
    for path, items in pending.items():
        text = texts[path]
        root = compose(text)
        lines = Lines(text)
        for diagnostic in items:
            line, column = find(root, diagnostic.pointer, at_key=diagnostic.at_key, lines=lines, old_keys=old_keys)
            done.append(diagnostic.located(line, column))
    return done


def compose(text: str) -> Node | None:
    try:
        # The same parser the loader used, so that the text composes as it parsed.
        node: Node | None = YAML(typ="safe", pure=needs_pure(text)).compose(text)
    except (YAMLError, RecursionError):
        return None
    return node


#: Line breaks to a YAML parser that are none to an editor: a lone CR, NEL, LS and PS.
_ODD_BREAK = re.compile("\r(?!\n)|[\x85\u2028\u2029]")


class Lines:
    """Turns a YAML mark into the 1-based (line, column) an editor shows, counting lines by LF."""

    def __init__(self, text: str) -> None:
        self._starts: list[int] | None = None
        if _ODD_BREAK.search(text):
            self._starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def position(self, mark: Any) -> tuple[int, int]:
        """The (line, column) of ``mark`` (a ruamel mark, with ``line``, ``column`` and ``index``)."""
        if self._starts is None:  # the parser's lines are the editor's
            return (mark.line + 1, mark.column + 1)
        line = bisect.bisect_right(self._starts, mark.index)
        return (line, mark.index - self._starts[line - 1] + 1)


def find(
    root: Node | None,
    pointer: Pointer,
    *,
    at_key: bool = False,
    lines: Lines | None = None,
    old_keys: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[int, int]:
    """The 1-based (line, column) of the node at ``pointer``.

    When the path cannot be followed to its end (the value is missing), the
    deepest node reached is used, so the user lands as close as possible.
    ``lines`` (made from the composed text) counts lines by LF only.
    """
    if root is None:
        return (1, 1)
    node: Node = root
    key_node: Node | None = None
    for part in pointer:
        child = _child(node, part, old_keys or {})
        if child is None:
            key_node = None
            break
        key_node, node = child
    mark = (key_node if at_key and key_node is not None else node).start_mark
    return lines.position(mark) if lines is not None else (mark.line + 1, mark.column + 1)


def node_at(root: Node | None, pointer: Pointer, *, at_key: bool = False) -> Node | None:
    """The node at ``pointer`` (its key's node, with ``at_key``), or ``None`` when the path does not lead to one."""
    node, key_node = root, None
    for part in pointer:
        child = _child(node, part, {}) if node is not None else None
        if child is None:
            return None
        key_node, node = child
    return key_node if at_key else node


def _child(node: Node, part: str | int, old_keys: Mapping[str, tuple[str, ...]]) -> tuple[Node, Node] | None:
    value: Any = node.value
    if isinstance(node, MappingNode):
        for key, child in value:
            if getattr(key, "value", None) == part or (
                isinstance(part, int) and getattr(key, "value", None) == str(part)
            ):
                return key, child
        # A key renamed since (see specgen.vocabulary) is found under the old word the file still has.
        for old in old_keys.get(part, ()) if isinstance(part, str) else ():
            for key, child in value:
                if getattr(key, "value", None) == old:
                    return key, child
        # A key a merge ("<<: *base") brought in is located at the "<<". One level only:
        # a merge can refer to its own mapping, and following merges on would not end.
        for key, child in value:
            if key.tag == "tag:yaml.org,2002:merge":
                for source in child.value if isinstance(child, SequenceNode) else [child]:
                    for inner_key, inner in source.value if isinstance(source, MappingNode) else []:
                        if getattr(inner_key, "value", None) == part:
                            return key, inner
    elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(value):
        child = value[part]
        return child, child
    return None
