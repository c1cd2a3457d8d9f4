"""The search index a built site ships: what it holds, and how big it is.

Real builds with the real MkDocs and Material; the index is read from the
built ``search/search_index.json``.
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

import specgen
from specgen.site.search_index import prose, unglued

from .conftest import FIXTURES, REPO

#: Two sentences run together: what Material's index held where a line broke ("watchlists.This").
GLUED = re.compile(r"[a-z]\.[A-Z][a-z]")


def _index(site: Path) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    return docs


def _text(docs: list[dict[str, Any]]) -> str:
    """Every entry's title and text, tags stripped, as the reader's browser tokenizes it."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", d["title"] + " " + d["text"])) for d in docs)


@pytest.fixture(scope="module")
def broken_lines_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The basic workspace with sentences broken across lines in many fields, and a template writing ``<br>``."""
    workspace = tmp_path_factory.mktemp("search-lines") / "ws"
    shutil.copytree(FIXTURES / "valid" / "basic", workspace)
    feature = workspace / "specs/features/FEAT-1.yaml"
    text = feature.read_text(encoding="utf-8")
    for before, after in (
        ("summary: See the quarter at a glance.", "summary: |-\n  See the quarter at a glance.\n  Leads plan from it."),
        (
            "    statement: Show features on a time axis by release.",
            "    statement: |-\n      Show features on a time axis by release.\n      Overlaps stay visible.",
        ),
        (
            "  - description: Rendering is slow on large plans",
            "  - description: |-\n      Rendering is slow on large plans.\n      Lists help.",
        ),
    ):
        assert before in text
        text = text.replace(before, after)
    feature.write_text(text, encoding="utf-8")
    evidence = workspace / "specs/evidence/EVD-1.yaml"
    text = evidence.read_text(encoding="utf-8")
    text = text.replace(
        "summary: Plans go stale within two weeks.", "summary: |-\n  Plans go stale.\n  Teams stop reading."
    )
    evidence.write_text(text, encoding="utf-8")
    # A workspace template may write a line break of its own, as templates did for every multi-line field.
    templates = workspace / "templates"
    templates.mkdir(exist_ok=True)
    packaged = (REPO / "src/specgen/templates/evidence.md.j2").read_text(encoding="utf-8")
    (templates / "evidence.md.j2").write_text(packaged + "\nReviewed weekly.<br>Owners sign off.\n", encoding="utf-8")
    result = specgen.build(workspace, strict=True)
    assert result.success, [str(d) for d in result.diagnostics]
    return workspace / "site"


def test_a_feature_page_is_one_entry_holding_its_requirements(broken_lines_site: Path) -> None:
    docs = _index(broken_lines_site)
    feature = [d for d in docs if d["location"].startswith("features/FEAT-1/")]
    assert [d["location"] for d in feature] == ["features/FEAT-1/"]
    (entry,) = feature
    assert entry["title"] == "FEAT-1: Timeline view"
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", entry["text"])).split())
    # (a) a reader finds the feature by words of its summary, a requirement's statement and its acceptance criteria ...
    assert "Leads plan from it." in text
    assert "Show features on a time axis by release. Overlaps stay visible." in text
    assert "the timeline opens" in text
    assert "Render 1000 items in under a second." in text
    assert "Timeline shows a release's features" in text  # a test case's title
    # ... and not by text whose home is another page, nor by the tables of properties and scores.
    assert "Plans go stale" not in text  # the evidence's summary, indexed on the evidence page
    assert "Cost of delay" not in text and "Virtualised list" not in text
    # Every other page is indexed as Material indexes it.
    assert any(d["location"].startswith("evidence/") and "Plans go stale" in d["text"] for d in docs)


def test_no_words_are_glued_across_line_breaks(broken_lines_site: Path) -> None:
    text = _text(_index(broken_lines_site))
    # (b) the template's own <br> and the spec text's line breaks keep words apart ...
    assert "Reviewed weekly. Owners sign off." in " ".join(text.split())
    assert "Plans go stale. Teams stop reading." in " ".join(text.split())
    assert not GLUED.findall(text), GLUED.findall(text)
    # ... and the page still shows one line break there, not more.
    page = (broken_lines_site / "evidence/index.html").read_text(encoding="utf-8")
    assert re.search(r"Reviewed weekly\.<br>\s*Owners sign off\.", page)


def test_unglued_adds_a_newline_after_each_break_only_once() -> None:
    assert unglued("a.<br>B c.<br/>D e.<BR />F g.<br>\nH") == "a.<br>\nB c.<br/>\nD e.<BR />\nF g.<br>\nH"
    assert unglued(unglued("x.<br>Y")) == "x.<br>\nY"


def test_prose_keeps_paragraphs_and_items_but_not_table_cells_nor_markup() -> None:
    text = "<p>Keep <code>a &lt;b&gt;</code> this.</p> Status Planned <ul> <li>Item &amp; more</li> </ul>"
    assert prose(text) == "Keep a &lt;b&gt; this. Item &amp; more"


def _bench_corpus() -> Any:
    spec = importlib.util.spec_from_file_location("bench_corpus", REPO / "bench" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_index_is_under_40_percent_of_what_material_writes_for_detailed_features(tmp_path: Path) -> None:
    # (c) bench/corpus.py's detailed features (about 10 KB of YAML each): Material's own index held
    # 12.3 KB per feature page at 1,000 features, in 21 entries; shaped, 3.8 KB in one (bench/RESULTS.md).
    features = 40
    workspace = tmp_path / "ws"
    _bench_corpus().generate(workspace, features)
    result = specgen.build(workspace)
    assert result.success, [str(d) for d in result.diagnostics]
    docs = _index(workspace / "site")
    pages = [d for d in docs if d["location"].startswith("features/FEAT-")]
    assert len(pages) == features  # one entry per feature page
    per_feature = sum(len(json.dumps(d, separators=(",", ":"))) for d in pages) / features
    assert per_feature < 0.4 * 12_300, per_feature
    # Still there: every requirement statement of a feature, word for word.
    first = (workspace / "specs/features/FEAT-1.yaml").read_text(encoding="utf-8")
    statements = [json.loads(s) for s in re.findall(r"^    statement: (\".*\")$", first, flags=re.MULTILINE)]
    assert len(statements) == 5
    entry = next(d for d in pages if d["location"] == "features/FEAT-1/")
    assert all(s in html.unescape(entry["text"]) for s in statements)
