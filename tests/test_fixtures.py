"""Every workspace under fixtures/invalid/ fails with exactly its expected diagnostics.

Each case is a folder holding a workspace (``specs/``...) and ``expected.txt``:
the diagnostics specgen prints, one per line, in order. An optional
``args.txt`` names the command (default ``check``); build cases must also leave
no site behind. No case may change its own files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from specgen.cli import main

from .conftest import FIXTURE_TODAY, FIXTURES, compare_golden
from .test_build import snapshot

INVALID = sorted(p for p in (FIXTURES / "invalid").iterdir() if p.is_dir())
VALID = sorted(p for p in (FIXTURES / "valid").iterdir() if p.is_dir())
DIAGNOSTIC = re.compile(r"^\S.*:\d+:\d+: (error|warning)\[SG\d+\]: ")


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_invalid_fixture(case: Path, tmp_path: Path, update_goldens: bool) -> None:
    args = (case / "args.txt").read_text().split() if (case / "args.txt").is_file() else ["check"]
    if args[0] == "build":
        args += ["--site-dir", str(tmp_path / "site")]
    if "--today" not in args:
        args += ["--today", FIXTURE_TODAY]
    before = snapshot(case)

    result = CliRunner().invoke(main, [*args, "--workspace", str(case)])

    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    diagnostics = "".join(line + "\n" for line in result.output.splitlines() if DIAGNOSTIC.match(line))
    compare_golden(case / "expected.txt", diagnostics, update_goldens)
    assert result.exit_code == 1, result.output
    assert diagnostics, "an invalid fixture must produce diagnostics"
    if not update_goldens:
        assert snapshot(case) == before, "checking or building must not write into the workspace"
    assert not (tmp_path / "site").exists()
    assert not list(tmp_path.glob(".specgen-build-*"))


def test_the_corpus_is_broad() -> None:
    assert len(INVALID) >= 40
    codes = {m.group(1) for case in INVALID for m in re.finditer(r"\[(SG\d+)\]", (case / "expected.txt").read_text())}
    from specgen.diagnostics import RULES

    untested = {code for code, rule in RULES.items() if rule.severity.value == "error"} - codes
    # SG410 (an unreadable results file) needs --results on the command line, not a workspace: tests/test_results.py.
    assert untested <= {"SG106", "SG110", "SG410"}, f"error rules without a fixture: {sorted(untested)}"


@pytest.mark.parametrize("case", VALID, ids=[p.name for p in VALID])
def test_valid_fixture_is_clean(case: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--strict", "--today", FIXTURE_TODAY, "--workspace", str(case)])
    assert result.exit_code == 0, result.output
    assert result.output.count("\n") == 1  # the summary line only
