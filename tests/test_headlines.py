"""Headline numbers count what their labels say, against a hand-counted workspace.

tests/fixtures/valid/headline-counts has one feature in every status and one
test case in every result. Counted by hand from its files:

======== =========== ======= ===================================== ==================
feature  status      horizon Must requirements (test, result)      objectives
======== =========== ======= ===================================== ==================
FEAT-1   idea        none    R1 untested; R2 TC-1 passed (auto)    OBJ-1
FEAT-2   discovery   next    R1, R2 untested                       OBJ-1, OBJ-2
FEAT-3   planned     now     R1 untested; R2 TC-3 failed (auto)    OBJ-2
FEAT-4   in_progress now     R1 TC-4 error, TC-5 skipped           OBJ-1, OBJ-2
FEAT-5   beta        now     R1 TC-6 not_run (R2 a Should, untested) OBJ-1
FEAT-6   shipped     now     R1 TC-7 no result; R2 untested        OBJ-2
FEAT-7   wont_do     later   R1 untested                           none
======== =========== ======= ===================================== ==================

12 requirements, 5 with a test case (FEAT-1.R2, FEAT-3.R2, FEAT-4.R1,
FEAT-5.R1, FEAT-6.R1): 42%. Untested Musts: 2 counted (FEAT-3.R1, FEAT-6.R2:
planned or later, SG307's scope, accepted there with ``ignore``), 3 in idea or
discovery (FEAT-1.R1, FEAT-2.R1, FEAT-2.R2), 1 won't do (FEAT-7.R1). Six test
cases: 1 passed, 1 failed, 1 error, 1 skipped, 2 not run (TC-6 not_run, TC-7
none); 3 ran, so the pass rate is 1 of 3 = 33%; 2 of 6 automated = 33%.
Five open features; on Now FEAT-3, FEAT-4, FEAT-5 (FEAT-6 shipped is not open),
on Next FEAT-2, on Later none (FEAT-7 is won't do), FEAT-1 on no horizon.
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from specgen import check
from specgen.analysis import Analysis, headlines
from specgen.model import Workspace
from specgen.render import render_site
from specgen.site import build

from .conftest import FIXTURES, REPO
from .test_build import html_text
from .test_schema import edit

CASE = FIXTURES / "valid" / "headline-counts"
TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def ws() -> Workspace:
    result = check(CASE)
    assert result.workspace is not None, [str(d) for d in result.diagnostics]
    return result.workspace


@pytest.fixture(scope="module")
def pages(ws: Workspace) -> dict[str, str]:
    return render_site(ws, None, today=TODAY)[0]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-counted workspace built with the real MkDocs."""
    folder = tmp_path_factory.mktemp("headlines") / "site"
    result = build(CASE, site_dir=folder, strict=True, today=TODAY)
    assert result.success, [str(d) for d in result.diagnostics]
    return folder


def cell(page: str, label: str) -> str:
    """The text of the table cell right of the cell ``label`` on a built HTML page."""
    found = re.search(rf"<td>{re.escape(label)}</td>\s*<td>(.*?)</td>", page, re.S)
    assert found, f"no row {label!r}"
    return html_text(found.group(1)).strip()


def test_test_cases_headline_counts(ws: Workspace) -> None:
    h = headlines.for_test_cases(ws)
    assert (h.requirements, h.covered, round(h.percent)) == (12, 5, 42)
    assert h.musts.counted == ("FEAT-3.R1", "FEAT-6.R2")
    assert h.musts.early == ("FEAT-1.R1", "FEAT-2.R1", "FEAT-2.R2")
    assert h.musts.wont_do == ("FEAT-7.R1",)
    assert (h.tests, h.automated, h.orphan_tests, round(h.automated_percent)) == (6, 2, 0, 33)
    r = h.results
    assert (r.passed, r.failed, r.error, r.skipped, r.not_run) == (1, 1, 1, 1, 2)
    assert (r.total, r.ran, round(r.pass_rate or 0)) == (6, 3, 33)


def test_the_counted_musts_are_the_ones_check_warns_about(tmp_path: Path) -> None:
    # Without the fixture's two accepted findings, SG307 names exactly the counted Musts.
    shutil.copytree(CASE, tmp_path / "ws")
    for name in ("FEAT-3", "FEAT-6"):
        path = tmp_path / f"ws/specs/features/{name}.yaml"
        path.write_text(re.sub(r"\n    ignore:\n(      .*\n)+", "\n", path.read_text()))
    result = check(tmp_path / "ws")
    assert result.workspace is not None
    warned = sorted(d.path for d in result.diagnostics if d.code == "SG307")
    assert warned == ["specs/features/FEAT-3.yaml", "specs/features/FEAT-6.yaml"]
    assert len(headlines.for_test_cases(result.workspace).musts.counted) == len(warned)


def test_engineering_and_home_headline_counts(ws: Workspace) -> None:
    e = headlines.for_engineering_brief(ws)
    assert (e.requirements, e.covered, len(e.musts.counted), e.musts.left_out) == (12, 5, 2, 4)
    assert e.results == headlines.ResultCounts(passed=1, failed=1, error=1, skipped=1, not_run=2)
    home = headlines.for_home(ws)
    assert (home.features, home.open, home.horizons, home.off_roadmap) == (7, 5, (3, 1, 0), 1)
    assert home.by_status == tuple((s, 1) for s in headlines.STATUSES)
    assert (home.requirements, home.covered) == (12, 5)
    # The pages ask the same functions, through the analysis.
    an = Analysis(ws)
    assert (an.headline_test_cases, an.headline_engineering, an.headline_home) == (
        headlines.for_test_cases(ws),
        e,
        home,
    )


def test_imported_results_override_the_specs(ws: Workspace) -> None:
    # What a JUnit import will pass: results by test-case ID, over the specs' last_result.
    h = headlines.for_test_cases(ws, results={"TC-6": "passed", "TC-7": "failed", "TC-1": "error"})
    r = h.results
    assert (r.passed, r.failed, r.error, r.skipped, r.not_run) == (1, 2, 2, 1, 0)
    assert (r.ran, round(r.pass_rate or 0)) == (5, 20)
    assert headlines.ResultCounts.of([None, "unknown", "not_run"]).not_run == 3


def test_no_pass_rate_without_a_run() -> None:
    assert headlines.ResultCounts.of(["skipped", "not_run", None]).pass_rate is None
    assert headlines.ResultCounts.of(["error", "passed"]).pass_rate == 50.0  # an error ran, without a verdict


def test_test_cases_page_leads_with_counts_and_says_what_it_leaves_out(pages: dict[str, str], site: Path) -> None:
    md = pages["test-cases.md"]
    assert (
        "| Must requirements without a test | 2 in planned, in-progress, beta or shipped features; not counted: "
        "3 in features still an idea or in discovery, 1 in features marked won't do |"
    ) in md
    assert "| Last results | 1 passed, 1 failed, 1 error, 1 skipped, 2 not run, of 6 test cases |" in md
    assert "| Pass rate | 33% of the 3 tests that ran (passed, failed or error) |" in md
    assert md.index("| Last results |") < md.index("| Pass rate |")
    page = (site / "test-cases/index.html").read_text()
    assert cell(page, "Requirement coverage") == "42% (5 of 12 requirements have a test case)"
    assert cell(page, "Must requirements without a test").startswith("2 in planned, in-progress, beta or shipped")
    assert cell(page, "Last results") == "1 passed, 1 failed, 1 error, 1 skipped, 2 not run, of 6 test cases"
    assert cell(page, "Pass rate") == "33% of the 3 tests that ran (passed, failed or error)"
    assert cell(page, "Automated") == "33% (2 of 6)"


def test_engineering_brief_sentence(pages: dict[str, str], site: Path) -> None:
    sentence = (
        "Requirement coverage is 42% (5 of 12 requirements have a test case). 2 Must requirements of planned, "
        "in-progress, beta or shipped features have no test case (not counted: 3 in features still an idea or in "
        "discovery, 1 in features marked won't do)."
    )
    results = (
        "Last test results: 1 passed, 1 failed, 1 error, 1 skipped, 2 not run, of 6 test cases; "
        "pass rate 33% of the 3 tests that ran (passed, failed or error)."
    )
    assert sentence in pages["briefs/engineering.md"] and results in pages["briefs/engineering.md"]
    text = " ".join(html_text((site / "briefs/engineering/index.html").read_text()).split())
    assert sentence in text and results in text


def test_home_at_a_glance(pages: dict[str, str], site: Path) -> None:
    md = pages["index.md"]
    assert (
        "| Features | 7 (5 open): 1 idea, 1 in discovery, 1 planned, 1 in progress, 1 in beta, 1 shipped, 1 won't do |"
    ) in md
    assert "| Now / Next / Later | 3 / 1 / 0 open features; 1 more open on no horizon |" in md
    page = (site / "index.html").read_text()
    assert cell(page, "Requirement coverage") == "42% (5 of 12 requirements have a test case)"
    assert cell(page, "Last test results") == (
        "1 passed, 1 failed, 1 error, 1 skipped, 2 not run, of 6 test cases; "
        "pass rate 33% of the 3 tests that ran (passed, failed or error)"
    )


def test_a_feature_page_counts_its_own_results(pages: dict[str, str]) -> None:
    feature = pages["features/FEAT-4.md"]
    assert "Last results: 0 passed, 0 failed, 1 error, 1 skipped, 0 not run, of 2 test cases." in feature
    assert "· last result **not run**" in pages["features/FEAT-5.md"]
    assert "· not run yet" in pages["features/FEAT-6.md"]


def test_by_feature_rows_say_what_is_not_counted(basic: Path) -> None:
    # Past the inline limit the test-cases page gives one row per feature, with the Must count of each.
    for n in range(3, 30):
        (basic / f"specs/features/FEAT-{n}.yaml").write_text(
            f"id: FEAT-{n}\ntitle: Feature {n}\nstatus: discovery\nowner: STK-1\nproblem: p.\n"
            "requirements:\n  - {id: R1, statement: s., priority: must}\n",
            encoding="utf-8",
        )
    result = check(basic)
    assert result.workspace is not None
    tests = render_site(result.workspace, None)[0]["test-cases.md"]
    assert "| 0 of 1 | 0 (1 not counted: the feature is still in discovery) |" in tests


def test_shared_features_appear_under_each_objective(pages: dict[str, str]) -> None:
    roadmap = pages["roadmap.md"]
    now = roadmap[roadmap.index("### Now") : roadmap.index("### Next")]
    lanes = {m.group(1): m.group(2) for m in re.finditer(r"\*\*\[(OBJ-\d) [^]]*\]\([^)]*\)\*\*\n\n((?:- .*\n)+)", now)}
    assert re.findall(r"\[(FEAT-\d) ", lanes["OBJ-1"]) == ["FEAT-4", "FEAT-5"]
    assert re.findall(r"\[(FEAT-\d) ", lanes["OBJ-2"]) == ["FEAT-3", "FEAT-4"]
    assert "· shared: also serves [OBJ-2](objectives.md#obj-2)" in lanes["OBJ-1"].splitlines()[0]
    assert "· shared: also serves [OBJ-1](objectives.md#obj-1)" in lanes["OBJ-2"].splitlines()[1]
    assert "shared" not in lanes["OBJ-1"].splitlines()[1]
    exec_brief = pages["briefs/exec.md"]
    assert "(shared: also serves [OBJ-2](../objectives.md#obj-2))" in exec_brief


def test_key_results_show_the_date_of_their_figure(pages: dict[str, str], site: Path) -> None:
    row = "| Weekly active teams (higher is better) | 10 → 40 → 110 teams |"
    for page in ("objectives.md", "briefs/exec.md", "index.md", "features/FEAT-1.md"):
        assert row in pages[page], page
        assert "Current figures as measured on 2026-11-20." in pages[page], page
    # OBJ-2's figure has no measured_on: the page says so rather than leave it undated.
    assert "20 → 35 → 80 %" in pages["objectives.md"]
    assert "Current figures: the day they were measured is not given (`measured_on`)." in pages["objectives.md"]
    # The history oldest first, though the spec lists it newest first.
    history = "- Weekly active teams: 15 teams on 2026-09-01, 25 teams on 2026-10-01, 40 teams on 2026-11-20"
    assert history in pages["objectives.md"]
    assert "Current figures as measured on 2026-11-20." in html_text((site / "objectives/index.html").read_text())


def test_key_results_measured_on_different_days_say_each(basic: Path) -> None:
    path = basic / "specs/objectives/OBJ-1.yaml"
    text = path.read_text()
    edit(path, "    current: 60\n", "    current: 60\n    measured_on: 2026-11-01\n")
    second = text[text.index("  - metric:") :].replace("Weekly active teams", "Paying teams")
    path.write_text(path.read_text() + second)
    result = check(basic)
    assert result.workspace is not None, result.diagnostics
    page = render_site(result.workspace, None)[0]["objectives.md"]
    assert "| Weekly active teams (higher is better) | 10 → 60 (2026-11-01) → 110 teams |" in page
    assert "| Paying teams (higher is better) | 10 → 60 (no date) → 110 teams |" in page
    assert "Current figures as measured on the day beside each." in page


def test_dogfood_key_results_carry_their_date() -> None:
    result = check(REPO)
    assert result.workspace is not None
    objectives = result.workspace.objectives.values()
    assert all(kr.measured_on for o in objectives for kr in o.key_results)
    assert any(kr.history for o in objectives for kr in o.key_results)


def sg319(workspace: Path) -> list[str]:
    return [d.message for d in check(workspace).diagnostics if d.code == "SG319"]


def test_sg319_accepts_a_history_that_agrees(basic: Path) -> None:
    path = basic / "specs/objectives/OBJ-1.yaml"
    edit(path, "    current: 60\n", "    current: 60\n    measured_on: 2026-11-01\n")
    path.write_text(path.read_text() + "    history:\n      - {date: 2026-11-01, value: 60.0}\n")
    assert sg319(basic) == []


def test_sg319_finds_a_history_that_disagrees(basic: Path) -> None:
    path = basic / "specs/objectives/OBJ-1.yaml"
    edit(path, "    current: 60\n", "    current: 60\n    measured_on: 2026-11-01\n")
    path.write_text(path.read_text() + "    history:\n      - {date: 2026-10-01, value: 50}\n")
    assert sg319(basic) == [
        "key result 1 (Weekly active teams) has measured_on: 2026-11-01, but its newest history entry is dated "
        "2026-10-01: the newest entry is the current measurement, so the two dates must be the same"
    ]
