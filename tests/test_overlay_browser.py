"""The preview's banner in a real browser: seen, above the fold, clear of the theme's header.

``specgen serve`` in a subprocess (as in tests/test_serve.py) and Debian's
chromium driven by Playwright (as in tests/test_browser.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from .test_browser import ARTIFACTS, CHROMIUM_ARGS, _require_chromium
from .test_schema import edit
from .test_serve import BANNER, Served, fetch, served, wait_for

__all__ = ["served"]  # the fixture, imported to be used here

WIDTH, HEIGHT = 1280, 900


def test_the_banner_is_in_view_and_not_under_the_header(basic: Path, served: Callable[..., Served]) -> None:
    server = served()
    server.wait_until_serving()
    url = f"{server.url}/features/FEAT-1/"
    assert wait_for(lambda: "Timeline view" in fetch(url))
    edit(basic / "specs/features/FEAT-1.yaml", "summary:", "sumary:")
    assert wait_for(lambda: BANNER in fetch(url)), server.output

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_require_chromium(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            page.set_default_timeout(15_000)
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(url)
            page.wait_for_load_state("load")
            banner = page.get_by_role("region", name="specgen: the specs have problems")
            assert banner.is_visible()
            assert "FEAT-1.yaml:3:1" in banner.inner_text()

            for scrolled in (0, 600):
                page.evaluate(f"window.scrollTo(0, {scrolled})")
                page.wait_for_timeout(100)
                box = banner.bounding_box()
                header = page.locator("header.md-header").bounding_box()
                assert box is not None and header is not None
                assert box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT, f"in view at scroll {scrolled}: {box}"
                assert box["y"] >= header["y"] + header["height"], "not under the header"
                # What a reader sees at the banner's centre is the banner, nothing drawn over it.
                on_top = page.evaluate(
                    "([x, y]) => document.elementFromPoint(x, y).closest('#specgen-problems') !== null",
                    [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
                )
                assert on_top, f"covered at scroll {scrolled}"
            assert page.locator("article h1").first.inner_text().startswith("FEAT-1: Timeline view")

            found = Axe().run(page, context="#specgen-problems").response["violations"]
            assert [v["id"] for v in found] == []
            assert errors == [], "the theme's scripts still run"
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(ARTIFACTS / "preview-banner.png"))
        finally:
            browser.close()
    assert server.stop() == 0
