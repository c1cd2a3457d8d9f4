"""Pages that gather stay readable at any size, on paper, on a phone, and to axe-core (issue 9, items 6 and 9).

One generated workspace of 60 features is built once for the module: two of
every three features have no test cases and only Must requirements (200
untested Musts), which is the scale at which lists of IDs became walls. The
browser tests drive Debian's chromium (see test_browser.py) and run axe-core
through axe-playwright-python, against a bare Material site of the same
version built in the test.
"""

# ruff: noqa: F811  (tests take the browser and page fixtures imported from test_browser by name)

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

import specgen
from specgen.analysis import INLINE_LIMIT
from specgen.render import render_site

from .conftest import FIXTURES, REPO

# browser and page are test_browser's fixtures, taken by name as test arguments.
from .test_browser import ARTIFACTS, _serve, browser, page  # noqa: F401

FEATURES = 60
#: Every page type of a specgen site, by URL path.
PAGE_TYPES = {
    "home": "",
    "roadmap": "roadmap/",
    "backlog": "backlog/",
    "features index": "features/",
    "feature page": "features/FEAT-3/",
    "objectives": "objectives/",
    "personas": "personas/",
    "evidence": "evidence/",
    "decisions": "decisions/",
    "stakeholders": "stakeholders/",
    "test cases": "test-cases/",
    "briefs index": "briefs/",
    **{f"{a} brief": f"briefs/{a}/" for a in ("exec", "engineering", "sales-marketing", "support", "customer")},
}
#: A4 portrait, 210 mm less specgen.css's 12 mm page margins either side, in CSS pixels (96 per inch).
PRINTABLE_WIDTH = round((210 - 2 * 12) / 25.4 * 96)
#: Rules that specgen's own CSS and templates fix, whatever the baseline has.
FIXED_RULES = {"link-in-text-block", "empty-table-header", "scrollable-region-focusable", "th-has-data-cells"}


def generate(out: Path, features: int = FEATURES) -> None:
    """bench/corpus.py's workspace, with two of every three features untested and all-Must."""
    sys.path.insert(0, str(REPO / "bench"))
    from corpus import generate as corpus  # type: ignore[import-not-found]

    corpus(out, features)
    for path in (out / "specs/features").glob("FEAT-*.yaml"):
        if int(path.stem.split("-")[1]) % 3:
            text = path.read_text(encoding="utf-8")
            text = text[: text.index("\ntest_cases:")] + "\n"
            text = text.replace("priority: should", "priority: must").replace("priority: could", "priority: must")
            path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workspace = tmp_path_factory.mktemp("layout") / "ws"
    generate(workspace)
    return workspace


@pytest.fixture(scope="module")
def pages(big: Path) -> dict[str, str]:
    result = specgen.check(big)
    assert result.workspace is not None, [str(d) for d in result.errors]
    return render_site(result.workspace, None)[0]


@pytest.fixture(scope="module")
def big_url(big: Path) -> Iterator[str]:
    result = specgen.build(big)
    assert result.success, [str(d) for d in result.diagnostics if d.severity == "error"]
    yield from _serve(big / "site")


@pytest.fixture(scope="module")
def basic_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The small fixture: pages that still spell everything out (traceability matrix, criteria)."""
    site = tmp_path_factory.mktemp("layout-basic") / "site"
    result = specgen.build(FIXTURES / "valid" / "basic", site_dir=site, strict=True)
    assert result.success, [str(d) for d in result.diagnostics]
    yield from _serve(site)


BARE_PAGE = """# A heading

## A section

A paragraph with [a link](https://example.org/) in the middle of its words.

### A subsection

| Name | Value |
|---|---|
| one | 1 |
| two | 2 |
"""


@pytest.fixture(scope="module")
def baseline_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A bare Material site of the installed version: what the theme itself brings to axe."""
    project = tmp_path_factory.mktemp("bare-material")
    (project / "docs").mkdir()
    (project / "docs/index.md").write_text(BARE_PAGE, encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        "site_name: Bare\ntheme:\n  name: material\n  font: false\nmarkdown_extensions: [tables]\n", encoding="utf-8"
    )
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project, check=True)
    yield from _serve(project / "site")


# --- what the pages say instead of walls of IDs (Markdown, no browser) -------


def test_untested_musts_are_counted_per_feature_not_listed(pages: dict[str, str]) -> None:
    tests = pages["test-cases.md"]
    # corpus.py cycles statuses; only planned-or-later work counts (rule SG307): planned, in progress, beta, released.
    untested = [f"FEAT-{n}" for n in range(1, FEATURES + 1) if n % 3 and n % 6 not in (0, 1)]
    assert f"{len(untested) * 5} Must requirements of {len(untested)} features have no test case" in tests
    callout = tests[tests.index('!!! warning "Must requirements without a test case"') : tests.index("## By feature")]
    # One row per feature with its count, linked to the feature's page; no requirement IDs.
    assert re.findall(r"\| \[(FEAT-\d+) [^]]*\]\(features/FEAT-\d+\.md\) \| 5 \|", callout) == untested
    assert ".R" not in callout
    engineering = pages["briefs/engineering.md"]
    gaps = engineering[engineering.index("## Test-coverage gaps") :]
    assert re.findall(r"\| \[(FEAT-\d+) [^]]*\]\(\.\./features/FEAT-\d+\.md\) \| 5 \|", gaps) == untested
    assert ".R" not in gaps


def test_backlog_shows_ranks_side_by_side_and_inputs_on_the_feature_page(pages: dict[str, str]) -> None:
    backlog = pages["backlog.md"]
    assert "| Feature | Status | CD3 | WSJF | RICE | ICE | Ranks differ by |" in backlog
    rows = [line for line in backlog.splitlines() if line.startswith("| [FEAT-")]
    first = rows[0].split(" | ")
    assert first[2] == "1" and all(cell.isdigit() for cell in first[3:6]), rows[0]
    spread = max(map(int, first[2:6])) - min(map(int, first[2:6]))
    assert first[6] == ("⚠ " if spread > 2 else "") + f"{spread} places |"
    feature = pages["features/FEAT-3.md"]
    assert "| Cost of delay |" in feature and "| Duration |" in feature
    assert re.search(r"\| WSJF \(.*\) \| [\d.,]+, rank \d+ on the backlog \|", feature)


def test_objective_and_evidence_lists_stop_at_the_limit(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    generate(workspace, 300)  # 30 features per objective
    result = specgen.check(workspace)
    assert result.workspace is not None
    objectives = render_site(result.workspace, None)[0]["objectives.md"]
    line = next(li for li in objectives.splitlines() if li.startswith("Features that move it:"))
    assert line.count("](features/FEAT-") == INLINE_LIMIT
    assert f"and {30 - INLINE_LIMIT} more (30 in all, each on the [features index](features/index.md))" in line


# --- in the browser -------------------------------------------------------------


def _wide_tables(page: Page) -> list[str]:
    """Tables whose scroll container (Material's wrapper, or the table itself) is wider than its box."""
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll('article table')].filter(t => {
                const box = t.closest('.md-typeset__scrollwrap') || t;
                return box.scrollWidth > box.clientWidth + 1 || t.getBoundingClientRect().right > innerWidth;
            }).map(t => t.rows[0].innerText.slice(0, 60))"""
        )
    )


def test_backlog_fits_1280_px_without_scrolling(page: Page, big_url: str) -> None:
    page.goto(big_url + "backlog/")
    page.wait_for_load_state("load")
    headers = page.locator("article table").first.locator("th").all_inner_texts()
    assert headers == ["Feature", "Status", "CD3", "WSJF", "RICE", "ICE", "Ranks differ by"]
    assert _wide_tables(page) == []
    # Header words stay whole: a column is never narrower than its name.
    assert page.evaluate("[...document.querySelectorAll('article th')].every(th => th.scrollWidth <= th.clientWidth)")


@pytest.mark.parametrize(
    "path", ["", "backlog/", "features/", "features/FEAT-3/", "test-cases/", "briefs/engineering/"]
)
def test_tables_read_on_a_390_px_phone(browser: Browser, big_url: str, basic_url: str, path: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    try:
        for url in (big_url, basic_url):
            phone.goto(url + path)
            phone.wait_for_load_state("load")
            assert _wide_tables(phone) == [], url + path
            assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        if path == "features/FEAT-3/":
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            phone.goto(basic_url + "features/FEAT-1/")
            phone.wait_for_load_state("load")
            shot = ARTIFACTS / "feature-390px.png"
            phone.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
            # The key-result table: four columns, its first cell on at most two lines.
            cell = phone.locator("article table:has(th:text('Key result')) td").first
            assert len(phone.locator("article table:has(th:text('Key result')) th").all()) == 4
            assert cell.bounding_box()["height"] < 3 * 20  # type: ignore[index]
    finally:
        context.close()


@pytest.mark.parametrize("path", ["backlog/", "features/FEAT-3/", "test-cases/"])
def test_every_table_header_cell_prints_inside_the_page(browser: Browser, big_url: str, path: str) -> None:
    """Laid out at the printable width of an A4 portrait page under print media, every header cell lies within it."""
    context = browser.new_context(viewport={"width": PRINTABLE_WIDTH, "height": 1000})
    paper = context.new_page()
    try:
        paper.emulate_media(media="print")
        paper.goto(big_url + path)
        paper.wait_for_load_state("load")
        cells = paper.evaluate(
            """() => [...document.querySelectorAll('article th')].map(th => {
                const r = th.getBoundingClientRect();
                const clip = th.closest('.md-typeset__scrollwrap, table');
                return [th.innerText, r.right, clip.getBoundingClientRect().right, getComputedStyle(clip).overflowX];
            })"""
        )
        assert cells, path
        outside = [c for c in cells if c[1] > PRINTABLE_WIDTH + 0.5 or (c[3] != "visible" and c[1] > c[2] + 0.5)]
        assert outside == [], path
        assert paper.evaluate("getComputedStyle(document.querySelector('article thead')).display") == (
            "table-header-group"
        )
        assert paper.pdf(format="A4")[:5] == b"%PDF-"
    finally:
        context.close()


def _serious(page: Page, url: str) -> dict[str, int]:
    """Critical and serious axe-core violations of a page: rule id -> number of nodes."""
    page.goto(url)
    page.wait_for_load_state("load")
    response = Axe().run(page, options={"resultTypes": ["violations"]}).response
    return {v["id"]: len(v["nodes"]) for v in response["violations"] if v["impact"] in ("critical", "serious")}


def _all_rules(page: Page, url: str) -> set[str]:
    page.goto(url)
    page.wait_for_load_state("load")
    return {v["id"] for v in Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]}


def test_axe_finds_nothing_beyond_bare_material_on_any_page_type(
    page: Page,
    big_url: str,
    basic_url: str,
    baseline_url: str,
) -> None:
    baseline = _serious(page, baseline_url)
    found: dict[str, dict[str, int]] = {}
    for name, path in PAGE_TYPES.items():
        found[name] = _serious(page, big_url + path)
    for name in ("test cases", "feature page", "engineering brief"):  # the pages' small-site layouts
        found[f"{name} (small)"] = _serious(page, basic_url + PAGE_TYPES[name].replace("FEAT-3", "FEAT-1"))
    beyond = {name: sorted(set(rules) - set(baseline)) for name, rules in found.items() if set(rules) - set(baseline)}
    assert beyond == {}, (baseline, found)
    # What specgen's CSS and templates fix is gone even where the theme alone would have it.
    for path in ("", "evidence/", "briefs/engineering/", "briefs/sales-marketing/"):
        assert not _all_rules(page, big_url + path) & FIXED_RULES, path
