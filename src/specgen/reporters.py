"""Reporters: render a list of diagnostics for people or machines.

Chosen by name from :data:`REPORTERS`; each takes the diagnostics, how many
files were checked and the suppressed findings (warnings an ``ignore`` entry
accepted, see :mod:`specgen.suppress`) and returns text. Accepted findings are
always shown or counted, never dropped. Reporters never decide exit codes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol

from specgen.diagnostics import Diagnostic, Severity


class Reporter(Protocol):
    """Renders findings; ``suppressed`` are the warnings accepted on purpose."""

    def __call__(self, diagnostics: Sequence[Diagnostic], files: int, suppressed: Sequence[Diagnostic] = ()) -> str: ...


def summary(diagnostics: Sequence[Diagnostic], files: int, suppressed: Sequence[Diagnostic] = ()) -> str:
    """The last line: files checked, errors, warnings and, when there are any, suppressed findings."""
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    line = (
        f"{files} spec file{'s' if files != 1 else ''} checked: "
        f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    )
    return line + (f", {len(suppressed)} suppressed" if suppressed else "")


def text(diagnostics: Sequence[Diagnostic], files: int, suppressed: Sequence[Diagnostic] = ()) -> str:
    """Compiler-style lines, ``path:line:col: error[CODE]: message``, then a summary.

    Suppressed findings are only counted: a team accepted them so that they
    stop filling the terminal; ``--format json`` lists them with their reasons.
    """
    return "".join(f"{d}\n" for d in diagnostics) + summary(diagnostics, files, suppressed) + "\n"


def _entry(d: Diagnostic) -> dict[str, Any]:
    return {
        "path": d.path,
        "line": d.line,
        "column": d.column,
        "severity": d.severity.value,
        "code": d.code,
        "message": d.message,
        "hint": d.hint,
        "pointer": "".join(f"/{str(p).replace('~', '~0').replace('/', '~1')}" for p in d.pointer),
    }


def as_json(diagnostics: Sequence[Diagnostic], files: int, suppressed: Sequence[Diagnostic] = ()) -> str:
    """A stable JSON document: one object per diagnostic, keys sorted.

    Version 1 still: ``suppressed`` (the accepted findings, each with its
    ``reason``) and ``suppressed_count`` are keys added beside the others.
    """
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    payload = {
        "version": 1,
        "files": files,
        "errors": errors,
        "warnings": len(diagnostics) - errors,
        "suppressed_count": len(suppressed),
        "diagnostics": [_entry(d) for d in diagnostics],
        "suppressed": [{**_entry(d), "reason": d.suppressed_by} for d in suppressed],
    }
    return json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def github(diagnostics: Sequence[Diagnostic], files: int, suppressed: Sequence[Diagnostic] = ()) -> str:
    """GitHub Actions workflow commands: annotations on the pull request's lines.

    A suppressed finding is a ``::notice``, titled with its code and
    "suppressed", its reason in the message: a reviewer sees on the changed
    lines what the pull request accepts and why, and a notice fails nothing.
    """

    def escape(value: str, *, prop: bool = False) -> str:
        value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return value.replace(":", "%3A").replace(",", "%2C") if prop else value

    def command(level: str, d: Diagnostic, title: str, message: str) -> str:
        return (
            f"::{level} file={escape(d.path, prop=True)},line={d.line},col={d.column},"
            f"title={escape(title, prop=True)}::{escape(message)}\n"
        )

    lines = []
    for d in diagnostics:
        level = "error" if d.severity is Severity.ERROR else "warning"
        lines.append(command(level, d, d.code, d.message + (f" ({d.hint})" if d.hint else "")))
    for d in suppressed:
        lines.append(command("notice", d, f"{d.code} (suppressed)", f"{d.message} (accepted: {d.suppressed_by})"))
    return "".join(lines) + summary(diagnostics, files, suppressed) + "\n"


REPORTERS: dict[str, Reporter] = {"text": text, "json": as_json, "github": github}
