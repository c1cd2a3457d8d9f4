"""The text report of a diff, for a terminal: a header line, then one line per change under its section.

Alerts start with ``!`` where other lines are indented; a reworded text shows
its word diff as git's ``--word-diff=plain`` does: ``[-old-]{+new+}``. Every
piece of spec text goes through :func:`specgen.gfm.plain`, so a
title holding an ANSI escape shows it instead of clearing the screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from specgen.diff.changes import (
    BACKWARDS,
    INTO_SHIPPED,
    MADE_EXTERNAL,
    NEW_ERROR,
    SLIP,
    SUSPECT,
    UNREADABLE,
    Change,
    Importance,
    Section,
)
from specgen.diff.report.data import counts
from specgen.diff.result import DiffResult
from specgen.gfm import plain

if TYPE_CHECKING:
    from specgen.diff.report import ReportOptions

#: What each alert flag means, as the reports say it.
FLAG_LABELS = {
    BACKWARDS: "status moved back",
    MADE_EXTERNAL: "now visible to customers",
    INTO_SHIPPED: "into a shipped release",
    SLIP: "a slip",
    NEW_ERROR: "a new error",
    SUSPECT: "needs review",
    UNREADABLE: "not compared",
}

#: What the reports say when a diff found nothing.
NO_CHANGES = "No changes in product terms."


def plural(n: int, word: str) -> str:
    """``1 change``, ``3 changes``."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def flag_words(change: Change) -> list[str]:
    """The change's flags as words, in a stable order; a flag without a label is shown by its name."""
    return [FLAG_LABELS.get(flag, flag.replace("_", " ")) for flag in sorted(change.flags)]


def totals(result: DiffResult) -> str:
    """``7 changes (2 alerts)``."""
    return f"{plural(len(result.changes), 'change')} ({plural(len(result.alerts), 'alert')})"


def sections(result: DiffResult) -> list[tuple[Section, list[Change]]]:
    """The sections that hold changes, in report order, each with its changes in the order of the result."""
    return [(section, result.section(section)) for section, n in counts(result).items() if n]


def word_diff(change: Change) -> str:
    """The words of a reworded text in git's plain style: ``The export [-must-]{+should+} include totals``."""
    marks = {"-": ("[-", "-]"), "+": ("{+", "+}")}
    out, last = "", ""
    for op, words in change.words:
        text = plain(words)
        if not text:
            continue
        start, end = marks.get(op, ("", ""))
        # As git shows a replacement: the removed words and the added ones side by side.
        out += ("" if not out or (last, op) == ("-", "+") else " ") + f"{start}{text}{end}"
        last = op
    return out


def _line(change: Change) -> str:
    lead = "! " if change.importance is Importance.ALERT else "  "
    who = " ".join(part for part in (plain(change.subject), plain(change.title)) if part)
    if change.item:
        who = f"{who} ({plain(change.item)})" if who else plain(change.item)
    line = f"{lead}{who}: {plain(change.summary)}" if who else f"{lead}{plain(change.summary)}"
    if change.words:
        line += f" — {word_diff(change)}"
    if change.flags:
        line += f" ({', '.join(flag_words(change))})"
    return line


def report(result: DiffResult, options: ReportOptions) -> str:
    """The whole report, ending in a newline."""
    lines = [f"specgen diff: {plain(result.base.label)} → {plain(result.head.label)}: {totals(result)}"]
    if not result.changes:
        lines.append(NO_CHANGES)
    for section, changes in sections(result):
        lines.extend(["", f"{section.title} ({len(changes):,})"])
        lines.extend(_line(change) for change in changes)
    return "\n".join(lines) + "\n"
