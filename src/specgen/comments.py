"""Comments that cut text: a `` #`` inside plain text starts a YAML comment.

``business_case: made Python the #1 language`` is, to YAML, the text "made
Python the" and a comment. YAML is right and nothing fails, but the site shows
the cut text. :func:`cut_texts` warns (SG111) where a comment follows a plain
(unquoted, not block) value on the same line and reads like the rest of a
sentence: `` #`` directly followed by a letter or a digit. ``# note``, with a
space, is taken for the comment it usually is.

The loader's fast parser drops comments, and reading them costs a second
parse, so a regular expression on the raw text picks the files that could
hold such a cut; only those are parsed again, as events up to the last such
``#``, to see which follow a plain value (in a quoted or block value, or in
``https://x/#a``, ``#`` is text).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (
    MappingEndEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from specgen.diagnostics import Diagnostic, Pointer
from specgen.loader import Document
from specgen.yamlio import needs_pure

#: Where a cut could be: ``#`` and a letter or digit. A pattern that starts with a literal is
#: searched for at C speed (about 0.5 ms a megabyte); one that starts with ``\S`` is 60 times slower.
_HASH = re.compile(r"#[A-Za-z0-9]")
#: What follows the end of a plain value when a comment cuts it.
_CUT = re.compile(r"[ \t]+#[A-Za-z0-9]")
#: How much of the value and of the comment a message quotes.
_SHOWN = 40


def cut_texts(documents: Iterable[Document]) -> list[Diagnostic]:
    """An SG111 warning for every plain value a `` #`` comment cuts short, at the ``#``."""
    found: list[Diagnostic] = []
    for doc in documents:
        last = _last_suspect(doc.text)
        if last >= 0:
            found.extend(_cuts(doc.path, doc.text, last))
    return found


def _last_suspect(text: str) -> int:
    """The offset of the last ``#`` that could cut text (after blanks that follow something), or -1."""
    last = -1
    for match in _HASH.finditer(text):
        at = match.start()
        if at and text[at - 1] in " \t" and text[text.rfind("\n", 0, at) + 1 : at].strip():
            last = at
    return last


def _cuts(path: str, text: str, last: int) -> Iterator[Diagnostic]:
    frames: list[_Frame] = []
    try:
        # The parser the loader used, so that the text reads as it parsed. Events, not nodes:
        # several times cheaper than composing, and the walk stops after the last suspect "#".
        for event in YAML(typ="safe", pure=needs_pure(text)).parse(text):
            if event.start_mark.index > last:
                break
            if isinstance(event, (MappingEndEvent, SequenceEndEvent)):
                frames.pop()
                continue
            if not isinstance(event, NodeEvent):
                continue
            pointer, is_key = _place(frames, event)
            if isinstance(event, MappingStartEvent):
                frames.append(_Frame(pointer, mapping=True))
            elif isinstance(event, SequenceStartEvent):
                frames.append(_Frame(pointer, mapping=False))
            elif isinstance(event, ScalarEvent) and not event.style:  # plain: None (pure parser) or ""
                cut = _CUT.match(text, event.end_mark.index)
                if cut is not None:
                    yield _diagnostic(path, text, pointer, event, cut.end() - 2, is_key)
    except (YAMLError, RecursionError):  # it parsed once; if not now, the loader's finding stands
        return


@dataclass
class _Frame:
    """An open mapping or list while walking the events: where it is, and where its next item goes."""

    pointer: Pointer
    mapping: bool
    items: int = 0
    key: str = "?"


def _place(frames: list[_Frame], event: NodeEvent) -> tuple[Pointer, bool]:
    """The pointer of the node ``event`` starts, and whether it is a mapping's key."""
    if not frames:
        return (), False
    frame = frames[-1]
    frame.items += 1
    if not frame.mapping:
        return (*frame.pointer, frame.items - 1), False
    if frame.items % 2:  # keys and values alternate
        frame.key = str(event.value) if isinstance(event, ScalarEvent) else "?"
        return (*frame.pointer, frame.key), True
    return (*frame.pointer, frame.key), False


def _diagnostic(path: str, text: str, pointer: Pointer, node: ScalarEvent, at: int, is_key: bool) -> Diagnostic:
    line_start = text.rfind("\n", 0, at) + 1
    line_end = text.find("\n", at)
    comment = text[at : len(text) if line_end < 0 else line_end].rstrip()
    value = str(node.value)
    whole = value + text[node.end_mark.index : at] + comment
    # Shown with what precedes the value on the line it starts on (the key, a "- "): the fix replaces those lines.
    start = node.start_mark.index
    lead = text[text.rfind("\n", 0, start) + 1 : start].lstrip()
    what = "key" if is_key else "text"
    return Diagnostic.of(
        "SG111",
        path,
        f"' #' starts a YAML comment, so the {what} ends at {_tail(value)!r} and {_head(comment)!r} is left out",
        pointer=pointer,
        line=text.count("\n", 0, at) + 1,
        column=at - line_start + 1,
        hint=f"if {_head(comment)!r} belongs to the {what}, quote it: {lead}{_quoted(whole)}",
    )


def _quoted(text: str) -> str:
    """``text`` as a YAML double-quoted value (JSON's quoting is YAML's), its start elided when long."""
    if len(text) <= 2 * _SHOWN:
        return json.dumps(text, ensure_ascii=False)
    return '"…' + json.dumps(text[-_SHOWN - 10 :], ensure_ascii=False)[1:]


def _tail(text: str) -> str:
    return text if len(text) <= _SHOWN else "…" + text[-_SHOWN:]


def _head(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"
