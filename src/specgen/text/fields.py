"""Which fields of a spec are Markdown, as the schemas say, and the text values that carry it.

A schema marks a Markdown field with ``contentMediaType: text/markdown`` and
``x-specgen-markdown: block`` (paragraphs, lists, code, tables) or ``inline``
(one line: emphasis, code spans, links). Every other text is plain. The model
reads the marks from here, so the schemas are the one place that decides, and a
workspace template that prints ``{{ feature.problem }}`` gets it right.

A marked value becomes a :class:`Block` or :class:`Inline`: a ``str`` in every
other respect (comparisons, sorting, CSV, JSON, ``length``), with its rendered
forms worked out once, when a page first needs them.
"""

from __future__ import annotations

import functools
import json
from typing import Any, ClassVar

from specgen.diagnostics import Pointer
from specgen.kinds import EACH, KINDS
from specgen.schema import schema_texts
from specgen.text.markdown import BLOCK, INLINE, Rendered, plain, render

Path = tuple[str, ...]


class Text(str):
    """Spec text written in Markdown; ``kind`` says which forms it has."""

    __slots__ = ()
    kind: ClassVar[str]

    @property
    def rendered(self) -> Rendered:
        """The HTML forms of this text (rendered once per process, then shared)."""
        return rendered(str(self), self.kind)

    @property
    def plain(self) -> str:
        """The text without Markdown, for titles, labels, CSV and other places that take no markup."""
        return plain_form(str(self), self.kind)


class Block(Text):
    """A field a PM writes paragraphs in."""

    __slots__ = ()
    kind = BLOCK


class Inline(Text):
    """A one-line field: a statement, a criterion, a list item."""

    __slots__ = ()
    kind = INLINE


_TYPES: dict[str, type[Text]] = {BLOCK: Block, INLINE: Inline}
#: The rendered forms of every text rendered in this process, by (kind, text). The
#: check fills it (from the per-file cache or by rendering) before a build forks the
#: child that renders pages, which inherits it. The preview keeps one process for
#: its whole session: each check drops what no longer occurs (:func:`keep_only`).
_RENDERED: dict[tuple[str, str], Rendered] = {}


def rendered(text: str, kind: str) -> Rendered:
    """``text`` rendered as ``kind``, from the memo when it was rendered before."""
    key = (kind, text)
    found = _RENDERED.get(key)
    if found is None:
        found = _RENDERED[key] = render(text, kind)
    return found


def remember(text: str, kind: str, result: Rendered) -> None:
    """Put a rendering made earlier (by the per-file cache) into the memo."""
    _RENDERED[(kind, text)] = result


@functools.lru_cache(maxsize=65536)
def plain_form(text: str, kind: str) -> str:
    """The plain-text form of ``text`` (memoised: titles and labels ask for it on many pages)."""
    return plain(text, kind)


def keep_only(keys: set[tuple[str, str]]) -> None:
    """Forget every rendered text but those of ``keys`` (``(kind, text)`` pairs): what the workspace holds now."""
    for key in _RENDERED.keys() - keys:
        del _RENDERED[key]


@functools.cache
def markdown_paths(kind: str) -> tuple[tuple[Path, str], ...]:
    """Where a document of ``kind`` holds Markdown: (path, ``block`` or ``inline``), ``*`` for each list item."""
    schemas = {name: json.loads(text) for name, text in schema_texts().items()}
    found: dict[Path, str] = {}
    _collect(schemas[KINDS[kind].schema_name], KINDS[kind].schema_name, schemas, (), found, frozenset())
    return tuple(found.items())


def _collect(
    node: Any, file: str, schemas: dict[str, Any], path: Path, found: dict[Path, str], seen: frozenset[str]
) -> None:
    if not isinstance(node, dict):
        return
    mark = node.get("x-specgen-markdown")
    if mark in (BLOCK, INLINE):
        found[path] = mark
    ref = node.get("$ref")
    if isinstance(ref, str) and ref not in seen:
        target_file, _, fragment = ref.partition("#")
        target_file = target_file or file
        target: Any = schemas[target_file]
        for part in fragment.strip("/").split("/") if fragment else ():
            target = target[part]
        _collect(target, target_file, schemas, path, found, seen | {ref})
    for name, sub in node.get("properties", {}).items():
        _collect(sub, file, schemas, (*path, name), found, seen)
    if "items" in node:
        _collect(node["items"], file, schemas, (*path, EACH), found, seen)
    for combinator in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(combinator, []):
            _collect(sub, file, schemas, path, found, seen)


#: A kind's Markdown paths as a tree: each key (or ``*``) leads on; ``""`` holds the kind of text found there.
_Trie = dict[str, Any]


@functools.cache
def _trie(kind: str) -> _Trie:
    root: _Trie = {}
    for path, mark in markdown_paths(kind):
        node = root
        for part in path:
            node = node.setdefault(part, {})
        node[""] = mark
    return root


def marked(kind: str, data: Any) -> list[tuple[Pointer, str, str]]:
    """Every Markdown value of a document: (pointer, text, ``block`` or ``inline``), in one walk of the data."""
    found: list[tuple[Pointer, str, str]] = []
    _marked(data, _trie(kind), (), found)
    return found


def _marked(data: Any, node: _Trie, pointer: Pointer, found: list[tuple[Pointer, str, str]]) -> None:
    if isinstance(data, str):
        if "" in node:
            found.append((pointer, data, node[""]))
    elif isinstance(data, dict):
        for key, sub in node.items():
            if key and key != EACH and key in data:
                _marked(data[key], sub, (*pointer, key), found)
    elif isinstance(data, list) and EACH in node:
        sub = node[EACH]
        for i, item in enumerate(data):
            _marked(item, sub, (*pointer, i), found)


def mark(kind: str, data: Any) -> Any:
    """A copy of a schema-valid document's data whose Markdown values are :class:`Text`."""
    found = marked(kind, data)
    if not found:
        return data
    copy = _copy(data)
    for pointer, text, text_kind in found:
        *parents, last = pointer
        node = copy
        for part in parents:
            node = node[part]
        node[last] = _TYPES[text_kind](text)
    return copy


def _copy(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _copy(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_copy(v) for v in data]
    return data
