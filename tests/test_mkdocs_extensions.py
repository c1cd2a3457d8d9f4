"""Markdown extensions in mkdocs.yml may not make spec text mean something: the text specgen escapes stays literal.

specgen escapes spec text for plain Markdown. An extension with syntax the
escaping leaves alone (``^^ins^^``, ``==mark==``, ``++ctrl++``, ``:smile:``,
``(c)``, a paragraph starting with ``: ``) would turn that text into markup, or
into an image from a third party's CDN. Those are refused; every extension
still allowed is built here, for real, over a spec that holds all of their
syntaxes, and the page must show the text as written.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from specgen.cli import main
from specgen.config import Settings
from specgen.siteconfig.allowed import Checker
from specgen.siteconfig.sections import REQUIRED_EXTENSIONS, Sections

#: Spec text with the syntax of every Markdown extension we know of, one per line.
SYNTAX = [
    "^^inserted^^ and ^super^ and H~2~O and ~~deleted~~",
    "==marked== and ++ctrl+alt+del++",
    ":smile: and :fontawesome-brands-github:",
    "(c) (tm) (r) --> <-- +/- =/= 1/2 1st",
    "{++added++} {--removed--} {~~old~>new~~} {==highlit==} {>>note<<}",
    "*em* **strong** _em_ __strong__ snake_case_word foo__bar__baz",
    "[ ] [x] task [^1] `code` $x^2$ https://example.com www.example.com @user #123",
    "*[HTML]: Hyper Text",
]
#: Elements an extension makes of such text; none may reach the page.
#: What the refused extensions would make of spec text (specgen's own Markdown makes none of it).
REFUSED_MARKUP = {"ins", "sup", "sub", "mark", "kbd", "img", "svg", "dl", "dd", "dt", "abbr"}

REFUSED = [
    "def_list",
    "pymdownx.caret",
    "pymdownx.mark",
    "pymdownx.keys",
    "pymdownx.emoji",
    "pymdownx.smartsymbols",
    "pymdownx.magiclink",
    "pymdownx.arithmatex",
    "smarty",
]


class _Between(HTMLParser):
    """The tags and the text of a page between two marker texts (the spec's text, without the page around it)."""

    def __init__(self, start: str, end: str) -> None:
        super().__init__(convert_charrefs=True)
        self.start, self.end = start, end
        self.inside = False
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.inside:
            self.tags.add(tag)

    def handle_data(self, data: str) -> None:
        if self.end in data:
            self.inside = False
        if self.inside:
            self.text.append(data)
        if self.start in data:
            self.inside = True


def _set_extensions(basic: Path, extensions: list[str]) -> None:
    config = basic / "mkdocs.yml"
    text = re.sub(r"markdown_extensions:\n(  - .*\n)+", "", config.read_text(encoding="utf-8"))
    listed = "".join(f"  - {name}\n" for name in extensions)
    config.write_text(text + "markdown_extensions:\n" + listed, encoding="utf-8")


@pytest.mark.parametrize("name", REFUSED)
def test_an_extension_that_would_interpret_spec_text_is_a_located_error(basic: Path, name: str) -> None:
    _set_extensions(basic, ["toc", name])
    result = CliRunner().invoke(main, ["check", "--workspace", str(basic)])
    assert result.exit_code == 1, result.output
    line = (basic / "mkdocs.yml").read_text(encoding="utf-8").splitlines().index(f"  - {name}") + 1
    assert (
        f"mkdocs.yml:{line}:5: error[SG403]: the Markdown extension {name!r} is not allowed: "
        "it would interpret spec text that specgen shows literally" in result.output
    ), result.output


def test_every_allowed_extension_shows_spec_text_literally(basic: Path, tmp_path: Path) -> None:
    # Spec text is Markdown now (issue 9): specgen itself renders some of this syntax (emphasis, code,
    # ~~strike~~, task lists, autolinks). What no allowed extension may do is change what specgen
    # rendered: the spec text comes out the same with every allowed extension as with only those
    # specgen always adds, and none of the refused extensions' syntax becomes markup.
    allowed = list(Sections(Checker("mkdocs.yml", Settings.for_workspace(basic), [])).extension_options)
    assert not set(REFUSED) & set(allowed)
    feature = basic / "specs/features/FEAT-1.yaml"
    # A block scalar: a paragraph of its own per syntax, and one that starts with ": " (a definition list).
    lines = ["START-OF-SPEC-TEXT", *SYNTAX, "Term", ": definition", "END-OF-SPEC-TEXT"]
    problem = "problem: |\n" + "".join(f"  {line}\n\n" for line in lines)
    text = re.sub(r"^problem: .*\n", lambda _: problem, feature.read_text(encoding="utf-8"), flags=re.M)
    feature.write_text(text, encoding="utf-8")

    seen = []
    for extensions in (list(REQUIRED_EXTENSIONS), allowed):
        _set_extensions(basic, extensions)
        site = tmp_path / f"site-{len(extensions)}"
        result = CliRunner().invoke(main, ["build", "--workspace", str(basic), "--site-dir", str(site)])
        assert result.exit_code == 0, result.output
        source = (site / "features/FEAT-1/index.html").read_text(encoding="utf-8")
        article = _Between("START-OF-SPEC-TEXT", "END-OF-SPEC-TEXT")
        article.feed(source)
        assert article.text, "the spec text is not on the page"
        assert "cdn.jsdelivr.net" not in source and "twemoji" not in html.unescape(source)
        seen.append((" ".join("".join(article.text).split()), article.tags))
    (required_text, required_tags), (all_text, all_tags) = seen
    assert all_text == required_text, "an allowed extension changed the spec text"
    assert all_tags == required_tags, f"an allowed extension made {sorted(all_tags ^ required_tags)}"
    for line in [*SYNTAX[1:4], ": definition"]:  # the syntax of refused extensions only: specgen renders none
        assert " ".join(line.split()) in all_text, f"{line!r} is not shown literally"
    assert not all_tags & REFUSED_MARKUP, f"spec text became {sorted(all_tags & REFUSED_MARKUP)}"
