"""Rendering: user text is data, briefs respect visibility, pages match their goldens."""

from __future__ import annotations

import posixpath
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specgen import check
from specgen.analysis import INLINE_LIMIT
from specgen.diagnostics import Diagnostic
from specgen.escape import _escape_lines, code, escape_inline, paragraphs
from specgen.filters import relative
from specgen.render import RenderError, render_site

from .conftest import FIXTURE_TODAY, FIXTURES, compare_golden
from .test_schema import edit

HOSTILE = {
    "script": "<script>alert(1)</script>",
    "image": '<img src=x onerror="alert(2)">',
    "jinja": "{{ 7 * 7 }} {% if true %}yes{% endif %}",
    "pipe": "left | right",
    "link": "[click](javascript:alert(3))",
    "comment": "<!-- hidden -->",
    "list": "1. not a list",
    "emphasis": "*not bold* __nor this__ `nor code`",
}


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def to_html(text: str) -> _Html:
    """Markdown to parsed HTML as MkDocs does it (front matter is MkDocs' to strip)."""
    if text.startswith("---\n"):
        text = text.split("---\n", 2)[2]
    parser = _Html()
    parser.feed(markdown.markdown(text, extensions=["tables", "attr_list", "admonition", "toc"]))
    return parser


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_escaped_text_renders_literally(value: str) -> None:
    html = to_html(f"| a | b |\n|---|---|\n| {escape_inline(value)} | x |\n")
    assert "".join(html.text).replace("\n", "").startswith("ab" + value)
    assert "script" not in html.tags and "img" not in html.tags
    assert not any(name in ("onerror", "href") for name, _ in html.attrs)
    assert html.tags.count("td") == 2  # the pipe did not split the cell


def test_user_text_is_escaped(basic: Path) -> None:
    feature = basic / "specs/features/FEAT-1.yaml"
    edit(feature, "title: Timeline view", f"title: '{HOSTILE['script']} {HOSTILE['pipe']}'")
    edit(feature, "statement: Show features", "statement: '{{ config }} {% raw %}' # Show features")
    result = check(basic)
    assert result.workspace is not None, result.diagnostics
    pages, _ = render_site(result.workspace, None)

    page = pages["features/FEAT-1.md"]
    assert "<script>" not in page and "{{ config }}" not in page
    html = to_html(page)
    text = "".join(html.text)
    assert "FEAT-1: <script>alert(1)</script> left | right" in text
    assert "{{ config }} {% raw %}" in text
    assert "script" not in html.tags
    index = to_html(pages["features/index.md"])
    assert "<script>alert(1)</script> left | right" in "".join(index.text)
    assert index.tags.count("th") == 7 and index.tags.count("td") == 7 * 2


def test_customer_brief_hides_internal_items(basic: Path) -> None:
    result = check(basic)
    assert result.workspace is not None
    pages, _ = render_site(result.workspace, None)
    customer = pages["briefs/customer.md"]
    assert "Timeline view" in customer  # external feature
    assert "Internal scoring dashboard" not in customer  # internal feature
    assert "The timeline view is coming in January." in customer  # the external update
    assert "Timeline slipped a month" not in customer  # the internal update
    for private in ("Ada Lovelace", "Grace Hopper", "STK-", "5,000", "Rendering is slow", "2027-01-15"):
        assert private not in customer, private
    # The internal update heads the internal briefs instead.
    assert "Timeline slipped a month" in pages["briefs/exec.md"]


def add_features(workspace: Path, count: int) -> None:
    """``count`` more features in flight, each with one requirement and its test."""
    for n in range(3, 3 + count):
        (workspace / f"specs/features/FEAT-{n}.yaml").write_text(
            f"id: FEAT-{n}\ntitle: Feature number {n}\nstatus: in_progress\nowner: STK-1\nhorizon: now\n"
            "problem: Something hurts.\nrequirements:\n  - id: R1\n    statement: It works.\n    priority: must\n"
            "    acceptance_criteria: [It works on a Tuesday]\n"
            "test_cases:\n  - id: TC-{n}\n    title: Works\n    verifies: [R1]\n".replace("{n}", str(n)),
            encoding="utf-8",
        )


def test_gathering_pages_link_instead_of_inlining_past_the_limit(basic: Path) -> None:
    add_features(basic, INLINE_LIMIT)
    result = check(basic)
    assert result.workspace is not None, [str(d) for d in result.diagnostics]
    pages, _ = render_site(result.workspace, None)
    engineering = pages["briefs/engineering.md"]
    assert f"{INLINE_LIMIT + 1} features are in flight or next" in engineering
    assert "It works on a Tuesday" not in engineering  # criteria stay on the feature pages
    assert "| [FEAT-9 Feature number 9](../features/FEAT-9.md) | In progress | now |" in engineering
    assert "It works on a Tuesday" in pages["features/FEAT-9.md"]
    tests = pages["test-cases.md"]
    assert "too many to list every test case, or a traceability matrix, on one page" in tests
    assert "Traceability matrix" not in tests
    # One row per feature: 1 of 1 requirements tested, no untested Must, 1 test case, none automated or run.
    assert "| [FEAT-9 Feature number 9](features/FEAT-9.md) | 1 of 1 | 0 | 1 | 0 | 0 | 0 | 1 |" in tests
    assert "TC-9" in pages["features/FEAT-9.md"]


def test_gathering_pages_inline_up_to_the_limit(basic: Path) -> None:
    add_features(basic, INLINE_LIMIT - 2)  # basic has two features with requirements, one of them now
    result = check(basic)
    assert result.workspace is not None
    pages, _ = render_site(result.workspace, None)
    assert "It works on a Tuesday" in pages["briefs/engineering.md"]
    tests = pages["test-cases.md"]
    assert "too many to list" not in tests
    assert "Traceability matrix" in tests and "TC-9" in tests


def template_failure(basic: Path, templates: Path, name: str, text: str) -> Diagnostic:
    """Render the basic workspace with one workspace template; return its failure."""
    templates.mkdir(exist_ok=True)
    (templates / name).write_text(text)
    result = check(basic)
    assert result.workspace is not None
    with pytest.raises(RenderError) as caught:
        render_site(result.workspace, templates)
    return caught.value.diagnostic


def test_template_errors_are_located(tmp_path: Path, basic: Path) -> None:
    d = template_failure(basic, tmp_path / "templates", "roadmap.md.j2", "# Roadmap\n\n{{ ws.nonexistent }}\n")
    assert (d.code, d.path, d.line) == ("SG401", (tmp_path / "templates/roadmap.md.j2").as_posix(), 3)
    assert "nonexistent" in d.message


def test_sandbox_blocks_python_internals(tmp_path: Path, basic: Path) -> None:
    d = template_failure(basic, tmp_path / "templates", "home.md.j2", "{{ ws.__class__.__init__.__globals__ }}\n")
    assert d.code == "SG401" and "unsafe" in d.message


def test_templates_cannot_change_the_model(tmp_path: Path, basic: Path) -> None:
    d = template_failure(basic, tmp_path / "templates", "home.md.j2", "{{ ws.features['FEAT-1'].goals.append('x') }}\n")
    assert d.code == "SG401" and "unsafe" in d.message


def test_rendered_pages_match_goldens(update_goldens: bool) -> None:
    result = check(FIXTURES / "valid" / "basic")
    assert result.workspace is not None
    pages, _ = render_site(result.workspace, None, today=date.fromisoformat(FIXTURE_TODAY))
    golden = Path(__file__).parent / "golden" / "basic"
    for path, text in pages.items():
        compare_golden(golden / path, text, update_goldens)
    expected = {p.relative_to(golden).as_posix() for p in golden.rglob("*.md")}
    assert expected == set(pages), "a golden page is stale or missing; run pytest --update-goldens"


def test_no_customer_template_can_reach_internal_items(tmp_path: Path, basic: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    # A careless (or hostile) override that dumps everything it can reach.
    (templates / "brief-customer.md.j2").write_text(
        "{% for f in ws.features.values() %}{{ f.title }} {{ f.owner }} {{ f.risks }} {{ f.scoring }} "
        "{{ f.requirements }} {{ f.test_cases }} {{ f.evidence }}\n{% endfor %}"
        "{{ ws.stakeholders }} {{ ws.evidence }} {{ ws.personas }} {{ ws.objectives }} {{ ws.decisions }}\n"
        "{% for u in ws.updates.values() %}{{ u.headline }} {{ u.author }}\n{% endfor %}"
        "{{ product.owner }} {{ link('FEAT-2') }} {{ link('STK-1') }}\n"
    )
    result = check(basic)
    assert result.workspace is not None
    pages, _ = render_site(result.workspace, templates)
    customer = pages["briefs/customer.md"]
    assert "Timeline view" in customer and "The timeline view is coming in January." in customer
    for private in (
        "Internal scoring dashboard",
        "Ada Lovelace",
        "Grace Hopper",
        "STK-2",
        "Rendering is slow",
        "5000",
        "Show features on a time axis",
        "TC-1",
        "EVD-1",
        "Pat, team lead",
        "OBJ-1",
        "DEC-1",
        "Timeline slipped a month",
    ):
        assert private not in customer, private


@pytest.mark.parametrize(
    "value",
    ["!!! note Do not ship", "??? Details", "=== Tab", "/// admonition", "- item", "1. first", "---"],
)
def test_block_syntax_at_line_start_stays_text(value: str) -> None:
    html = to_html(str(paragraphs(value)))
    assert html.tags == ["p"]
    assert "".join(html.text) == value


def test_code_spans_are_escaped_for_markdown() -> None:
    html = to_html(f"Run {code('tests/__init__.py::test_x *a*')}")
    assert html.tags == ["p", "code"]
    assert "".join(html.text) == "Run tests/__init__.py::test_x *a*"


# --- shortcuts taken for speed give the same result as the long way ----------

_printable = st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Z", "Cc"]), max_size=40)


@settings(max_examples=300, deadline=None, database=None)
@given(text=_printable | st.sampled_from(["# x", " - y", "1. z", "!!! note", "a_b", "plain words", " 12 ", "???"]))
def test_escaping_shortcut_gives_the_full_result(text: str) -> None:
    assert escape_inline(text) == _escape_lines(text)


_docs_path = st.builds(
    lambda folders, name: "/".join([*folders, name]),
    st.lists(st.sampled_from(["features", "briefs", "a", "b"]), max_size=3),
    st.sampled_from(["FEAT-1.md", "index.md", "roadmap.md"]),
)


@settings(max_examples=300, deadline=None, database=None)
@given(here_path=_docs_path, target_path=_docs_path)
def test_relative_links_match_posixpath(here_path: str, target_path: str) -> None:
    expected = "" if here_path == target_path else posixpath.relpath(target_path, posixpath.dirname(here_path) or ".")
    assert relative(here_path, target_path) == expected


def test_customer_view_holds_no_dates_exit_criteria_or_business_case(tmp_path: Path, basic: Path) -> None:
    # An external release with every date and exit criterion filled in, and a template that prints all it can reach.
    release = basic / "specs" / "releases" / "REL-1.yaml"
    release.write_text(release.read_text() + "visibility: external\nexit_criteria:\n  - Zero open blocker bugs\n")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "brief-customer.md.j2").write_text(
        "{% for r in ws.releases.values() %}{{ r }}\n{% endfor %}"
        "{% for r in an.releases %}{{ r.target_date }} {{ r.baseline_date }} {{ r.exit_criteria }}\n{% endfor %}"
        "{{ product }}\n{{ product.business_case }}\n{{ product.vision }}\n"
    )
    result = check(basic)
    assert result.workspace is not None
    assert result.workspace.releases["REL-1"].visibility == "external"
    customer = render_site(result.workspace, templates)[0]["briefs/customer.md"]
    assert "1.0" in customer  # the release itself is public
    for private in ("2027-01-15", "2026-12-15", "medium", "Zero open blocker bugs", "Seat-based", "PER-1", "remote"):
        assert private not in customer, private
