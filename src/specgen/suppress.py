"""Suppress: warnings a team accepts on purpose, each with its reason.

A spec, or an item in one of its lists (a feature's requirement or test case),
may carry ``ignore: [{code: SG308, reason: "..."}]``. An entry on the spec
covers every finding in its file; an entry on an item covers the findings
whose pointer lies inside that item. A covered warning leaves the diagnostics
for :attr:`specgen.check.CheckResult.suppressed`, carrying its reason, so that
reporters still show it: accepted, never hidden.

Errors are never suppressed (broken data would reach the model and the site),
and an entry that cannot apply (SG317) or that matches nothing (SG318) is a
finding itself, like an unused ``noqa``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from specgen.diagnostics import RULES, Diagnostic, Pointer, Severity, sort_diagnostics
from specgen.loader import Document
from specgen.locate import locate_all

_CODE = re.compile(r"SG[0-9]{3}")

#: Warnings no entry can accept: SG318 reports entries themselves, and an
#: entry able to hide the finding about itself would hide any stale entry.
_UNREACHABLE = frozenset({"SG318"})


@dataclass(frozen=True)
class Entry:
    """One well-formed ``ignore`` entry, where it stands and what it covers."""

    path: str
    #: The pointer the entry covers: ``()`` for the whole spec, ``("requirements", 2)`` for an item.
    scope: Pointer
    #: The entry's own place, ``scope + ("ignore", k)``.
    pointer: Pointer
    code: str
    reason: str
    #: How the scope reads in a message: "this file", "requirement R2".
    label: str


#: The lists whose items may carry their own `ignore` (see the feature schema).
_ITEM_LISTS = ("requirements", "test_cases")


def entries(document: Document) -> list[Entry]:
    """The well-formed ``ignore`` entries of a document: the spec's own, then its items'.

    A malformed entry (no reason, a code of the wrong shape) is the schema's to
    report; it is left out here, so it accepts nothing.
    """
    found = list(_entries_at(document.path, document.data, (), "this file"))
    # Only the items whose schema allows `ignore` are looked at: one written anywhere else is the
    # schema's error and accepts nothing, and this runs over every file on every check.
    for key in _ITEM_LISTS:
        value = document.data.get(key)
        if not isinstance(value, list):
            continue
        for index, item in enumerate(value):
            if isinstance(item, dict) and "ignore" in item:
                found.extend(_entries_at(document.path, item, (key, index), _item_label(key, index, item)))
    return found


def _entries_at(path: str, data: Mapping[str, Any], scope: Pointer, label: str) -> Iterable[Entry]:
    listed = data.get("ignore")
    if not isinstance(listed, list):
        return
    for k, entry in enumerate(listed):
        if not isinstance(entry, dict):
            continue
        code, reason = entry.get("code"), entry.get("reason")
        # A blank reason is kept here, to be refused as SG317: dropped, it would pass without a word.
        if isinstance(code, str) and _CODE.fullmatch(code) and isinstance(reason, str):
            yield Entry(path, scope, (*scope, "ignore", k), code, reason.strip(), label)


def _item_label(key: str, index: int, item: Mapping[str, Any]) -> str:
    noun = {"requirements": "requirement", "test_cases": "test case"}.get(key, key.rstrip("s").replace("_", " "))
    ident = item.get("id")
    return f"{noun} {ident}" if isinstance(ident, str) else f"{noun} {index + 1}"


def suppress(
    documents: Sequence[Document], diagnostics: Sequence[Diagnostic]
) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Split located, sorted ``diagnostics`` into (kept, suppressed).

    Each warning covered by an ``ignore`` entry moves to the suppressed list
    with the entry's reason in ``suppressed_by``; an item's entry is preferred
    to the spec's, so the reason shown is the one written closest to the
    finding. The kept list gains SG317 for entries that cannot apply and SG318
    for entries that accepted nothing, located and sorted with the rest.
    """
    by_path: dict[str, list[Entry]] = {}
    for document in documents:
        if found := entries(document):
            by_path[document.path] = found
    if not by_path:
        return list(diagnostics), []

    # Per file: every error's pointer, and every prefix of one (an entry is faulted when an error sits
    # inside it); sets, so that thousands of entries against thousands of errors stay linear.
    errors_at: dict[str, set[Pointer]] = defaultdict(set)
    inside_errors: dict[str, set[Pointer]] = defaultdict(set)
    for d in diagnostics:
        if d.severity is Severity.ERROR and d.path in by_path:
            errors_at[d.path].add(d.pointer)
            inside_errors[d.path].update(d.pointer[:n] for n in range(len(d.pointer) + 1))

    problems: list[Diagnostic] = []
    usable: dict[str, list[Entry]] = {}
    for path, found in by_path.items():
        # An entry the schema found fault with (a placeholder reason, an
        # `ignore` where none is allowed) accepts nothing: its error says why.
        sound = [e for e in found if e.pointer not in inside_errors[path] and e.pointer[:-1] not in errors_at[path]]
        for entry in sound:
            if (problem := _cannot_apply(entry)) is not None:
                problems.append(problem)
        # Items first: the nearest entry claims a finding.
        usable[path] = [e for e in sound if e.reason and _applies(e.code)]
    # (path, code, scope) -> the first entry written there; a finding is claimed by the nearest scope.
    claims: dict[tuple[str, str, Pointer], Entry] = {}
    for found in usable.values():
        for entry in found:
            claims.setdefault((entry.path, entry.code, entry.scope), entry)

    kept: list[Diagnostic] = []
    suppressed: list[Diagnostic] = []
    used: set[Entry] = set()
    for d in diagnostics:
        claim: Entry | None = None
        if d.severity is Severity.WARNING:
            claim = _claim(claims, d)
        if claim is None:
            kept.append(d)
        else:
            used.add(claim)
            suppressed.append(replace(d, suppressed_by=claim.reason))

    for path, found in usable.items():
        # With errors in the file some rules skip what they cannot read, so an
        # entry may look unused only until the errors are fixed: say nothing yet.
        if errors_at[path]:
            continue
        problems.extend(_unused(e) for e in found if e not in used)

    texts = {d.path: d.text for d in documents if d.path in by_path}
    return sort_diagnostics([*kept, *locate_all(problems, texts)]), suppressed


def _claim(claims: dict[tuple[str, str, Pointer], Entry], finding: Diagnostic) -> Entry | None:
    """The entry nearest to ``finding`` that covers it: its item's, then any enclosing one, then the file's."""
    for n in range(len(finding.pointer), -1, -1):
        entry = claims.get((finding.path, finding.code, finding.pointer[:n]))
        if entry is not None:
            return entry
    return None


def _applies(code: str) -> bool:
    rule = RULES.get(code)
    return rule is not None and rule.severity is Severity.WARNING and code not in _UNREACHABLE


def _cannot_apply(entry: Entry) -> Diagnostic | None:
    rule = RULES.get(entry.code)
    at = (*entry.pointer, "code")
    if not entry.reason:
        return Diagnostic.of(
            "SG317",
            entry.path,
            f"ignore: the reason for accepting {entry.code} is blank, so this entry accepts nothing",
            pointer=(*entry.pointer, "reason"),
            hint='say why the finding is accepted, e.g. reason: "checked by hand before each release"',
        )
    if rule is None:
        return Diagnostic.of(
            "SG317",
            entry.path,
            f"ignore: {entry.code} is not a specgen rule, so this entry accepts nothing",
            pointer=at,
            hint="the codes are listed in the README's Rules table",
        )
    if rule.severity is Severity.ERROR:
        return Diagnostic.of(
            "SG317",
            entry.path,
            f"ignore: {entry.code} is an error, and errors cannot be accepted: the spec would reach the site broken",
            pointer=at,
            hint=f"fix what it reports instead: {rule.summary[0].lower()}{rule.summary[1:].rstrip('.')}",
        )
    if entry.code in _UNREACHABLE:
        return Diagnostic.of(
            "SG317",
            entry.path,
            f"ignore: {entry.code} cannot be accepted: it reports ignore entries that accept nothing",
            pointer=at,
            hint="remove the entry that SG318 points at instead",
        )
    return None


def _unused(entry: Entry) -> Diagnostic:
    return Diagnostic.of(
        "SG318",
        entry.path,
        f"ignore: there is no {entry.code} finding in {entry.label} to accept",
        pointer=entry.pointer,
        hint="remove the entry, or check its code and where it stands",
    )
