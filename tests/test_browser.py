"""What a reader sees: the built site in a real browser.

Debian's ``chromium`` (``/usr/bin/chromium``, installed by ``.ci/run``) driven by
Playwright, against sites built with the real MkDocs and served on localhost.
A screenshot of the home page is saved under ``test-artifacts/``.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

import specgen

from .conftest import FIXTURES, REPO

CHROMIUM = os.environ.get("SPECGEN_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("SPECGEN_ARTIFACTS", REPO / "test-artifacts"))
# Flags for a headless Chromium on a machine with no network but loopback.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: Spec text that would run script or change the page if it were not escaped.
INJECTIONS = {
    "title": "</title><script>window.__pwned = 'title'; alert(1)</script> Timeline",
    "summary": "<img src=x onerror=\"window.__pwned = 'img'; alert(2)\"> {{ 7 * 7 }} {% raw %}",
    "problem": "[click me](javascript:window.__pwned='link') <!-- hidden --> <b>bold</b> a | b",
    "rtl": "\u2067gnp.exe\u2069 \u200bzero\u200bwidth " + "x" * 400,
}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No access log on the test output."""


@functools.cache
def _require_chromium() -> str:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium), as .ci/run does")
    return CHROMIUM


def _serve(folder: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def example_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = tmp_path_factory.mktemp("browser-example") / "site"
    result = specgen.build(REPO, site_dir=site, strict=True)
    assert result.success, [str(d) for d in result.diagnostics]
    yield from _serve(site)


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workspace = tmp_path_factory.mktemp("browser-hostile") / "ws"
    shutil.copytree(FIXTURES / "valid" / "basic", workspace)
    feature = workspace / "specs/features/FEAT-1.yaml"
    text = feature.read_text()
    text = text.replace("title: Timeline view", f"title: {_quoted(INJECTIONS['title'])}")
    text = text.replace("summary: See the quarter at a glance.", f"summary: {_quoted(INJECTIONS['summary'])}")
    text = text.replace(
        'problem: "Leads cannot see {{ what }} ships when | <b>bold</b>"', f"problem: {_quoted(INJECTIONS['problem'])}"
    )
    text = text.replace("goals: [Plans read in under a minute]", f"goals: [{_quoted(INJECTIONS['rtl'])}]")
    feature.write_text(text)
    result = specgen.build(workspace, strict=True)
    assert result.success, [str(d) for d in result.diagnostics]
    yield from _serve(workspace / "site")


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_require_chromium(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_home_page_loads_without_console_errors(page: Page, example_url: str) -> None:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(example_url)
    page.wait_for_load_state("networkidle")
    assert heading(page) == "specgen"
    assert page.get_by_role("heading", name="Vision").is_visible()
    assert errors == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)
    assert (ARTIFACTS / "home.png").stat().st_size > 10_000


def heading(page: Page) -> str:
    """The page's title as a reader sees it (without the permalink sign)."""
    return page.locator("article h1").first.inner_text().rstrip("¶").strip()


def _open_from_nav(page: Page, name: str) -> str:
    page.locator("nav.md-nav--primary").get_by_role("link", name=name, exact=True).first.click()
    page.wait_for_load_state("domcontentloaded")
    return heading(page)


def test_navigation_reaches_every_section(page: Page, example_url: str) -> None:
    page.goto(example_url)
    assert _open_from_nav(page, "Roadmap") == "Roadmap"
    assert _open_from_nav(page, "Test cases") == "Test cases"
    assert _open_from_nav(page, "Features") == "Features"

    # From the features index to one feature page, and on to a linked page.
    page.locator("article table a", has_text="FEAT-1").first.click()
    assert heading(page).startswith("FEAT-1:")
    assert page.get_by_role("heading", name="Requirements").is_visible()

    briefs = {
        "Executives brief": "Executive brief",
        "Engineering brief": "Engineering brief",
        "Sales and marketing brief": "Sales and marketing brief",
        "Support brief": "Support brief",
        "Customers brief": "What's new and what's next",
    }
    for link, title in briefs.items():
        assert _open_from_nav(page, link) == title


def test_cross_links_resolve(page: Page, example_url: str) -> None:
    page.goto(example_url + "test-cases/")
    link = page.locator("article table a", has_text="TC-").first
    target = link.inner_text()
    link.click()
    page.wait_for_load_state("domcontentloaded")
    assert page.url.endswith("#" + target.lower())
    assert page.locator(f"[id='{target.lower()}']").is_visible()


def test_search_finds_a_feature_by_a_word_of_its_title(page: Page, example_url: str) -> None:
    page.goto(example_url)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    results = page.locator(".md-search-result__item")
    # The search index loads in a web worker; a query typed before it is ready
    # is not answered, so type it again until results come (bounded).
    for _ in range(6):
        page.locator("input.md-search__input").fill("")
        page.locator("input.md-search__input").press_sequentially("traceability")
        try:
            results.first.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            continue
    results.first.wait_for(timeout=1_000)
    assert "Traceability" in results.first.inner_text() or "traceability" in results.first.inner_text()
    assert page.locator(".md-search-result__link[href*='features/FEAT-']").count() > 0


def test_injected_spec_text_is_shown_not_run(page: Page, hostile_url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in ("features/FEAT-1/", "features/", "roadmap/", "backlog/", "briefs/customer/", "test-cases/"):
        page.goto(hostile_url + path)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__pwned") is None, path
        assert page.locator("article script, article img, article a[href^='javascript']").count() == 0, path
    assert dialogs == []

    page.goto(hostile_url + "features/FEAT-1/")
    article = page.locator("article").inner_text()
    assert INJECTIONS["title"] in heading(page)
    for text in (
        "<img src=x onerror=",
        "{{ 7 * 7 }} {% raw %}",
        "[click me](javascript:",
        "<!-- hidden -->",
        "<b>bold</b> a | b",
    ):
        assert text in article, text
    assert "[U+2067]gnp.exe[U+2069]" in article and "\u2067" not in article  # isolates show as markers


def test_site_name_copyright_and_description_cannot_inject_script(
    page: Page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Material prints these fields unescaped: markup in them is refused, and what is allowed shows as text."""
    hostile = {
        "site_name": "<img src=x onerror=\"window.__pwned='name'; alert(1)\">",
        "copyright": "<script>window.__pwned='copyright'; alert(2)</script>",
        "site_description": 'x" onfocus="alert(3)" autofocus="',
    }
    # The nearest text that is allowed: quotes, template and script syntax without markup characters.
    allowed = {
        "site_name": "O'Brien's {{ 7 * 7 }} onerror=alert(1)",
        "copyright": "© 2026 O'Brien — javascript:alert(2) onclick=alert(2)",
        "site_description": "It's 'quoted' onmouseover=alert(3) x=",
    }
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    def workspace(name: str, fields: dict[str, str]) -> Path:
        folder = tmp_path / name
        shutil.copytree(FIXTURES / "valid" / "basic", folder)
        config = folder / "mkdocs.yml"
        kept = config.read_text(encoding="utf-8").replace("site_name: Basic\n", "")
        config.write_text("".join(f"{k}: {_quoted(v)}\n" for k, v in fields.items()) + kept, encoding="utf-8")
        return folder

    def visit(site: Path) -> None:
        for url in _serve(site):
            for path in ("", "features/FEAT-1/", "roadmap/"):
                page.goto(url + path)
                page.wait_for_load_state("load")
                assert page.evaluate("window.__pwned") is None, path
                assert (
                    page.locator("img[src=x], [onerror], [onfocus], [onmouseover], [onclick], [autofocus]").count() == 0
                )
                assert page.evaluate("[...document.scripts].filter(s => s.text.includes('alert(')).length") == 0

    # 1. Refused by check, so the build makes no site at all.
    refused = workspace("hostile", hostile)
    checked = specgen.check(refused)
    assert {d.message.split(" must ")[0] for d in checked.errors} == set(hostile), [str(d) for d in checked.errors]
    assert not specgen.build(refused).success
    assert not (refused / "site").exists()

    # 2. What Material does with them when MkDocs reads the file as it is (trusted): the script runs.
    monkeypatch.setenv("SPECGEN_TRUST_MKDOCS_CONFIG", "1")
    assert specgen.build(refused).success
    page.goto("about:blank")
    for url in _serve(refused / "site"):
        page.goto(url)
        page.wait_for_load_state("load")
    assert dialogs, "the measurement: Material prints these fields as HTML"
    dialogs.clear()
    monkeypatch.delenv("SPECGEN_TRUST_MKDOCS_CONFIG")

    # 3. Allowed text is shown literally, in the header, the title, the footer and the meta description.
    shown = workspace("allowed", allowed)
    result = specgen.build(shown, strict=True)
    assert result.success, [str(d) for d in result.diagnostics]
    visit(shown / "site")
    for url in _serve(shown / "site"):
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.title() == allowed["site_name"]
        assert page.locator(".md-header__topic").first.inner_text().strip() == allowed["site_name"]
        assert allowed["copyright"] in page.locator(".md-copyright__highlight").inner_text()
        description = page.locator("meta[name=description]").get_attribute("content")
        assert description == allowed["site_description"]
        assert page.locator("meta[name=description]").count() == 1
    assert dialogs == []


def test_raw_html_in_a_template_runs_nothing_and_calls_no_other_host(page: Page, tmp_path: Path) -> None:
    """A template with script, handlers, javascript: links, off-site images, frames and styles (test_sanitize)."""
    from urllib.parse import urlsplit

    from .test_sanitize import HOSTILE, workspace

    ws = workspace(tmp_path, HOSTILE)
    result = specgen.build(ws)
    assert result.success, [str(d) for d in result.diagnostics]
    dialogs: list[str] = []
    off_site: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    def refuse_off_site(route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            off_site.append(route.request.url)
            route.abort()

    page.route("**/*", refuse_off_site)
    for url in _serve(ws / "site"):
        for path in ("", "features/FEAT-1/"):
            page.goto(url + path)
            page.wait_for_load_state("networkidle")
            # Hover, focus and click everything the template made: a handler left on it would fire now.
            page.evaluate(
                """() => document.querySelectorAll('article *').forEach(e => {
                    for (const type of ['mouseover', 'focus', 'error', 'load']) e.dispatchEvent(new Event(type));
                    if (!(e instanceof HTMLAnchorElement && e.href)) e.dispatchEvent(new MouseEvent('click'));
                })"""
            )
            for link in page.locator("article p > a:not([href])").all():  # what were javascript: links
                link.click()
            assert page.evaluate("window.__pwned") is None, path
            assert page.locator("article script, article iframe, article object, article embed").count() == 0
            assert page.locator("article form, article input, article [style*='url']").count() == 0
        assert page.evaluate("document.querySelectorAll('#__config').length") == 1  # the theme's own, not ours
    assert dialogs == []
    assert off_site == []
