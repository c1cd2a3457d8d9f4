"""Template files: no link in templates/ can publish a file from outside the templates folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from specgen import build, check
from specgen.render import RenderError, render_site

SECRET = "specgen-test-secret-4f1c9"


def findings(workspace: Path) -> list[str]:
    return [str(d) for d in check(workspace).diagnostics]


def site_text(site: Path) -> str:
    return "".join(p.read_text(errors="replace") for p in site.rglob("*") if p.is_file() and p.suffix != ".gz")


@pytest.fixture
def templates(basic: Path) -> Path:
    folder = basic / "templates"
    folder.mkdir()
    return folder


def test_a_template_linked_to_the_process_environment_is_refused(
    basic: Path, templates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPECGEN_LEAK_CANARY", SECRET)
    (templates / "home.md.j2").symlink_to("/proc/self/environ")
    assert findings(basic) == [
        "templates/home.md.j2:1:1: error[SG110]: the file is a link to a place outside the templates folder"
    ]
    result = build(basic, site_dir=tmp_path / "site")
    assert not result.success
    assert not (tmp_path / "site").exists()


def test_an_included_file_linked_out_of_the_folder_is_refused(basic: Path, templates: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text(SECRET)
    (templates / "part.txt").symlink_to(outside)
    (templates / "home.md.j2").write_text('# Home\n\n{% include "part.txt" %}\n')
    assert findings(basic) == [
        "templates/part.txt:1:1: error[SG110]: the file is a link to a place outside the templates folder"
    ]


def test_a_link_to_git_credentials_inside_the_workspace_is_refused(basic: Path, templates: Path) -> None:
    (basic / ".git").mkdir()
    (basic / ".git" / "config").write_text(f'[http]\n\textraheader = "AUTHORIZATION: basic {SECRET}"\n')
    (basic / ".env").write_text(f"TOKEN={SECRET}\n")
    (templates / "home.md.j2").symlink_to(basic / ".git" / "config")
    (templates / "roadmap.md.j2").symlink_to(basic / ".env")
    assert findings(basic) == [
        "templates/home.md.j2:1:1: error[SG110]: the file is a link to a place outside the templates folder",
        "templates/roadmap.md.j2:1:1: error[SG110]: the file is a link to a place outside the templates folder",
    ]


def test_a_templates_folder_linked_out_of_the_workspace_is_one_error(basic: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "home.md.j2").write_text(SECRET)
    (outside / "roadmap.md.j2").write_text(SECRET)
    (basic / "templates").symlink_to(outside, target_is_directory=True)
    assert findings(basic) == [
        "templates:1:1: error[SG110]: the templates folder is a link to a place outside the workspace"
    ]


def test_a_templates_folder_inside_git_is_refused(basic: Path) -> None:
    (basic / ".git" / "hooks").mkdir(parents=True)
    (basic / "templates").symlink_to(basic / ".git" / "hooks", target_is_directory=True)
    assert findings(basic) == ["templates:1:1: error[SG110]: the templates folder is inside .git/"]


def test_links_to_folders_and_devices_are_refused(basic: Path, templates: Path, tmp_path: Path) -> None:
    (templates / "partials").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(templates / "pipe.md.j2")
    assert findings(basic) == [
        "templates/partials:1:1: error[SG110]: the file is a link to a place outside the templates folder",
        "templates/pipe.md.j2:1:1: error[SG110]: not a regular file",
    ]


def test_links_within_the_templates_folder_work(basic: Path, templates: Path, tmp_path: Path) -> None:
    (templates / "shared").mkdir()
    (templates / "shared" / "home.md.j2").write_text("# {{ product.name }} from a shared template\n")
    (templates / "home.md.j2").symlink_to(templates / "shared" / "home.md.j2")
    assert findings(basic) == []
    result = build(basic, site_dir=tmp_path / "site")
    assert result.success, result.diagnostics
    assert "from a shared template" in (tmp_path / "site" / "index.html").read_text()


def test_the_renderer_refuses_a_link_that_appears_after_the_check(
    basic: Path, templates: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Defence in depth: the loader applies the same rule when Jinja reads the file.
    monkeypatch.setenv("SPECGEN_LEAK_CANARY", SECRET)
    result = check(basic)
    assert result.workspace is not None
    (templates / "home.md.j2").symlink_to("/proc/self/environ")
    with pytest.raises(RenderError) as raised:
        render_site(result.workspace, templates)
    assert raised.value.diagnostic.code == "SG401"
    assert "link to a place outside the templates folder" in raised.value.diagnostic.message
    assert SECRET not in str(raised.value.diagnostic)


def test_a_file_whose_opened_path_left_its_folder_is_refused(tmp_path: Path) -> None:
    # What a folder swapped for a link between the check and the read looks like from the opened file:
    # its real path, as the system reports it for the open descriptor, is no longer inside the folder.
    from specgen.reading import _NotRegular, _read_regular

    outside = tmp_path / "environ"
    outside.write_text(SECRET)
    folder = tmp_path / "templates"
    folder.mkdir()
    with pytest.raises(_NotRegular, match="moved out of its folder"):
        _read_regular(outside, 1000, folder)


def test_a_templates_folder_that_links_to_itself_is_one_error(basic: Path) -> None:
    (basic / "templates").symlink_to(basic / "templates", target_is_directory=True)
    assert findings(basic) == ["templates:1:1: error[SG110]: the templates folder is a broken link or a link loop"]


def test_a_lowered_file_limit_applies_when_templates_render(basic: Path, templates: Path) -> None:
    from specgen.limits import Limits
    from specgen.render import plan, render_pages

    (templates / "home.md.j2").write_text("# Home\n\n" + "word " * 100 + "\n")
    result = check(basic)
    assert result.workspace is not None
    with pytest.raises(RenderError) as raised:
        list(render_pages(result.workspace, templates, plan(result.workspace), None, Limits(max_file_bytes=100)))
    assert "the template has 509 bytes; the limit is 100" in raised.value.diagnostic.message


def test_a_template_that_writes_no_character_is_a_located_error(basic: Path, templates: Path, tmp_path: Path) -> None:
    (templates / "home.md.j2").write_text('# Home\n\n{{ "\\udcff" }}\n')
    result = build(basic, site_dir=tmp_path / "site")
    assert [str(d).split(" (")[0] for d in result.build_diagnostics] == [
        "templates/home.md.j2:1:1: error[SG401]: template wrote U+DCFF, which is no character, while rendering index.md"
    ]
    assert not (tmp_path / "site").exists()
