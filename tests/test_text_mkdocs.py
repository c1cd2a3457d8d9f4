"""What the engine emits survives MkDocs' Markdown: Python-Markdown itself reads a page made of it.

The page is what a template makes: headings of its own, a PRD's block field
at column 0 through :func:`as_block`, the inline form in a table cell, ID
markers resolved per page. It is converted by Python-Markdown with (a) the
extensions specgen always configures and (b) every extension ``mkdocs.yml``
may add, then passed through the page sanitizer, which must find nothing to
change.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import markdown as python_markdown
import pytest

from specgen.config import Settings
from specgen.site.sanitize import clean_html
from specgen.siteconfig.allowed import Checker
from specgen.siteconfig.defaults import REQUIRED_EXTENSIONS, REQUIRED_OPTIONS
from specgen.siteconfig.sections import Sections
from specgen.text import markdown
from specgen.text.markdown import BLOCK, INLINE, as_block, render
from specgen.text.refs import resolve

from .conftest import FIXTURES

PRD = (FIXTURES / "markdown/prd.md").read_text(encoding="utf-8")
#: MkDocs adds these to every configuration.
MKDOCS_BUILTINS = ["toc", "tables", "fenced_code"]


def _allowlist() -> list[str]:
    checker = Checker("mkdocs.yml", Settings.for_workspace(FIXTURES / "valid/basic"), [])
    return list(Sections(checker).extension_options)


CONFIGURATIONS = {
    "required": sorted({*MKDOCS_BUILTINS, *REQUIRED_EXTENSIONS}),
    "allowlist": sorted({*MKDOCS_BUILTINS, *REQUIRED_EXTENSIONS, *_allowlist()}),
}


def _href(ident: str) -> str | None:
    return {"FEAT-1": "../FEAT-1/", "FEAT-2.R1": "../FEAT-2/#feat-2-r1", "OBJ-1": "../../objectives/#obj-1"}.get(ident)


def _asset(name: str) -> str | None:
    return "../../static/close-flow.png" if name == "close-flow.png" else None


def page() -> str:
    """A feature page as a template writes it, with the PRD as a block field and its inline form in a cell."""
    prd = render(PRD, BLOCK)
    cell = render("A *b* 2 \\* 3 `a_b | c` {: .x } FEAT-1 ==m== and a\nsecond line", INLINE)
    body = (
        "# FEAT-1 Month-end close\n\n"
        "## Problem\n\n"
        f"{as_block(prd)}"
        "## Summary\n\n"
        "| Field | Value |\n|---|---|\n"
        f"| statement | {cell.inline} |\n"
        f"| problem | {prd.inline} |\n\n"
        "## After\n\nThe template's own text.\n"
    )
    return resolve(body, _href, _asset)


def convert(extensions: list[str]) -> tuple[str, list[str]]:
    """The page as Python-Markdown writes it, and the titles in its table of contents."""
    configs = {name: dict(REQUIRED_OPTIONS.get(name, {})) for name in extensions}
    md = python_markdown.Markdown(extensions=extensions, extension_configs=configs)
    out = md.convert(page())

    def titles(tokens: list[dict[str, object]]) -> list[str]:
        found: list[str] = []
        for token in tokens:
            found.append(str(token["name"]))
            found.extend(titles(token["children"]))  # type: ignore[arg-type]
        return found

    return out, titles(md.toc_tokens)  # type: ignore[attr-defined]


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.codes: list[str] = []
        self.events: list[tuple[str, ...]] = []
        self._code: list[str] | None = None
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self.events.append(("start", tag, *sorted(f"{k}={v or ''}" for k, v in attrs)))
        if tag == "code" and self._pre:
            self._code = []
        self._pre += tag == "pre"

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))
        self._pre -= tag == "pre"
        if tag == "code" and self._code is not None:
            self.codes.append("".join(self._code))
            self._code = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self.events and self.events[-1][0] == "text":
            self.events[-1] = ("text", self.events[-1][1] + data)
        else:
            self.events.append(("text", data))
        if self._code is not None:
            self._code.append(data)


def parse(source: str) -> _Page:
    parsed = _Page()
    parsed.feed(source)
    parsed.close()
    return parsed


def _fences() -> list[str]:
    """The content of every code block of the PRD, as markdown-it read it from the source."""
    return [t.content for t in markdown.parser().parse(PRD, {}) if t.type in ("fence", "code_block")]


def test_the_fixture_has_what_real_prds_have() -> None:
    yaml = re.search(r"```yaml\n(.*?)```", PRD, re.S)
    assert yaml and "\t" in yaml.group(1) and "\n\n" in yaml.group(1) and "        - id:" in yaml.group(1)
    assert "   runs of spaces" in yaml.group(1) and "\n    \n" in yaml.group(1)  # a line of spaces only
    assert "```console\n$ " in PRD and PRD.count("|") > 40 and "      - and how long" not in PRD
    assert yaml.group(1) in _fences()


@pytest.mark.parametrize("configuration", sorted(CONFIGURATIONS))
def test_a_prd_survives_python_markdown(configuration: str) -> None:
    out, toc = convert(CONFIGURATIONS[configuration])
    found = parse(out)
    # Code keeps every byte: the browser's textContent of each <pre><code> is the fence's source.
    assert found.codes == _fences()
    # Real markup where the PM wrote Markdown.
    tags = [tag for tag, _ in found.elements]
    assert {"ul", "ol", "table", "pre", "strong", "em", "s"} <= set(tags)
    assert (
        "a",
        {"href": "https://handbook.example.com/close", "title": "The handbook", "rel": "nofollow noopener"},
    ) in (found.elements)
    assert ("a", {"class": "sg-ref", "href": "../FEAT-1/"}) in found.elements
    assert ("img", {"src": "../../static/close-flow.png", "alt": "the close flow"}) in found.elements
    assert max(len(re.findall(r"<th[ >]", row)) for row in out.split("<tr>")) == 10
    # Raw HTML shows literally; no link or image to a dangerous scheme anywhere.
    assert "&lt;script&gt;" in out and '<script>alert("pwned")</script>' in "".join(found.text)
    assert '<div onclick="steal()">click me</div>' in "".join(found.text)
    assert not {"script", "iframe"} & set(tags)
    assert not [attrs for _, attrs in found.elements if any(name.startswith("on") for name in attrs)]
    for tag, attrs in found.elements:
        for name in ("href", "src"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:", "file:")), (tag, attrs)
            assert "tracker.example" not in value or tag == "a", (tag, attrs)
    # Template and extension syntax is visible text, not markup.
    text = "".join(found.text)
    for literal in ("{{ x }}", "{% if secret %}yes{% endif %}", "{: .x }", "==mark==", "{++critic++}", "++ctrl++"):
        assert literal in text, literal
    assert "{: .x } FEAT-1 ==m==" in text and "2 * 3" in text and "a_b | c" in text
    assert not {"mark", "ins", "kbd", "del"} & set(tags) and ("p", {"class": "x"}) not in found.elements
    # No words glued together for search: soft breaks stayed whitespace.
    stripped = re.sub(r"<[^>]+>", "", out)
    assert not re.search(r"[a-z][.,][A-Z][a-z]", html.unescape(stripped))
    assert "ends must" in " ".join(html.unescape(stripped).split())
    # The text's own headings are demoted and stay out of the table of contents.
    assert toc == ["FEAT-1 Month-end close", "Problem", "Summary", "After"]
    assert ("h4", {}) in found.elements and ("h5", {}) in found.elements  # ## and ### in the PRD, demoted by 2
    # The inline forms stayed inside their table row: two cells each.
    rows = re.findall(r"<tr>(.*?)</tr>", out, re.S)
    assert [len(re.findall(r"<t[dh][ >]", row)) for row in rows][-3:] == [2, 2, 2]


@pytest.mark.parametrize("configuration", sorted(CONFIGURATIONS))
def test_the_page_sanitizer_keeps_what_the_engine_emits(configuration: str) -> None:
    out, _ = convert(CONFIGURATIONS[configuration])
    assert parse(clean_html(out)).events == parse(out).events


def test_the_sanitizer_keeps_engine_markup_it_refused_before() -> None:
    """Struck text, labelled checkboxes and md-it's table alignment were stripped before the allowlist grew."""
    engine = render("- [x] done ~~gone~~\n\n| a |\n|--:|\n| 1 |", BLOCK).html
    cleaned = clean_html(engine)
    assert "<s>gone</s>" in cleaned and 'aria-label="done"' in cleaned
    assert '<th style="text-align:right">a</th>' in cleaned
