"""Reporters: render a list of diagnostics for people or machines.

Chosen by name from :data:`REPORTERS`; each takes the diagnostics and a short
summary and returns text. Reporters never decide exit codes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from specgen.diagnostics import Diagnostic, Severity

Reporter = Callable[[Sequence[Diagnostic], int], str]


def summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    return (
        f"{files} spec file{'s' if files != 1 else ''} checked: "
        f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    )


def text(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """Compiler-style lines, ``path:line:col: error[CODE]: message``, then a summary."""
    return "".join(f"{d}\n" for d in diagnostics) + summary(diagnostics, files) + "\n"


def as_json(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """A stable JSON document: one object per diagnostic, keys sorted."""
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    payload = {
        "version": 1,
        "files": files,
        "errors": errors,
        "warnings": len(diagnostics) - errors,
        "diagnostics": [
            {
                "path": d.path,
                "line": d.line,
                "column": d.column,
                "severity": d.severity.value,
                "code": d.code,
                "message": d.message,
                "hint": d.hint,
                "pointer": "".join(f"/{str(p).replace('~', '~0').replace('/', '~1')}" for p in d.pointer),
            }
            for d in diagnostics
        ],
    }
    return json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def github(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """GitHub Actions workflow commands: annotations on the pull request's lines."""

    def escape(value: str, *, prop: bool = False) -> str:
        value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return value.replace(":", "%3A").replace(",", "%2C") if prop else value

    lines = []
    for d in diagnostics:
        level = "error" if d.severity is Severity.ERROR else "warning"
        message = d.message + (f" ({d.hint})" if d.hint else "")
        lines.append(
            f"::{level} file={escape(d.path, prop=True)},line={d.line},col={d.column},"
            f"title={escape(d.code, prop=True)}::{escape(message)}\n"
        )
    return "".join(lines) + summary(diagnostics, files) + "\n"


REPORTERS: dict[str, Reporter] = {"text": text, "json": as_json, "github": github}
