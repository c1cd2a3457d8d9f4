"""Code blocks in spec text: highlighted by Pygments with the theme's classes, every byte kept.

The shape is the one ``pymdownx.highlight`` and ``codehilite`` give
(``<div class="highlight"><pre><span></span><code>``), so Material colours
it and adds its copy button. The lexer is chosen by the fence's language
name only, never guessed; an unknown language, or none, gets the same
wrapper without highlighting.
"""

from __future__ import annotations

import functools
import re
from typing import Any

#: A language name as fences write it (``yaml``, ``c++``, ``shell-session``); anything else is unknown.
_NAME = re.compile(r"[A-Za-z0-9_+#.-]{1,40}")
_OPEN = '<div class="highlight"><pre><span></span><code>'
_CLOSE = "</code></pre></div>\n"
#: Pygments escapes quotes, nh3 (html5ever) does not and escapes a no-break space: write what nh3 writes.
_AS_NH3 = {"&quot;": '"', "&#39;": "'", "\xa0": "&nbsp;"}
_AS_NH3_RE = re.compile("|".join(map(re.escape, _AS_NH3)))
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\xa0": "&nbsp;"})


@functools.cache
def _lexer(name: str) -> Any:
    from pygments.lexers import get_lexer_by_name  # type: ignore[import-untyped]  # Pygments has no hints
    from pygments.util import ClassNotFound  # type: ignore[import-untyped]

    try:
        # stripnl/ensurenl off: Pygments would drop leading blank lines and add a final newline.
        return get_lexer_by_name(name, stripnl=False, ensurenl=False, stripall=False, tabsize=0)
    except ClassNotFound:
        return None


@functools.cache
def _formatter() -> Any:
    from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped]

    return HtmlFormatter(cssclass="highlight", wrapcode=True)


def block(content: str, language: str) -> str:
    """``content`` as a highlighted code block; ``language`` is the fence's first word (may be empty)."""
    lexer = _lexer(language.lower()) if _NAME.fullmatch(language) else None
    # Pygments drops a leading byte order mark: such code is shown as written, unhighlighted.
    if lexer is None or content.startswith("\ufeff"):
        return f"{_OPEN}{content.translate(_TEXT)}{_CLOSE}"
    from pygments import highlight  # type: ignore[import-untyped]

    out = str(highlight(content, lexer, _formatter()))
    return _AS_NH3_RE.sub(lambda m: _AS_NH3[m.group()], out)
