"""The Markdown report of a diff: one PR comment that GitHub renders, kept under a size limit.

The comment starts with :data:`MARKER`, by which a workflow finds it again to
update it instead of adding one per push. Then a one-line summary, a table of
the most important changes, and every section folded in ``<details>``.

GitHub refuses a comment over 65,536 characters, so the report fits
:attr:`ReportOptions.limit`: the summary and the table always stay (every
piece of spec text in them is cut short, which bounds their size; see
:data:`specgen.diff.report.MIN_LIMIT`), every section keeps its heading, and
the sections share what room is left, each keeping its most important
changes and saying how many it leaves out.

The layout is assembled here rather than in a template because fitting it
needs the size of each rendered item; every piece of spec text in it goes
through :func:`specgen.gfm.markdown`, and links are only
``link_base`` followed by a URL-quoted path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from specgen.diff.changes import Change, Importance, Section, headline
from specgen.diff.report.text import NO_CHANGES, flag_words, plural, sections, totals
from specgen.diff.result import DiffResult
from specgen.gfm import markdown as md

if TYPE_CHECKING:
    from specgen.diff.report import ReportOptions

#: The hidden first line by which the comment is found again.
MARKER = "<!-- specgen-diff -->"
_ALERT = "⚠️"
#: The longest piece of spec text, in characters before escaping, in a list item and in the headline table.
_ITEM_CUTS = {"subject": 60, "item": 60, "title": 120, "summary": 400, "words": 200}
_TABLE_CUTS = {"subject": 24, "item": 24, "title": 40, "summary": 100}
_LABEL_CUT = 80


def _more(n: int) -> str:
    return f"… and {plural(n, 'more change')} in this section (run `specgen diff` locally for all)"


def link(options: ReportOptions, path: str, folder: str = "") -> str | None:
    """The URL of a spec file at HEAD, or ``None`` without a link base or for a path that is not a plain one.

    ``path`` is relative to the workspace, which is ``folder`` inside the repository.
    """
    path = f"{folder}/{path}" if folder and path else path
    if options.link_base is None or any(part in ("", ".", "..") for part in path.split("/")):
        return None
    return options.link_base + quote(path, safe="/")


def _words(change: Change) -> str:
    """A reworded text, removed words struck through and added ones in bold."""
    pieces = []
    for op, words in change.words:
        text = md(words, _ITEM_CUTS["words"])
        if text:
            pieces.append(f"~~{text}~~" if op == "-" else f"**{text}**" if op == "+" else text)
    return " ".join(pieces)


def _flags(change: Change) -> str:
    return f" *({md(', '.join(flag_words(change)))})*" if change.flags else ""


def _who(change: Change, cuts: dict[str, int], url: str | None = None) -> str:
    """The subject in bold (a link to its spec file when there is one), its title and the item."""
    subject = md(change.subject, cuts["subject"])
    bold = f"**{subject}**" if subject else ""
    if bold and url:
        bold = f"[{bold}]({url})"
    item = md(change.item, cuts["item"])
    return " ".join(part for part in (bold, md(change.title, cuts["title"]), f"({item})" if item else "") if part)


def item(change: Change, options: ReportOptions, folder: str = "") -> str:
    """One change as a list item, on one line; ``folder``: the workspace's inside the repository."""
    alert = f"{_ALERT} " if change.importance is Importance.ALERT else ""
    who = _who(change, _ITEM_CUTS, link(options, change.path, folder))
    line = f"- {alert}{who}: " if who else f"- {alert}"
    line += md(change.summary, _ITEM_CUTS["summary"])
    if change.words:
        line += f" — {_words(change)}"
    return line + _flags(change)


def _row(change: Change) -> str:
    alert = f"{_ALERT} " if change.importance is Importance.ALERT else ""
    summary = md(change.summary, _TABLE_CUTS["summary"])
    return f"| {_who(change, _TABLE_CUTS) or '—'} | {alert}{summary}{_flags(change)} |"


def _head(result: DiffResult) -> str:
    """The marker, the summary line and the headline table."""
    sides = f"**specgen diff** {md(result.base.label, _LABEL_CUT)} → {md(result.head.label, _LABEL_CUT)}"
    if not result.changes:
        return f"{MARKER}\n{sides}: {NO_CHANGES}\n"
    by_section = " · ".join(f"{section.title} {len(changes):,}" for section, changes in sections(result))
    lines = [MARKER, f"{sides}: **{totals(result)}** · {by_section}"]
    top = headline(result.changes)
    if top:
        lines.extend(["", "| Subject | Change |", "| --- | --- |", *(_row(change) for change in top)])
    return "\n".join(lines) + "\n"


def _section(section: Section, total: int, items: list[str]) -> str:
    parts = [f"<details><summary>{section.title} ({total:,})</summary>"]
    if items:
        parts.append("\n".join(items))
    if len(items) < total:
        parts.append(_more(total - len(items)))
    return "\n\n".join([*parts, "</details>"])


def _fit(room: int, blocks: list[tuple[Section, list[str]]]) -> list[int]:
    """How many items each section keeps within ``room`` characters: a round of one item each while they fit.

    Sections are cut, not dropped, and each keeps its first (most important)
    items; taking in rounds shares the room fairly between large sections.
    """
    # A cut section's skeleton: its heading and the line counting what it leaves out, at the largest count.
    room -= sum(len(_section(section, len(items), [])) + 2 for section, items in blocks) + 2 * len(blocks)
    kept = [0] * len(blocks)
    growing = [i for i, (_, items) in enumerate(blocks) if items]
    while growing and room > 0:
        for i in list(growing):
            items = blocks[i][1]
            cost = len(items[kept[i]]) + 1
            if cost > room:
                growing.remove(i)
                continue
            room -= cost
            kept[i] += 1
            if kept[i] == len(items):
                growing.remove(i)
    return kept


def report(result: DiffResult, options: ReportOptions) -> str:
    """The comment's Markdown, at most ``options.limit`` characters."""
    head = _head(result)
    blocks = [
        (section, [item(change, options, result.folder) for change in changes]) for section, changes in sections(result)
    ]
    kept = [len(items) for _, items in blocks]
    text = _join(head, blocks, kept)
    if len(text) > options.limit:
        kept = _fit(options.limit - len(head), blocks)
        text = _join(head, blocks, kept)
    return text


def _join(head: str, blocks: list[tuple[Section, list[str]]], kept: list[int]) -> str:
    folded = [_section(section, len(items), items[:n]) for (section, items), n in zip(blocks, kept, strict=True)]
    return "\n".join([head, *(block + "\n" for block in folded)])
