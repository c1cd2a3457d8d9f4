"""Reports of a diff, chosen by name: ``text`` for a terminal, ``markdown`` for a PR comment, ``json`` for machines.

Each report is a function of a :class:`~specgen.diff.result.DiffResult` and
:class:`ReportOptions` that returns the whole text. Spec text reaches every
report through :mod:`specgen.gfm` and nowhere else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from specgen.diff.report import data, markdown, text
from specgen.diff.result import DiffResult

#: The smallest Markdown size limit: what the summary line, the headline table and every section's heading take
#: at most, since the reports cut every piece of spec text they put there.
MIN_LIMIT = 20_000

#: A link base the Markdown report may put in front of a path: http(s), then only characters that cannot end a
#: Markdown link destination or leave it (no space, quote, bracket, parenthesis, backslash or control).
_LINK_BASE = re.compile(r"https?://[A-Za-z0-9\-._~:/?#@!$&*+,;=%]+", re.ASCII)


def link_base_problem(url: str) -> str | None:
    """Why ``url`` cannot be a link base (a sentence for the user), or ``None`` when it can."""
    if not re.match(r"https?://", url, re.IGNORECASE):
        return f"--link-base must be an http(s) URL, not {url!r}"
    if not _LINK_BASE.fullmatch(url):
        return f"--link-base {url!r} holds a character a link cannot hold (spaces, quotes, brackets, parentheses)"
    return None


@dataclass(frozen=True)
class ReportOptions:
    """How a report is drawn; the defaults suit a terminal and a GitHub comment."""

    #: A URL prefix such that ``link_base + change.path`` is the spec file at HEAD, e.g.
    #: ``https://github.com/o/r/blob/<sha>/``; ``None`` for no links.
    link_base: str | None = None
    #: The most characters the Markdown report may have: GitHub refuses a comment over 65,536.
    limit: int = 60_000

    def __post_init__(self) -> None:
        # The CLI says what is wrong with a user's value first; this keeps any other caller from a bad link.
        problem = link_base_problem(self.link_base) if self.link_base is not None else None
        if problem:
            raise ValueError(problem)
        if self.limit < MIN_LIMIT:
            raise ValueError(f"the Markdown limit must be at least {MIN_LIMIT:,} characters, not {self.limit:,}")


Report = Callable[[DiffResult, ReportOptions], str]

#: Every report, by the name ``--format`` takes.
REPORTS: dict[str, Report] = {"text": text.report, "markdown": markdown.report, "json": data.report}

__all__ = ["MIN_LIMIT", "REPORTS", "Report", "ReportOptions", "link_base_problem"]
