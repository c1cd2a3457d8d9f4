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

Both steps stay linear in the size of the file, whatever it holds: the
pre-filter looks at a line once however many ``#`` it holds, lines are found
by a binary search over offsets computed once, and a file lists at most
:data:`LISTED` cuts one by one, then one finding counts the rest.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
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
#: The first character of a line that is not blank.
_TEXT = re.compile(r"\S")
#: The anchor and tag a value can start with (``&a``, ``!!str``), which the fix must keep.
_PROPERTIES = re.compile(r"(?:[&!]\S*\s+)*")
#: How much of the value and of the comment a message quotes.
_SHOWN = 40
#: How many cuts a file lists one by one; one more finding counts the rest (a generated file can hold
#: thousands, and a reader fixes them all the same way).
LISTED = 50


def cut_texts(documents: Iterable[Document]) -> list[Diagnostic]:
    """An SG111 warning for every plain value a `` #`` comment cuts short, at the ``#``.

    At most :data:`LISTED` a file, and then one more, at the next cut, that says how many more there are.
    """
    found: list[Diagnostic] = []
    for doc in documents:
        last = _last_suspect(doc.text)
        if last >= 0:
            found.extend(_cuts(doc.path, doc.text, last))
    return found


def _last_suspect(text: str) -> int:
    """The offset of the last ``#`` that could cut text (after blanks that follow something), or -1."""
    last = -1
    line_end = -1  # the end of the line the previous "#" is on
    first = 0  # where the text of that line starts
    for match in _HASH.finditer(text):
        at = match.start()
        # The first "#" on its line: read the line once, not once per "#" (one line can hold 300,000).
        if at > line_end:
            found = text.find("\n", at)
            line_end = len(text) if found < 0 else found
            text_start = _TEXT.search(text, text.rfind("\n", 0, at) + 1, at + 1)  # reads the blanks only
            first = at if text_start is None else text_start.start()
        if first < at and text[at - 1] in " \t":
            last = at
    return last


def _cuts(path: str, text: str, last: int) -> list[Diagnostic]:
    """The cuts of one file up to offset ``last``: the first :data:`LISTED`, then one finding for the rest."""
    found: list[Diagnostic] = []
    lines: _Lines | None = None  # only for a file that holds a cut
    more, first_more = 0, 0
    first_pointer: Pointer = ()
    for pointer, node, at, is_key in _plain_cuts(text, last):
        if lines is None:
            lines = _Lines(text)
        if len(found) < LISTED:
            found.append(_diagnostic(path, text, lines, pointer, node, at, is_key))
        else:
            if not more:
                first_more, first_pointer = at, pointer
            more += 1
    if lines is not None and more:
        line, column = lines.locate(first_more)
        texts = "text" if more == 1 else "texts"
        found.append(
            Diagnostic.of(
                "SG111",
                path,
                f"and {more:,} more cut {texts} in this file, from here on (only the first {LISTED} are listed): "
                "a ' #' after plain text starts a YAML comment",
                pointer=first_pointer,
                line=line,
                column=column,
                hint="quote each text a ' #' cuts, or write '# ' (with a space) where a comment is meant",
            )
        )
    return found


def _plain_cuts(text: str, last: int) -> Iterator[tuple[Pointer, ScalarEvent, int, bool]]:
    """Each plain value a comment cuts, up to offset ``last``: its pointer, event, the ``#``, and whether a key."""
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
                    yield pointer, event, cut.end() - 2, is_key
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


class _Lines:
    """Line numbers of offsets in one text: where each line starts, found once, then a binary search."""

    def __init__(self, text: str) -> None:
        self._starts = [0, *(match.end() for match in re.finditer("\n", text))]

    def locate(self, at: int) -> tuple[int, int]:
        """The line and column (from 1) of offset ``at``."""
        line = bisect_right(self._starts, at)
        return line, at - self._starts[line - 1] + 1

    def start(self, at: int) -> int:
        """The offset where the line holding offset ``at`` starts."""
        return self._starts[bisect_right(self._starts, at) - 1]


def _diagnostic(
    path: str, text: str, lines: _Lines, pointer: Pointer, node: ScalarEvent, at: int, is_key: bool
) -> Diagnostic:
    line, column = lines.locate(at)
    line_end = text.find("\n", at)  # the comment ends the line: this reads no further than the line
    comment = text[at : len(text) if line_end < 0 else line_end].rstrip()
    value = str(node.value)
    whole = value + text[node.end_mark.index : at] + comment
    # Shown with what precedes the value on the line it starts on (the key, a "- ") and the value's anchor
    # and tag, which the event's start includes (on that line or the next): the fix replaces those lines.
    start = node.start_mark.index
    properties = _PROPERTIES.match(text, start)  # always matches, if only the empty text
    value_start = properties.end() if properties else start
    lead = text[lines.start(start) : start].lstrip() + "".join(f"{word} " for word in text[start:value_start].split())
    what = "key" if is_key else "text"
    return Diagnostic.of(
        "SG111",
        path,
        f"' #' starts a YAML comment, so the {what} ends at {_tail(value)!r} and {_head(comment)!r} is left out",
        pointer=pointer,
        line=line,
        column=column,
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
