"""The model's fields for real teams: key-result IDs, several briefs per reader, risk status, supersession,
tracker links, teams and lanes, capacity, and automated tests that must name their test.

Each test edits a copy of the basic fixture, checks it for real and reads the
pages the packaged templates render from it.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from specgen import check
from specgen.capacity import Work, fill, load
from specgen.render import render_site

from .conftest import FIXTURE_TODAY
from .test_schema import edit

DAY = datetime.date.fromisoformat(FIXTURE_TODAY)
FEATURE = "specs/features/FEAT-1.yaml"
OBJECTIVE = "specs/objectives/OBJ-1.yaml"


def findings(workspace: Path, **options: object) -> list[str]:
    result = check(workspace, today=DAY, **options)  # type: ignore[arg-type]
    return [str(d) for d in result.diagnostics]


def pages(workspace: Path) -> dict[str, str]:
    result = check(workspace, today=DAY)
    assert result.workspace is not None, [str(d) for d in result.diagnostics]
    return render_site(result.workspace, None, today=DAY)[0]


def add(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


# --- key results -------------------------------------------------------------


def test_features_name_key_results_by_id_and_wrong_ones_are_located(basic: Path) -> None:
    edit(basic / OBJECTIVE, "  - metric: Weekly active teams", "  - id: KR1\n    metric: Weekly active teams")
    edit(basic / FEATURE, "\nstatus:", "\nkey_results: [OBJ-1.KR1]\nstatus:")
    assert not [f for f in findings(basic) if "error" in f]
    feature = pages(basic)["features/FEAT-1.md"]
    assert "| Key results it moves | [OBJ-1.KR1](../objectives.md#obj-1) (Weekly active teams) |" in feature

    edit(basic / FEATURE, "key_results: [OBJ-1.KR1]", "key_results: [OBJ-1.KR2, OBJ-7.KR1]")
    errors = [f for f in findings(basic) if "SG303" in f]
    assert errors == [
        f"{FEATURE}:4:15: error[SG303]: 'OBJ-1.KR2' names no key result of OBJ-1 "
        "(OBJ-1's key results with an ID are KR1)",
        f"{FEATURE}:4:26: error[SG303]: 'OBJ-7.KR1' names a key result of 'OBJ-7', which is not a known objective "
        "(the only objective is OBJ-1)",
    ]


def test_a_key_result_reference_of_the_wrong_form_says_what_one_looks_like(basic: Path) -> None:
    edit(basic / FEATURE, "\nstatus:", "\nkey_results: [OBJ1.KR1]\nstatus:")
    assert [f for f in findings(basic) if "SG206" in f] == [
        f"{FEATURE}:4:15: error[SG206]: key_results[0]: 'OBJ1.KR1' does not have the expected form "
        "(a key result looks like OBJ-1.KR2: its objective's ID, a dot and the key result's id)"
    ]


def test_a_key_result_id_is_unique_within_its_objective(basic: Path) -> None:
    edit(basic / OBJECTIVE, "  - metric: Weekly active teams", "  - id: KR1\n    metric: Weekly active teams")
    add(
        basic / OBJECTIVE,
        "  - id: KR1\n    metric: Plans shared\n    unit: plans\n    baseline: 0\n    target: 10\n"
        "    current: 2\n    direction: up\n",
    )
    assert [f for f in findings(basic) if "SG301" in f] == [
        f"{OBJECTIVE}:15:9: error[SG301]: key result 'KR1' appears twice in OBJ-1 "
        "(give each key result its own ID, and never reuse one: features name them)"
    ]


# --- stakeholders read several briefs ------------------------------------------


def test_a_stakeholder_may_read_several_briefs(basic: Path) -> None:
    path = basic / "specs/stakeholders/STK-1.yaml"
    text = path.read_text()
    assert "audience: exec" in text
    path.write_text(text.replace("audience: exec", "audience: [exec, engineering]"))
    assert not [f for f in findings(basic) if "error" in f]
    rendered = pages(basic)
    briefs = rendered["briefs/index.md"]
    exec_row = next(line for line in briefs.splitlines() if "(exec.md)" in line)
    engineering_row = next(line for line in briefs.splitlines() if "(engineering.md)" in line)
    assert "STK-1" in exec_row and "STK-1" in engineering_row
    row = next(line for line in rendered["stakeholders.md"].splitlines() if "STK-1 |" in line)
    assert "[Executives](briefs/exec.md), [Engineering](briefs/engineering.md)" in row
    path.write_text(text.replace("audience: exec", "audience: [exec, boardroom]"))
    assert any("SG204" in f and "boardroom" in f for f in findings(basic)), findings(basic)


# --- risks ---------------------------------------------------------------------


def test_closed_risks_leave_the_briefs_but_stay_on_the_feature(basic: Path) -> None:
    before = pages(basic)["briefs/exec.md"]
    assert "Rendering is slow on large plans" in before and "| open |" in before
    edit(basic / FEATURE, "    mitigation: Virtualised list", "    mitigation: Virtualised list\n    status: closed")
    rendered = pages(basic)
    assert "Rendering is slow on large plans" not in rendered["briefs/exec.md"]
    assert "| Rendering is slow on large plans | 3 | 4 | closed |" in rendered["features/FEAT-1.md"]
    edit(basic / FEATURE, "status: closed", "status: closd")
    assert any(
        "SG204" in f and "risks[0].status: 'closd'" in f and "did you mean 'closed'" in f for f in findings(basic)
    )


# --- decisions -------------------------------------------------------------------


def test_a_superseded_decision_names_its_successor_on_both_sides(basic: Path) -> None:
    (basic / "specs/decisions/DEC-2.yaml").write_text(
        "id: DEC-2\ntitle: Build it on mobile too\nstatus: accepted\ncontext: Mobile grew.\n"
    )
    edit(basic / "specs/decisions/DEC-1.yaml", "status: proposed", "status: superseded\nsuperseded_by: DEC-2")
    assert not [f for f in findings(basic) if "error" in f]
    decisions = pages(basic)["decisions.md"]
    assert "by [DEC-2 Build it on mobile too](#dec-2)" in decisions
    assert "supersedes [DEC-1 Build the timeline on the web first](#dec-1)" in decisions


# --- links -----------------------------------------------------------------------


def test_tracker_links_are_http_only_and_shown(basic: Path) -> None:
    edit(
        basic / FEATURE,
        "\nstatus:",
        "\nlinks:\n  - {title: Epic PAY-12, url: 'https://tracker.example/PAY-12'}\nstatus:",
    )
    assert not [f for f in findings(basic) if "error" in f]
    feature = pages(basic)["features/FEAT-1.md"]
    assert (
        '| Tracked in | <a href="https://tracker.example/PAY-12" rel="nofollow noopener">Epic PAY-12</a> |' in feature
    )
    edit(basic / FEATURE, "https://tracker.example/PAY-12", "javascript:alert(1)")
    assert any("SG206" in f and "links[0].url" in f for f in findings(basic))


# --- teams and lanes -----------------------------------------------------------------


def test_teams_are_declared_checked_and_lane_the_roadmap(basic: Path) -> None:
    (basic / "specgen.yaml").write_text("teams: [payments, growth]\nroadmap: {lanes: team}\n")
    edit(basic / FEATURE, "\nstatus:", "\nteam: growth\nstatus:")
    assert not [f for f in findings(basic) if "error" in f]
    roadmap = pages(basic)["roadmap.md"]
    assert "grouped by the team that builds it" in roadmap and "**growth**" in roadmap
    edit(basic / FEATURE, "team: growth", "team: Growth")
    assert [f for f in findings(basic) if "SG326" in f] == [
        f"{FEATURE}:4:7: error[SG326]: team 'Growth' is not one of the teams specgen.yaml lists "
        "(did you mean 'growth'?)"
    ]
    (basic / "specgen.yaml").write_text("teams: [payments, payments]\nroadmap: {lanes: teams}\n")
    config = [f for f in findings(basic) if f.startswith("specgen.yaml")]
    assert any("team 'payments' is listed twice" in f for f in config)
    assert any("roadmap.lanes: 'teams' is not objective or team (did you mean 'team'?)" in f for f in config)
    edit(basic / FEATURE, "team: Growth", "team: growth")
    (basic / "specgen.yaml").write_text("teams: ['growth ', growth]\n")  # one bad entry; the other still counts
    found = findings(basic)
    assert any("teams[0] must be a team's name" in f for f in found) and not any("SG326" in f for f in found)


# --- capacity ------------------------------------------------------------------------


def test_capacity_counts_effort_and_warns_past_it(basic: Path) -> None:
    release = basic / "specs/releases/REL-1.yaml"
    add(release, "capacity_weeks: 10\n")
    edit(basic / FEATURE, "\nstatus:", "\neffort_weeks: 12\nstatus:")
    found = [f for f in findings(basic) if "SG323" in f or "SG324" in f]
    assert found[0].startswith("specs/releases/REL-1.yaml:7:17: warning[SG323]: REL-1's features need 12 person-weeks")
    assert "2 more than its capacity of 10" in found[0]
    rendered = pages(basic)
    assert "Load: 12 of 10 person-weeks (120%), **2 over capacity**" in rendered["roadmap.md"]
    assert "12 of 10 person-weeks (120%)" in rendered["briefs/engineering.md"]
    assert "| Effort | 12 person-weeks |" in rendered["features/FEAT-1.md"]
    assert "## What fits in the coming releases" in rendered["backlog.md"]


def test_must_work_over_sixty_percent_is_a_warning() -> None:
    work = [Work("FEAT-1", "REL-1", 7, must_only=True), Work("FEAT-2", "REL-1", 2), Work("FEAT-3", "REL-1", None)]
    found = load("REL-1", 10, work)
    assert (found.total, found.must, found.over, found.must_over, found.unsized) == (9, 7, 0, True, ("FEAT-3",))
    assert not load("REL-1", 12, work).must_over  # 7 of 12 is under 60%


def test_the_what_if_fills_releases_in_order_without_skipping() -> None:
    order = [Work("A", None, 4), Work("B", None, 5), Work("C", None, 1), Work("D", None, None), Work("E", None, 9)]
    result = fill(order, [("REL-1", 8), ("REL-2", 6)])
    # B does not fit in what A left of REL-1, so REL-2 starts; C, though small, does not go back to REL-1.
    assert result.releases == (("REL-1", 8, ("A",), 4), ("REL-2", 6, ("B", "C"), 6))
    assert result.beyond == ("E",) and result.unsized == ("D",)


# --- automated test cases ------------------------------------------------------------


def test_an_automated_test_case_without_a_ref_is_a_deprecation_warning(basic: Path) -> None:
    text = (basic / FEATURE).read_text()
    assert "automation_ref:" in text
    lines = [line for line in text.splitlines(keepends=True) if "automation_ref:" not in line]
    (basic / FEATURE).write_text("".join(lines))
    lenient = check(basic, today=DAY, strict=True)
    assert [d.code for d in lenient.warnings] == ["SG322"] and not lenient.failing_warnings
    asked = check(basic, today=DAY, strict=True, fail_on=frozenset({"deprecated"}))
    assert [d.code for d in asked.failing_warnings] == ["SG322"]


def test_a_team_name_is_text_on_every_page_it_reaches(basic: Path) -> None:
    hostile = "a|b <script>x</script> [x](javascript:alert(1)) *e* {{ 7*7 }}"
    (basic / "specgen.yaml").write_text(f"teams: [{hostile!r}]\nroadmap: {{lanes: team}}\n")
    edit(basic / FEATURE, "\nstatus:", f"\nteam: {hostile!r}\nstatus:")
    rendered = pages(basic)
    for page in ("features/FEAT-1.md", "roadmap.md"):
        assert "<script>" not in rendered[page] and "{{ 7" not in rendered[page]
    # One table cell and one lane heading, shown as written: no link, no emphasis, no cell break.
    assert "| Team | a&#124;b &lt;script&gt;x&lt;/script&gt; &#91;x&#93;(javascript" in rendered["features/FEAT-1.md"]
    assert "**a&#124;b &lt;script&gt;x&lt;/script&gt; &#91;x&#93;(javascript" in rendered["roadmap.md"]
