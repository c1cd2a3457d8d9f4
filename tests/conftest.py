"""Shared test helpers.

Golden files (expected diagnostics of invalid fixtures, expected Markdown of
rendered pages) are refreshed with::

    pytest --update-goldens

Review the resulting diff before committing it: a golden file is a claim
about what users see.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="Rewrite golden files from the current output instead of comparing.",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


#: The day fixture workspaces are checked on: their release dates stay put while the clock moves on, and a
#: release past its date adds a warning (SG316). The repository's own specs are checked on the real day.
FIXTURE_TODAY = "2026-06-01"


@pytest.fixture
def basic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the valid 'basic' workspace, safe to edit, checked and built on :data:`FIXTURE_TODAY`."""
    day = dt.datetime.fromisoformat(FIXTURE_TODAY).replace(tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(day.timestamp())))
    target = tmp_path / "basic"
    shutil.copytree(FIXTURES / "valid" / "basic", target, ignore=shutil.ignore_patterns("site"))
    return target


def compare_golden(path: Path, actual: str, update: bool) -> None:
    """Assert ``actual`` equals the golden file, or rewrite it when updating."""
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.is_file(), f"missing golden file {path}; run pytest --update-goldens"
    assert actual == path.read_text(encoding="utf-8"), f"{path} differs; see the diff above"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own cache folder: no test reads another's cache or the user's."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def _outside_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite's output is the same wherever it runs: on GitHub Actions, ``check`` would default to
    annotations (and append to the step summary); the tests that want that set the variables themselves."""
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)
