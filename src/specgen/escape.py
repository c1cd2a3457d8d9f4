"""Escaping: the one home of "user text is data".

Everything a spec says reaches the site through these functions. Each turns
text into Markdown that shows it literally: HTML, Markdown syntax and template
syntax are never interpreted. The render stage applies :func:`escape_inline`
to every ``{{ ... }}`` output.

The bidirectional isolates U+2066-U+2069 are shown as visible markers
(``[U+2066]``) instead of being passed on: they can reorder what readers see
("Trojan Source"), and a marker shows that something is there. The check
refuses the embeddings and overrides U+202A-U+202E outright; should one reach
these functions anyway (from a template's own text), it becomes a marker too.
The marks U+200E and U+200F pass through, as right-to-left text needs them.
"""

from __future__ import annotations

import json
import re

from markupsafe import Markup

from specgen.charset import BIDI_CONTROLS

_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "\\": "&#92;",
    "`": "&#96;",
    "*": "&#42;",
    "[": "&#91;",
    "]": "&#93;",
    "|": "&#124;",
    "{": "&#123;",
    "}": "&#125;",
    "~": "&#126;",
    # Bidirectional controls, as visible markers (see the module's docstring).
    **{c: f"&#91;U+{ord(c):04X}&#93;" for c in BIDI_CONTROLS},
}
_TABLE = str.maketrans(_ENTITIES)
#: Bidirectional controls as plain-text markers, for page titles (which are not Markdown).
_MARKERS = str.maketrans({c: f"[U+{ord(c):04X}]" for c in BIDI_CONTROLS})
#: An underscore that could open or close emphasis: any but one between two
#: letters or digits (snake_case), which Markdown leaves alone.
_EMPHASIS_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
#: Starts of a line that Markdown and its common extensions read as syntax: a
#: heading, a list item, a rule or setext underline, an admonition (!!!), a
#: collapsible block (???), a tabbed block (===) or a generic block (///).
_LINE_START = re.compile(r"^(\s*)(#+|[-+=]+(?=\s|$)|\d+[.)](?=\s|$)|[!?/=]{3})")
#: Any character that escaping would change; text without one needs only a line-start check.
_SPECIAL = re.compile("[" + re.escape("".join(_ENTITIES)) + "_\r\n]")


def escape_inline(value: object) -> Markup:
    """Escape text so that Markdown and HTML show it literally, on one line.

    Safe in a paragraph, a list item, a heading and a table cell: newlines
    become ``<br>`` so they cannot end a table row or start a block.
    """
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    if isinstance(value, bool):
        value = "yes" if value else "no"
    text = str(value)
    if not _SPECIAL.search(text):  # the common case, and a shortcut that gives the same result
        stripped = text.strip()
        if not _LINE_START.match(stripped):
            return Markup(stripped)
    return _escape_lines(text)


def _escape_lines(text: str) -> Markup:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = []
    for line in text.split("\n"):
        line = _EMPHASIS_UNDERSCORE.sub("&#95;", line.strip().translate(_TABLE))
        lines.append(_LINE_START.sub(lambda m: m.group(1) + "".join(f"&#{ord(c)};" for c in m.group(2)), line))
    return Markup("<br>".join(lines))


def paragraphs(value: object) -> Markup:
    """Escaped text as Markdown paragraphs (blank lines separate them)."""
    text = str(value or "").replace("\r\n", "\n")
    blocks = [b for b in re.split(r"\n\s*\n", text) if b.strip()]
    return Markup("\n\n".join(escape_inline(b) for b in blocks))


def code(value: object) -> Markup:
    """Inline code, HTML-escaped (a Markdown code span would show entities)."""
    return Markup("<code>{}</code>").format(escape_inline(value))


_SAFE_URL = re.compile(r"(https?://|mailto:)[^\s<>\"'\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]+", re.IGNORECASE)


def external_link(title: object, url: object) -> Markup:
    """A link to an http(s) or mailto URL; anything else is shown as text."""
    # fullmatch: with match and "$", a final newline would pass.
    if not isinstance(url, str) or not _SAFE_URL.fullmatch(url):
        return escape_inline(title)
    return Markup('<a href="{}" rel="nofollow noopener">{}</a>').format(url, escape_inline(title))


def front_matter(title: str | None, *, searchable: bool = True) -> str:
    """YAML front matter: the page's title for the theme, and whether search indexes it.

    Themes put the title in ``<title>`` through filters that strip tags and
    unescape entities (Material's ``striptags``), so an escaped ``</title>``
    in user text would come back as markup there. The title therefore carries
    no angle brackets at all: they become their full-width look-alikes.
    ``search: exclude`` is Material's; other themes ignore it.
    """
    lines = []
    if title is not None:
        safe = " ".join(title.split()).replace("<", "\uff1c").replace(">", "\uff1e").translate(_MARKERS)
        lines.append(f"title: {json.dumps(safe, ensure_ascii=False)}")
    if not searchable:
        lines.append("search:\n  exclude: true")
    return "---\n" + "\n".join(lines) + "\n---\n\n" if lines else ""


def anchor(ident: str) -> str:
    """The HTML id of a requirement or test case, e.g. ``feat-1-r2``."""
    return re.sub(r"[^a-z0-9-]", "-", ident.lower())
