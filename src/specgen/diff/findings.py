"""Findings a diff introduces and those it fixes.

Findings are matched by :func:`specgen.diagnostics.identity` (path, code,
JSON pointer, message without line numbers), so an edit that moves lines
changes nothing here, and a renamed spec's findings are matched under its
new path. Findings on both sides are not the change's doing and stay out.
"""

from __future__ import annotations

from collections.abc import Mapping

from specgen.diagnostics import Diagnostic, Severity, identity
from specgen.diff.changes import NEW_ERROR, Change, Importance, Section
from specgen.diff.side import Side


def compare_findings(base: Side, head: Side, renamed: Mapping[str, str]) -> list[Change]:
    """Findings whose identity HEAD has more of than BASE (introduced), and the other way round (fixed).

    Counted, not merely compared as sets: a second finding just like one
    already there is new, and fixing one of two is a fix.
    """
    moved = _moved_paths(base, head, renamed)
    before = _by_identity(base, moved)
    after = _by_identity(head, {})
    changes: list[Change] = []
    for key, found in after.items():
        changes.extend(_change("introduced", d, key) for d in found[len(before.get(key, ())) :])
    for key, found in before.items():
        changes.extend(_change("fixed", d, key) for d in found[len(after.get(key, ())) :])
    return changes


def _by_identity(side: Side, moved: Mapping[str, str]) -> dict[str, list[Diagnostic]]:
    data = {d.path: d.data for d in side.result.documents}
    found: dict[str, list[Diagnostic]] = {}
    for d in side.result.diagnostics:
        found.setdefault(identity(d, moved.get(d.path), data.get(d.path)), []).append(d)
    return found


def _change(kind: str, d: Diagnostic, key: str) -> Change:
    error = d.severity is Severity.ERROR
    where = f"{d.path}:{d.line}:{d.column}" if d.line else d.path
    summary = f"{'new' if kind == 'introduced' else 'fixed'} {d.severity}[{d.code}] at {where}: {d.message}"
    importance = (Importance.ALERT if error else Importance.NOTABLE) if kind == "introduced" else Importance.DETAIL
    return Change(
        Section.FINDINGS,
        kind,
        _subject(d.path),
        summary,
        importance,
        path=d.path,
        flags=frozenset({NEW_ERROR}) if kind == "introduced" and error else frozenset(),
        details={
            "code": d.code,
            "severity": d.severity.value,
            "line": d.line,
            "column": d.column,
            "message": d.message,
            "identity": key,
        },
    )


def _subject(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if name.lower().endswith((".yaml", ".yml")) else ""


def _moved_paths(base: Side, head: Side, renamed: Mapping[str, str]) -> dict[str, str]:
    """Base path -> head path of the renamed specs' files."""
    return {base.paths[old]: head.paths[new] for old, new in renamed.items() if old in base.paths and new in head.paths}
