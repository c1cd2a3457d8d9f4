"""Page HTML cut down to what specgen's Markdown makes: raw HTML from a template never reaches a reader.

Workspace templates arrive in pull requests, and Python-Markdown passes raw
HTML in their output through: ``<script>``, ``<img src=http://host/pixel>``,
``onclick=`` set with ``attr_list``, a front-matter ``title:`` that the theme
prints unescaped. Spec text is escaped before it reaches a template; template
text is not, so each page's HTML is sanitized after Python-Markdown and
before the theme wraps it, with an allowlist of exactly the tags and
attributes that Python-Markdown and the Markdown extensions specgen allows
emit (:mod:`specgen.siteconfig.sections`). Pages made by the packaged
templates come out unchanged (``tests/test_sanitize.py`` builds them with and
without it and compares).
"""

from __future__ import annotations

import functools
import re
from typing import Any

#: Tags Python-Markdown emits, and those its allowed extensions add.
TAGS = frozenset(
    {
        # Markdown itself
        *("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "ul", "ol", "li"),
        *("em", "strong", "a", "img", "hr", "br"),
        # tables; admonition, toc, highlight, superfences, tabbed (div, span)
        *("table", "thead", "tbody", "tr", "th", "td", "div", "span"),
        # abbr, def_list, footnotes, caret, tilde, mark, critic, keys; struck text in spec text (specgen.text)
        *("abbr", "dl", "dt", "dd", "sup", "sub", "ins", "del", "mark", "kbd", "s"),
        # details, tabbed and tasklist (radio buttons and checkboxes, never a form)
        *("details", "summary", "label", "input"),
        # pymdownx.emoji as Material sets it up: inline SVG icons
        *("svg", "g", "path", "circle", "ellipse", "rect", "polygon", "polyline", "line"),
        # specgen.pictures: a figure of SVG with labels, an accessible name and description, tooltips
        *("figure", "figcaption", "text", "title", "desc"),
    }
)
_SVG_SHAPES = ("g", "path", "circle", "ellipse", "rect", "polygon", "polyline", "line")

#: Tags dropped with everything inside them (other tags that are not allowed keep their text).
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "template", "noscript", "iframe", "object", "embed", "textarea", "select"}
)

#: Attributes, by tag; ``*`` is any allowed tag. No ``on*``; ``style`` only for table alignment.
ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"id", "class", "title"}),
    "a": frozenset({"href", "rel", "name"}),
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    "th": frozenset({"align", "style"}),
    "td": frozenset({"align", "style"}),
    "ol": frozenset({"start"}),
    "details": frozenset({"open"}),
    "label": frozenset({"for"}),
    # aria-label: spec text's task-list checkboxes say "done" or "to do" to screen readers.
    "input": frozenset({"name", "checked", "disabled", "aria-label"}),
    "div": frozenset({"data-tabs"}),
    "span": frozenset({"data-linenos"}),
    "svg": frozenset({"xmlns", "viewBox", "width", "height", "fill", "role", "aria-labelledby", "aria-describedby"}),
    # A picture's labels; its figure stays out of Material's search index (their words are the tables' too).
    "text": frozenset({"x", "y"}),
    "figure": frozenset({"data-search-exclude"}),
    **{
        shape: frozenset({"d", "fill", "fill-rule", "clip-rule", "transform", "opacity", "fill-opacity"})
        | frozenset({"cx", "cy", "r", "rx", "ry", "x", "y", "width", "height", "points", "x1", "y1", "x2", "y2"})
        for shape in _SVG_SHAPES
    },
}

#: Links may go to the web, to mail, or within the site (relative URLs pass as they are).
URL_SCHEMES = frozenset({"http", "https", "mailto"})

#: The only ``style`` Python-Markdown writes: a table column's alignment (markdown-it writes it without spaces).
_ALIGN_STYLE = re.compile(r"text-align: ?(left|right|center);?\Z")
#: Material's own elements have ids starting ``__`` (``__config`` holds its settings, read by id):
#: content may not take them, except those the tabbed and highlight extensions make.
_THEME_ID = re.compile(r"__(?!tabbed_\d+(_\d+)?\Z|codelineno-[\w-]+\Z)")
#: SVG paint and geometry: numbers, colours and transforms, never ``url(...)``.
_SVG_VALUE = re.compile(r"[-\w.,#%() ]*\Z")
_SVG_NAMESPACE = "http://www.w3.org/2000/svg"


def relative_url(value: str) -> bool:
    """Whether ``value`` is a relative reference within the site: no scheme, no host, nothing a browser rewrites.

    Browsers read ``/\\host`` as ``//host`` and drop tabs and line breaks
    anywhere in a URL, so backslashes and whitespace are refused outright.
    """
    if any(c.isspace() or c == "\\" or ord(c) < 0x20 for c in value) or value.startswith("//"):
        return False
    first_segment = re.split(r"[/?#]", value, maxsplit=1)[0]
    return ":" not in first_segment  # RFC 3986: a colon before the first slash makes it a scheme


def _attribute(tag: str, name: str, value: str) -> str | None:
    """The attribute as it may stay, or None to drop it; nh3 has already checked the name and URL schemes."""
    if name in ("id", "name", "for") and _THEME_ID.match(value):
        return None
    if name == "src":
        # An image from another host is a tracking pixel and breaks the site offline.
        return value if relative_url(value) else None
    if name == "style":
        return value if _ALIGN_STYLE.match(value) else None
    if name == "xmlns":
        return value if value == _SVG_NAMESPACE else None
    if (tag in ("svg", "text") or tag in _SVG_SHAPES) and (not _SVG_VALUE.match(value) or "url" in value.lower()):
        return None
    return value


@functools.cache
def _cleaner() -> Any:
    import nh3

    return nh3.Cleaner(
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        # A checkbox or radio button; any other input would be a text field.
        tag_attribute_values={"input": {"type": {"checkbox", "radio"}}},
        attribute_filter=_attribute,
        url_schemes=set(URL_SCHEMES),
        # specgen's own links carry rel="nofollow noopener"; nh3 would add its rel to every anchor.
        link_rel=None,
        strip_comments=True,
    )


#: An ``<input>`` that nh3 left without a type (it allows only checkbox and radio): a text field. nh3 writes
#: a ``"`` inside a value as ``&quot;``, so `` type="`` can only be the attribute itself.
_UNTYPED_INPUT = re.compile(r'<input(?![^>]*\stype=")[^>]*>')


#: An SVG picture in nh3's output (pictures do not nest), and a ``<title>`` element. nh3 writes ``<`` in text
#: as ``&lt;``, so a title's content holds no tag.
_SVG_BLOCK = re.compile(r"<svg\b.*?</svg>", re.DOTALL)
_TITLE = re.compile(r"<title\b[^>]*>[^<]*</title>")


def _titles_outside_svg(page_html: str) -> str:
    """``page_html`` without the ``<title>`` elements that are not in an SVG picture.

    nh3 cannot allow ``title`` in SVG only: a template's ``<title>`` in a page
    body would survive, hidden, and reach the search index. Dropped with its
    content, as before pictures needed the element.
    """
    kept: list[str] = []
    at = 0
    for picture in _SVG_BLOCK.finditer(page_html):
        kept += [_TITLE.sub("", page_html[at : picture.start()]), picture.group()]
        at = picture.end()
    kept.append(_TITLE.sub("", page_html[at:]))
    return "".join(kept)


def clean_html(page_html: str) -> str:
    """``page_html`` with every tag, attribute and URL outside the allowlist removed."""
    return _titles_outside_svg(_UNTYPED_INPUT.sub("", str(_cleaner().clean(page_html))))


#: ``hide:`` values Material knows.
_HIDE = frozenset({"navigation", "toc", "footer", "path", "tags", "feedback"})
#: What breaks out of the element (``title``) or attribute (``description``) the theme prints a value in.
_MARKUP = str.maketrans({"<": "&lt;", ">": "&gt;", '"': "&quot;"})


def clean_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """A page's front matter reduced to what the theme may read, as text it can print.

    A template can begin a page with ``---`` front matter. Material prints
    ``title`` into ``<title>`` and the header, and ``description`` and
    ``author`` into ``<meta content="...">``, all unescaped, and reads keys
    such as ``template`` and ``icon`` as file names. Only ``title`` and
    ``description`` (with ``<``, ``>`` and ``"`` as entities, which the
    browser shows as the characters), ``hide`` and ``search`` (what specgen's
    own front matter sets) stay.
    """
    kept: dict[str, Any] = {}
    for key in ("title", "description"):
        value = meta.get(key)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            kept[key] = str(value).translate(_MARKUP)
    hide = meta.get("hide")
    if isinstance(hide, list):
        kept["hide"] = [item for item in hide if isinstance(item, str) and item in _HIDE]
    search = meta.get("search")
    if isinstance(search, dict):
        kept["search"] = {
            key: value
            for key, value in search.items()
            if (key == "exclude" and isinstance(value, bool))
            or (key == "boost" and isinstance(value, int | float) and not isinstance(value, bool))
        }
    return kept


def _clean_toc(items: Any) -> None:
    """Toc titles (the theme prints them raw) are headings' HTML with tags stripped by a pattern: keep text only."""
    import nh3

    for item in items:
        if "<" in item.title:  # without one, no tag can be left
            item.title = nh3.clean(item.title, tags=set())
        _clean_toc(item.children)


def sanitizer() -> Any:
    """The MkDocs plugin that sanitizes each page: its front matter, its HTML and its table of contents.

    specgen adds it in code (never from ``mkdocs.yml``), for trusted
    configurations too: trusting ``mkdocs.yml`` is not trusting the templates.
    It runs late among ``on_page_content`` handlers, so HTML that other
    plugins add is sanitized too, but before specgen's lean-pages plugin
    (priority -100) and before the search plugin reads the page.
    """
    from mkdocs.plugins import BasePlugin, event_priority

    class Sanitize(BasePlugin):  # type: ignore[type-arg,no-untyped-call]  # MkDocs' base is generic, untyped
        @event_priority(-100)  # after other plugins changed the Markdown: nothing is added to the meta later
        def on_page_markdown(self, markdown: str, /, *, page: Any, config: Any, files: Any) -> str:
            page.meta = clean_meta(page.meta)
            return markdown

        @event_priority(-90)
        def on_page_content(self, html: str, /, *, page: Any, config: Any, files: Any) -> str:
            _clean_toc(page.toc)
            return clean_html(html)

    return Sanitize()
