"""What the engine's HTML passes through after rendering: nh3, then the entities Python-Markdown needs.

nh3 is defence in depth: the renderer emits only what this allowlist keeps,
byte for byte (a test holds it to that), so it has nothing to do unless the
renderer is wrong. It runs first because it re-serializes: it would turn the
entities below back into the characters.

Python-Markdown reads the page again. Its preprocessors see inside a raw
HTML block (tabs are expanded, fence lines and ``{++critic++}`` are read, a
line of spaces only is emptied) and its inline patterns read inline HTML
(emphasis, code, ``{: attr_list }``, a table's ``|``). Those characters are
written as numeric entities, which mean the same to a browser, in text and
attribute values.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from specgen.charset import BIDI_CONTROLS

#: An image from the workspace's assets folder: plain path parts, as :mod:`specgen.siteconfig.assets` names them.
ASSET = re.compile(r"assets/(?:[A-Za-z0-9][A-Za-z0-9._-]*/)*[A-Za-z0-9][A-Za-z0-9._-]*")


def _only_asset_images(tag: str, name: str, value: str) -> str | None:
    return None if tag == "img" and name == "src" and not ASSET.fullmatch(value) else value


@functools.cache
def _cleaner() -> Any:
    import nh3

    return nh3.Cleaner(
        tags={
            *("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "hr", "br", "ul", "ol", "li", "input"),
            *("em", "strong", "s", "code", "pre", "a", "img", "div", "span", "sg-ref"),
            *("table", "thead", "tbody", "tr", "th", "td"),
        },
        clean_content_tags={"script", "style"},
        attributes={
            "a": {"href", "title", "rel"},
            "img": {"src", "alt", "title"},
            "ol": {"start"},
            "th": {"style"},
            "td": {"style"},
            **{tag: {"class"} for tag in ("ul", "li", "div", "span")},
            "input": {"class", "disabled", "checked", "aria-label"},
        },
        tag_attribute_values={"input": {"type": {"checkbox"}}},
        url_schemes={"http", "https", "mailto"},
        url_relative=lambda url: url if ASSET.fullmatch(url) else None,
        # An image only from the assets folder: one from another host is a request the page makes by itself.
        attribute_filter=_only_asset_images,
        link_rel=None,
        strip_comments=True,
    )


def clean(html: str) -> str:
    """``html`` through the nh3 allowlist of what this engine emits (it should find nothing to remove)."""
    return str(_cleaner().clean(html))


# For Python-Markdown ------------------------------------------------------------

#: Bidirectional controls as visible markers ("Trojan Source"), as :mod:`specgen.escape` shows them.
MARKERS = {c: f"[U+{ord(c):04X}]" for c in BIDI_CONTROLS}
#: A raw HTML block: what Python-Markdown's preprocessors read in it (tabs, fence lines, critic, attr_list).
_BLOCK_CHARS = str.maketrans({**{c: f"&#{ord(c)};" for c in "\t`~{}"}, **MARKERS})
#: Inline HTML: what Python-Markdown's inline patterns and allowed extensions read in text and attributes.
_INLINE_CHARS = str.maketrans(
    {
        **{c: f"&#{ord(c)};" for c in "\\`*_[]{}|~!:^=+\t"},
        **{c: f"&#91;U+{ord(c):04X}&#93;" for c in BIDI_CONTROLS},
    }
)
#: A line of spaces only (in code): Python-Markdown would empty it. The first space as an entity keeps it.
_SPACES_LINE = re.compile(r"^ ( *)$", re.MULTILINE)
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)|([^<]+)")
_QUOTED = re.compile(r'"[^"]*"')
#: A start of line Python-Markdown reads as a block (heading, list, rule, details, blocks), as in escape.py.
_LINE_START = re.compile(r"(#+|[-+=]+(?=\s|$)|\d+[.)](?=\s|$)|[!?/=]{3})")


def for_block(html: str) -> str:
    """Cleaned block HTML as it may stand in a raw HTML block of a page."""
    return _SPACES_LINE.sub(r"&#32;\1", html.translate(_BLOCK_CHARS))


def _inline_piece(match: re.Match[str]) -> str:
    tag, text = match.group(1), match.group(2)
    if tag is not None:
        return _QUOTED.sub(lambda m: m.group().translate(_INLINE_CHARS), tag)
    return str(text).translate(_INLINE_CHARS)


def for_inline(html: str) -> str:
    """Cleaned phrasing HTML as it may stand in a paragraph, list item, heading or table cell: one line."""
    return guard_start(_TAG_OR_TEXT.sub(_inline_piece, html).replace("\n", " ").strip())


def guard_start(out: str) -> str:
    """``out`` with a start Python-Markdown would read as a block (``# x``, ``1. x``, ``- x``) as entities."""
    start = _LINE_START.match(out)
    if start:
        out = "".join(f"&#{ord(c)};" for c in start.group()) + out[start.end() :]
    return out
