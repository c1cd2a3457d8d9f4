"""Spec text as Markdown: CommonMark with GitHub's extensions, rendered to HTML that is safe to put in a page.

One parser, markdown-it-py with ``html=False``: raw HTML a PM writes shows
literally. Links go only to ``http(s)`` and ``mailto`` (anything else stays
literal text); images only from the workspace's ``assets/`` folder (an image
from another host becomes a link: on a customer site it would be a tracking
pixel). Code is highlighted by Pygments with the theme's classes and keeps
every byte. Spec IDs in prose become ``<sg-ref>`` markers that
:func:`specgen.text.refs.resolve` links per page.

The HTML then passes nh3 (defence in depth: the renderer emits nothing it
would change) and a last translation for Python-Markdown, which reads the
page again: its preprocessors see inside raw HTML blocks (tabs, fence lines,
``{++critic++}``) and its inline patterns read inline HTML (emphasis, code,
``{: attr_list }``), so those characters are written as numeric entities,
which mean the same to a browser.
"""

from __future__ import annotations

import contextvars
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline import image as image_rule
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin

from specgen.text import code, refs
from specgen.text.safe import ASSET, MARKERS, clean, for_block, for_inline, guard_start

BLOCK = "block"
INLINE = "inline"


@dataclass(frozen=True, slots=True)
class Rendered:
    """The HTML forms of one text.

    ``html``: the block form, for a raw HTML block (headings not demoted: see
    :func:`as_block`). ``inline``: phrasing content only, one line, the blocks'
    inline content joined with ``<br>``; safe in a table cell, a list item, a
    heading, an admonition or a paragraph. ``refs``: each ID candidate marked
    in prose, with its 0-based line within the text, in order.
    """

    html: str
    inline: str
    refs: tuple[tuple[str, int], ...]


# Links -----------------------------------------------------------------------

_LINK = re.compile(r"(?:https?://|mailto:)", re.IGNORECASE)
#: Set while the image rule parses an image: only an image may name an asset.
_IN_IMAGE: contextvars.ContextVar[bool] = contextvars.ContextVar("specgen_in_image", default=False)


class _Parser(MarkdownIt):
    def validateLink(self, url: str) -> bool:  # markdown-it's name
        """http(s) and mailto URLs; for an image also ``assets/NAME``. What is refused stays literal text."""
        return bool(_LINK.match(url)) or (_IN_IMAGE.get() and ASSET.fullmatch(url) is not None)


def _image(state: StateInline, silent: bool) -> bool:
    token = _IN_IMAGE.set(True)
    try:
        return image_rule(state, silent)
    finally:
        _IN_IMAGE.reset(token)


def _mark_refs(state: StateCore) -> None:
    """Split ID candidates out of prose text into ``sg_ref`` tokens; never in code, link text or alt text."""
    line = 0
    for block in state.tokens:
        if block.map is not None:
            line = block.map[0]
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        depth = offset = 0
        for child in block.children:
            if child.type == "link_open":
                depth += 1
            elif child.type == "link_close":
                depth -= 1
            elif child.type in ("softbreak", "hardbreak"):
                offset += 1
            elif child.type == "text" and not depth and any(h in child.content for h in refs.HINTS):
                children.extend(_split(child, line + offset))
                continue
            children.append(child)
        block.children = children


def _split(token: Token, line: int) -> list[Token]:
    out: list[Token] = []
    start = 0
    for match in refs.ID.finditer(token.content):
        if match.start() > start:
            out.append(Token("text", "", 0, content=token.content[start : match.start()]))
        out.append(Token("sg_ref", "sg-ref", 0, content=match.group(), meta={"line": line}))
        start = match.end()
    if not out:
        return [token]
    if start < len(token.content):
        out.append(Token("text", "", 0, content=token.content[start:]))
    return out


# Rendering -------------------------------------------------------------------
# Escaping as html5ever (nh3) serializes, so that nh3 has nothing to change: in text & < > and no-break
# space; in attribute values also ", and < > too.

_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\xa0": "&nbsp;"})
_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\xa0": "&nbsp;"})


def text_escape(value: str) -> str:
    """``value`` as HTML text, escaped exactly as nh3 writes text."""
    return value.translate(_TEXT)


def _attrs(token: Token) -> str:
    return "".join(f' {name}="{str(value).translate(_ATTR)}"' for name, value in token.attrItems())


def _inside_link(tokens: Sequence[Token], idx: int) -> bool:
    depth = 0
    for token in tokens[:idx]:
        depth += (token.type == "link_open") - (token.type == "link_close")
    return depth > 0


class _Renderer(RendererHTML):
    """md-it's renderer with specgen's rules; ``env["inline"]`` selects the one-line inline form."""

    @staticmethod
    def renderAttrs(token: Token) -> str:  # markdown-it's name
        return _attrs(token)

    def text(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return text_escape(tokens[idx].content)

    def code_inline(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return f"<code>{text_escape(tokens[idx].content)}</code>"

    def softbreak(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        # A space, never <br>: search then never glues the words on either side together.
        return " " if env.get("inline") else "\n"

    def hardbreak(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return "<br> " if env.get("inline") else "<br>\n"

    def fence(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        info = tokens[idx].info.strip()
        return code.block(tokens[idx].content, info.split(maxsplit=1)[0] if info else "")

    def code_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return code.block(tokens[idx].content, "")

    def link_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        href = str(tokens[idx].attrGet("href"))
        title = tokens[idx].attrGet("title")
        shown = f' title="{str(title).translate(_ATTR)}"' if title else ""
        return f'<a href="{href.translate(_ATTR)}"{shown} rel="nofollow noopener">'

    def list_item_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        result = self.renderToken(tokens, idx, options, env)
        if token.meta and "checked" in token.meta:
            done = bool(token.meta["checked"])
            result += (
                '<input class="task-list-item-checkbox" type="checkbox" disabled=""'
                + (' checked=""' if done else "")
                + f' aria-label="{"done" if done else "to do"}"> '
            )
        return result

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        alt = self.renderInlineAsText(token.children, options, env).replace("\n", " ")
        src = str(token.attrGet("src"))
        if _inside_link(tokens, idx):  # a link inside a link is invalid HTML: the alt text only
            return text_escape(alt)
        if ASSET.fullmatch(src):
            title = token.attrGet("title")
            shown = f' title="{str(title).translate(_ATTR)}"' if title else ""
            return f'<img src="{src}" alt="{alt.translate(_ATTR)}"{shown}>'
        # From another host: a link, never a request the page makes by itself.
        return f'<a href="{src.translate(_ATTR)}" rel="nofollow noopener">{text_escape(alt or src)}</a>'

    def sg_ref(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return f"{refs.MARKER_OPEN}{tokens[idx].content}{refs.MARKER_CLOSE}"


@functools.cache
def parser() -> MarkdownIt:
    """The one markdown-it parser: CommonMark, tables, strikethrough, task lists, GitHub's autolinks; no raw HTML."""
    md = _Parser("commonmark", {"html": False, "xhtmlOut": False, "tasklists": True}, renderer_cls=_Renderer)
    md.enable(["table", "strikethrough"])
    md.use(gfm_autolink_plugin)
    md.inline.ruler.at("image", _image)
    md.core.ruler.push("specgen_refs", _mark_refs)
    return md


# The fast path ---------------------------------------------------------------------

#: Text that no Markdown rule can read anything in: letters, digits, single spaces and harmless punctuation,
#: no ``_`` (emphasis), no ``www.`` (autolink), no ``X-`` (an ID). Measured: 5 µs against 50 µs for md-it.
_MAYBE_MARKDOWN = re.compile(r"[^\w ,.;?'()/%-]|_|  |www\.|[A-Z]-|\A | \Z")
#: As a block, a start that could open a list or a rule: ``- x``, ``1. x``, ``1) x``.
_BLOCK_START = re.compile(r"-|\d")


def _fast(text: str, kind: str) -> bool:
    return bool(text) and not _MAYBE_MARKDOWN.search(text) and (kind == INLINE or not _BLOCK_START.match(text))


# The API ------------------------------------------------------------------------------


def render(text: str, kind: str) -> Rendered:
    """``text`` (Markdown) rendered as ``kind``: BLOCK (paragraphs, lists, code, tables) or INLINE (one line).

    A pure function of the text, the kind and the library versions. For INLINE,
    block syntax (``# x``, ``- x``) stays text and ``html == inline``.
    """
    if kind not in (BLOCK, INLINE):
        raise ValueError(f"unknown kind of Markdown text: {kind!r}")
    if not text.strip():
        return Rendered("", "", ())
    if _fast(text, kind):
        inline = guard_start(text)  # nothing in such text is translated: only its start may need it
        return Rendered(inline if kind == INLINE else f"<p>{text}</p>\n", inline, ())
    return _render(text, kind)


def _render(text: str, kind: str) -> Rendered:
    """:func:`render` without the fast path."""
    md = parser()
    if kind == INLINE:
        tokens = md.parseInline(text.strip(), {})
        inline = for_inline(clean(md.renderer.render(tokens, md.options, {"inline": True})))
        return Rendered(inline, inline, _refs(tokens))
    tokens = md.parse(text, {})
    html = for_block(clean(md.renderer.render(tokens, md.options, {})))
    return Rendered(html, for_inline(clean(_inline_of_blocks(md, tokens))), _refs(tokens))


def _refs(tokens: Sequence[Token]) -> tuple[tuple[str, int], ...]:
    return tuple(
        (child.content, int(child.meta["line"]))
        for block in tokens
        if block.children
        for child in block.children
        if child.type == "sg_ref"
    )


def _inline_of_blocks(md: MarkdownIt, tokens: Sequence[Token]) -> str:
    """Each block's inline content, joined with ``<br>``: a table row on one line, code lines as text."""
    env = {"inline": True}
    renderer = md.renderer
    assert isinstance(renderer, RendererHTML)  # parser() sets it
    lines: list[str] = []
    row: list[str] | None = None
    box = ""
    for token in tokens:
        if token.type == "inline" and token.children:
            content = renderer.renderInline(token.children, md.options, env)
            if row is not None:
                row.append(content)
            elif content:
                lines.append(box + content)
            box = ""
        elif token.type in ("fence", "code_block"):
            lines.extend(text_escape(line) for line in token.content.split("\n") if line.strip())
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            lines.append(" ".join(cell for cell in row if cell))
            row = None
        elif token.type == "list_item_open" and token.meta and "checked" in token.meta:
            box = "\u2611 " if token.meta["checked"] else "\u2610 "  # a task's checkbox, as a character
    return "<br> ".join(line for line in lines if line)


def plain(text: str, kind: str = BLOCK) -> str:
    """The plain-text form of Markdown ``text``: for ``<title>``, navigation, link labels, CSV and SVG.

    Text and code content; soft and hard breaks and the gaps between blocks as
    one space; an image as its alt text; whitespace collapsed. Bidirectional
    isolates become visible markers such as ``[U+2066]``. The caller escapes it
    for where it goes.
    """
    return text if _fast(text, kind) else _plain(text, kind)


def _plain(text: str, kind: str) -> str:
    """:func:`plain` without the fast path."""
    md = parser()
    tokens = md.parseInline(text.strip(), {}) if kind == INLINE else md.parse(text, {})
    parts: list[str] = []
    for token in tokens:
        if token.type == "inline":
            parts.append(_plain_inline(token.children or ()))
        elif token.type in ("fence", "code_block"):
            parts.append(token.content)
        parts.append(" ")
    return " ".join("".join(parts).translate(_MARKERS_TABLE).split())


_MARKERS_TABLE = str.maketrans(MARKERS)


def _plain_inline(children: Sequence[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline", "sg_ref"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_plain_inline(child.children or ()))
    return "".join(parts)


_HEADING = re.compile(r"<(/?)h([1-6])>")


def as_block(rendered: Rendered, demote: int = 2) -> str:
    """The block form as a raw HTML block for a page's Markdown, its headings ``demote`` levels lower (h6 at most).

    ``<div class="sg-text">`` ... ``</div>`` and a blank line; it must stand at
    column 0 (indented, Python-Markdown would not read it as a raw block). Its
    headings get no ``id`` and stay out of the table of contents. Empty text
    gives an empty string.
    """
    if not rendered.html:
        return ""
    html = rendered.html
    if demote and "<h" in html:
        html = _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, max(1, int(m.group(2)) + demote))}>", html)
    return f'<div class="sg-text">\n{html}</div>\n\n'
