"""``--format github``: GitHub Actions workflow commands, annotations on the pull request's lines.

The default when ``GITHUB_ACTIONS=true`` and no ``--format`` is given (see :mod:`specgen.cli`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from specgen.diagnostics import Diagnostic, Severity
from specgen.reporters.common import summary

if TYPE_CHECKING:
    from specgen.check import CheckResult


def _escape(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def _command(level: str, d: Diagnostic, title: str, message: str) -> str:
    return (
        f"::{level} file={_escape(d.path, prop=True)},line={d.line},col={d.column},"
        f"title={_escape(title, prop=True)}::{_escape(message)}\n"
    )


def github(result: CheckResult) -> str:
    """One workflow command per finding, then the summary line.

    A suppressed finding is a ``::notice``, titled with its code and
    "suppressed", its reason in the message: a reviewer sees on the changed
    lines what the pull request accepts and why, and a notice fails nothing.
    """
    lines = []
    for d in result.diagnostics:
        level = "error" if d.severity is Severity.ERROR else "warning"
        lines.append(_command(level, d, d.code, d.message + (f" ({d.hint})" if d.hint else "")))
    for d in result.suppressed:
        lines.append(_command("notice", d, f"{d.code} (suppressed)", f"{d.message} (accepted: {d.suppressed_by})"))
    return "".join(lines) + summary(result.diagnostics, result.files, result.suppressed) + "\n"
