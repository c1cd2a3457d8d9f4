"""The Markdown engine for spec text: safe links and images, exact code, ID markers, forms for Python-Markdown.

Every test runs the real markdown-it-py, Pygments and nh3. What a browser
sees is compared through a real HTML parser (entities decoded), not by
string search alone.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specgen.text import markdown
from specgen.text.markdown import BLOCK, INLINE, Rendered, as_block, plain, render

PRD = (Path(__file__).parent / "fixtures/markdown/prd.md").read_text(encoding="utf-8")


def assert_nh3_has_nothing_to_do(text: str) -> None:
    """The renderer emits only what nh3 keeps, byte for byte: the sanitizer is defence in depth, not a filter."""
    md = markdown.parser()
    blocks = md.parse(text, {})
    for raw in (
        md.renderer.render(blocks, md.options, {}),
        md.renderer.render(md.parseInline(text.strip(), {}), md.options, {"inline": True}),
        markdown._inline_of_blocks(md, blocks),
    ):
        assert markdown.clean(raw) == raw, text


def block(text: str) -> Rendered:
    """``text`` rendered as a block field; every test input also holds the nh3 invariant."""
    assert_nh3_has_nothing_to_do(text)
    return render(text, BLOCK)


def inline(text: str) -> Rendered:
    assert_nh3_has_nothing_to_do(text)
    return render(text, INLINE)


class _Dom(HTMLParser):
    """Tags with their attributes, and the text a browser shows (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.codes: list[str] = []
        self._code: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "code" and self.tags[-2:-1] and self.tags[-2][0] in ("pre", "span"):
            self._code = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "code" and self._code is not None:
            self.codes.append("".join(self._code))
            self._code = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._code is not None:
            self._code.append(data)


def dom(source: str) -> _Dom:
    parser = _Dom()
    parser.feed(source)
    parser.close()
    return parser


def shown(source: str) -> str:
    return "".join(dom(source).text)


def tags(source: str) -> set[str]:
    return {tag for tag, _ in dom(source).tags}


# Raw HTML, links and images ----------------------------------------------------------


def test_raw_html_is_shown_literally() -> None:
    out = block('<script>alert("x")</script>\n\n<div onclick="steal()">hi</div> and <b onmouseover=x>b</b>').html
    assert "&lt;script&gt;alert(" in out
    assert not tags(out) & {"script", "div", "b"}
    assert '<script>alert("x")</script>' in shown(out) and '<div onclick="steal()">hi</div>' in shown(out)


@pytest.mark.parametrize(
    "url", ["https://example.com/a?b=1&c=2", "http://example.com", "HTTPS://EXAMPLE.COM/x", "mailto:a@example.com"]
)
def test_http_and_mailto_links_are_links(url: str) -> None:
    found = dom(block(f"[go]({url})").html).tags
    assert ("a", {"href": url, "rel": "nofollow noopener"}) in found


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "&#106;avascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "data:image/png;base64,AAAA",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "ftp://example.com/x",
        "#top",
        "../FEAT-2.md",
        "//evil.example/x",
        "assets/logo.png",
    ],
)
def test_other_links_stay_literal_text(url: str) -> None:
    for source in (f"[go]({url})", f"<{url}>", f"[go][r]\n\n[r]: {url}"):
        out = block(source).html
        assert "<a" not in out, (source, out)
        assert "go" in shown(out) or html.unescape(url) in shown(out)


def test_autolinks_follow_github_not_fuzzy_matching() -> None:
    found = dom(block("see www.example.com, https://x.example/a and ops@example.com; README.md, example.com").html)
    hrefs = [attrs["href"] for tag, attrs in found.tags if tag == "a"]
    assert hrefs == ["http://www.example.com", "https://x.example/a", "mailto:ops@example.com"]


def test_images_only_from_assets_and_others_become_links() -> None:
    found = dom(block("![flow](assets/img/flow-1.png) ![pixel](https://t.example/p.gif) ![](https://t.example/q)").html)
    assert ("img", {"src": "assets/img/flow-1.png", "alt": "flow"}) in found.tags
    assert ("a", {"href": "https://t.example/p.gif", "rel": "nofollow noopener"}) in found.tags
    assert [tag for tag, _ in found.tags].count("img") == 1
    assert "pixel" in "".join(found.text) and "https://t.example/q" in "".join(found.text)


@pytest.mark.parametrize(
    "src", ["assets/../secret.png", "assets//x.png", "assets/.hidden.png", "assets/a b.png", "/assets/x.png", "x.png"]
)
def test_images_outside_a_plain_asset_name_stay_text(src: str) -> None:
    out = block(f"![alt]({src})").html
    assert "<img" not in out and "<a" not in out


def test_an_image_inside_a_link_is_its_alt_text() -> None:
    found = dom(block("[![logo](https://t.example/l.png)](https://example.com)").html)
    assert [tag for tag, _ in found.tags if tag == "a"] == ["a"]  # no link inside the link
    assert "logo" in "".join(found.text)


# ID references --------------------------------------------------------------------------


def test_ids_in_prose_become_markers_with_their_lines() -> None:
    r = block("Intro FEAT-12 and OBJ-1.\n\nSecond\nline has FEAT-12.R3, TC-7-1 and PER-x!\n\n# About REL-2")
    assert "<sg-ref>FEAT-12</sg-ref>" in r.html and "<sg-ref>FEAT-12.R3</sg-ref>" in r.html
    assert r.refs == (("FEAT-12", 0), ("OBJ-1", 0), ("FEAT-12.R3", 3), ("TC-7-1", 3), ("PER-x", 3), ("REL-2", 5))
    assert "<sg-ref>TC-7-1</sg-ref>" in r.inline


def test_ids_in_code_link_text_link_targets_and_alt_text_stay_text() -> None:
    source = (
        "`FEAT-1` and [FEAT-2](https://example.com/FEAT-3) and https://example.com/FEAT-4 and "
        "![FEAT-5](assets/FEAT-6.png)\n\n```\nFEAT-7\n```\n\n    FEAT-8\n"
    )
    r = block(source)
    assert r.refs == () and "sg-ref" not in r.html and "sg-ref" not in r.inline


def test_a_marker_cannot_be_forged() -> None:
    r = block("<sg-ref>FEAT-1</sg-ref> and &lt;sg-ref&gt;")
    assert "&lt;sg-ref&gt;" in r.html
    assert r.html.count("<sg-ref>") == 1  # the ID the engine found, not the user's tag
    assert r.refs == (("FEAT-1", 0),)


def test_inline_fields_mark_ids_by_line_too() -> None:
    r = inline("Covers FEAT-1\nand FEAT-2.R1")
    assert r.refs == (("FEAT-1", 0), ("FEAT-2.R1", 1))
    assert r.html == r.inline == "Covers <sg-ref>FEAT-1</sg-ref> and <sg-ref>FEAT-2.R1</sg-ref>"


# Code ---------------------------------------------------------------------------------------

CODES = [
    "a:\n  b:\n    c:\n      d:\t'x'  # tab, quotes\n\n    e: \"y\" & <z>\n",
    "\n\nleading blank lines\n   \n    \ntrailing spaces   \n\n",
    "no\u00a0break space and ~~tilde~~ `backtick` {{ x }} {% if %} {++c++} ==m== ```\n~~~\n",
    "$ echo $HOME\n/home/me\n",
]


@pytest.mark.parametrize("language", ["yaml", "console", "python", "no-such-language", ""])
@pytest.mark.parametrize("content", CODES)
def test_fenced_code_keeps_every_byte(content: str, language: str) -> None:
    fence = "````"
    r = block(f"Before\n\n{fence}{language}\n{content}{fence}\n\nAfter")
    assert dom(r.html).codes == [content]
    assert '<div class="highlight"><pre><span></span><code>' in r.html


def test_indented_code_and_code_in_lists_keep_every_byte() -> None:
    r = block("Para\n\n    indented\n      more\n\n- item\n\n  ```yaml\n  key:\n      value\n  ```\n")
    assert dom(r.html).codes == ["indented\n  more\n", "key:\n    value\n"]


def test_code_is_highlighted_by_name_and_never_guessed() -> None:
    python = "def f(x):\n    return x\n"
    highlighted = block(f"```python\n{python}```").html
    assert '<span class="k">def</span>' in highlighted
    for info in ("", "nosuchlang", "{.python}"):
        plain_block = block(f"```{info}\n{python}```").html
        assert "<span class" not in plain_block, info
        assert plain_block.startswith('<div class="highlight"><pre><span></span><code>def f')


# Task lists, breaks ------------------------------------------------------------------------------


def test_task_list_checkboxes_are_labelled_and_disabled() -> None:
    found = dom(block("- [x] shipped\n- [ ] not yet").html).tags
    inputs = [attrs for tag, attrs in found if tag == "input"]
    assert inputs == [
        {"class": "task-list-item-checkbox", "type": "checkbox", "disabled": "", "checked": "", "aria-label": "done"},
        {"class": "task-list-item-checkbox", "type": "checkbox", "disabled": "", "aria-label": "to do"},
    ]


def test_a_soft_break_is_never_br() -> None:
    r = block("first line ends here.\nThis starts the next")
    assert "<br" not in r.html and "here.\nThis" in r.html
    assert "here. This" in r.inline and "<br" not in r.inline
    assert "here.  \nThis" not in r.html
    hard = block("hard  \nbreak")
    assert "<br>" in hard.html and "hard<br> break" in hard.inline


# What Python-Markdown reads again ----------------------------------------------------------------


def test_block_form_writes_what_preprocessors_read_as_entities() -> None:
    r = block("Text with ~ and {{ x }} and {++ins++}\n\n```\n\tcode `x` ~~~ {y}\n   \n```\n")
    assert not set("\t`~{}") & set(r.html)
    assert "&#9;code &#96;x&#96; &#126;&#126;&#126; &#123;y&#125;" in r.html
    assert "\n&#32;  \n" in r.html  # a line of spaces only: Python-Markdown would have emptied it
    assert dom(r.html).codes == ["\tcode `x` ~~~ {y}\n   \n"]


def test_inline_form_writes_what_inline_patterns_read_as_entities() -> None:
    source = r"A *b* 2 \* 3 `a_b | c` {: .x } ==m== ^^c^^ ++k++ ~t~ :smile: [x] !x"
    r = inline(source)
    assert not set("\\`*_[]{}|~!:^=+\t") & set(re.sub(r"<[^>]*>", "", r.inline))
    assert shown(r.inline) == "A b 2 * 3 a_b | c {: .x } ==m== ^^c^^ ++k++ ~t~ :smile: [x] !x"
    assert [tag for tag, _ in dom(r.inline).tags] == ["em", "code"]
    link = inline("[a_b](https://example.com/a_b?x=[1]) `x`")
    assert 'href="https&#58;//example.com/a&#95;b?x&#61;%5B1%5D"' in link.inline


def test_inline_form_is_one_line_of_phrasing_content() -> None:
    r = block(PRD)
    assert "\n" not in r.inline
    assert not tags(r.inline) & {"p", "ul", "ol", "li", "pre", "table", "tr", "td", "div", "h1", "h2", "h3", "input"}
    assert "Why now<br> Finance teams" in r.inline
    assert "\u2611 interviews with six finance teams" in r.inline  # a task's state survives as a character


@pytest.mark.parametrize(
    ("source", "start"),
    [
        ("1. first", "&#49;&#46; first"),
        ("# no heading", "&#35; no heading"),
        ("- no list", "&#45; no list"),
        ("??? no details", "&#63;&#63;&#63; no details"),
        ("2) x", "&#50;&#41; x"),
    ],
)
def test_inline_form_cannot_start_a_block(source: str, start: str) -> None:
    assert inline(source).inline == start
    assert shown(inline(source).inline) == source


def test_template_syntax_stays_text() -> None:
    for r in (block("{{ x }} {% if y %}z{% endif %} {# c #}"), inline("{{ x }} {% if y %}")):
        for form in (r.html, r.inline):
            assert "{" not in form and "}" not in form
            assert "{{ x }}" in shown(form) and "{% if y %}" in shown(form)


def test_bidirectional_isolates_become_visible_markers() -> None:
    r = block("a\u2066b\u2069 `c\u2067`")
    assert "\u2066" not in r.html and "a[U+2066]b[U+2069]" in r.html and "c[U+2067]" in r.html
    assert "a&#91;U+2066&#93;b" in r.inline and shown(r.inline).startswith("a[U+2066]b[U+2069]")
    assert plain("x\u2068y") == "x[U+2068]y"


# nh3 never has anything to do ----------------------------------------------------------------------


def test_nh3_changes_nothing_on_what_the_engine_emits() -> None:
    """Every input above passes through block() or inline(), which assert it; here the PRD fixture."""
    assert_nh3_has_nothing_to_do(PRD)
    assert_nh3_has_nothing_to_do(PRD.replace("\n", "\r\n"))


def test_nh3_removes_what_the_engine_must_never_emit() -> None:
    """The other half of defence in depth: were the renderer wrong, nh3 would still stop it."""
    hostile = '<a href="javascript:x" onclick="y">a</a><img src="https://t.example/p.gif"><script>z</script><i>i</i>'
    assert markdown.clean(hostile) == "<a>a</a><img>i"


# Fast path --------------------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [*"aZé9 ,.;?'()/%-_", "  ", " ", "FEAT-1", "X-ray", "www.", "1. ", "- ", "--", "# ", "*", "`", "\n", "&", "<"]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join), st.sampled_from([BLOCK, INLINE]))
def test_the_fast_path_gives_what_the_parser_gives(text: str, kind: str) -> None:
    if text.strip():
        assert render(text, kind) == markdown._render(text, kind)
        assert plain(text, kind) == markdown._plain(text, kind)


def test_the_fast_path_is_tried_by_the_property_test() -> None:
    """The generator above does reach the fast path (else the property would prove nothing)."""
    assert markdown._fast("a. (b), c; d? e's 5% f/g-h", BLOCK)
    assert render("a. (b), c; d? e's 5% f/g-h", BLOCK) == markdown._render("a. (b), c; d? e's 5% f/g-h", BLOCK)


def test_the_fast_path_is_taken_for_plain_sentences() -> None:
    assert markdown._fast("The export keeps 100% of rows (as before), doesn't it?", BLOCK)
    for text in ("1. a", "- a", "a_b", "a  b", "FEAT-1", "www.x.y", " a", "a ", "a\nb", "a*b"):
        assert not markdown._fast(text, BLOCK), text


# Forms --------------------------------------------------------------------------------------------------


def test_inline_kind_keeps_block_syntax_as_text() -> None:
    r = inline("# not a heading\n- not a list | *em*")
    assert r.html == r.inline
    assert tags(r.html) == {"em"}
    assert shown(r.html) == "# not a heading - not a list | em"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("# Title\n\nSome *em* and `code`\nnext line.\n\n- a\n- b", "Title Some em and code next line. a b"),
        ("![the flow](assets/f.png) [link](https://x.example) &amp; \\*", "the flow link & *"),
        ("```yaml\nkey:   value\n```\n\nafter", "key: value after"),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "a b 1 2"),
        ("<b>raw</b>", "<b>raw</b>"),
        ("hard  \nbreak", "hard break"),
        ("", ""),
    ],
)
def test_plain_form(source: str, expected: str) -> None:
    assert plain(source) == expected


def test_plain_form_of_an_inline_field_keeps_block_syntax() -> None:
    assert plain("1. first *thing*", INLINE) == "1. first thing"
    assert plain("1. first *thing*") == "first thing"


def test_as_block_demotes_headings_and_wraps_them() -> None:
    r = block("# One\n\n## Two\n\n###### Six\n\ntext")
    out = as_block(r)
    assert out.startswith('<div class="sg-text">\n<h3>One</h3>\n<h4>Two</h4>\n<h6>Six</h6>\n')
    assert out.endswith("</div>\n\n")
    assert "<h1>One</h1>" in r.html  # the stored form is not demoted
    assert as_block(r, demote=0) == f'<div class="sg-text">\n{r.html}</div>\n\n'
    assert as_block(render("", BLOCK)) == "" and as_block(render("  \n", BLOCK)) == ""


def test_an_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        render("x", "plain")


# --- highlighting is bounded ------------------------------------------------------------


def test_only_listed_languages_and_modest_blocks_are_highlighted() -> None:
    from specgen.text import code

    # A quote and backslashes drive Pygments' smithy lexer into exponential time: it is not highlighted at all.
    hostile = "'" + "\\" * 60 + "\n"
    shown = code.block(hostile, "smithy")
    assert "<span class=" not in shown.split("<code>", 1)[1] and hostile in shown
    assert '<span class="nt">key</span>' in code.block("key: value\n", "yaml")
    # Listed, but a line too long (their cost grows faster than the line) or a block too big: shown as it is.
    long_line = "x" * (code.MAX_LINE + 1) + "\n"
    assert "<span class=" not in code.block(f"key: {long_line}", "yaml").split("<code>", 1)[1]
    big = "key: value\n" * (code.MAX_CODE // 11 + 1)
    assert "<span class=" not in code.block(big, "yaml").split("<code>", 1)[1]
    assert "key: value\n" * 3 in code.block(big, "yaml")
