"""specgen.yaml arrives in pull requests: it may tighten what specgen does, never loosen it."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from specgen import check
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
