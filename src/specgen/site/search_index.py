"""The search index, shaped so that the first query answers quickly at 1,000 features.

Material's search plugin writes one entry per section of every page, and the
browser builds a lunr index of all of it in a web worker before it answers
the first query; that build takes time in proportion to the words and the
entries in the index (measured in ``bench/RESULTS.md``: 12.6 MB and 7 s at
1,000 features). This plugin keeps what readers search a feature for and
leaves out what they do not:

* a feature page becomes one entry (its title, its summary, each
  requirement's heading, statement and acceptance criteria, and each test
  case's title), instead of about 21, so a result links to the feature;
* left out of feature pages are the text other pages hold and index
  themselves (evidence summaries, key-result tables, other features' titles),
  tables of properties, scores and test steps, and the prose of the other
  sections;
* every other page is indexed as Material indexes it.

It also keeps a line break from gluing words in the index: Material drops
``<br>`` and joins the text on either side ("first.Second"), so each ``<br>``
is followed by a newline (which the page shows no differently) before the
search plugin reads the page.

Entries keep Material's HTML escaping: tags are removed, entities never
decoded, so the index holds no markup the page did not.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

#: Docs paths of feature pages (the render stage writes each feature to one).
FEATURE_PAGE = re.compile(r"^features/FEAT-[^/]+\.md$")
#: Anchors of a requirement's and a test case's section (``escape.anchor`` of their IDs).
REQUIREMENT = re.compile(r"^feat-[a-z0-9-]+-r[0-9]+$")
TEST_CASE = re.compile(r"^tc-[a-z0-9-]+$")
#: A line break not already followed by a newline.
_BREAK = re.compile(r"<br\s*/?>(?!\n)", re.IGNORECASE)


def unglued(html: str) -> str:
    """``html`` with a newline after every ``<br>``: the same page, whose words search keeps apart."""
    return _BREAK.sub(lambda m: m.group(0) + "\n", html)


class _Prose(HTMLParser):
    """The text inside ``<p>`` and ``<li>`` of an entry's text, tags removed, entities kept as written."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("p", "li"):
            self.depth += 1
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "li") and self.depth:
            self.depth -= 1
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)

    def handle_entityref(self, name: str) -> None:
        if self.depth:
            self.parts.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        if self.depth:
            self.parts.append(f"&#{name};")


def prose(text: str) -> str:
    """The paragraphs and list items of an entry's text as one line of escaped text; tables' cells are left out."""
    parser = _Prose()
    parser.feed(text)
    parser.close()
    return " ".join("".join(parser.parts).split())


def feature_entry(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """One entry for a feature page from Material's entries for it (the page's own entry first)."""
    top, *sections = entries
    parts = [prose(top["text"])]  # the summary; the table of properties is left out
    for section in sections:
        anchor = section["location"].partition("#")[2]
        if REQUIREMENT.match(anchor):
            parts += [section["title"], prose(section["text"])]
        elif TEST_CASE.match(anchor):
            parts.append(section["title"])
    return {**top, "text": " ".join(part for part in parts if part)}


def shaped(entries: list[dict[str, Any]], src_uri: str) -> list[dict[str, Any]]:
    """The entries to index for one page: a feature page's merged into one, any other page's as they are."""
    if not entries or not FEATURE_PAGE.match(src_uri) or "#" in entries[0]["location"]:
        return entries
    return [feature_entry(entries)]


def _material_index(config: Any) -> Any:
    """Material's search index of this build, or None when another search plugin (or none) is used."""
    try:
        from material.plugins.search.plugin import SearchPlugin  # type: ignore[import-untyped]  # Material ships no types
    except ImportError:  # pragma: no cover - Material is a dependency; another theme may still be used
        return None
    for plugin in config.plugins.values():
        if isinstance(plugin, SearchPlugin) and plugin.config.enabled:
            return getattr(plugin, "search_index", None)
    return None


def add_search_shaper(plugins: Any) -> None:
    """Add to MkDocs' plugins the two that shape Material's search index (see the module's docstring).

    One runs just before the search plugin reads each page (to unglue line
    breaks), the other just after (to merge and trim that page's entries), so
    a dirty build of the preview shapes the pages it rebuilds the same way.
    Without Material's search plugin they do nothing.
    """
    from mkdocs.plugins import BasePlugin, event_priority

    start = [0]  # where the entries of the page being indexed begin

    class Before(BasePlugin):  # type: ignore[type-arg,no-untyped-call]  # MkDocs' base is generic, untyped
        @event_priority(10)  # before Material's search plugin (priority 0) reads the page
        def on_page_context(self, context: Any, /, *, page: Any, config: Any, nav: Any) -> Any:
            index = _material_index(config)
            if index is not None:
                if page.content:
                    page.content = unglued(page.content)
                start[0] = len(index.entries)
            return context

    class After(BasePlugin):  # type: ignore[type-arg,no-untyped-call]  # MkDocs' base is generic, untyped
        @event_priority(-10)  # after it added the page's entries
        def on_page_context(self, context: Any, /, *, page: Any, config: Any, nav: Any) -> Any:
            index = _material_index(config)
            if index is not None:
                index.entries[start[0] :] = shaped(index.entries[start[0] :], page.file.src_uri)
            return context

    plugins["specgen/search-before"] = Before()
    plugins["specgen/search-after"] = After()
