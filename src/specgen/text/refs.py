"""Spec IDs written in prose: which words are candidates, and how a page turns markers into links.

The Markdown engine (:mod:`specgen.text.markdown`) writes each candidate it
finds in prose as ``<sg-ref>FEAT-12</sg-ref>``. The marker does not depend on
the page, so rendered text can be cached; a user cannot forge one, because
the engine shows every ``<`` a user writes as text. :func:`resolve` then makes
one pass over a page's Markdown and turns each marker into a link, or into
the bare ID when it names nothing the page may link to (an unknown ID, or an
internal item on a customer page).
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Callable, Iterator

from specgen.kinds import KINDS

#: The ID prefixes of specgen's own kinds, and ``TC`` for test cases. ``UTF-8`` or ``SHA-256`` are not IDs.
PREFIXES: tuple[str, ...] = (*(kind.prefix for kind in KINDS.values() if kind.prefix), "TC")

#: A spec ID in prose, as the schemas spell IDs (``PREFIX-part(-part)*``, a requirement ``.R<n>``).
#: Not preceded by a word character, ``.``, ``/``, ``#`` or ``-`` (``XFEAT-1``, ``a/FEAT-1``, ``#FEAT-1``),
#: and not followed by a word character or ``-`` (``FEAT-1_x``): the whole word or nothing. Nor followed by
#: ``.`` and a letter or digit: ``FEAT-13.yaml`` is a file name, not a reference.
ID = re.compile(
    r"(?<![\w./#-])(?:" + "|".join(PREFIXES) + r")-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?:\.R[0-9]+)?(?![\w-]|\.[A-Za-z0-9])"
)
#: Cheap test before :data:`ID`: every ID holds one of these.
HINTS: tuple[str, ...] = tuple(f"{prefix}-" for prefix in PREFIXES)


def candidates(text: str) -> list[str]:
    """The ID candidates in plain ``text``, in order (it knows no Markdown: code counts too)."""
    return ID.findall(text) if any(hint in text for hint in HINTS) else []


def shorter_forms(ident: str) -> Iterator[str]:
    """``ident``, then without each trailing ``-part``: ``FEAT-12-style`` may name ``FEAT-12``."""
    yield ident
    head, dot, _ = ident.partition(".")
    if dot:  # FEAT-1.R2: the requirement part is not shortened
        return
    while head.count("-") > 1:
        head = head.rsplit("-", 1)[0]
        yield head


MARKER_OPEN, MARKER_CLOSE = "<sg-ref>", "</sg-ref>"

#: What :func:`resolve` rewrites: a marker, or an image the engine emitted from the assets folder. Each
#: alternative stops at the next ``<`` or ``>`` (the engine writes them as entities in attribute values), so
#: the attempts that start at different ``<`` never scan the same text twice: one pass is linear time.
_MARKED = re.compile(
    r"<sg-ref>([A-Za-z0-9.-]{1,200})</sg-ref>"
    r'|<img src="assets/([^"<>]{1,1000})" alt="([^"<>]*)"((?: [a-z-]{1,20}="[^"<>]*")*)>'
)
#: What may not stand raw in text or an attribute value that Python-Markdown reads again (as the engine's
#: inline form): the same characters as entities mean the same thing to a browser.
_SAFE = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_[]{}|~!:^=+\t"})


def _attribute(value: str) -> str:
    return _html.escape(value, quote=True).translate(_SAFE)


def _text(value: str) -> str:
    return _html.escape(value, quote=False).translate(_SAFE)


def resolve(
    html: str,
    href: Callable[[str], str | None],
    asset: Callable[[str], str | None] | None = None,
) -> str:
    """``html`` with each ID marker a link and each image from the assets folder pointed at the site's copy.

    ``href(ID)`` gives the URL of what ``ID`` names on this page, or None to
    leave the bare ID (it names nothing, or the page may not link to it).
    ``asset(NAME)`` gives the URL of ``assets/NAME``, or None when there is
    no such asset: the image then becomes its alt text (its name when it has
    none). Without ``asset``, every image becomes its alt text. One regex
    pass, linear in the length of ``html``.
    """

    def replace(match: re.Match[str]) -> str:
        ident = match.group(1)
        if ident is not None:
            url = href(ident)
            return ident if url is None else f'<a class="sg-ref" href="{_attribute(url)}">{ident}</a>'
        name = _html.unescape(match.group(2))
        alt = _html.unescape(match.group(3))
        src = asset(name) if asset is not None else None
        if src is None:
            return _text(alt or name)
        return f'<img src="{_attribute(src)}" alt="{match.group(3)}"{match.group(4)}>'

    if "<sg-ref>" not in html and '<img src="assets/' not in html:
        return html
    return _MARKED.sub(replace, html)
