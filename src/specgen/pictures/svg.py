"""A tiny SVG writer in which every label is text: the one place pictures turn spec text into markup.

Labels are the plain-text form of spec text (Markdown removed, bidirectional
controls as visible markers such as ``[U+2066]``, whitespace collapsed),
cut with an ellipsis to fit, then XML-escaped; the full text goes in a
``<title>``, which browsers show as a tooltip and screen readers read, cut
at :data:`TOOLTIP_LIMIT` characters (a picture's description at
:data:`DESC_LIMIT`): a page shows the whole text in its tables.
A picture is ``role="img"``, or ``role="group"`` when it holds links (each
named by its label), so that its links stay reachable. Element ids are made
from a digest of what the picture shows, classes are the writer's own
constants (:data:`CLASS` checks them): no spec text ever becomes an id, a
class or a style. Coordinates are rounded to one decimal, so output is the
same on every machine.

What comes out is one raw HTML block for Python-Markdown: a ``<figure>``
that starts at column 0, one element per line, no blank or indented line
inside, and the characters Python-Markdown's preprocessors read in raw HTML
(``{``, ``}``, backticks, ``~``) as entities (:func:`specgen.text.safe.for_block`).
The tags and attributes used here are exactly those the site's sanitizer
allows for pictures (:mod:`specgen.site.sanitize`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from markupsafe import Markup, escape

from specgen.filters import plain
from specgen.text.safe import MARKERS, for_block

#: Class attributes: the writer's own names, ``sg-`` and lower-case words.
CLASS = re.compile(r"sg-[a-z0-9-]+(?: sg-[a-z0-9-]+)*\Z")
#: Average advance of a character at the pictures' 12-unit type, for cutting labels to a width.
CHAR_WIDTH = 6.6
ELLIPSIS = "\u2026"
#: Characters a tooltip or a picture's title keeps, and its description: a title of a million characters
#: repeated in every picture that names it would make pages of hundreds of megabytes.
TOOLTIP_LIMIT = 300
DESC_LIMIT = 2_000
_MARKERS = str.maketrans(MARKERS)
#: Characters no label keeps: controls (the loader refuses most of them already) become spaces.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def num(value: float) -> str:
    """A coordinate as written: one decimal at most, no ``-0``, no exponent."""
    text = f"{round(value, 1):.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def label(value: object) -> str:
    """The text a picture shows for a spec value: its plain form on one line, bidi controls made visible."""
    text = plain(value).translate(_MARKERS)
    return " ".join(_CONTROLS.sub(" ", text).split())


def cut(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, ending in an ellipsis when it was longer."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + ELLIPSIS


def fits(width: float) -> int:
    """How many characters of a label fit in ``width`` units."""
    return max(1, int(width / CHAR_WIDTH))


def digest(*parts: object) -> str:
    """A short hex digest of ``parts``: picture ids that are the same for the same picture, unique per page."""
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8", "surrogatepass")).hexdigest()[:10]


def _class(cls: str) -> str:
    if not CLASS.match(cls):
        raise ValueError(f"not a picture class: {cls!r}")
    return cls


def _attrs(cls: str | None, attrs: Iterable[tuple[str, object]]) -> str:
    out = [f' class="{_class(cls)}"'] if cls else []
    for name, value in attrs:
        shown = num(value) if isinstance(value, int | float) else str(escape(value))
        out.append(f' {name}="{shown}"')
    return "".join(out)


class Svg:
    """One ``<svg>`` being written: shapes, labels and links, then :meth:`markup`."""

    def __init__(self, width: float, height: float, key: str, title: str, desc: str) -> None:
        self.width, self.height = width, height
        self.ident = f"sg-p{key}"
        self.title, self.desc = title, desc
        self._parts: list[str] = []
        self._links = False

    def element(self, tag: str, cls: str | None = None, /, **attrs: float | str) -> None:
        """An empty shape: ``rect``, ``line``, ``circle``, ``path``, ``polygon``, ``polyline``."""
        self._parts.append(f"<{tag}{_attrs(cls, attrs.items())}></{tag}>")

    def text(self, x: float, y: float, text: str, cls: str, limit: int | None = None) -> bool:
        """A label at (x, y), cut to ``limit`` characters; whether it was cut (the caller then titles it)."""
        shown = cut(text, limit) if limit is not None else text
        self._parts.append(f"<text{_attrs(cls, (('x', x), ('y', y)))}>{escape(shown)}</text>")
        return shown != text

    def tooltip(self, text: str) -> None:
        """A ``<title>`` for the group just opened: the full text of what it shows."""
        self._parts.append(f"<title>{escape(cut(text, TOOLTIP_LIMIT))}</title>")

    @contextmanager
    def group(self, cls: str, tooltip: str | None = None) -> Iterator[None]:
        self._parts.append(f"<g{_attrs(cls, ())}>")
        if tooltip:
            self.tooltip(tooltip)
        yield
        self._parts.append("</g>")

    @contextmanager
    def link(self, href: str | None) -> Iterator[None]:
        """A link around what is drawn inside, when ``href`` is given (a docs path the link plugin rewrites)."""
        if href is None:
            yield
            return
        # class="sg-ref" first: specgen.site.links turns the docs path into the page's URL.
        self._links = True
        self._parts.append(f'<a class="sg-ref" href="{escape(href)}">')
        yield
        self._parts.append("</a>")

    def markup(self) -> str:
        # An image whose parts are links is a group: an image's parts are hidden from assistive technology,
        # which would leave its links focusable but unnamed (axe: nested-interactive).
        role = "group" if self._links else "img"
        head = (
            f'<svg class="sg-svg" viewBox="0 0 {num(self.width)} {num(self.height)}" width="{num(self.width)}"'
            f' height="{num(self.height)}" role="{role}" aria-labelledby="{self.ident}-t"'
            f' aria-describedby="{self.ident}-d">'
        )
        return "\n".join(
            [
                head,
                f'<title id="{self.ident}-t">{escape(cut(self.title, TOOLTIP_LIMIT))}</title>',
                f'<desc id="{self.ident}-d">{escape(cut(self.desc, DESC_LIMIT))}</desc>',
                *self._parts,
                "</svg>",
            ]
        )


def figure(kind: str, pictures: list[Svg], caption: Markup | str, wide: bool = False) -> Markup:
    """The pictures in one ``<figure>``, kept out of the search index, ready to stand in a page as a raw block.

    ``caption`` is escaped unless it is :class:`Markup` (the writer's own links).
    """
    cls = _class(f"sg-picture sg-{kind}" + (" sg-wide" if wide else ""))
    lines = [f'<figure class="{cls}" data-search-exclude="">', *(p.markup() for p in pictures)]
    lines.append(f"<figcaption>{escape(caption)}</figcaption>")
    lines.append("</figure>")
    return Markup(for_block("\n".join(lines)))
