"""Vocabulary: one word per meaning across every kind, and the old spellings that still work.

specgen 0.1 said a feature is ``released`` but a release is ``shipped``, an
objective is ``on_track`` but an update is ``green``, and a decision option
had a ``name`` where everything else has a ``title``. Each meaning now has one
word. The old spellings keep working for one release: :func:`modernized`
rewrites them in memory, before the schema runs, and says so with an SG208
warning at the old word. SG208 belongs to the "deprecated" ``--fail-on``
group, so an upgrade never turns a ``--strict`` CI red by itself.
``specgen migrate`` (:mod:`specgen.vocabulary.migrate`) writes the new words into the
files.

The tables below are the one home of the renames.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from specgen.diagnostics import Diagnostic, Pointer, pointer_text
from specgen.kinds import EACH, walk
from specgen.loader import Document, LoadResult


@dataclass(frozen=True)
class RenamedKey:
    """In ``kind``, the key ``old`` of the mappings ``at`` selects is now ``new``."""

    kind: str
    at: tuple[str, ...]
    old: str
    new: str


@dataclass(frozen=True)
class RenamedValues:
    """In ``kind``, the values ``at`` selects are spelled anew: ``words`` maps old to new."""

    kind: str
    at: tuple[str, ...]
    words: Mapping[str, str]


RENAMED_KEYS: tuple[RenamedKey, ...] = (
    # Everything else with a heading has a title.
    RenamedKey("decision", ("options", EACH), "name", "title"),
    # Features, releases and personas have a summary.
    RenamedKey("objective", (), "description", "summary"),
    # A requirement has a kind (functional, nfr, ...); so does a test case.
    RenamedKey("feature", ("test_cases", EACH), "type", "kind"),
)

RENAMED_VALUES: tuple[RenamedValues, ...] = (
    # A release is shipped; so is a feature.
    RenamedValues("feature", ("status",), {"released": "shipped"}),
    # An objective is on track or at risk; so is the work an update reports on.
    RenamedValues("update", ("health",), {"green": "on_track", "amber": "at_risk", "red": "off_track"}),
    # The words JUnit results are reported in (passed, failed, skipped, error, not run).
    RenamedValues(
        "feature",
        ("test_cases", EACH, "last_result", "status"),
        {"pass": "passed", "fail": "failed", "skip": "skipped"},
    ),
)

#: New key -> old keys, for placing a finding about a renamed key at the old word the file still has.
OLD_KEYS: dict[str, tuple[str, ...]] = {}
for _rename in RENAMED_KEYS:
    OLD_KEYS[_rename.new] = (*OLD_KEYS.get(_rename.new, ()), _rename.old)


@dataclass(frozen=True)
class OldWord:
    """One old spelling in a document: where, what it was, what it is now."""

    pointer: Pointer
    old: str
    new: str
    #: A key (the pointer names the mapping entry) rather than a value.
    is_key: bool


def old_words(kind: str, data: Any) -> list[OldWord]:
    """Every old spelling in one document's data, in table order."""
    found: list[OldWord] = []
    for rename in _KEYS_OF.get(kind, ()):
        for pointer, mapping in walk(data, rename.at):
            if isinstance(mapping, dict) and rename.old in mapping and rename.new not in mapping:
                found.append(OldWord((*pointer, rename.old), rename.old, rename.new, is_key=True))
    for values in _VALUES_OF.get(kind, ()):
        for pointer, value in walk(data, values.at):
            if isinstance(value, str) and value in values.words:
                found.append(OldWord(pointer, value, values.words[value], is_key=False))
    return found


#: The tables by kind: this runs over every document on every check.
_KEYS_OF: dict[str, list[RenamedKey]] = {}
_VALUES_OF: dict[str, list[RenamedValues]] = {}
for _key in RENAMED_KEYS:
    _KEYS_OF.setdefault(_key.kind, []).append(_key)
for _values in RENAMED_VALUES:
    _VALUES_OF.setdefault(_values.kind, []).append(_values)


def modernized(loaded: LoadResult) -> LoadResult:
    """``loaded`` with every old spelling replaced by the new word, and an SG208 warning for each.

    Documents without old words are passed through untouched (no copy); the
    data of the others is copied, so that a cache's parsed data stays as read.
    """
    documents: list[Document] = []
    warnings: list[Diagnostic] = []
    for document in loaded.documents:
        found = old_words(document.kind.name, document.data)
        if not found:
            documents.append(document)
            continue
        warnings.extend(_warning(document, word) for word in found)
        documents.append(dataclasses.replace(document, data=modernize_data(document.data, found)))
    return dataclasses.replace(loaded, documents=documents, diagnostics=[*loaded.diagnostics, *warnings])


def modernize_data(data: dict[str, Any], words: list[OldWord]) -> dict[str, Any]:
    """A copy of ``data`` with ``words`` (found by :func:`old_words` in it) in their new spelling."""
    data = copy.deepcopy(data)
    for word in words:
        _apply(data, word)
    return data


def _warning(document: Document, word: OldWord) -> Diagnostic:
    if word.is_key:
        where = f"{pointer_text(word.pointer[:-1])}: " if word.pointer[:-1] else ""
        message = f"{where}the key {word.old!r} is now called {word.new!r}"
    else:
        message = f"{pointer_text(word.pointer)}: {word.old!r} is now spelled {word.new!r}"
    return Diagnostic.of(
        "SG208",
        document.path,
        message,
        pointer=word.pointer,
        at_key=word.is_key,
        hint="`specgen migrate` writes the new word; the old one works until the next release",
    )


def _apply(data: Any, word: OldWord) -> None:
    """Replace one old word in ``data`` (a copy), keeping the key's place among its siblings."""
    *parents, last = word.pointer
    target: Any = data
    for part in parents:
        target = target[part]
    if not word.is_key:
        target[last] = word.new
        return
    items = list(target.items())
    target.clear()
    for key, value in items:
        target[word.new if key == last else key] = value
