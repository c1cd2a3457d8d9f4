"""The pictures in a real browser: offline, on paper, in both palettes, to axe-core, with hostile labels.

Debian's chromium driven by Playwright (see test_browser.py), against the
basic fixture built with the real MkDocs and served on 127.0.0.1, with a key
result's history (for a trend) and a feature whose title is hostile, in a
chain of dependencies. Screenshots of the pictures go to ``test-artifacts/``.
"""

# ruff: noqa: F811  (tests take the browser and page fixtures imported from test_browser by name)

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

import specgen

from .conftest import FIXTURE_TODAY, FIXTURES
from .test_browser import ARTIFACTS, _serve, browser, page  # noqa: F401
from .test_layout import PRINTABLE_WIDTH, _serious, baseline_url  # noqa: F401

HOSTILE = '<img src=x onerror="window.__pwned = 1"> {{ 7 * 7 }} ]]> \u2067gnp.exe\u2069 ' + "w" * 5000
#: The pages with pictures, and how many each has.
PICTURES = {"roadmap/": 2, "objectives/": 1, "features/FEAT-1/": 1, "features/FEAT-3/": 1}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workspace = tmp_path_factory.mktemp("pictures-browser") / "ws"
    shutil.copytree(FIXTURES / "valid" / "basic", workspace, ignore=shutil.ignore_patterns("site"))
    config = workspace / "mkdocs.yml"  # both of Material's palettes, as the repository's own site has
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "  font: false\n", "  font: false\n  palette:\n    - scheme: default\n    - scheme: slate\n"
        ),
        encoding="utf-8",
    )
    objective = workspace / "specs/objectives/OBJ-1.yaml"
    objective.write_text(
        objective.read_text(encoding="utf-8").replace(
            "    current: 60\n",
            "    current: 60\n    measured_on: 2026-05-20\n    history:\n"
            "      - {date: 2026-01-10, value: 10}\n      - {date: 2026-05-20, value: 60}\n",
        ),
        encoding="utf-8",
    )
    (workspace / "specs/features/FEAT-3.yaml").write_text(
        f"id: FEAT-3\ntitle: {json.dumps(HOSTILE)}\nstatus: planned\nowner: STK-1\nrelease: REL-1\n"
        "problem: It hurts.\ndepends_on: [FEAT-1]\n"
        "requirements:\n  - {id: R1, statement: It works., priority: could}\n",
        encoding="utf-8",
    )
    with pytest.MonkeyPatch.context() as patch:
        day = dt.datetime.fromisoformat(FIXTURE_TODAY).replace(tzinfo=dt.UTC)
        patch.setenv("SOURCE_DATE_EPOCH", str(int(day.timestamp())))
        result = specgen.build(workspace, strict=True)
    assert result.success, [str(d) for d in result.diagnostics]
    return workspace / "site"


@pytest.fixture(scope="module")
def url(site: Path) -> Iterator[str]:
    yield from _serve(site)


def _pictures(page: Page) -> list[dict[str, float]]:
    """Each picture's box, and how many of its labels lie outside it (by the browser's own layout)."""
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll('figure.sg-picture svg')].map(svg => {
                const box = svg.getBoundingClientRect();
                const out = [...svg.querySelectorAll('text')].filter(t => {
                    const r = t.getBoundingClientRect();
                    return r.left < box.left - 0.5 || r.right > box.right + 0.5
                        || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5;
                }).length;
                return {width: box.width, height: box.height, right: box.right, outside: out,
                        texts: svg.querySelectorAll('text').length};
            })"""
        )
    )


def test_pictures_render_offline_with_no_request_leaving_loopback(page: Page, url: str) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for path, count in PICTURES.items():
        page.goto(url + path)
        page.wait_for_load_state("networkidle")
        boxes = _pictures(page)
        assert len(boxes) == count, path
        assert all(b["width"] > 100 and b["height"] > 20 and b["texts"] > 0 for b in boxes), (path, boxes)
        assert all(b["outside"] == 0 for b in boxes), (path, boxes)  # hostile labels too stay inside
        assert page.evaluate("window.__pwned") is None
        for n, figure in enumerate(page.locator("figure.sg-picture").all()):
            figure.screenshot(path=str(ARTIFACTS / f"picture-{path.strip('/').replace('/', '-')}-{n}.png"))
    hosts = {urlsplit(r).hostname for r in requests if not r.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, sorted(set(requests))
    assert errors == []


def test_pictures_work_from_file_urls(browser: Browser, site: Path) -> None:
    context = browser.new_context()
    try:
        local = context.new_page()
        local.goto((site / "roadmap/index.html").as_uri())
        local.wait_for_load_state("load")
        assert local.locator("figure.sg-timeline svg").is_visible()
        assert local.locator("figure.sg-graph svg").is_visible()
        # The link plugin made each node's link the page's URL, which opens from disk too.
        local.locator("figure.sg-graph a").first.click()
        local.wait_for_load_state("load")
        assert local.url.endswith("/features/FEAT-1/index.html") or local.url.endswith("/features/FEAT-1/")
    finally:
        context.close()


def test_pictures_print_inside_the_page(browser: Browser, url: str) -> None:
    context = browser.new_context(viewport={"width": PRINTABLE_WIDTH, "height": 1000})
    paper = context.new_page()
    try:
        paper.emulate_media(media="print")
        for path in PICTURES:
            paper.goto(url + path)
            paper.wait_for_load_state("load")
            boxes = _pictures(paper)
            assert boxes and all(b["width"] > 100 and b["right"] <= PRINTABLE_WIDTH + 0.5 for b in boxes), (path, boxes)
            assert all(b["outside"] == 0 for b in boxes), path
            assert paper.locator("figure.sg-picture").first.is_visible()
        assert paper.pdf(format="A4")[:5] == b"%PDF-"
    finally:
        context.close()


def test_pictures_follow_the_light_and_dark_palettes(page: Page, url: str) -> None:
    page.goto(url + "roadmap/")
    page.wait_for_load_state("load")
    style = """() => {
        const label = getComputedStyle(document.querySelector('.sg-graph text'));
        const box = getComputedStyle(document.querySelector('.sg-graph .sg-box'));
        const page = getComputedStyle(document.body);
        return [label.fill, box.fill, page.color, page.backgroundColor];
    }"""
    light = page.evaluate(style)
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    dark = page.evaluate(style)
    assert light[0] != dark[0] and light[1] != dark[1]
    # Labels take the theme's text colour and boxes its background, in either palette.
    for label, box, color, background in (light, dark):
        assert label == color and box == background


def test_axe_finds_nothing_in_the_pictures_and_nothing_new_on_their_pages(
    page: Page, url: str, baseline_url: str
) -> None:
    baseline = _serious(page, baseline_url)
    for path in PICTURES:
        page.goto(url + path)
        page.wait_for_load_state("load")
        response = Axe().run(page, context={"include": [["figure.sg-picture"]]}).response
        assert response["violations"] == [], (path, [(v["id"], v["nodes"][:1]) for v in response["violations"]])
        beyond = set(_serious(page, url + path)) - set(baseline)
        assert beyond == set(), path
    # Each picture has an accessible name and a description that screen readers get.
    page.goto(url + "roadmap/")
    names = page.evaluate(
        """() => [...document.querySelectorAll('figure.sg-picture svg')].map(svg =>
            [svg.getAttribute('role'), document.getElementById(svg.getAttribute('aria-labelledby')).textContent,
             document.getElementById(svg.getAttribute('aria-describedby')).textContent.length])"""
    )
    assert [n[:2] for n in names] == [
        ["group", "Timeline of 1 release, today 2026-06-01"],  # its feature rows link to their pages
        ["group", "Dependency graph of 3 features"],
    ]
    assert all(n[2] > 20 for n in names)
