"""``--format text``: compiler-style lines for people at a terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from specgen.reporters.common import summary

if TYPE_CHECKING:
    from specgen.check import CheckResult


def text(result: CheckResult) -> str:
    """Compiler-style lines, ``path:line:col: error[CODE]: message``, then a summary.

    Suppressed findings are only counted: a team accepted them so that they
    stop filling the terminal; ``--format json`` lists them with their reasons.
    """
    lines = "".join(f"{d}\n" for d in result.diagnostics)
    return lines + summary(result.diagnostics, result.files, result.suppressed) + "\n"
