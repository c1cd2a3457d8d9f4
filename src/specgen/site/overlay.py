"""Overlay: the preview's pages say when they are not the latest edit, and why.

``specgen serve`` adds this to every HTML page it answers, at the moment it
answers, so none of it is in the built files (the search index and a full
build never see it). While the last rebuild failed, each page ends with a
banner that lists the current diagnostics, located, and stays in view at the
bottom of the window, whatever the scroll and above the theme's own layers:
the page underneath is the last good build. When only warnings remain, the
page starts with a one-line note, collapsed, that opens on the list: the page
is current then, so it must not look stale, but the preview is where an author
looks for what to add. A clean rebuild shows neither.

Everything here is server-side HTML: it works without JavaScript, links
nowhere, and every text it shows from a diagnostic is escaped (a message can
quote a spec's value, and a spec's value can be ``<script>``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from specgen.diagnostics import Diagnostic, Severity

#: At most this many diagnostics are listed; the terminal has them all.
MAX_SHOWN = 50
#: The id of the banner (and the prefix of every id and class it uses).
BANNER_ID = "specgen-problems"
NOTE_ID = "specgen-warnings"


@dataclass(frozen=True)
class Shown:
    """What the preview's pages show about the last rebuild."""

    diagnostics: tuple[Diagnostic, ...] = ()
    #: The last rebuild failed: the pages are those of the last good build.
    stale: bool = False

    @classmethod
    def of(cls, diagnostics: Iterable[Diagnostic], *, success: bool) -> Shown:
        """What a rebuild with these findings, that succeeded or not, shows."""
        return cls(tuple(diagnostics), not success)


# Colours: white on a dark red is 8.6:1 and black on a pale amber 15:1, above
# WCAG's 4.5:1 for text. Sizes are in px because the theme scales rem.
# The banner is sticky to the window's bottom: it is the last element of the
# body, so it stays in view however far the page is scrolled, covers none of
# the page once scrolled to the end, and never meets the theme's header,
# which is sticky to the top (z-index 4).
STYLE = f"""<style>
#{BANNER_ID}{{position:sticky;bottom:0;z-index:10;box-sizing:border-box;max-height:40vh;overflow:auto;
margin:0;padding:10px 16px;background:#8b1a1a;color:#fff;border-top:3px solid #fff;
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;text-align:left}}
#{BANNER_ID}:focus{{outline:3px solid #ffd54f;outline-offset:-3px}}
#{BANNER_ID} p{{margin:0 0 6px;font-weight:700;font-size:15px}}
#{BANNER_ID} ul,#{NOTE_ID} ul{{margin:0;padding-left:20px}}
#{BANNER_ID} li,#{NOTE_ID} li{{margin:2px 0;overflow-wrap:anywhere}}
#{BANNER_ID} code,#{NOTE_ID} code{{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:inherit;
background:none;padding:0}}
#{NOTE_ID}{{box-sizing:border-box;margin:0;padding:4px 16px;background:#fff3c4;color:#1f1f1f;
font:13px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;text-align:left}}
#{NOTE_ID} summary{{cursor:pointer}}
.{BANNER_ID}-hint{{opacity:.9;font-style:italic}}
@media print{{#{BANNER_ID}{{position:static;max-height:none}}}}
</style>"""


def banner(shown: Shown) -> str:
    """The banner for a failed rebuild, as HTML; empty when the pages are current."""
    if not shown.stale:
        return ""
    errors = [d for d in shown.diagnostics if d.severity is Severity.ERROR]
    others = [d for d in shown.diagnostics if d.severity is not Severity.ERROR]
    listed = errors + others  # in strict mode the warnings are what stopped the build
    title = f"specgen: {_count(errors, 'error')}"
    if others:
        title += f" and {_count(others, 'warning')}"
    # A region (a labelled section) that can take the focus, so that a keyboard scrolls its list.
    return (
        f'<section id="{BANNER_ID}" aria-label="specgen: the specs have problems" tabindex="0">'
        f"<p>{html.escape(title)}. This page is the last good build, not your latest edit; "
        "it reloads by itself once they are fixed.</p>"
        f"{_items(listed)}</section>"
    )


def note(shown: Shown) -> str:
    """The collapsed note of a rebuild that succeeded with warnings, as HTML; empty otherwise."""
    if shown.stale or not shown.diagnostics:
        return ""
    return (
        f'<section id="{NOTE_ID}" aria-label="specgen: warnings"><details>'
        f"<summary>specgen: {html.escape(_count(shown.diagnostics, 'warning'))} (this page is up to date)"
        f"</summary>{_items(list(shown.diagnostics))}</details></section>"
    )


def inject(page: bytes, shown: Shown) -> bytes:
    """``page`` (an HTML document) with the banner or the note that ``shown`` calls for.

    The style goes at the end of ``<head>``, the note right after ``<body>``,
    the banner right before ``</body>``; a page without those tags gets what
    is missing at its end, where a browser still puts it in the body.
    """
    banner_html, note_html = banner(shown), note(shown)
    if not banner_html and not note_html:
        return page
    head = _HEAD_END.search(page)
    if head is not None:
        page = page[: head.start()] + STYLE.encode() + page[head.start() :]
    else:
        banner_html = STYLE + banner_html if banner_html else banner_html
        note_html = STYLE + note_html if note_html else note_html
    if note_html:
        body = _BODY_START.search(page)
        at = body.end() if body is not None else len(page)
        page = page[:at] + note_html.encode() + page[at:]
    if banner_html:
        at = page.rfind(b"</body>")
        at = at if at >= 0 else len(page)
        page = page[:at] + banner_html.encode() + page[at:]
    return page


def problem_page(shown: Shown, *, title: str) -> bytes:
    """A page of its own that lists the diagnostics: for a path no good build has."""
    errors = [d for d in shown.diagnostics if d.severity is Severity.ERROR]
    others = [d for d in shown.diagnostics if d.severity is not Severity.ERROR]
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>specgen preview: {html.escape(title)}</title>{STYLE}"
        "<style>body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1f1f1f;background:#fff}"
        "main{padding:16px 24px}</style></head><body>"
        f"<main><h1>{html.escape(title)}</h1>"
        "<p>Fix the problems below and save: this page reloads by itself.</p></main>"
        f'<section id="{BANNER_ID}" aria-label="specgen: the specs have problems" tabindex="0">'
        f"<p>specgen: {html.escape(_count(errors, 'error'))}"
        f"{' and ' + html.escape(_count(others, 'warning')) if others else ''}</p>"
        f"{_items(errors + others)}</section></body></html>"
    ).encode()


def _items(diagnostics: Sequence[Diagnostic]) -> str:
    """The diagnostics as a list: location, severity, code and message, each escaped; links none."""
    items = []
    for d in diagnostics[:MAX_SHOWN]:
        where = html.escape(f"{d.path}:{d.line}:{d.column}")
        hint = f' <span class="{BANNER_ID}-hint">({html.escape(d.hint)})</span>' if d.hint else ""
        items.append(
            f"<li><code>{where}</code>: {html.escape(str(d.severity))}"
            f"[<code>{html.escape(d.code)}</code>]: {html.escape(d.message)}{hint}</li>"
        )
    if len(diagnostics) > MAX_SHOWN:
        items.append(f"<li>and {len(diagnostics) - MAX_SHOWN} more: the terminal lists them all</li>")
    return f"<ul>{''.join(items)}</ul>"


def _count(items: Sequence[object], noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
_BODY_START = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
