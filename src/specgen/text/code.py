"""Code blocks in spec text: highlighted by Pygments with the theme's classes, every byte kept.

The shape is the one ``pymdownx.highlight`` and ``codehilite`` give
(``<div class="highlight"><pre><span></span><code>``), so Material colours
it and adds its copy button. The lexer is chosen by the fence's language
name only, never guessed; an unknown language, or none, gets the same
wrapper without highlighting.

Highlighting runs while specs are checked, and a Pygments lexer is a set of
regular expressions that some input drives into exponential time (measured:
the ``smithy`` lexer on a quote and 44 backslashes took over 100 s). So only
the languages of :data:`LANGUAGES` are highlighted, each measured on
adversarial input, and only in blocks of at most :data:`MAX_CODE` characters
whose lines are at most :data:`MAX_LINE` long: the cost of these lexers grows
faster than linearly with a line's length. Anything else is shown as it is,
unhighlighted.
"""

from __future__ import annotations

import functools
import re
from typing import Any

#: The languages highlighted, by the names fences use for them (Pygments' aliases).
LANGUAGES = frozenset(
    [
        "yaml",
        "yml",
        "json",
        "python",
        "py",
        "pycon",
        "javascript",
        "js",
        "typescript",
        "ts",
        "jsx",
        "tsx",
        "bash",
        "sh",
        "shell",
        "zsh",
        "console",
        "shell-session",
        "powershell",
        "ps1",
        "sql",
        "html",
        "xml",
        "css",
        "scss",
        "go",
        "golang",
        "java",
        "kotlin",
        "ruby",
        "rb",
        "rust",
        "rs",
        "c",
        "cpp",
        "c++",
        "csharp",
        "c#",
        "cs",
        "diff",
        "toml",
        "ini",
        "cfg",
        "markdown",
        "md",
        "text",
        "graphql",
        "http",
        "docker",
        "dockerfile",
        "make",
        "makefile",
        "php",
        "swift",
        "scala",
        "terraform",
        "tf",
        "hcl",
        "protobuf",
        "proto",
        "lua",
        "r",
        "perl",
        "haskell",
        "elixir",
        "erlang",
        "clojure",
        "dart",
        "groovy",
        "nginx",
        "jinja",
        "django",
        "properties",
        "batch",
        "vim",
        "latex",
        "tex",
    ]
)
#: The longest code block and the longest line that are highlighted (characters).
MAX_CODE = 20_000
MAX_LINE = 400
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
    name = language.lower()
    highlighted = name in LANGUAGES and len(content) <= MAX_CODE and _longest_line(content) <= MAX_LINE
    lexer = _lexer(name) if highlighted else None
    # Pygments drops a leading byte order mark: such code is shown as written, unhighlighted.
    if lexer is None or content.startswith("\ufeff"):
        return f"{_OPEN}{content.translate(_TEXT)}{_CLOSE}"
    from pygments import highlight  # type: ignore[import-untyped]

    out = str(highlight(content, lexer, _formatter()))
    return _AS_NH3_RE.sub(lambda m: _AS_NH3[m.group()], out)


def _longest_line(content: str) -> int:
    return max(map(len, content.splitlines()), default=0)
