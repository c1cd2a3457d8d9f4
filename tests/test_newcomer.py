"""A newcomer's first hour, end to end, with real parts only.

``init`` a workspace in a new git repository, add a feature with ``new``,
check, commit, edit, ``diff`` the edit, then run a tiny real pytest suite
with ``--junitxml`` and build the site with ``--results``: the pages show
what the tests did. Each step runs the installed ``specgen`` command, as a
user types it.
"""

from __future__ import annotations

import html
import os
import subprocess
import sys
from pathlib import Path

from .gitrepo import commit_all, edit, git

BIN = Path(sys.executable).parent
TODAY = "2027-02-01"

#: The tests the example workspace's automated test cases name (their automation_ref), written for real.
TEST_FILES = {
    "tests/test_alerts.py": (
        "def test_sale_below_level_alerts_once():\n"
        "    alerts = ['push']\n"
        "    assert alerts == ['push', 'email'], '<script>alert(1)</script> {{ leaked }} | @team'\n"
    ),
    "tests/test_drafts.py": (
        "import pytest\n\n\n"
        "@pytest.mark.parametrize('supplier', ['dairy', 'bakery'])\n"
        "def test_draft_lists_low_items_per_supplier(supplier):\n"
        "    assert supplier\n"
    ),
}


def run(*args: str, cwd: Path, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "GITHUB_ACTIONS", "CI")}
    env["PYTEST_ADDOPTS"] = ""
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode in ok, f"{args}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


def specgen(*args: str, cwd: Path, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
    return run(str(BIN / "specgen"), *args, cwd=cwd, ok=ok)


def text_of(page: Path) -> str:
    return html.unescape(page.read_text(encoding="utf-8"))


def test_the_first_hour(tmp_path: Path) -> None:
    shop = tmp_path / "larder"
    shop.mkdir()
    git(shop, "init", "-q", "-b", "main")

    # Start: a workspace that is clean at once, and a first feature of one's own.
    specgen("init", "--today", TODAY, cwd=shop)
    assert specgen("check", "--strict", "--today", TODAY, cwd=shop).stdout.endswith("0 errors, 0 warnings\n")
    added = specgen("new", "feature", "Offline stock counts", cwd=shop)
    new_file = shop / "specs/features/FEAT-5.yaml"
    assert added.stdout.strip() == "specs/features/FEAT-5.yaml"
    first_line = new_file.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=../../.specgen/schemas/feature.schema.json"
    checked = specgen("check", "--today", TODAY, cwd=shop)  # prompts are warnings: the check passes
    assert "warning[SG320]" in checked.stdout
    assert "FEAT-5.yaml" in checked.stdout
    specgen("check", "--strict", "--today", TODAY, cwd=shop, ok=(1,))  # ... and --strict fails until written
    commit_all(shop, "Start the product's specs")

    # Edit: write the prompts, and reword a requirement that a test case verifies.
    spec = new_file.read_text(encoding="utf-8")
    for line in spec.splitlines():
        if "✎" in line:
            key, _, _ = line.partition(":")
            spec = spec.replace(line, f"{key}: Counts keep working when the café's Wi-Fi drops.")
    new_file.write_text(spec, encoding="utf-8")
    edit(
        shop / "specs/features/FEAT-2.yaml",
        "The owner can change quantities and send a draft",
        "The owner can change quantities and send a reviewed draft",
    )
    specgen("check", "--strict", "--today", TODAY, cwd=shop)
    diff = specgen("diff", "main", "--today", TODAY, cwd=shop).stdout
    assert "FEAT-5 Offline stock counts" in diff
    assert "FEAT-2" in diff and "{+reviewed+}" in diff
    assert "Test cases to review" in diff  # TC-4 verifies the reworded requirement and did not change
    commit_all(shop, "Write the offline feature; drafts are reviewed before sending")

    # CI: a real test run writes JUnit XML; the build puts its results on the test cases.
    for name, source in TEST_FILES.items():
        (shop / name).parent.mkdir(parents=True, exist_ok=True)
        (shop / name).write_text(source, encoding="utf-8")
    tests = run(
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml=results/junit.xml", "tests",
        cwd=shop, ok=(1,),
    )  # fmt: skip
    assert "1 failed, 2 passed" in tests.stdout
    built = specgen("build", "--results", "results/*.xml", "--today", TODAY, cwd=shop)
    assert "warning[SG413]" in built.stdout  # FEAT-1 is shipped, and its automated test now fails
    assert "site built in" in built.stderr

    site = shop / "site"
    cases = text_of(site / "test-cases/index.html")
    assert "Must requirements verified by a passing test" in cases
    assert "results/junit.xml" in cases
    alerts = text_of(site / "features/FEAT-1/index.html")
    assert "failed" in alerts
    assert "<script>alert(1)</script>" in alerts  # the failure message, shown as the text it is ...
    raw = (site / "features/FEAT-1/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in raw  # ... never as markup
    assert "{{ leaked }}" in alerts
    drafts = text_of(site / "features/FEAT-2/index.html")
    assert "passed" in drafts  # both parametrised cases passed: one result for the test case
