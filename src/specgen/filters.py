"""What templates can call: the filters and globals of the render stage's Jinja environment.

Each makes its output safe for the Markdown page it lands in: a Markdown field
(a :class:`specgen.text.fields.Text`) through its rendered forms, anything else
escaped with :mod:`specgen.escape`. Links are written relative to the page
being rendered (``page`` in the template's context).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from specgen.escape import anchor, escape_inline, paragraphs
from specgen.model import Workspace
from specgen.siteconfig.assets import site_path
from specgen.text.fields import Text
from specgen.text.markdown import as_block
from specgen.text.refs import shorter_forms
from specgen.text.safe import for_block

HEALTH = {
    "on_track": "🟢 on track",
    "at_risk": "🟠 at risk",
    "off_track": "🔴 off track",
    "done": "✅ done",
    "missed": "⚫ missed",
}


def inline(value: object) -> Markup:
    """Any value, safe on one line of Markdown: a Markdown field's inline form, anything else escaped."""
    if isinstance(value, Text):
        return Markup(value.rendered.inline)
    return escape_inline(value)


def block(value: object, demote: int = 2, lead: str | None = None) -> Markup:
    """A Markdown field's block form, to stand at the start of a line; ``demote`` heading levels are added.

    ``lead`` is a label (the template's own words) that opens the first
    paragraph in bold. Text that is not Markdown gives escaped paragraphs.
    """
    if not isinstance(value, Text):
        body = paragraphs(value)
        return Markup(f"**{escape_inline(lead)}** {body}" if lead else body)
    html = as_block(value.rendered, demote)
    if lead:
        label = f"<strong>{for_block(str(escape(lead)))}</strong>"
        opening = '<div class="sg-text">\n<p>'
        html = (
            html.replace(opening, f"{opening}{label} ", 1)
            if html.startswith(opening)
            else html.replace("\n", f"\n<p>{label}</p>\n", 1)
        )
    return Markup(html)


def plain(value: object) -> str:
    """The text without Markdown: for titles, labels and other places that take no markup."""
    if isinstance(value, Text):
        return value.plain
    return "" if value is None else str(value)


def join(items: Any, separator: str = "") -> Markup:
    """Like Jinja's ``join``, but making each item safe for Markdown, not HTML only."""
    return Markup(Markup.escape(separator)).join(inline(i) for i in items)


def seconds(value: float | None) -> str:
    """How long a test took, as people read it: ``under 0.01 s``, ``0.42 s``, ``12.3 s``, ``2 min 5 s``."""
    if value is None:
        return "n/a"
    if value < 0.005:
        return "under 0.01 s"
    if value < 10:
        return f"{value:.2f} s"
    if value < 60:
        return f"{value:.1f} s"
    minutes, rest = divmod(round(value), 60)
    return f"{minutes:,} min {rest} s" if rest else f"{minutes:,} min"


def money(value: float | None, currency: str = "") -> str:
    if value is None:
        return "n/a"
    return f"{value:,.0f} {currency}".strip()


def bar(fraction: float, width: int = 10) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "▰" * filled + "▱" * (width - filled)


def _markdown_link(context: Context, target: str, anchor_id: str, text: object) -> Markup:
    """A Markdown link from the page being rendered to ``target`` (a docs path) and anchor."""
    href = relative(context["page"].path, target) + (f"#{anchor_id}" if anchor_id else "")
    # Both parts are safe already: the text is escaped, and the path is built from IDs the schema restricts.
    # The label is plain text: a link inside a link is not HTML.
    return Markup(f"[{escape_inline(plain(text))}]({href})")


def relative(here: str, target: str) -> str:
    """The relative path from page ``here`` to page ``target``; empty for the same page.

    Both are normalised docs paths (``features/FEAT-1.md``), so this is
    ``posixpath.relpath`` without its trips to the file system.
    """
    if target == here:
        return ""
    folder, parts = here.split("/")[:-1], target.split("/")
    shared = 0
    while shared < len(folder) and shared < len(parts) - 1 and folder[shared] == parts[shared]:
        shared += 1
    return "/".join([".."] * (len(folder) - shared) + parts[shared:])


@pass_context
def link(context: Context, ident: str, text: object = None) -> Markup:
    """A relative link to the page (and anchor) of any ID, titled by its name."""
    ws: Workspace = context["ws"]
    label = text if text is not None else _label(ws, ident)
    found = target(ws, ident)
    if found is None:
        return escape_inline(label)
    return _markdown_link(context, found[0], found[1], label)


@pass_context
def page_link(context: Context, path: str, text: object) -> Markup:
    """A relative link to another generated page, e.g. ``briefs/exec.md``."""
    return _markdown_link(context, path, "", text)


def _label(ws: Workspace, ident: str) -> str:
    name = ws.name_of(ident)
    return ident if name == ident else f"{ident} {name}"


def target(ws: Workspace, ident: str) -> tuple[str, str] | None:
    """The page (docs path) and anchor that present ``ident``, or None when it names nothing with a page."""
    if ident in ws.features:
        return (f"features/{ident}.md", "")
    if ident in ws.requirements:
        return (f"features/{ws.requirements[ident].feature}.md", anchor(ident))
    if ident in ws.test_cases:
        return (f"features/{ws.test_cases[ident].feature}.md", anchor(ident))
    for table, page in (
        (ws.objectives, "objectives.md"),
        (ws.personas, "personas.md"),
        (ws.evidence, "evidence.md"),
        (ws.decisions, "decisions.md"),
        (ws.stakeholders, "stakeholders.md"),
        (ws.releases, "roadmap.md"),
    ):
        if ident in table:
            return (page, anchor(ident))
    return None


def ref_links(ws: Workspace, here: str, public: bool) -> Callable[[str], str | None]:
    """Where a spec ID written in prose links to from page ``here``: nowhere when ``public`` or when it names nothing.

    The link is to the target's Markdown file, relative to the page's, as a
    Markdown link would be; the build turns it into the page's URL.
    """

    def href(ident: str) -> str | None:
        if public:
            return None
        found = next(filter(None, map(functools.partial(target, ws), shorter_forms(ident))), None)
        if found is None:
            return None
        return relative(here, found[0]) + (f"#{found[1]}" if found[1] else "")

    return href


def asset_link(here: str) -> Callable[[str], str | None]:
    """Where an image from the workspace's assets folder is, from page ``here``."""
    return lambda name: relative(here, site_path(name))
