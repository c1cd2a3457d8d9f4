"""Spec IDs in prose: which words are IDs, and how a page turns the engine's markers into links."""

from __future__ import annotations

import time

import pytest

from specgen.kinds import KINDS
from specgen.text import refs
from specgen.text.markdown import BLOCK, INLINE, render
from specgen.text.refs import PREFIXES, candidates, resolve


def test_prefixes_are_specgens_own_and_test_cases() -> None:
    assert set(PREFIXES) == {k.prefix for k in KINDS.values() if k.prefix} | {"TC"}
    assert {"FEAT", "OBJ", "PER", "STK", "EVD", "REL", "DEC", "UPD", "TC"} == set(PREFIXES)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("see FEAT-12.", ["FEAT-12"]),
        ("FEAT-12.R3, OBJ-1; TC-7-1 and PER-x", ["FEAT-12.R3", "OBJ-1", "TC-7-1", "PER-x"]),
        ('(FEAT-1) FEAT-1\'s "FEAT-2" FEAT-3!', ["FEAT-1", "FEAT-1", "FEAT-2", "FEAT-3"]),
        ("FEAT-1x? is an ID as the schemas spell them", ["FEAT-1x"]),
        ("FEAT-12-style finds its full word; the resolver tries shorter", ["FEAT-12-style"]),
        ("UTF-8 and SHA-256 and ISO-8601 are no IDs", []),
        ("XFEAT-1 aFEAT-1 éFEAT-1 9FEAT-1 _FEAT-1", []),
        ("a/FEAT-1 #FEAT-1 .FEAT-1 -FEAT-1", []),
        ("FEAT-1_a FEAT-1é FEAT- FEAT feat-1 Feat-1", []),
        ("FEAT-1.R FEAT-1.Rx", []),
        ("FEAT-13.yaml and features/FEAT-2.md are file names; FEAT-3.R1.", ["FEAT-3.R1"]),
    ],
)
def test_candidates(text: str, found: list[str]) -> None:
    assert candidates(text) == found
    # The engine marks the same words in prose.
    assert [ident for ident, _ in render(text, INLINE).refs] == found


def _href(ident: str) -> str | None:
    return {"FEAT-1": "../FEAT-1/", "FEAT-2.R1": "../FEAT-2/#feat-2-r1"}.get(ident)


def test_markers_become_links_or_bare_ids() -> None:
    rendered = render("FEAT-1, FEAT-2.R1 and FEAT-9", BLOCK)
    out = resolve(rendered.html, _href)
    assert out == (
        '<p><a class="sg-ref" href="../FEAT-1/">FEAT-1</a>, '
        '<a class="sg-ref" href="../FEAT-2/#feat-2-r1">FEAT-2.R1</a> and FEAT-9</p>\n'
    )
    assert resolve(rendered.inline, lambda _: None) == "FEAT-1, FEAT-2.R1 and FEAT-9"  # a customer page


def test_a_resolved_url_is_escaped_for_the_attribute() -> None:
    out = resolve("<sg-ref>FEAT-1</sg-ref>", lambda _: 'x"><script>a_b*`[c]')
    assert out == '<a class="sg-ref" href="x&quot;&gt;&lt;script&gt;a&#95;b&#42;&#96;&#91;c&#93;">FEAT-1</a>'


def test_only_real_markers_are_resolved() -> None:
    assert resolve("&lt;sg-ref&gt;FEAT-1&lt;/sg-ref&gt;", _href) == "&lt;sg-ref&gt;FEAT-1&lt;/sg-ref&gt;"
    assert resolve("<sg-ref>FEAT 1</sg-ref> text", _href) == "<sg-ref>FEAT 1</sg-ref> text"


def test_images_point_at_the_sites_copy_or_become_their_alt_text() -> None:
    rendered = render("![the flow](assets/close_flow.png) and ![](assets/x.png)", INLINE)
    assets = {"close_flow.png": "../static/close_flow.png"}
    out = resolve(rendered.inline, _href, assets.get)
    assert out.startswith('<img src="../static/close&#95;flow.png" alt="the flow">')
    assert out.endswith(" and x.png")  # no such asset, no alt text: its name
    assert resolve(render("![a < b & c](assets/x.png)", BLOCK).html, _href) == "<p>a &lt; b &amp; c</p>\n"


def test_without_an_asset_resolver_images_are_their_alt_text() -> None:
    assert resolve(render("![flow](assets/f.png)", BLOCK).html, _href) == "<p>flow</p>\n"


def test_text_without_markers_is_returned_as_it_is() -> None:
    page = "# Page\n\n" + "plain text " * 100
    assert resolve(page, _href) is page


@pytest.mark.parametrize(
    "unit", ['<img src="assets/' + "x" * 50, "<sg-ref>" + "F" * 50, '<img src="assets/a" alt="' + "y" * 50]
)
def test_resolve_is_linear_time_on_hostile_pages(unit: str) -> None:
    """A template can write anything: markers that never close must not make the pass quadratic."""

    def seconds(n: int) -> float:
        page = unit * n
        start = time.process_time()
        resolve(page, _href, lambda _: "x")
        return time.process_time() - start

    small, large = seconds(2_000), seconds(20_000)
    assert large < 1.0, large  # 1 MB; quadratic would take minutes
    assert large < max(small, 0.002) * 40, (small, large)


def test_markers_hold_only_what_the_id_pattern_allows() -> None:
    assert refs.ID.fullmatch("FEAT-12.R3") and not refs.ID.fullmatch("FEAT-12.R3<")
