"""Locate: turn a JSON path inside a document into a line and a column.

Only files that have diagnostics are composed again, with position marks, so
the common case (a clean file) pays nothing for locations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from specgen.diagnostics import Diagnostic, Pointer


def locate_all(diagnostics: Iterable[Diagnostic], texts: Mapping[str, str]) -> list[Diagnostic]:
    """Fill in line and column for diagnostics that carry only a pointer."""
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
        root = _compose(texts[path])
        for diagnostic in items:
            line, column = find(root, diagnostic.pointer, at_key=diagnostic.at_key)
            done.append(diagnostic.located(line, column))
    return done


def _compose(text: str) -> Node | None:
    try:
        node: Node | None = YAML(typ="safe").compose(text)
    except (YAMLError, RecursionError):
        return None
    return node


def find(root: Node | None, pointer: Pointer, *, at_key: bool = False) -> tuple[int, int]:
    """The 1-based (line, column) of the node at ``pointer``.

    When the path cannot be followed to its end (the value is missing), the
    deepest node reached is used, so the user lands as close as possible.
    """
    if root is None:
        return (1, 1)
    node: Node = root
    key_node: Node | None = None
    for part in pointer:
        child = _child(node, part)
        if child is None:
            key_node = None
            break
        key_node, node = child
    mark = (key_node if at_key and key_node is not None else node).start_mark
    return (mark.line + 1, mark.column + 1)


def _child(node: Node, part: str | int) -> tuple[Node, Node] | None:
    value: Any = node.value
    if isinstance(node, MappingNode):
        for key, child in value:
            if getattr(key, "value", None) == part or (
                isinstance(part, int) and getattr(key, "value", None) == str(part)
            ):
                return key, child
    elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(value):
        child = value[part]
        return child, child
    return None
