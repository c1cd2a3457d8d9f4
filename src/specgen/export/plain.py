"""Spec text as exports show it: the plain form of Markdown, and plain fields as written.

Exports go where no Markdown is rendered (a spreadsheet cell, a Gherkin
step), so a Markdown field gives its plain form (:attr:`specgen.text.fields.Text.plain`).
Bidirectional controls become visible markers (``[U+202E]``) in plain
fields too, as they are in plain forms: text that reorders itself on screen
would make a cell or a step read differently from what it holds.
"""

from __future__ import annotations

from specgen.text.fields import Text
from specgen.text.safe import MARKERS

_VISIBLE = str.maketrans(MARKERS)


def plain(value: str) -> str:
    """``value`` without Markdown when it is a Markdown field, else as written (line breaks kept)."""
    if isinstance(value, Text):
        return value.plain
    return value.translate(_VISIBLE)


def one_line(value: str) -> str:
    """:func:`plain`, with every run of whitespace (line breaks of any kind included) as one space."""
    return " ".join(plain(value).split())


def as_written(value: str) -> str:
    """The text as the spec writes it, Markdown and line breaks kept, bidirectional controls made visible.

    For a doc string, where a reader sees the text verbatim: Markdown's lists
    and paragraphs read as they are, where the plain form makes one line.
    """
    return str(value).translate(_VISIBLE)
