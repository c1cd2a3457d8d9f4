"""``--format json``: specgen's own stable JSON, for tools and scripts.

Named ``data`` rather than ``json``, which would shadow the standard library's module.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from specgen.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from specgen.check import CheckResult


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


def as_json(result: CheckResult) -> str:
    """A stable JSON document: one object per diagnostic, keys sorted.

    Version 1 still: ``suppressed`` (the accepted findings, each with its
    ``reason``) and ``suppressed_count`` are keys added beside the others.
    """
    diagnostics = result.diagnostics
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    payload = {
        "version": 1,
        "files": result.files,
        "errors": errors,
        "warnings": len(diagnostics) - errors,
        "suppressed_count": len(result.suppressed),
        "diagnostics": [_entry(d) for d in diagnostics],
        "suppressed": [{**_entry(d), "reason": d.suppressed_by} for d in result.suppressed],
    }
    return json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
