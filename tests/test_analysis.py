"""Prioritization and coverage figures, computed from inputs, never stored."""

from __future__ import annotations

import pytest

from specgen.analysis import FRAMEWORKS, Analysis, rank, total_cost_of_delay
from specgen.model import Feature, Ice, Requirement, Rice, Scoring, Workspace, Wsjf
from specgen.model import TestCase as Case

CD3 = next(f for f in FRAMEWORKS if f.key == "cd3")


def feature(ident: str, cod: float | None = None, weeks: float | None = None, **scoring: object) -> Feature:
    return Feature(
        id=ident,
        title=ident,
        status="planned",
        owner="STK-1",
        problem="p",
        scoring=Scoring(cost_of_delay=cod, duration_weeks=weeks, **scoring),  # type: ignore[arg-type]
    )


def workspace(*features: Feature) -> Workspace:
    return Workspace(None, {}, {}, {}, {}, {f.id: f for f in features}, {}, {}, {})


def test_cd3_ranking_and_ties() -> None:
    items = [
        feature("FEAT-10", cod=1000, weeks=2),  # CD3 500
        feature("FEAT-2", cod=3000, weeks=6),  # CD3 500, higher cost of delay: wins the tie
        feature("FEAT-3", cod=900, weeks=1),  # CD3 900
        feature("FEAT-1", cod=1000, weeks=2),  # CD3 500, same CoD as FEAT-10: lower ID first
    ]
    ranking = rank(items, CD3)
    assert [(s.feature.id, s.value) for s in ranking.ranked] == [
        ("FEAT-3", 900.0),
        ("FEAT-2", 500.0),
        ("FEAT-1", 500.0),
        ("FEAT-10", 500.0),
    ]
    assert ranking.rank_of == {"FEAT-3": 1, "FEAT-2": 2, "FEAT-1": 3, "FEAT-10": 4}


def test_unscorable_items_name_missing_inputs() -> None:
    ranking = rank([feature("FEAT-1", cod=500), feature("FEAT-2"), feature("FEAT-3", cod=10, weeks=1)], CD3)
    assert [s.feature.id for s in ranking.ranked] == ["FEAT-3"]
    assert [(s.feature.id, s.missing) for s in ranking.unscorable] == [
        ("FEAT-1", ("duration_weeks",)),
        ("FEAT-2", ("cost_of_delay", "duration_weeks")),
    ]


def test_other_frameworks_use_their_formulas() -> None:
    f = feature(
        "FEAT-1",
        wsjf=Wsjf(business_value=8, time_criticality=5, risk_reduction=3, job_size=5),
        rice=Rice(reach=400, impact=2, confidence=80, effort=2),
        ice=Ice(impact=7, confidence=6, ease=5),
    )
    scores = {fw.key: fw.score(f).value for fw in FRAMEWORKS}
    assert scores == {"cd3": None, "wsjf": pytest.approx(3.2), "rice": pytest.approx(320.0), "ice": 210.0}


def test_sequencing_compares_plan_with_cd3_order() -> None:
    a = feature("FEAT-1", cod=100, weeks=10)  # CD3 10
    b = feature("FEAT-2", cod=1000, weeks=1)  # CD3 1000
    # Plan order (by ID, no releases): a then b: 100*10 + 1000*11 = 12,000.
    # CD3 order: b then a: 1000*1 + 100*11 = 2,100.
    assert total_cost_of_delay([a, b]) == 12000
    seq = Analysis(workspace(a, b)).sequencing
    assert seq is not None
    assert [f.id for f in seq.cd3_order] == ["FEAT-2", "FEAT-1"]
    assert (seq.current_total, seq.cd3_total, seq.saving) == (12000, 2100, 9900)


def test_disagreement_flags_rank_spread() -> None:
    fs = [
        feature(f"FEAT-{i}", cod=100 * (10 - i), weeks=1, ice=Ice(impact=i, confidence=1, ease=1)) for i in range(1, 6)
    ]
    rows = {r.feature.id: r for r in Analysis(workspace(*fs)).backlog_rows}
    # CD3 ranks FEAT-1 first and FEAT-5 last; ICE the opposite.
    assert rows["FEAT-1"].ranks == {"cd3": 1, "wsjf": None, "rice": None, "ice": 5}
    assert rows["FEAT-1"].disagreement and rows["FEAT-5"].disagreement
    assert not rows["FEAT-3"].disagreement


def test_coverage_figures() -> None:
    f = Feature(
        id="FEAT-1",
        title="t",
        status="planned",
        owner="STK-1",
        problem="p",
        requirements=[
            Requirement(id="R1", statement="s", priority="must", uid="FEAT-1.R1", feature="FEAT-1"),
            Requirement(id="R2", statement="s", priority="must", uid="FEAT-1.R2", feature="FEAT-1"),
            Requirement(id="R3", statement="s", priority="could", uid="FEAT-1.R3", feature="FEAT-1"),
        ],
        test_cases=[
            Case(id="TC-1", title="t", verifies=["FEAT-1.R1"], automation="automated"),
            Case(id="TC-2", title="t", verifies=["FEAT-1.R1", "FEAT-1.R3"]),
        ],
    )
    c = Analysis(workspace(f)).coverage
    assert (c.requirements, c.covered, c.untested_musts) == (3, 2, ["FEAT-1.R2"])
    assert c.percent == pytest.approx(200 / 3)
    assert (c.tests, c.automated, c.automated_percent, c.pass_rate) == (2, 1, 50.0, None)


def _musts(ident: str, *ids: str) -> Feature:
    f = feature(ident)
    reqs = [Requirement(id=i, statement="s", priority="must", uid=f"{ident}.{i}", feature=ident) for i in ids]
    return Feature(**{**f.__dict__, "requirements": reqs})


def test_untested_musts_are_grouped_by_feature() -> None:
    an = Analysis(workspace(_musts("FEAT-2", "R1", "R2"), feature("FEAT-3"), _musts("FEAT-10", "R4")))
    groups = [(f.id, uids) for f, uids in an.untested_by_feature]
    assert groups == [("FEAT-2", ["FEAT-2.R1", "FEAT-2.R2"]), ("FEAT-10", ["FEAT-10.R4"])]


def test_backlog_row_spread_and_completeness() -> None:
    fs = [
        feature(f"FEAT-{i}", cod=100 * (10 - i), weeks=1, ice=Ice(impact=i, confidence=1, ease=1)) for i in range(1, 6)
    ]
    rows = {r.feature.id: r for r in Analysis(workspace(*fs, feature("FEAT-9"))).backlog_rows}
    assert (rows["FEAT-1"].spread, rows["FEAT-3"].spread, rows["FEAT-9"].spread) == (4, 0, None)
    assert not rows["FEAT-1"].complete  # no WSJF or RICE inputs
    assert Analysis(workspace(*fs)).features_of_objective("OBJ-1") == []
