"""Markdown in spec text, end to end: the schemas mark the fields, the model carries them, the site shows them.

The engine itself (markdown-it-py, the link policy, the entity translation that
gets HTML through Python-Markdown) is tested in ``test_text_*.py``; these tests
follow a spec from YAML to the page MkDocs built.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from specgen import check
from specgen.kinds import EACH, KINDS
from specgen.model import Feature
from specgen.render import render_site
from specgen.schema import schema_texts
from specgen.site import build
from specgen.text.fields import Block, Inline, Text, markdown_paths

from .conftest import FIXTURES

PROSE = FIXTURES / "valid" / "markdown-prose"


@pytest.fixture(scope="module")
def prose_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The markdown-prose fixture, built once with the real MkDocs."""
    site = tmp_path_factory.mktemp("prose") / "site"
    result = build(PROSE, site_dir=site, strict=True)
    assert result.success, [str(d) for d in result.diagnostics]
    return site


def texts_in(value: object) -> Iterator[Text]:
    """Every :class:`Text` in a model object, depth first."""
    if isinstance(value, Text):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from texts_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from texts_in(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from texts_in(getattr(value, f.name))


def fences(text: str) -> list[str]:
    """The content of each fenced code block in Markdown source (two-space indented block scalars stripped)."""
    return [m.group(1) for m in re.finditer(r"^```[a-z]*\n(.*?)^```$", text, re.S | re.M)]


class _Code(HTMLParser):
    """The text content of every ``<pre><code>`` of a page, as a browser would give it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "pre":
            self.blocks.append("")
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.blocks[-1] += data


def code_blocks(page: str) -> list[str]:
    parser = _Code()
    parser.feed(page)
    return parser.blocks


# --- the schemas decide -------------------------------------------------------


def test_every_markdown_field_is_marked_for_editors_and_for_specgen() -> None:
    for name, text in schema_texts().items():
        for match in re.finditer(r'"x-specgen-markdown": "(\w+)"', text):
            assert match.group(1) in ("block", "inline"), name
        # contentMediaType is what editors and other tools read; x-specgen-markdown says which kind.
        assert text.count('"x-specgen-markdown"') == text.count('"contentMediaType": "text/markdown"'), name
    paths = dict(markdown_paths("feature"))
    assert paths[("problem",)] == "block"
    assert paths[("requirements", EACH, "statement")] == "inline"
    assert paths[("requirements", EACH, "acceptance_criteria", EACH, "given")] == "inline"
    assert ("title",) not in paths and ("requirements", EACH, "id") not in paths


def test_the_model_carries_the_kind_the_schema_gives() -> None:
    result = check(PROSE)
    ws = result.workspace
    assert ws is not None
    feature: Feature = ws.features["FEAT-3"]
    assert isinstance(feature.problem, Block) and isinstance(feature.summary, Block)
    assert isinstance(feature.requirements[0].statement, Inline)
    assert isinstance(feature.requirements[0].acceptance_criteria[0].text, Inline)
    assert not isinstance(feature.title, Text) and not isinstance(feature.id, Text)
    # Every kind's marked paths reach model values: no annotation the model ignores.
    marked_kinds = {k for k in KINDS if markdown_paths(k)}
    seen = {type(t) for t in texts_in(ws)}
    assert seen == {Block, Inline} and marked_kinds >= {"feature", "product", "decision", "evidence"}
    # Still a str in every other respect.
    assert feature.problem.startswith("Most teams") and json.dumps(feature.summary)


# --- what templates print -------------------------------------------------------


def test_a_workspace_template_printing_a_field_gets_its_inline_form(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    shutil.copytree(PROSE, workspace)
    (workspace / "templates").mkdir()
    (workspace / "templates" / "home.md.j2").write_text(
        "# Home\n\n{% set f = ws.features['FEAT-3'] %}"
        "inline: {{ f.summary }}\n\nplain: {{ f.summary | plain }}\n\n{{ f.problem | block(demote=1) }}\n",
        encoding="utf-8",
    )
    ws = check(workspace).workspace
    assert ws is not None
    pages, _ = render_site(ws, workspace / "templates", about=["product"])
    home = pages["index.md"]
    inline = home.split("inline: ", 1)[1].split("\n", 1)[0]
    assert "<strong>without retyping it</strong>" in inline and "<p>" not in inline
    plain = home.split("plain: ", 1)[1].split("\n", 1)[0]
    assert "without retyping it" in plain and "<" not in plain and "*" not in plain
    assert '<div class="sg-text">' in home and "&lt;script&gt;" in home and "<script>" not in home
    # The block's ```console fence kept its content; demote=1 would make a "#" heading an h2 (none here).
    assert "specgen import plan.xlsx" in "".join(code_blocks(home))


def test_ids_in_prose_link_on_internal_pages_and_stay_text_elsewhere() -> None:
    ws = check(PROSE).workspace
    assert ws is not None
    pages, _ = render_site(ws, None)
    feature = pages["features/FEAT-3.md"]
    assert '<a class="sg-ref" href="FEAT-1.md">FEAT-1</a>' in feature
    assert '<a class="sg-ref" href="FEAT-1.md#feat-1-r1">FEAT-1.R1</a>' in feature
    assert '<a class="sg-ref" href="#feat-3-r2">FEAT-3.R2</a>' in feature  # the same page: an anchor
    assert "SHA-256" in feature and "UTF-8" in feature and 'href="SHA' not in feature
    # The customer brief shows external items only, and never links or titles an internal one.
    customer = pages["briefs/customer.md"]
    assert "sg-ref" not in customer


def test_an_id_in_prose_that_names_nothing_is_a_located_warning(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    shutil.copytree(PROSE, workspace)
    spec = workspace / "specs" / "features" / "FEAT-3.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("a cycle between rows is refused.", "see FEAT-99 and `FEAT-98`."), encoding="utf-8")
    line = next(i for i, t in enumerate(spec.read_text().splitlines(), 1) if "FEAT-99" in t)
    result = check(workspace)
    found = [str(d) for d in result.diagnostics if d.code == "SG311"]
    # Only the ID in prose: the one in a code span is code.
    assert found == [
        f"specs/features/FEAT-3.yaml:{line}:16: warning[SG311]: 'FEAT-99' in this text names no known spec, "
        "so it is shown as plain text"
    ]


def test_a_schema_error_elsewhere_in_the_file_hides_no_id_in_prose(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    shutil.copytree(PROSE, workspace)
    spec = workspace / "specs" / "features" / "FEAT-3.yaml"
    text = spec.read_text(encoding="utf-8").replace("a cycle between rows is refused.", "see FEAT-99.")
    spec.write_text(text + "bogus_key: 1\n", encoding="utf-8")
    result = check(workspace)
    assert [d.code for d in result.diagnostics if d.path.endswith("FEAT-3.yaml")] == ["SG311", "SG201"]


# --- the built site ---------------------------------------------------------------


def test_markdown_prose_builds_into_real_html(prose_site: Path) -> None:
    page = (prose_site / "features" / "FEAT-3" / "index.html").read_text(encoding="utf-8")
    source = (PROSE / "specs" / "features" / "FEAT-3.yaml").read_text(encoding="utf-8")
    # The YAML block scalars are indented by two spaces: the spec's text is the source without them.
    problem_source = "\n".join(
        line[2:] for line in source.split("problem: |\n", 1)[1].split("\nwhy_now:")[0].splitlines()
    )
    expected = fences(problem_source + "\n")
    assert len(expected) == 2 and "        owner: C    #" in expected[0] and "\ttabbed" in expected[0]
    shown = code_blocks(page)
    for block in expected:
        assert block in shown, (block, shown)  # byte for byte: every space, tab and blank line
    assert '<a href="https://example.com/guide"' in page
    assert "<ul>" in page and "<ol>" in page and "<table>" in page and "<s>nobody</s>" in page
    assert "&lt;script&gt;" in page and "<script>alert" not in page and not re.search(r"<[^>]*\sonclick=", page)
    for scheme in ("javascript:", "data:", "vbscript:", "file:"):
        assert not re.search(rf'(href|src)="{scheme}', page, re.I), scheme
    assert "tracker.example.com/p.gif" not in re.findall(r'<img [^>]*src="([^"]*)"', page)
    assert "{{ config }}" in html.unescape(re.sub(r"<[^>]+>", "", page))
    # ID links point at the built pages, whatever use_directory_urls says.
    assert re.search(r'<a class="sg-ref" href="\.\./FEAT-1/(index\.html)?">FEAT-1</a>', page), page
    # Headings in spec text are demoted below their section and stay out of the table of contents.
    assert "What moves over" in page
    toc = page.split('class="md-nav md-nav--secondary"', 1)[-1].split("</nav>", 1)[0]
    assert "What moves over" not in toc


def test_search_never_glues_words_across_line_breaks(prose_site: Path) -> None:
    index = json.loads((prose_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", d["text"])) for d in index["docs"])
    # The summary's first line ends in "it**," and its second starts with "keeping".
    assert "retyping it, keeping owners" in re.sub(r"\s+", " ", text)
    assert not re.findall(r"[a-z]\.[A-Z][a-z]", text)


# --- the per-file cache ---------------------------------------------------------------


def test_a_second_check_takes_rendered_text_from_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    from specgen.text import fields

    assert check(PROSE, cache=True).success
    rendered_now: list[str] = []
    real = fields.render
    monkeypatch.setattr(fields, "render", lambda text, kind: rendered_now.append(text) or real(text, kind))
    fields._RENDERED.clear()
    again = check(PROSE, cache=True)
    assert again.success
    # Nothing is rendered again: the cache held every text that took rendering, and plain ones need none.
    assert rendered_now == []
    fields._RENDERED.clear()
    assert check(PROSE, cache=False).success and any("FEAT-1" in t for t in rendered_now)
    pages, _ = render_site(again.workspace, None)  # type: ignore[arg-type]
    assert '<a class="sg-ref" href="FEAT-1.md">FEAT-1</a>' in pages["features/FEAT-3.md"]


def test_a_hand_edited_cache_cannot_put_script_on_a_page(tmp_path: Path, _private_cache: Path) -> None:
    workspace = tmp_path / "ws"
    shutil.copytree(PROSE, workspace)
    assert check(workspace, cache=True).success
    from specgen.text import fields

    fields._RENDERED.clear()  # the build in this process must take what the cache file says
    edited = 0
    for shard in _private_cache.rglob("*.json"):
        text = shard.read_text(encoding="utf-8")
        if "<p>Most teams arrive" in text:
            edited += 1
            shard.write_text(
                text.replace(
                    "<p>Most teams arrive",
                    "<p><script>alert(1)</script><img src=x onerror=alert(2)>Edited: Most teams arrive",
                ),
                encoding="utf-8",
            )
    assert edited == 1
    site = tmp_path / "site"
    result = build(workspace, site_dir=site, cache=True)
    assert result.success, [str(d) for d in result.diagnostics]
    page = (site / "features" / "FEAT-3" / "index.html").read_text(encoding="utf-8")
    assert "Edited: Most teams arrive" in page  # the build took the text from the cache file
    assert "<script>alert(1)" not in page and "onerror" not in page


def test_a_text_repeated_by_yaml_aliases_is_cached_and_warned_about_once(tmp_path: Path, _private_cache: Path) -> None:
    workspace = tmp_path / "ws"
    shutil.copytree(PROSE, workspace)
    spec = workspace / "specs" / "features" / "FEAT-3.yaml"
    text = spec.read_text(encoding="utf-8").replace(
        "why_now: The spreadsheet season starts in *September*; see OBJ-1.",
        "why_now: &w The *spreadsheet* season; see FEAT-77.\nnon_goals:\n" + "  - *w\n" * 300,
    )
    spec.write_text(text, encoding="utf-8")
    result = check(workspace, cache=True)
    # Once as a block (why_now) and once as a list item, at the first place each occurs, not 301 times.
    assert sorted((d.code, d.pointer[0]) for d in result.diagnostics) == [("SG311", "non_goals"), ("SG311", "why_now")]
    shard = next(p for p in _private_cache.rglob("*.json") if "spreadsheet</em> season" in p.read_text())
    assert shard.read_text(encoding="utf-8").count("spreadsheet</em> season") == 4  # each kind's two forms, once


def test_an_image_from_assets_shows_and_a_missing_one_becomes_its_alt_text(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    shutil.copytree(PROSE, workspace)
    (workspace / "assets").mkdir()
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixel = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(b"\0\0"))
    (workspace / "assets" / "flow.png").write_bytes(b"\x89PNG\r\n\x1a\n" + pixel + chunk(b"IEND", b""))
    spec = workspace / "specs" / "features" / "FEAT-3.yaml"
    spec.write_text(
        spec.read_text(encoding="utf-8").replace(
            "  ![tracking pixel](https://tracker.example.com/p.gif)",
            "  ![the import flow](assets/flow.png) and ![a lost chart](assets/missing.png)",
        ),
        encoding="utf-8",
    )
    site = tmp_path / "site"
    result = build(workspace, site_dir=site)
    assert result.success, [str(d) for d in result.diagnostics]
    page = (site / "features" / "FEAT-3" / "index.html").read_text(encoding="utf-8")
    assert '<img src="../../static/flow.png" alt="the import flow"' in page
    assert (site / "static" / "flow.png").is_file()
    assert "missing.png" not in page and "a lost chart" in page
