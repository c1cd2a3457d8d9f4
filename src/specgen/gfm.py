"""Text made safe for what GitHub renders (a PR comment, a job summary) and for a terminal.

Anyone who can open a pull request writes the text ``specgen diff`` and the
job summary of ``specgen check`` show (titles, statements, IDs, file and
branch names, messages that quote them), so it is hostile input.
:func:`plain` makes it one harmless line: control characters (ANSI escapes
start with one) and bidirectional controls ("Trojan Source") become visible
markers such as ``[U+001B]``, so nothing acts on the terminal and nothing is
hidden. :func:`markdown` then makes that line show literally in a comment that
GitHub renders, wherever it stands (paragraph, list item, table cell):

* Markdown and HTML syntax characters (``$`` for GitHub's math too) become
  numeric character references, which CommonMark shows as the character and
  never reads as structure; ``&`` too, so ``&lt;`` in a title stays the
  visible text "&lt;". A start that would open a block (``# x``, ``- x``,
  ``1. x``) has its first mark written so as well.
* GitHub links some plain text after rendering: ``@user`` and ``@org/team``
  mentions (which notify people on every push), ``#123``, ``GH-123`` and
  ``owner/repo#123`` references, ``:emoji:`` (custom ones are images) and
  autolinks of ``https://``, ``mailto:``, ``www.`` and e-mail addresses. A
  WORD JOINER (U+2060, invisible and not a word character) after each ``@``
  and ``#`` that a character follows, each ``:`` that anything but a digit
  follows (so ``file.yaml:4:1`` copies clean), and inside ``www.`` and ``GH-``,
  leaves none of these patterns while the text reads the same. Entities
  cannot do this: they turn back into the character before GitHub looks.
"""

from __future__ import annotations

import re

from specgen.charset import BIDI_CONTROLS

#: The invisible character that splits a pattern GitHub would link: U+2060 WORD JOINER.
JOINER = "\u2060"

#: Tabs and line breaks of any kind: the reports show each piece of spec text on one line.
_BREAKS = re.compile("[\t\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")
#: Characters that act on a terminal or reorder what a reader sees: the C0 and C1 controls, DEL, bidi controls.
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + BIDI_CONTROLS + "]")


def _marker(match: re.Match[str]) -> str:
    return f"[U+{ord(match.group()):04X}]"


def plain(text: object, limit: int | None = None) -> str:
    """``text`` as one line that shows what it holds and does nothing else, cut to ``limit`` characters.

    A tab or line break becomes a space; every other control character and
    every bidirectional control becomes a visible ``[U+XXXX]`` marker (the
    check refuses most of them in specs, but file names, branch names and
    messages reach the reports too). The cut ends in "…".
    """
    line = _HIDDEN.sub(_marker, _BREAKS.sub(" ", str(text))).strip()
    if limit is not None and len(line) > limit:
        line = line[: max(limit - 1, 0)].rstrip() + "…"
    return line


#: Characters CommonMark, GitHub's extensions (tables, strikethrough, footnotes, task lists, alerts, math) or
#: HTML read as syntax anywhere in a line, as numeric references. ``!`` and ``(`` mean nothing without ``[``.
_ENTITIES = {c: f"&#{ord(c)};" for c in "\\`*_[]|~$<>&"}
_ENTITIES.update({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_TABLE = str.maketrans(_ENTITIES)
#: Where GitHub would link text: an ``@`` or ``#`` before a character (mentions, references), a ``:`` before
#: anything but a digit (emoji, ``https://``, ``mailto:``; ``FEAT-1.yaml:4:1`` stays as it is, to copy), ``www.``
#: and ``GH-``. A joiner goes after each.
_LINKED = re.compile(r"[@#](?=\S)|:(?=[^\s\d])|(?i:\b(?:www(?=\.)|gh(?=-)))")
#: A start that reads as a block, even inside a list item: a heading, a list item, a rule or setext underline, a
#: numbered item (``>`` for a quote is a reference already).
_BLOCK_START = re.compile(r"#|[-+=](?=[\s\-+=]|$)|\d+(?=[.)](?:\s|$))")


def _guard_start(line: str) -> str:
    """``line`` (escaped already) with a start that would open a block written as a reference."""
    start = _BLOCK_START.match(line)
    if start is None:
        return line
    if start.group()[0].isdigit():  # "1. x": the dot or parenthesis makes the list item
        end = start.end()
        return line[:end] + f"&#{ord(line[end])};" + line[end + 1 :]
    return f"&#{ord(line[0])};" + line[1:]


def markdown(text: object, limit: int | None = None) -> str:
    """``text`` as Markdown that GitHub shows literally on one line: no markup, link, image, mention or reference.

    ``limit`` cuts the plain text before escaping (see :func:`plain`), so no
    reference is cut in half. Safe in a paragraph, a list item, a table cell
    and between ``**`` or ``~~``.
    """
    line = _LINKED.sub(lambda m: m.group() + JOINER, plain(text, limit))
    return _guard_start(line.translate(_TABLE)) if line else ""
