"""specgen.yaml arrives in pull requests: it may tighten what specgen does, never loosen it."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from specgen import check
from specgen.config import Settings
from specgen.limits import Limits

LIMITS = [f.name for f in fields(Limits)]


@pytest.mark.parametrize("name", LIMITS)
def test_a_limit_cannot_be_raised(basic: Path, name: str) -> None:
    ceiling = getattr(Limits(), name)
    (basic / "specgen.yaml").write_text(f"limits:\n  {name}: {ceiling + 1}\n")
    result = check(basic)
    assert [str(d) for d in result.diagnostics] == [
        f"specgen.yaml:2:{len(name) + 5}: error[SG403]: limits.{name} may only lower the built-in limit of "
        f"{ceiling:,}, not raise it (a workspace file cannot loosen a limit)"
    ]
    assert result.settings.limits == Limits()


@pytest.mark.parametrize("name", LIMITS)
def test_a_limit_can_be_lowered_or_kept(basic: Path, name: str) -> None:
    ceiling = getattr(Limits(), name)
    for value in (ceiling, max(1, ceiling // 2)):
        (basic / "specgen.yaml").write_text(f"limits:\n  {name}: {value}\n")
        assert getattr(check(basic).settings.limits, name) == value


def test_a_lowered_limit_applies(basic: Path) -> None:
    (basic / "specgen.yaml").write_text("limits:\n  max_nodes: 20\n")
    codes = {(d.path, d.code) for d in check(basic).diagnostics}
    assert ("specs/features/FEAT-1.yaml", "SG109") in codes


@pytest.mark.parametrize("key", ["trust", "trusted", "trust_mkdocs_config", "unsafe", "allow_hooks"])
def test_no_setting_in_the_workspace_grants_trust(basic: Path, key: str) -> None:
    (basic / "specgen.yaml").write_text(f"{key}: true\n")
    result = check(basic)
    assert [d.code for d in result.diagnostics] == ["SG403"]
    assert f"unknown setting {key!r}" in result.diagnostics[0].message


@pytest.mark.parametrize("key", ["specs", "templates", "site", "mkdocs_config", "assets"])
@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("\\0", "U+0000"),
        ("x\\u0000y", "U+0000"),
        ("a\\tb", "U+0009"),
        ("a\\nb", "U+000A"),
        ("a\\x1bb", "U+001B"),
        ("a\\u0085b", "U+0085"),
        ("a\\u202eb", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ],
)
def test_a_path_with_a_control_character_is_a_located_error(basic: Path, key: str, value: str, shown: str) -> None:
    # A NUL used to escape as ValueError ("embedded null byte"): an internal error, exit 2.
    (basic / "specgen.yaml").write_text(f'strict: false\n{key}: "{value}"\n')
    result = check(basic)
    assert [str(d) for d in result.diagnostics] == [
        f"specgen.yaml:2:{len(key) + 3}: error[SG403]: {key}: the path contains {shown}, which a path cannot hold "
        "(remove it)"
    ]
    assert result.settings == Settings.for_workspace(basic)  # the path is not used


def test_a_path_that_is_a_link_loop_is_a_located_error(basic: Path) -> None:
    (basic / "loop").symlink_to("loop")
    (basic / "specgen.yaml").write_text("specs: loop\n")
    assert [str(d) for d in check(basic).diagnostics] == [
        "specgen.yaml:1:8: error[SG403]: specs: 'loop' cannot be followed (is it a link that leads to itself?)"
    ]


def test_a_file_inside_git_is_refused_as_such(basic: Path) -> None:
    (basic / ".git").mkdir()
    (basic / ".git/config").write_text("[remote]\n  url = https://token@example.com\n")
    (basic / "specgen.yaml").write_text("mkdocs_config: .git/config\n")
    result = check(basic)
    assert [str(d) for d in result.diagnostics] == [
        ".git/config:1:1: error[SG110]: the file is in a .git folder or links into one, and specgen never reads those"
    ]
