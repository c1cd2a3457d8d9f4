"""The preview's banner and note: what a page is given, where, and that it stays inert text.

The real server is exercised in tests/test_serve.py; these check the markup
itself on a page as MkDocs Material writes it.
"""

from __future__ import annotations

from html.parser import HTMLParser

from specgen.diagnostics import Diagnostic, Severity
from specgen.site.overlay import BANNER_ID, MAX_SHOWN, NOTE_ID, Shown, inject, problem_page

HOSTILE = "status: '<script>alert(1)</script>' is not one of idea, planned"
PAGE = (
    b'<!doctype html>\n<html lang="en" class="no-js"><head><meta charset="utf-8"><title>FEAT-1</title>\n'
    b'</head>\n<body dir="ltr" data-md-color-scheme="default"><header class="md-header">Basic</header>\n'
    b'<div class="md-container"><article><h1>FEAT-1: Timeline view</h1></article></div>\n'
    b'<script id="__config" type="application/json">{}</script>\n</body>\n</html>\n'
)


def error(message: str = HOSTILE, line: int = 4) -> Diagnostic:
    return Diagnostic.of("SG204", "specs/features/FEAT-1.yaml", message, line=line, column=9, hint="<b>hint</b>")


def warning() -> Diagnostic:
    return Diagnostic.of("SG307", "specs/features/FEAT-1.yaml", "R1 has no test case", line=33, column=5)


class _Tags(HTMLParser):
    """The start and end tags of a document, and every attribute, as a browser's tokenizer reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, str]] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag))
        self.attributes.extend(attrs)

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))


def tags(page: bytes) -> _Tags:
    parser = _Tags()
    parser.feed(page.decode())
    parser.close()
    return parser


def test_a_failed_rebuild_gives_a_located_escaped_banner_at_the_end_of_the_body() -> None:
    shown = Shown.of([error(), warning()], success=False)
    page = inject(PAGE, shown)
    text = page.decode()

    start = text.index(f'<section id="{BANNER_ID}"')
    assert text.index('<script id="__config"') < start < text.rindex("</body>"), "last in the body, before </body>"
    assert text.index("<style>") < text.index("</head>"), "the style is in the head"
    banner = text[start : text.index("</section>", start)]
    assert "specs/features/FEAT-1.yaml:4:9" in banner
    assert "error[<code>SG204</code>]" in banner
    assert "status: &#x27;&lt;script&gt;alert(1)&lt;/script&gt;&#x27; is not one of" in banner
    assert "(&lt;b&gt;hint&lt;/b&gt;)" in banner
    assert "specs/features/FEAT-1.yaml:33:5" in banner and "warning[<code>SG307</code>]" in banner
    assert "2 errors" not in banner and "1 error and 1 warning" in banner
    assert 'aria-label="specgen: the specs have problems"' in banner
    # The page underneath is untouched.
    assert (
        text.replace(text[start : text.index("</section>", start) + 10], "").replace(
            text[text.index("<style>") : text.index("</style>") + 8], ""
        )
        == PAGE.decode()
    )


def test_the_banner_adds_no_tag_a_browser_would_run_and_no_link() -> None:
    page = inject(PAGE, Shown.of([error()], success=False))
    parsed = tags(page)
    added = [event for event in parsed.events if event not in tags(PAGE).events]
    assert ("start", "script") not in added
    assert not [tag for kind, tag in added if tag in {"a", "img", "iframe", "link", "form"}]
    assert not [name for name, _ in parsed.attributes if name in {"href", "src", "action"} or name.startswith("on")]
    assert b"http" not in page
    # Balanced: every element the banner opens, it closes.
    opened = [tag for kind, tag in added if kind == "start"]
    closed = [tag for kind, tag in added if kind == "end"]
    assert sorted(opened) == sorted(closed)


def test_warnings_alone_give_a_collapsed_note_at_the_start_of_the_body() -> None:
    page = inject(PAGE, Shown.of([warning()], success=True)).decode()
    assert f'<section id="{BANNER_ID}"' not in page
    note = page.index(f'<section id="{NOTE_ID}"')
    assert page.index('data-md-color-scheme="default">') < note < page.index('<header class="md-header">')
    assert "<details><summary>specgen: 1 warning (this page is up to date)</summary>" in page
    assert "<details open" not in page
    assert "specs/features/FEAT-1.yaml:33:5" in page


def test_a_clean_rebuild_leaves_the_page_exactly_as_built() -> None:
    assert inject(PAGE, Shown.of([], success=True)) == PAGE
    assert inject(PAGE, Shown()) == PAGE


def test_strict_mode_warnings_that_stop_the_build_give_the_banner() -> None:
    page = inject(PAGE, Shown.of([warning()], success=False)).decode()
    assert f'<section id="{BANNER_ID}"' in page
    assert "0 errors and 1 warning" in page
    assert f'<section id="{NOTE_ID}"' not in page


def test_a_long_list_is_cut_with_a_count_of_the_rest() -> None:
    many = [error(f"problem {n}", line=n + 1) for n in range(MAX_SHOWN + 7)]
    page = inject(PAGE, Shown.of(many, success=False)).decode()
    assert page.count("<li>") == MAX_SHOWN + 1
    assert "and 7 more: the terminal lists them all" in page
    assert f": problem {MAX_SHOWN - 1} <span" in page and f": problem {MAX_SHOWN} <span" not in page


def test_a_page_without_head_or_body_tags_gets_the_banner_at_its_end() -> None:
    page = inject(b"<p>bare</p>", Shown.of([error()], success=False)).decode()
    assert page.startswith("<p>bare</p><style>")
    assert page.endswith("</section>")


def test_the_problem_page_is_a_whole_document_of_escaped_diagnostics() -> None:
    page = problem_page(Shown.of([error(), warning()], success=False), title="No preview <yet>")
    text = page.decode()
    assert text.startswith('<!doctype html>\n<html lang="en">')
    assert "<title>specgen preview: No preview &lt;yet&gt;</title>" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>" not in text
    assert "specs/features/FEAT-1.yaml:4:9" in text and "specs/features/FEAT-1.yaml:33:5" in text
    parsed = tags(page)
    assert ("start", "main") in parsed.events and ("end", "html") in parsed.events
    assert not [name for name, _ in parsed.attributes if name in {"href", "src"}]


def test_severity_and_code_are_shown_as_data() -> None:
    diagnostic = Diagnostic("x.yaml", "SG201", "unknown key", Severity.ERROR, 2, 1)
    page = inject(PAGE, Shown.of([diagnostic], success=False)).decode()
    assert "<code>x.yaml:2:1</code>: error[<code>SG201</code>]: unknown key</li>" in page
