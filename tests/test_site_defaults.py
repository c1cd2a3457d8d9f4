"""specgen owns what its pages need from MkDocs: with a minimal mkdocs.yml or none, every page still reads right.

Each build here is the real ``specgen build`` through the CLI, with the real
MkDocs and Material, on a copy of a workspace whose ``mkdocs.yml`` is reduced
to ``site_name`` and ``theme: material``, or removed. Every HTML page of the
site is parsed: no Markdown syntax that an extension should have turned into
markup is left in its text, and nothing in it or in the site's stylesheets
makes the browser ask another host for anything.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner, Result

from specgen.cli import main
from specgen.siteconfig.assets import SITE_FOLDER
from specgen.siteconfig.defaults import STYLESHEET

from .conftest import FIXTURES, REPO

MINIMAL = "site_name: Minimal\ntheme: material\n"
#: Markdown that admonition and attr_list turn into markup; left as text, the page is broken.
RAW_SYNTAX = ("!!!", "{ #", "{:")
#: A reference to another host: a scheme-relative or absolute URL.
OFF_HOST = re.compile(r"//")
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)


class _Page(HTMLParser):
    """The text of an HTML page (outside script and style) and every reference it makes the browser fetch."""

    #: Attributes whose URL a browser fetches on its own, by tag.
    FETCHED: ClassVar[dict[str, tuple[str, ...]]] = {
        "link": ("href",),
        "script": ("src",),
        "img": ("src", "srcset"),
        "iframe": ("src",),
        "frame": ("src",),
        "source": ("src", "srcset"),
        "video": ("src", "poster"),
        "audio": ("src",),
        "track": ("src",),
        "embed": ("src",),
        "object": ("data",),
        "input": ("src",),
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.fetched: list[str] = []
        self.frames = 0
        self._raw: str | None = None  # the tag whose content is not text: script or style
        self.styles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("iframe", "frame"):
            self.frames += 1
        for name, value in attrs:
            if value is None:
                continue
            if name in self.FETCHED.get(tag, ()):
                self.fetched.append(value)
            if name == "style":
                self.styles.append(value)
        if tag in ("script", "style"):
            self._raw = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._raw:
            self._raw = None

    def handle_data(self, data: str) -> None:
        if self._raw == "style":
            self.styles.append(data)
        elif self._raw is None:
            self.text.append(data)


def parsed(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def css_problems(css: str) -> list[str]:
    """What in a stylesheet would fetch from another host: @import, or a url() to a host."""
    found = [f"@import at {m.start()}" for m in re.finditer(r"@import", css, re.IGNORECASE)]
    found += [f"url({target})" for target in _CSS_URL.findall(css) if OFF_HOST.search(target)]
    return found


def build(workspace: Path, *args: str) -> Result:
    result = CliRunner().invoke(main, ["build", *args, "--workspace", str(workspace)])
    assert "Traceback" not in result.output, result.output
    return result


def workspace_of(tmp_path: Path, specs: Path, config: str | None) -> Path:
    """A workspace of ``specs`` with ``config`` as its mkdocs.yml, or none."""
    workspace = tmp_path / "workspace"
    shutil.copytree(specs, workspace / "specs")
    if config is not None:
        (workspace / "mkdocs.yml").write_text(config, encoding="utf-8")
    return workspace


def assert_pages_read_right(site: Path, *, offline: bool = True) -> int:
    """Every page of the site shows no raw extension syntax and (``offline``) fetches nothing from another host."""
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for file in pages:
        html = file.read_text(encoding="utf-8")
        page = parsed(html)
        text = "".join(page.text)
        shown = file.relative_to(site)
        for syntax in RAW_SYNTAX:
            assert syntax not in text, f"{shown} shows {syntax!r} as text"
        if not offline:
            continue
        assert page.frames == 0, f"{shown} has a frame"
        off_host = [url for url in page.fetched if OFF_HOST.search(url)]
        assert not off_host, f"{shown} fetches {off_host}"
        for style in page.styles:
            assert not css_problems(style), f"{shown} has inline style {css_problems(style)}"
    for css in site.rglob("*.css") if offline else ():
        assert not css_problems(css.read_text(encoding="utf-8")), (
            f"{css.relative_to(site)}: {css_problems(css.read_text())}"
        )
    return len(pages)


WORKSPACES = {"basic": FIXTURES / "valid" / "basic" / "specs", "own": REPO / "specs"}


@pytest.mark.parametrize("config", [MINIMAL, None], ids=["minimal-mkdocs-yml", "no-mkdocs-yml"])
@pytest.mark.parametrize("specs", list(WORKSPACES), ids=list(WORKSPACES))
def test_every_page_reads_right_with_a_minimal_or_no_mkdocs_yml(tmp_path: Path, specs: str, config: str | None) -> None:
    workspace = workspace_of(tmp_path, WORKSPACES[specs], config)
    result = build(workspace, "--site-dir", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    assert "error" not in result.output.split("checked:")[-1].replace("0 errors", ""), result.output
    site = tmp_path / "site"
    assert_pages_read_right(site)
    # The pages do use what the extensions make: admonitions, { #anchors }, permalinks, tables.
    html = "".join(file.read_text(encoding="utf-8") for file in site.rglob("*.html"))
    assert 'class="admonition' in html
    assert re.search(r'id="rel-\d+"', (site / "roadmap" / "index.html").read_text(encoding="utf-8"))
    assert 'class="headerlink"' in html
    assert "<table>" in html


def test_the_scan_finds_what_it_looks_for() -> None:
    # The checks above would pass on anything if the parser saw nothing: it sees each kind of reference.
    page = parsed(
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css"><script src="//cdn.example/x.js"></script>'
        '<img src="https://track.example/p.gif"><iframe src="x.html"></iframe>'
        "<style>@import 'x.css'; body { background: url(https://x.example/a.png) }</style>"
        '<p style="background: url(//x.example/b.png)">!!! note "A"</p><p>{ #rel-1 }</p>'
        "<script>var x = '{: .y }';</script>"
    )
    assert len([url for url in page.fetched if OFF_HOST.search(url)]) == 3
    assert page.frames == 1
    assert sum(len(css_problems(style)) for style in page.styles) == 3
    text = "".join(page.text)
    assert "!!!" in text and "{ #" in text and "{:" not in text  # script content is not text


def test_without_mkdocs_yml_the_site_is_named_after_the_product(tmp_path: Path) -> None:
    workspace = workspace_of(tmp_path, FIXTURES / "valid" / "basic" / "specs", None)
    product = workspace / "specs" / "product.yaml"
    text = product.read_text(encoding="utf-8")
    product.write_text(re.sub(r"^name: .*$", 'name: "R&D <Planner>"', text, count=1, flags=re.M), encoding="utf-8")
    result = build(workspace, "--site-dir", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    # The theme prints the name unescaped: markup characters become look-alikes.
    assert "R\uff06D \uff1cPlanner\uff1e" in html
    assert "<Planner>" not in html


def test_without_mkdocs_yml_check_is_clean_and_a_broken_product_is_reported_once(tmp_path: Path) -> None:
    workspace = workspace_of(tmp_path, FIXTURES / "valid" / "basic" / "specs", None)
    clean = CliRunner().invoke(main, ["check", "--strict", "--workspace", str(workspace)])
    assert clean.exit_code == 0, clean.output
    (workspace / "specs" / "product.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    broken = CliRunner().invoke(main, ["check", "--workspace", str(workspace)])
    assert broken.exit_code == 1
    assert "Traceback" not in broken.output
    assert "specs/product.yaml:" in broken.output
    assert "mkdocs.yml" not in broken.output


def test_a_minimal_mkdocs_yml_may_leave_out_the_site_name(tmp_path: Path) -> None:
    workspace = workspace_of(tmp_path, FIXTURES / "valid" / "basic" / "specs", "theme: material\n")
    result = build(workspace, "--site-dir", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    assert "<title>Acme Planner</title>" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("yaml", "needle", "message"),
    [
        (
            "markdown_extensions:\n  - toc:\n      permalink: false\n",
            "permalink",
            "markdown_extensions[0].toc.permalink must be true (or left out): specgen's pages depend on it",
        ),
        (
            "markdown_extensions:\n  toc:\n    permalink: '#'\n",
            "permalink",
            "markdown_extensions.toc.permalink must be true (or left out)",
        ),
        ("theme:\n  name: material\n  font:\n    text: Roboto\n", "text: Roboto", "theme.font may only be false"),
        ("theme: readthedocs\n", "readthedocs", "theme 'readthedocs' is not allowed"),
    ],
)
def test_a_setting_that_contradicts_what_pages_need_is_a_located_error(
    tmp_path: Path, yaml: str, needle: str, message: str
) -> None:
    config = "site_name: Minimal\n" + yaml
    workspace = workspace_of(tmp_path, FIXTURES / "valid" / "basic" / "specs", config)
    line = next(n for n, text in enumerate(config.splitlines(), start=1) if needle in text)
    for command in ("check", "build"):
        args = [command, "--workspace", str(workspace)]
        if command == "build":
            args += ["--site-dir", str(tmp_path / "site")]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1, result.output
        assert re.search(rf"^mkdocs\.yml:{line}:\d+: error\[SG403\]: {re.escape(message)}", result.output, re.M), (
            result.output
        )
        assert not (tmp_path / "site").exists()


def test_repeating_what_specgen_sets_is_fine(tmp_path: Path) -> None:
    config = (
        "site_name: Minimal\ntheme:\n  name: material\n  font: false\n"
        "markdown_extensions:\n  - admonition\n  - toc:\n      permalink: true\n"
    )
    workspace = workspace_of(tmp_path, FIXTURES / "valid" / "basic" / "specs", config)
    result = CliRunner().invoke(main, ["check", "--strict", "--workspace", str(workspace)])
    assert result.exit_code == 0, result.output


# specgen's stylesheet --------------------------------------------------------


def stylesheets(html: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)


def test_every_site_links_specgens_stylesheet_before_the_workspaces(tmp_path: Path) -> None:
    workspace = workspace_of(
        tmp_path, FIXTURES / "valid" / "basic" / "specs", MINIMAL + "extra_css: [assets/brand.css]\n"
    )
    (workspace / "assets").mkdir()
    (workspace / "assets" / "brand.css").write_text("a { color: red; }\n", encoding="utf-8")
    result = build(workspace, "--site-dir", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    site = tmp_path / "site"
    shipped = files("specgen.siteconfig").joinpath("specgen.css").read_bytes()
    assert (site / "specgen" / "specgen.css").read_bytes() == shipped
    index = stylesheets((site / "index.html").read_text(encoding="utf-8"))
    ours, theirs = index.index("specgen/specgen.css"), index.index("static/brand.css")
    assert ours < theirs, "the workspace's stylesheet comes later, so it can override specgen's"
    assert all(not href.startswith("http") for href in index)
    feature = stylesheets((site / "features" / "FEAT-1" / "index.html").read_text(encoding="utf-8"))
    assert "../../specgen/specgen.css" in feature


@pytest.mark.parametrize("config", [None, MINIMAL], ids=["no-mkdocs-yml", "trusted-mkdocs-yml"])
def test_the_stylesheet_is_linked_without_mkdocs_yml_and_when_it_is_trusted(tmp_path: Path, config: str | None) -> None:
    workspace = workspace_of(tmp_path, FIXTURES / "valid" / "basic" / "specs", config)
    result = build(workspace, "--trust-mkdocs-config", "--site-dir", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    site = tmp_path / "site"
    assert (site / "specgen" / "specgen.css").is_file()
    assert stylesheets((site / "index.html").read_text(encoding="utf-8")).count("specgen/specgen.css") == 1
    # A trusted mkdocs.yml is read by MkDocs as it is, and still gets the extensions the pages need.
    # (Its fonts are its own: Material loads Google Fonts unless the file says font: false.)
    assert_pages_read_right(site, offline=config is None)


def test_no_workspace_file_can_take_the_stylesheets_path(tmp_path: Path) -> None:
    # Assets land under static/, pages are Markdown files that specgen plans: neither reaches specgen/.
    from specgen.check import check
    from specgen.model import build_workspace
    from specgen.render import plan
    from specgen.siteconfig.assets import site_path

    assert not STYLESHEET.startswith(SITE_FOLDER + "/")
    assert site_path("specgen/specgen.css") != STYLESHEET
    result = check(REPO)
    pages = plan(build_workspace(result.documents))
    assert pages
    assert not [page.path for page in pages if page.path.split("/")[0] == STYLESHEET.split("/")[0]]
