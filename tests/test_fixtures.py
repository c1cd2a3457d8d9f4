"""Every workspace under fixtures/invalid/ fails with exactly its expected diagnostics.

Each case is a folder holding a workspace (``specs/``...) and ``expected.txt``:
the diagnostics ``specgen check`` prints, one per line, in order.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from specgen.cli import main

from .conftest import FIXTURES, compare_golden

INVALID = sorted(p for p in (FIXTURES / "invalid").iterdir() if p.is_dir())
VALID = sorted(p for p in (FIXTURES / "valid").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_invalid_fixture(case: Path, update_goldens: bool) -> None:
    result = CliRunner().invoke(main, ["check", "--workspace", str(case)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    diagnostics = "".join(line + "\n" for line in lines[:-1])
    compare_golden(case / "expected.txt", diagnostics, update_goldens)
    assert result.exit_code == 1
    assert diagnostics, "an invalid fixture must produce diagnostics"


@pytest.mark.parametrize("case", VALID, ids=[p.name for p in VALID])
def test_valid_fixture_is_clean(case: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--strict", "--workspace", str(case)])
    assert result.exit_code == 0, result.output
    assert result.output.count("\n") == 1  # the summary line only
