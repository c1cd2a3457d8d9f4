"""mkdocs.yml is untrusted: read safely, allowlisted, and MkDocs gets a configuration specgen generated.

Every test runs the real specgen (check or build, which runs the real MkDocs)
on a copy of the basic workspace with a hostile mkdocs.yml, assets or
specgen.yaml.
"""

from __future__ import annotations

import json
import os
import struct
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from specgen.check import resolve_settings
from specgen.cli import main
from specgen.siteconfig import TRUST_ENV, site_config

#: Written by every payload below that runs: its existence means code of the workspace ran.
RAN = "ran.txt"


def png(width: int = 1, height: int = 1) -> bytes:
    """A real, minimal PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def configure(basic: Path, extra: str) -> None:
    """Append YAML to the workspace's mkdocs.yml."""
    config = basic / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + extra, encoding="utf-8")


def run(basic: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    command = [*args, "--workspace", str(basic)]
    if args[0] == "build":
        command += ["--site-dir", str(basic / "site")]
    return CliRunner().invoke(main, command, env=env)


def refused(result: Result, basic: Path) -> None:
    """The run failed with findings, built nothing and ran nothing of the workspace."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert not (basic / RAN).exists(), "code from the workspace ran"
    assert not (basic / "site").exists()


def line_of(basic: Path, needle: str) -> int:
    lines = (basic / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if needle in line)


def test_a_python_tag_runs_nothing_and_is_located(basic: Path) -> None:
    configure(basic, f'extra:\n  x: !!python/object/apply:os.system ["touch {basic / RAN}"]\n')
    for command in ("check", "build"):
        result = run(basic, command)
        refused(result, basic)
        line = line_of(basic, "!!python")
        assert (
            f"mkdocs.yml:{line}:6: error[SG403]: the YAML tag '!!python/object/apply:os.system' is not allowed"
            in result.output
        )


def test_env_tag_does_not_publish_a_secret(basic: Path) -> None:
    configure(basic, "copyright: !ENV SPECGEN_TEST_SECRET\n")
    result = run(basic, "build", env={"SPECGEN_TEST_SECRET": "hunter2-token"})
    refused(result, basic)
    assert "the YAML tag '!ENV' is not allowed" in result.output
    assert "hunter2-token" not in result.output


def test_hooks_do_not_run(basic: Path) -> None:
    (basic / "hooks.py").write_text(f"open({str(basic / RAN)!r}, 'w').write('ran')\n", encoding="utf-8")
    configure(basic, "hooks:\n  - hooks.py\n")
    for command in ("check", "build"):
        result = run(basic, command)
        refused(result, basic)
        line = line_of(basic, "hooks:")
        assert (
            f"mkdocs.yml:{line}:1: error[SG403]: the key 'hooks' is not allowed: hooks run Python code" in result.output
        )


@pytest.mark.parametrize(
    ("yaml", "needle", "message"),
    [
        ("INHERIT: /etc/passwd\n", "INHERIT", "the key 'INHERIT' is not allowed: INHERIT reads another file"),
        ("docs_dir: /tmp\n", "docs_dir", "the key 'docs_dir' is not allowed: specgen supplies the docs folder"),
        ("site_dir: /tmp\n", "site_dir", "the key 'site_dir' is not allowed: specgen supplies the site folder"),
        ("dev_addr: 0.0.0.0:80\n", "dev_addr", "the key 'dev_addr' is not allowed"),
        ("watch: [/]\n", "watch", "the key 'watch' is not allowed"),
        ("extra_javascript: ['https://evil.example/x.js']\n", "extra_javascript", "runs no script but the theme's"),
        ("extra_css: ['https://evil.example/x.css']\n", "extra_css", "extra_css[0] must name a file in the assets"),
        ("extra:\n  analytics:\n    provider: google\n", "analytics", "analytics send every reader's visit"),
        ("theme:\n  name: material\n  custom_dir: overrides\n", "custom_dir", "rendered by MkDocs without a sandbox"),
        ("theme:\n  name: material\n  font:\n    text: Roboto\n", "text: Roboto", "theme.font may only be false"),
        ("theme: mkdocs\n", "theme: mkdocs", "load highlight.js from a CDN"),
        ("theme:\n  name: material\n  icon:\n    logo: ../../../etc/passwd\n", "logo:", "must name one of Material"),
        ("plugins:\n  - privacy\n", "privacy", "the plugin 'privacy' is not allowed"),
        ("plugins:\n  - social\n", "social", "the plugin 'social' is not allowed"),
        ("plugins:\n  - info\n", "info", "the plugin 'info' is not allowed"),
        ("plugins:\n  - group:\n      plugins: [privacy]\n", "group", "the plugin 'group' is not allowed"),
        ("plugins:\n  - search:\n      prebuild_index: true\n", "prebuild_index", "the key 'prebuild_index'"),
        ("markdown_extensions:\n  - pymdownx.snippets\n", "snippets", "includes files and URLs"),
        (
            "markdown_extensions:\n  - pymdownx.superfences:\n      custom_fences: []\n",
            "custom_fences",
            "custom fences need !!python/name",
        ),
        ("markdown_extensions:\n  - toc:\n      slugify: x\n", "slugify", "the key 'slugify' is not allowed"),
        ("site_url: javascript:alert(1)\n", "site_url", "site_url must be an http:// or https:// URL"),
        ("repo_url: https://github.com/o/r\n", "repo_url", "'repo_url' is not allowed: the theme's script then asks"),
        ("repo_url: https://gitlab.evil.example/o/r\n", "repo_url", "a request to another host from every reader"),
        ("repo_name: o/r\n", "repo_name", "the key 'repo_name' is not allowed: it labels repo_url"),
        ("nav:\n  - Secret: ../../etc/passwd.md\n", "Secret", "must be a page such as roadmap.md"),
        ("nav:\n  - Click: javascript:alert(1)\n", "Click", "must be a page such as roadmap.md"),
        ("validation:\n  links:\n    anchors: explode\n", "explode", "'explode' is not allowed"),
        ("site_nme: typo\n", "site_nme", "the key 'site_nme' is not allowed (did you mean 'site_name'?)"),
    ],
    ids=lambda v: v.split(":")[0].split("\n")[0] if isinstance(v, str) and "\n" in v else None,
)
def test_each_dangerous_key_is_a_located_error(basic: Path, yaml: str, needle: str, message: str) -> None:
    config = basic / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    if yaml.startswith(("theme", "plugins", "markdown_extensions", "validation")):
        # Replace the fixture's own key rather than adding a duplicate one.
        key = yaml.split(":")[0]
        kept = []
        skipping = False
        for line in text.splitlines(keepends=True):
            if line.startswith(key + ":"):
                skipping = True
                continue
            if skipping and (line.startswith((" ", "-")) or not line.strip()):
                continue
            skipping = False
            kept.append(line)
        text = "".join(kept)
    config.write_text(text + yaml, encoding="utf-8")
    result = run(basic, "check")
    refused(result, basic)
    errors = [line for line in result.output.splitlines() if "error[SG403]" in line]
    assert any(message in line for line in errors), result.output
    line = line_of(basic, needle)
    assert any(e.startswith(f"mkdocs.yml:{line}:") for e in errors if message in e), result.output


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("site_name", "<img src=x onerror=alert(1)>"),
        ("copyright", "<script>alert(1)</script>"),
        ("site_description", 'nice" onload="alert(1)'),
        ("site_author", "Tom &amp; Jerry"),
        ("site_author", "a\u202eb"),
        ("site_name", "tab\there"),
    ],
)
def test_text_the_theme_prints_raw_must_be_plain(basic: Path, key: str, value: str) -> None:
    config = basic / "mkdocs.yml"
    lines = [line for line in config.read_text(encoding="utf-8").splitlines() if not line.startswith(key + ":")]
    config.write_text("\n".join([f"{key}: {json.dumps(value)}", *lines]) + "\n", encoding="utf-8")
    result = run(basic, "check")
    refused(result, basic)
    assert f"mkdocs.yml:1:{len(key) + 3}: error[SG403]: {key} must be plain text" in result.output


def test_check_and_build_reject_yaml_errors_in_mkdocs_yml_as_located_errors(basic: Path) -> None:
    (basic / "mkdocs.yml").write_text("site_name: [Basic\ntheme: material\n", encoding="utf-8")
    result = run(basic, "check")
    refused(result, basic)
    assert "mkdocs.yml:2:6: error[SG101]" in result.output


def test_the_generated_configuration_holds_only_checked_values_and_what_pages_need(basic: Path) -> None:
    (basic / "mkdocs.yml").write_text(
        "site_name: Basic\nmarkdown_extensions:\n  - toc:\n      toc_depth: 3\n  - pymdownx.details\n", encoding="utf-8"
    )
    settings, _ = resolve_settings(basic)
    prepared, problems = site_config(settings)
    assert problems == [] and prepared is not None and prepared.options is not None
    options = prepared.options
    assert set(options) == {"site_name", "theme", "markdown_extensions", "extra_css"}
    assert options["theme"] == {"name": "material", "font": False}
    assert options["extra_css"] == ["specgen/specgen.css"]  # specgen's stylesheet, always (test_site_defaults.py)
    extensions = {(e if isinstance(e, str) else next(iter(e))): e for e in options["markdown_extensions"]}
    assert set(extensions) == {"admonition", "attr_list", "tables", "toc", "pymdownx.details"}
    assert extensions["toc"] == {"toc": {"toc_depth": 3, "permalink": True}}


def test_trust_is_granted_by_the_flag_or_the_environment_only(basic: Path) -> None:
    (basic / "hooks.py").write_text(
        f"from pathlib import Path\ndef on_post_build(config):\n    Path({str(basic / RAN)!r}).write_text('ran')\n",
        encoding="utf-8",
    )
    configure(basic, "hooks:\n  - hooks.py\n")
    (basic / "specgen.yaml").write_text("trust_mkdocs_config: true\n", encoding="utf-8")
    result = run(basic, "check")
    refused(result, basic)
    assert "specgen.yaml:1:1: error[SG403]: unknown setting 'trust_mkdocs_config'" in result.output
    assert "mkdocs.yml" in result.output  # and the hooks stay refused

    (basic / "specgen.yaml").unlink()
    assert run(basic, "check", "--trust-mkdocs-config").exit_code == 0
    assert os.environ.get(TRUST_ENV) is None, "the flag must not outlive its command"
    built = run(basic, "build", "--trust-mkdocs-config")
    assert built.exit_code == 0, built.output
    assert (basic / RAN).read_text() == "ran"

    (basic / RAN).unlink()
    built = run(basic, "build", env={TRUST_ENV: "1"})
    assert built.exit_code == 0, built.output
    assert (basic / RAN).is_file()
    for value in ("0", "", "no"):
        (basic / RAN).unlink(missing_ok=True)
        result = run(basic, "build", env={TRUST_ENV: value})
        assert result.exit_code == 1 and not (basic / RAN).exists()


def test_docs_and_site_dir_stay_specgens_even_when_trusted(basic: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    configure(basic, f"docs_dir: {elsewhere / 'docs'}\nsite_dir: {elsewhere / 'site'}\n")
    result = run(basic, "build", "--trust-mkdocs-config")
    assert result.exit_code == 0, result.output
    assert (basic / "site/index.html").is_file()
    assert not elsewhere.exists()


def test_assets_reach_the_site_from_the_assets_folder(basic: Path) -> None:
    (basic / "assets/img").mkdir(parents=True)
    (basic / "assets/img/logo.png").write_bytes(png(4, 4))
    (basic / "assets/favicon.ico").write_bytes(b"\x00\x00\x01\x00" + b"\x00" * 40)
    (basic / "assets/site.css").write_text(".md-header { background: url(img/logo.png) }\n", encoding="utf-8")
    (basic / "assets/.gitkeep").write_text("")
    config = basic / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "theme:\n  name: material\n",
            "theme:\n  name: material\n  logo: assets/img/logo.png\n  favicon: assets/favicon.ico\n",
        )
        + "extra_css:\n  - assets/site.css\n",
        encoding="utf-8",
    )
    result = run(basic, "build")
    assert result.exit_code == 0, result.output
    site = basic / "site"
    assert (site / "static/img/logo.png").read_bytes() == png(4, 4)
    assert not (site / "static/.gitkeep").exists()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'src="static/img/logo.png"' in home
    assert 'href="static/favicon.ico"' in home
    assert 'href="static/site.css"' in home


def test_assets_folder_is_configurable(basic: Path) -> None:
    (basic / "branding").mkdir()
    (basic / "branding/logo.png").write_bytes(png())
    (basic / "specgen.yaml").write_text("assets: branding\n", encoding="utf-8")
    configure(basic, "extra:\n  generator: false\n")
    config = basic / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  logo: branding/logo.png\n"))
    result = run(basic, "build")
    assert result.exit_code == 0, result.output
    assert (basic / "site/static/logo.png").is_file()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "logo.svg",
            b"<svg onload='alert(1)'/>",
            "1:1: error[SG403]: .svg is not an allowed asset type (SVG can hold script)",
        ),
        ("page.html", b"<script>alert(1)</script>", "1:1: error[SG403]: .html is not an allowed asset type"),
        ("fake.png", b"<script>alert(1)</script>", "1:1: error[SG403]: the content is not a PNG file"),
        ("a.css", b"@import 'https://evil.example/x.css';", "1:1: error[SG403]: a stylesheet may not @import"),
        (
            "b.css",
            b"body{background:url( https://evil.example/t.gif )}",
            "1:17: error[SG403]: the stylesheet refers to 'https://evil.example/t.gif'",
        ),
        (
            "c.css",
            b"body{background:\\75 rl(//evil.example/t.gif)}",
            "1:17: error[SG403]: a stylesheet may not hold a backslash",
        ),
        ("bad name.png", png(), "1:1: error[SG403]: the name 'bad name.png' is not allowed for an asset"),
        ("huge.png", png() + b"\x00" * 2_000_000, "1:1: error[SG106]: the asset has 2,000,"),
    ],
)
def test_a_bad_asset_is_a_located_error(basic: Path, name: str, content: bytes, message: str) -> None:
    (basic / "assets").mkdir()
    (basic / "assets" / name).write_bytes(content)
    result = run(basic, "check")
    refused(result, basic)
    assert f"assets/{name}:{message}" in result.output


#: Stylesheets and what check says of each: nothing for those that stay in the assets folder.
STYLESHEETS = {
    # Browsers drop tabs from URLs: "/\9/host" is "//host", "ht\9tp:" is "http:". No escape is allowed.
    "tab-escape.css": ('a{background:url("/\\9/127.0.0.1:9999/x.png")}', "1:20", "may not hold a backslash"),
    "scheme-escape.css": ('a{background:url("ht\\9tp://host/x.png")}', "1:21", "may not hold a backslash"),
    "image-set.css": ('a{background:image-set("a.png" 2x, "http://host/y.png" 1x)}', "1:14", "may not use image-set()"),
    "webkit.css": ("a{b:-webkit-image-set(url(a.png) 1x)}", "1:5", "may not use -webkit-image-set()"),
    "font.css": ("@font-face{font-family:x;src:url(https://host/f.woff2)}", "1:30", "refers to 'https://host/f.woff2'"),
    "cursor.css": ("a{cursor:URL(//host/c.png),auto}", "1:10", "refers to '//host/c.png'"),
    "list.css": ("\n\nli{list-style:url('http://host/b.png')}", "3:15", "refers to 'http://host/b.png'"),
    "tab.css": ('a{b:url("a\tb.png")}', "1:5", "refers to 'a\\tb.png'"),
    "newline.css": ("a{b:url(\n//host/x.png)}", "1:5", "refers to '\\n//host/x.png'"),
    "rooted.css": ("a{b:url(/static/x.png)}", "1:5", "refers to '/static/x.png'"),
    "data.css": ('a{b:url("data:image/png;base64,AAAA")}', "1:5", "refers to 'data:image/png;base64,AAAA'"),
    "up.css": ("a{b:url(../x.png)}", "1:5", "refers to '../x.png'"),
    "comment.css": ("/* url(http://host/x.png) */", "1:4", "refers to 'http://host/x.png'"),
    "good.css": (
        'a{b:url(img/logo.png)} b{c:url( "img/logo.png" )} @font-face{src:url(f.woff2) format("woff2")}',
        "",
        "",
    ),
    "css/up-inside.css": ("a{b:url(../img/logo.png)} b{c:url(./x.png)}", "", ""),
}


def test_a_stylesheet_is_refused_when_anything_in_it_could_reach_another_host(basic: Path) -> None:
    for name, (css, _, _) in STYLESHEETS.items():
        (basic / "assets" / name).parent.mkdir(parents=True, exist_ok=True)
        (basic / "assets" / name).write_text(css, encoding="utf-8")
    result = run(basic, "check")
    refused(result, basic)
    found = {line.split(":")[0]: line for line in result.output.splitlines() if line.startswith("assets/")}
    for name, (_, where, message) in STYLESHEETS.items():
        if where:
            line = found.pop(f"assets/{name}", "")
            assert line.startswith(f"assets/{name}:{where}: error[SG403]: ") and message in line, (name, line)
    assert found == {}, "a stylesheet that stays inside the assets folder was refused"


def test_a_key_brought_in_by_a_merge_is_located_at_the_merge(basic: Path) -> None:
    configure(basic, "extra: &base\n  generator: false\n  hooks: [hooks.py]\n<<: *base\n")
    result = run(basic, "check")
    refused(result, basic)
    merge = line_of(basic, "<<: *base")
    assert f"mkdocs.yml:{merge}:1: error[SG403]: the key 'hooks' is not allowed: hooks run Python code" in result.output
    assert f"mkdocs.yml:{merge - 1}:3: error[SG403]: the key 'hooks' is not allowed" in result.output


def test_links_out_of_the_assets_folder_are_refused(basic: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(png())
    (basic / "assets").mkdir()
    (basic / "assets/logo.png").symlink_to(outside / "secret.png")
    (basic / "assets/env.css").symlink_to("/proc/self/environ")
    (basic / "assets/dir").symlink_to(outside)
    result = run(basic, "check")
    refused(result, basic)
    assert "assets/logo.png:1:1: error[SG110]: the file is a link to a place outside the assets folder" in result.output
    assert "assets/env.css:1:1: error[SG110]" in result.output
    assert "assets/dir:1:1: error[SG110]: a link to a place outside the assets folder" in result.output

    for child in (basic / "assets").iterdir():
        child.unlink()
    (basic / "assets").rmdir()
    (basic / "assets").symlink_to(outside)
    result = run(basic, "check")
    refused(result, basic)
    assert result.output.count("error[SG110]") == 1
    assert "assets:1:1: error[SG110]: the assets folder is a link to a place outside the workspace" in result.output


def test_theme_files_must_be_assets(basic: Path) -> None:
    config = basic / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  logo: mkdocs.yml\n"))
    result = run(basic, "check")
    refused(result, basic)
    assert (
        f"mkdocs.yml:{line_of(basic, 'logo:')}:9: error[SG403]: theme.logo must name a file in the assets folder"
        in (result.output)
    )


def test_a_missing_mkdocs_yml_is_no_finding_of_check(basic: Path) -> None:
    (basic / "mkdocs.yml").unlink()
    result = run(basic, "check")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("value", ['"assets/logo\\0.png"', "assets/loop/logo.png"])
def test_a_theme_file_that_cannot_be_followed_is_a_located_error(basic: Path, value: str) -> None:
    (basic / "assets").mkdir()
    (basic / "assets" / "loop").symlink_to(basic / "assets" / "loop", target_is_directory=True)
    config = basic / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("theme:\n", f"theme:\n  logo: {value}\n", 1))
    result = run(basic, "check")
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output
    assert "theme.logo must name a file in the assets folder" in result.output
