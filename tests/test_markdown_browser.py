"""Markdown in spec text, as a reader's browser shows it (Playwright + Debian's chromium).

The page is the markdown-prose fixture's FEAT-3: PRD prose with nested lists, a
YAML example four levels deep with a tab, a shell session, a 10-column table,
links, raw HTML and hostile URLs.
"""

# ruff: noqa: F811  (tests take the browser, page and baseline_url fixtures imported by name)
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

import specgen

from .test_browser import ARTIFACTS, _serve, browser, page  # noqa: F401  # fixtures, taken by name
from .test_layout import PRINTABLE_WIDTH, _serious, baseline_url  # noqa: F401  # baseline_url is a fixture
from .test_markdown_text import PROSE, fences


@pytest.fixture(scope="module")
def prose_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = tmp_path_factory.mktemp("prose-browser") / "site"
    result = specgen.build(PROSE, site_dir=site, strict=True)
    assert result.success, [str(d) for d in result.diagnostics]
    yield from _serve(site)


def _problem_fences() -> list[str]:
    source = (PROSE / "specs" / "features" / "FEAT-3.yaml").read_text(encoding="utf-8")
    problem = source.split("problem: |\n", 1)[1].split("\nwhy_now:")[0]
    return fences("\n".join(line[2:] for line in problem.splitlines()) + "\n")


def test_code_keeps_its_indentation_and_links_click_through(page: Page, prose_url: str) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(prose_url + "features/FEAT-3/")
    shown = page.eval_on_selector_all(".sg-text pre > code", "codes => codes.map(c => c.textContent)")
    assert shown == _problem_fences()  # every space, the tab and the blank line, as a reader copies them
    assert page.locator(".sg-text table th").count() == 10
    assert page.locator(".sg-text script").count() == 0 and page.evaluate("window.__owned === undefined")
    assert page.get_by_text('<script>alert("owned")</script>', exact=False).count() == 1
    external = page.locator(".sg-text a", has_text="import guide")
    assert external.get_attribute("href") == "https://example.com/guide"
    page.locator(".sg-text a.sg-ref", has_text="FEAT-1.R1").first.click()
    page.wait_for_url("**/features/FEAT-1/#feat-1-r1")
    assert page.locator("h1").inner_text().startswith("FEAT-1:")
    assert errors == []


def test_axe_finds_nothing_beyond_bare_material_on_markdown_prose(
    page: Page, prose_url: str, baseline_url: str
) -> None:
    baseline = _serious(page, baseline_url)
    found = _serious(page, prose_url + "features/FEAT-3/")
    assert set(found) - set(baseline) == set(), (baseline, found)


@pytest.mark.parametrize("path", ["features/FEAT-3/", "backlog/"])
def test_prose_tables_print_inside_the_page(browser: Browser, prose_url: str, path: str) -> None:
    context = browser.new_context(viewport={"width": PRINTABLE_WIDTH, "height": 1000})
    paper = context.new_page()
    try:
        paper.emulate_media(media="print")
        paper.goto(prose_url + path)
        rights = paper.eval_on_selector_all("article th", "cells => cells.map(c => c.getBoundingClientRect().right)")
        assert rights and max(rights) <= PRINTABLE_WIDTH + 0.5, path
        # Long code lines wrap on paper instead of running off the page's edge.
        overflowing = paper.eval_on_selector_all(
            "article pre > code", "codes => codes.filter(c => c.scrollWidth > c.clientWidth + 1).length"
        )
        assert overflowing == 0, path
    finally:
        context.close()


def test_a_phone_screenshot_of_markdown_prose(browser: Browser, prose_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    try:
        phone.goto(prose_url + "features/FEAT-3/")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot: Path = ARTIFACTS / "markdown-prose-390px.png"
        phone.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        # Nothing but code may be wider than the phone: code scrolls inside its own block.
        wide = phone.evaluate(
            """() => [...document.querySelectorAll('article *')].filter(e => !e.closest('pre'))
                 .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.tagName)"""
        )
        assert wide == []
    finally:
        context.close()
