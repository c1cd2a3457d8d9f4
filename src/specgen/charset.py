"""Which characters spec text may hold: the one home of that policy.

Refused, wherever they appear (raw in a file, or written as an escape such as
``"\\u202e"`` in a quoted value):

* control characters other than tab, line feed and carriage return: the C0
  set, DEL and the C1 set (U+0080-U+009F). They are invisible, terminals act
  on them, and U+0085 is a line break to YAML but not to editors;
* the bidirectional embeddings and overrides U+202A-U+202E, which reorder what
  readers see without changing what the text says ("Trojan Source");
* lone surrogates (``"\\ud800"``), which are no character at all and cannot be
  written as UTF-8.

Allowed: the marks U+200E and U+200F, which right-to-left text needs, and the
isolates U+2066-U+2069, which the site shows visibly (see :mod:`specgen.escape`).
"""

from __future__ import annotations

import re
import unicodedata

REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\ud800-\udfff]")
#: The bidirectional isolates: allowed, but shown as visible markers on the site.
ISOLATES = "\u2066\u2067\u2068\u2069"
#: Every bidirectional control but the marks: the embeddings and overrides (refused) and the isolates.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e" + ISOLATES


def unprintable(text: str) -> str | None:
    """The first character a one-line value (a path, a name, a description) may not hold, or ``None``:
    any control character (tab and line breaks too), a character :data:`REFUSED` names, or a bidi control."""
    return next((c for c in text if c < " " or REFUSED.match(c) or c in BIDI_CONTROLS), None)


def describe(char: str) -> str:
    """A refused character as users can look it up, e.g. ``U+202E (RIGHT-TO-LEFT OVERRIDE)``."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} ({name})" if name else f"U+{ord(char):04X}"


def problem(char: str) -> tuple[str, str]:
    """Why ``char`` (one that :data:`REFUSED` matches) is refused, and what to do: (message, hint)."""
    if "\u202a" <= char <= "\u202e":
        return (
            f"contains the bidirectional control {describe(char)}, which makes text read differently from what it says",
            "remove it; right-to-left text needs at most the marks U+200E and U+200F or the isolates U+2066-U+2069",
        )
    if "\ud800" <= char <= "\udfff":
        return f"contains the lone surrogate {describe(char)}, which is not a character", "remove it"
    return (
        f"contains the control character {describe(char)}, which text cannot show",
        "control characters are invisible: remove it",
    )
