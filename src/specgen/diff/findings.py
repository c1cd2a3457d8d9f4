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
    moved = _moved_paths(base, head, renamed)
    before = {identity(d, moved.get(d.path)): d for d in base.result.diagnostics}
    after = {identity(d): d for d in head.result.diagnostics}
    changes = [_change("introduced", d, key) for key, d in after.items() if key not in before]
    changes.extend(_change("fixed", d, key) for key, d in before.items() if key not in after)
    return changes


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
