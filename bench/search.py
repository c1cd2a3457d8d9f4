"""Search as a reader meets it: the index's size and the time of the first query after a page loads.

    python bench/search.py SITE_DIR [--word WORD] [--page features/FEAT-1/] [--repeat 3]

The built site is served on 127.0.0.1 and Debian's Chromium (driven by
Playwright) loads one feature page in a fresh browser context, so nothing is
cached. As soon as the page's load event has fired, a word of the feature's
title is typed into Material's search box, and the time from the first key
until the first result is shown is taken in the page itself (a
MutationObserver, so Playwright's round trips do not count). That time
includes whatever is left of what Material does on first use: downloading
``search/search_index.json``, parsing it on the main thread, posting it to
the web worker, building the lunr index there, and the query. Each of those
steps is timed too, by wrapping the page's ``Worker`` before Material's
script creates it.

Used by ``run.py`` (and ``baseline.py``) unless ``--no-browser`` is given.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import json
import os
import re
import statistics
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("SPECGEN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: The longest wait for one query's first result: 654 real specs once took 9 s.
TIMEOUT_MS = 120_000

#: Runs in the page before any of its scripts: timestamps of each step of Material's search.
PROBE = """
(() => {
  const t = window.__search = {};
  const Original = window.Worker;
  window.Worker = function (url, options) {
    const worker = new Original(url, options);
    const post = worker.postMessage.bind(worker);
    worker.postMessage = (message, ...rest) => {
      if (message && message.type === 0 && t.setup === undefined) t.setup = performance.now();
      if (message && message.type === 2 && t.query === undefined) t.query = performance.now();
      return post(message, ...rest);
    };
    worker.addEventListener("message", (event) => {
      const type = event.data && event.data.type;
      if (type === 1 && t.ready === undefined) t.ready = performance.now();
      if (type === 3 && t.answer === undefined) t.answer = performance.now();
    });
    return worker;
  };
  window.Worker.prototype = Original.prototype;
  document.addEventListener("keydown", () => { if (t.typed === undefined) t.typed = performance.now(); }, true);
  new MutationObserver((_, observer) => {
    if (document.querySelector(".md-search-result__item")) {
      t.shown = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
})();
"""

#: Steps of one first query, in order: (key, label); each is timed from the start of navigation.
STEPS = (
    ("typed", "first key typed (at the load event)"),
    ("fetched", "index downloaded"),
    ("setup", "index parsed, posted to the worker"),
    ("ready", "lunr index built in the worker"),
    ("shown", "first result shown"),
)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No access log on the bench's output."""


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """``folder`` served over HTTP on 127.0.0.1 (a free port) while the block runs; its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def index_size(site: Path) -> tuple[int, int]:
    """Bytes of ``search/search_index.json`` as written, and gzipped (as most hosts send it)."""
    data = (site / "search" / "search_index.json").read_bytes()
    return len(data), len(gzip.compress(data, compresslevel=6))


def title_word(site: Path, page: str) -> str:
    """A word of the title of ``page`` (a feature's URL), as a reader would type it: its longest."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        if doc["location"].split("#")[0] == page:
            words = re.findall(r"[A-Za-z]{3,}", re.sub(r"<[^>]+>", " ", doc["title"]))
            if words:
                return max(words, key=len).lower()
    raise SystemExit(f"search: no entry for {page} in {site}/search/search_index.json")


def first_query(browser: Any, url: str, word: str) -> dict[str, float]:
    """One first query in a fresh context: each step's time in seconds from the start of navigation."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        context.add_init_script(PROBE)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(url, wait_until="load")
        box = page.locator("input.md-search__input")
        box.click()
        box.press_sequentially(word)
        page.wait_for_function("() => window.__search.shown !== undefined", timeout=TIMEOUT_MS)
        times: dict[str, float] = page.evaluate(
            """() => {
              const entry = performance.getEntriesByType("resource").find(e => e.name.includes("search_index.json"));
              return { ...window.__search, fetched: entry ? entry.responseEnd : undefined };
            }"""
        )
        seconds = {key: value / 1000 for key, value in times.items() if isinstance(value, (int, float))}
        seconds["first_query"] = seconds["shown"] - seconds["typed"]
        return seconds
    finally:
        context.close()


def measure(site: Path, *, repeat: int = 3, page: str = "features/FEAT-1/", word: str | None = None) -> dict[str, Any]:
    """The index's size and the median of ``repeat`` first queries, each step timed (seconds)."""
    return measure_sites({"site": site}, repeat=repeat, page=page, word=word)["site"]


def measure_sites(
    sites: dict[str, Path], *, repeat: int = 3, page: str = "features/FEAT-1/", word: str | None = None
) -> dict[str, dict[str, Any]]:
    """:func:`measure` for each of ``sites``, their runs interleaved (a, b, a, b ...), the same word for all.

    The word is taken from the last site's index unless given.
    """
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        raise SystemExit(f"search: {CHROMIUM} not found (apt-get install chromium), or pass --no-browser")
    word = word or title_word(list(sites.values())[-1], page)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in sites}
    with contextlib.ExitStack() as stack:
        bases = {name: stack.enter_context(served(site)) for name, site in sites.items()}
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        for _ in range(repeat):
            for name in sites:
                runs[name].append(first_query(browser, bases[name] + page, word))
    figures = {}
    for name, site in sites.items():
        raw, packed = index_size(site)
        done = runs[name]
        steps = {key: statistics.median(r[key] for r in done) for key, _ in STEPS if all(key in r for r in done)}
        first = statistics.median(r["first_query"] for r in done)
        figures[name] = {
            "bytes": raw,
            "gzip_bytes": packed,
            "word": word,
            "first_query": first,
            "runs": done,
            "steps": steps,
        }
    return figures


def summary(figures: dict[str, Any]) -> str:
    """One line: the index's size and where the first query's time went."""
    steps = figures["steps"]
    parts = [f"{label} at {steps[key]:.2f} s" for key, label in STEPS if key in steps]
    return (
        f"index {figures['bytes'] / 1e6:.2f} MB ({figures['gzip_bytes'] / 1e6:.2f} MB gzipped); "
        f"first query for {figures['word']!r}: {figures['first_query']:.2f} s from the first key to the first result; "
        "from the start of navigation: " + ", ".join(parts)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--page", default="features/FEAT-1/")
    parser.add_argument("--word")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    figures = measure(args.site, repeat=args.repeat, page=args.page, word=args.word)
    print(summary(figures))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
    sys.exit(0)
