"""The plan comparisons of a diff: backlog ranks, releases, key results, coverage and records, in product terms.

Each test checks two copies of the basic workspace, one edited, and compares
them as BASE and HEAD (the git side of a diff is tested with the command).
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from specgen.cache import FileCache
from specgen.check import check
from specgen.diff.changes import SLIP, Change, Importance, Section
from specgen.diff.plan import compare_backlog, compare_releases
from specgen.diff.progress import compare_coverage, compare_objectives
from specgen.diff.records import compare_records, compare_risks
from specgen.diff.side import Side
from specgen.limits import Limits

from .conftest import FIXTURES

TODAY = date(2026, 6, 1)
FEAT_1 = "specs/features/FEAT-1.yaml"
REL_1 = "specs/releases/REL-1.yaml"
OBJ_1 = "specs/objectives/OBJ-1.yaml"

#: Text edits: (file, text, replacement); the text must be there, so a stale edit fails loudly.
Edits = Sequence[tuple[str, str, str]]


def revision(
    tmp_path: Path,
    name: str,
    edits: Edits = (),
    files: Mapping[str, str | None] | None = None,
    cache: FileCache | None = None,
) -> Side:
    """The basic workspace with ``edits`` made and ``files`` written (``None``: deleted), checked.

    Two sides that share a ``cache`` check each text they both hold once, as a diff does.
    """
    root = tmp_path / name
    shutil.copytree(FIXTURES / "valid" / "basic", root)
    for rel, text in (files or {}).items():
        if text is None:
            (root / rel).unlink()
        else:
            (root / rel).write_text(text, encoding="utf-8")
    for rel, old, new in edits:
        path = root / rel
        content = path.read_text(encoding="utf-8")
        assert old in content, f"{old!r} is not in {rel}"
        path.write_text(content.replace(old, new), encoding="utf-8")
    return Side(name, name.upper(), check(root, today=TODAY, cache=cache or False))


def feature(n: int, cod: int, status: str = "planned") -> tuple[str, str]:
    """A small scored feature file: cost of delay ``cod`` per week over one week."""
    text = (
        f"id: FEAT-{n}\ntitle: Feature {n}\nstatus: {status}\nowner: STK-1\nproblem: Slow.\n"
        f"scoring: {{cost_of_delay: {cod}, duration_weeks: 1}}\n"
    )
    return f"specs/features/FEAT-{n}.yaml", text


def test_a_later_target_date_is_a_slip_costing_the_open_work_s_cost_of_delay(tmp_path: Path) -> None:
    base = revision(tmp_path, "base")
    head = revision(
        tmp_path,
        "head",
        [
            (REL_1, "target_date: 2027-01-15", "target_date: 2027-02-26"),
            (REL_1, "confidence: medium", "confidence: low"),
        ],
    )
    common: dict[str, Any] = {"subject": "REL-1", "title": "1.0", "path": REL_1}
    # FEAT-1 is REL-1's one open feature: 5,000 EUR a week, for six weeks.
    assert compare_releases(base, head, {}) == [
        Change(
            Section.RELEASES,
            "target_date",
            summary="target date moved from 2027-01-15 to 2027-02-26: a slip of 6 weeks, costing 30,000 EUR of delay",
            importance=Importance.ALERT,
            before="2027-01-15",
            after="2027-02-26",
            flags=frozenset({SLIP}),
            details={"weeks": 6.0, "cost_of_delay": 30000.0},
            **common,
        ),
        Change(
            Section.RELEASES,
            "date_confidence",
            summary="date confidence changed from medium to low",
            before="medium",
            after="low",
            **common,
        ),
    ]


def test_an_earlier_target_date_is_no_slip(tmp_path: Path) -> None:
    base = revision(tmp_path, "base")
    head = revision(tmp_path, "head", [(REL_1, "target_date: 2027-01-15", "target_date: 2027-01-01")])
    [change] = compare_releases(base, head, {})
    assert (change.summary, change.importance, change.flags) == (
        "target date moved from 2027-01-15 to 2027-01-01: 2 weeks earlier",
        Importance.NOTABLE,
        frozenset(),
    )


def test_scope_moves_name_each_release_and_only_external_features_publicly(tmp_path: Path) -> None:
    new_release = "id: REL-2\nname: '2.0'\nstatus: planned\ntarget_date: 2027-03-01\nvisibility: external\n"
    base = revision(tmp_path, "base")
    head = revision(
        tmp_path,
        "head",
        [
            (FEAT_1, "release: REL-1", "release: REL-2"),
            ("specs/features/FEAT-2.yaml", "horizon: later", "horizon: later\nrelease: REL-2"),
        ],
        {"specs/releases/REL-2.yaml": new_release},
    )
    assert compare_releases(base, head, {}) == [
        Change(
            Section.RELEASES,
            "scope",
            "REL-1",
            "scope changed: features removed FEAT-1",
            title="1.0",
            path=REL_1,
            before=["FEAT-1"],
            after=[],
            details={"added": [], "removed": ["FEAT-1"]},
        ),
        # REL-2 is new (the specs comparison reports that): its scope is still a change. FEAT-2 is internal,
        # so customers read of FEAT-1 alone.
        Change(
            Section.RELEASES,
            "scope",
            "REL-2",
            "scope changed: features added FEAT-1, FEAT-2",
            title="2.0",
            path="specs/releases/REL-2.yaml",
            before=[],
            after=["FEAT-1", "FEAT-2"],
            external=True,
            public_summary="features added Timeline view",
            details={"added": ["FEAT-1", "FEAT-2"], "removed": []},
        ),
    ]


KR_2 = (
    "  - metric: Plans published\n    unit: plans\n    baseline: 0\n    target: 50\n    current: 20\n"
    "    direction: up\n"
)


def test_a_key_result_move_gives_progress_before_and_after_even_when_reordered(tmp_path: Path) -> None:
    base = revision(tmp_path, "base", [(OBJ_1, "key_results:\n", f"key_results:\n{KR_2}")])
    # HEAD lists the key results the other way round: they pair by metric, so only the real move shows.
    head = revision(
        tmp_path,
        "head",
        [
            (OBJ_1, "current: 60", "current: 85"),
            (OBJ_1, "health: at_risk", "health: on_track"),
            (OBJ_1, "    due: 2026-12-31\n", f"    due: 2026-12-31\n{KR_2}"),
        ],
    )
    common: dict[str, Any] = {"subject": "OBJ-1", "title": "Teams plan in Acme", "path": OBJ_1}
    assert compare_objectives(base, head, {}) == [
        Change(
            Section.OBJECTIVES,
            "health",
            summary="health changed from at risk to on track",
            before="at_risk",
            after="on_track",
            **common,
        ),
        Change(
            Section.OBJECTIVES,
            "key_result",
            summary="Weekly active teams moved from 60 to 85 teams (target 110 teams): progress 50% to 75%",
            item="Weekly active teams",
            before=60,
            after=85,
            details={"progress_before": 50.0, "progress_after": 75.0},
            **common,
        ),
    ]


def test_a_key_result_renamed_in_place_is_reworded_and_a_new_one_is_added(tmp_path: Path) -> None:
    base = revision(tmp_path, "base")
    head = revision(
        tmp_path,
        "head",
        [
            (OBJ_1, "metric: Weekly active teams", "metric: Weekly planning teams"),
            (OBJ_1, "    due: 2026-12-31\n", f"    due: 2026-12-31\n{KR_2}"),
        ],
    )
    assert [(c.kind, c.item, c.summary, c.importance) for c in compare_objectives(base, head, {})] == [
        (
            "key_result_reworded",
            "Weekly planning teams",
            "key result renamed from Weekly active teams to Weekly planning teams",
            Importance.DETAIL,
        ),
        (
            "key_result_added",
            "Plans published",
            "key result added: Plans published, 20 of 50 plans (40%)",
            Importance.NOTABLE,
        ),
    ]


MUST_R3 = "  - id: R3\n    statement: Export the plan as CSV.\n    priority: must\n"


def test_new_and_newly_untested_must_requirements(tmp_path: Path) -> None:
    base = revision(tmp_path, "base")
    text = (FIXTURES / "valid" / "basic" / FEAT_1).read_text(encoding="utf-8")
    # HEAD adds a Must without a test case and drops the test case of R1.
    untested = text.split("test_cases:")[0].replace("    priority: should\n", f"    priority: should\n{MUST_R3}")
    head = revision(tmp_path, "head", files={FEAT_1: untested})
    common: dict[str, Any] = {
        "subject": "FEAT-1",
        "title": "Timeline view",
        "path": FEAT_1,
        "after": "untested",
        "external": True,
    }
    assert compare_coverage(base, head, {}) == [
        Change(
            Section.COVERAGE,
            "musts_verified",
            "",
            "Must requirements with a test case went from 1 of 1 (100%) to 0 of 2 (0%)",
            before={"verified": 1, "musts": 1},
            after={"verified": 0, "musts": 2},
        ),
        Change(
            Section.COVERAGE,
            "untested_must",
            summary="Must requirement R1 lost its last test case: Show features on a time axis by release.",
            item="FEAT-1.R1",
            before="tested",
            **common,
        ),
        Change(
            Section.COVERAGE,
            "untested_must",
            summary="new Must requirement R3 has no test case: Export the plan as CSV.",
            item="FEAT-1.R3",
            **common,
        ),
    ]


def test_a_score_change_re_ranks_and_moves_the_planned_sequence_s_cost_of_delay(tmp_path: Path) -> None:
    others = dict(feature(n, cod) for n, cod in ((3, 3000), (4, 2000), (5, 1500)))
    base = revision(tmp_path, "base", files=others | dict([feature(6, 1000)]))
    head = revision(tmp_path, "head", files=others | dict([feature(6, 10000)]))
    changes = compare_backlog(base, head, {})
    # CD3 before: FEAT-3 3000, FEAT-4 2000, FEAT-5 1500, FEAT-1 1250 (5000 / 4 weeks), FEAT-6 1000.
    unranked = {"before": None, "after": None, "score_before": None, "score_after": None}
    scoring = {"cost_of_delay": 1000, "duration_weeks": 1, "urgency": None, "wsjf": None, "rice": None, "ice": None}
    assert changes[0] == Change(
        Section.BACKLOG,
        "scoring",
        "FEAT-6",
        "scoring inputs changed (cost_of_delay): CD3 rank from 5 to 1",
        title="Feature 6",
        path="specs/features/FEAT-6.yaml",
        before=scoring,
        after=scoring | {"cost_of_delay": 10000},
        details={
            "cd3": {"before": 5, "after": 1, "score_before": 1000.0, "score_after": 10000.0},
            "wsjf": unranked,
            "rice": unranked,
            "ice": unranked,
        },
    )
    # Planned order: FEAT-1 (in REL-1) for 4 weeks, then the rest by ID, a week each.
    before = 5000 * 4 + 3000 * 5 + 2000 * 6 + 1500 * 7 + 1000 * 8
    after = before - 1000 * 8 + 10000 * 8
    assert [(c.kind, c.subject, c.summary, c.importance, c.before, c.after) for c in changes[1:]] == [
        ("small_rank_moves", "", "4 other features moved one or two places", Importance.DETAIL, None, None),
        (
            "cost_of_delay",
            "",
            "total cost of delay of the planned sequence went from 65,500 EUR to 137,500 EUR (72,000 EUR more)",
            Importance.NOTABLE,
            before,
            after,
        ),
    ]


def test_features_pushed_down_by_work_entering_the_backlog_are_listed(tmp_path: Path) -> None:
    shipped = {n: 10000 - 1000 * (n - 6) for n in (7, 8, 9)}
    base = revision(
        tmp_path, "base", files=dict([feature(3, 3000)] + [feature(n, c, "shipped") for n, c in shipped.items()])
    )
    head = revision(tmp_path, "head", files=dict([feature(3, 3000)] + [feature(n, c) for n, c in shipped.items()]))
    # FEAT-7 to FEAT-9 came back to the backlog, on top: they have no move of their own (the features
    # comparison reports their status); the two features below them moved three places.
    assert [(c.kind, c.subject, c.summary) for c in compare_backlog(base, head, {}) if c.kind != "cost_of_delay"] == [
        ("rank", "FEAT-1", "CD3 rank from 2 to 5; unchanged in WSJF, RICE, ICE (its own scoring did not change)"),
        ("rank", "FEAT-3", "CD3 rank from 1 to 4 (its own scoring did not change)"),
    ]


def test_a_thousand_small_rank_moves_are_counted_not_listed(tmp_path: Path) -> None:
    many = dict(feature(n, 10 * n, "idea") for n in range(4, 1003))
    cache = FileCache(None, Limits())
    base = revision(tmp_path, "base", files=many | dict([feature(3, 1)]), cache=cache)
    # HEAD is the same folder with one file edited (BASE's result is in memory already): a thousand files
    # written once, and the 999 unchanged ones checked once.
    rel, text = feature(3, 100000)
    (tmp_path / "base" / rel).write_text(text, encoding="utf-8")
    head = Side("head", "HEAD", check(tmp_path / "base", today=TODAY, cache=cache))
    changes = compare_backlog(base, head, {})
    # FEAT-3 jumped from last to first: every other ranked feature (FEAT-1 and the 999) moved one place.
    assert [(c.kind, c.subject) for c in changes] == [
        ("scoring", "FEAT-3"),
        ("small_rank_moves", ""),
        ("cost_of_delay", ""),
    ]
    assert changes[0].details["cd3"]["before"] == 1001
    assert changes[1].summary == "1000 other features moved one or two places"
    assert changes[1].details == {"count": 1000}


def renamed(tmp_path: Path, name: str, edits: Edits = ()) -> Side:
    """The basic workspace with FEAT-1 renamed FEAT-3, everything that names it following."""
    text = (FIXTURES / "valid" / "basic" / FEAT_1).read_text(encoding="utf-8").replace("id: FEAT-1", "id: FEAT-3")
    moves = [
        ("specs/features/FEAT-2.yaml", "[FEAT-1]", "[FEAT-3]"),
        ("specs/decisions/DEC-1.yaml", "[FEAT-1]", "[FEAT-3]"),
    ]
    return revision(tmp_path, name, [*moves, *edits], {FEAT_1: None, "specs/features/FEAT-3.yaml": text})


def test_a_renamed_feature_is_compared_with_its_new_self(tmp_path: Path) -> None:
    base = revision(tmp_path, "base")
    head = renamed(tmp_path, "head", [("specs/features/FEAT-3.yaml", "likelihood: 3", "likelihood: 4")])
    renames = {"FEAT-1": "FEAT-3"}
    assert compare_releases(base, head, renames) == []
    assert compare_backlog(base, head, renames) == []
    assert compare_coverage(base, head, renames) == []
    [risk] = compare_risks(base, head, renames)
    assert (risk.kind, risk.subject, risk.summary) == (
        "risk_changed",
        "FEAT-3",
        "risk changed: likelihood from 3 to 4, score from 12 to 16: Rendering is slow on large plans",
    )
    # Without the rename, the same edit reads as one feature leaving REL-1 and another joining it.
    [scope] = compare_releases(base, head, {})
    assert scope.details == {"added": ["FEAT-3"], "removed": ["FEAT-1"]}


def test_nothing_is_said_about_a_spec_whose_file_is_broken_on_one_side(tmp_path: Path) -> None:
    third = dict([feature(3, 1000)])  # ranked below FEAT-1: it would move up if FEAT-1 counted as gone
    broken = "id: FEAT-1\ntitle: [unclosed\n"
    base = revision(tmp_path, "base", files=third | {REL_1: "id: REL-1\nname: [unclosed\n"})
    head = revision(
        tmp_path,
        "head",
        [(REL_1, "target_date: 2027-01-15", "target_date: 2027-06-15"), (OBJ_1, "current: 60", "current: 85")],
        third | {FEAT_1: broken},
    )
    assert (list(base.broken_ids), list(head.broken_ids)) == (["REL-1"], ["FEAT-1"])
    for compare in (compare_backlog, compare_releases, compare_coverage, compare_records):
        assert compare(base, head, {}) == [], compare.__name__
    # The rest of the diff still runs.
    assert [c.kind for c in compare_objectives(base, head, {})] == ["key_result"]


def test_decisions_risks_and_updates(tmp_path: Path) -> None:
    update = "id: UPD-3\ndate: 2026-12-01\nhealth: on_track\nheadline: Timeline is in beta.\nvisibility: external\n"
    new_risk = "  - description: Customers expect mobile\n    likelihood: 2\n    impact: 3\n"
    base = revision(tmp_path, "base")
    head = revision(
        tmp_path,
        "head",
        [
            ("specs/decisions/DEC-1.yaml", "status: proposed", "status: accepted\noutcome: Web first."),
            (FEAT_1, "risks:\n", f"risks:\n{new_risk}"),
            (FEAT_1, "mitigation: Virtualised list", "mitigation: Virtualised list and paging"),
            ("specs/updates/UPD-1.yaml", "health: at_risk", "health: on_track"),
        ],
        {"specs/updates/UPD-3.yaml": update},
    )
    assert [
        (c.kind, c.subject, c.summary, c.importance, c.public_summary) for c in compare_records(base, head, {})
    ] == [
        ("decision_status", "DEC-1", "status changed from proposed to accepted", Importance.NOTABLE, None),
        ("decision_outcome", "DEC-1", "decided: Web first.", Importance.NOTABLE, None),
        (
            "risk_added",
            "FEAT-1",
            "new risk (likelihood 2, impact 3): Customers expect mobile",
            Importance.NOTABLE,
            None,
        ),
        # Paired by description although it moved down the list; a reworded mitigation is a detail.
        (
            "risk_changed",
            "FEAT-1",
            "risk changed: mitigation reworded: Rendering is slow on large plans",
            Importance.DETAIL,
            None,
        ),
        (
            "update",
            "UPD-3",
            "new status update (on track): Timeline is in beta.",
            Importance.NOTABLE,
            "new status update: Timeline is in beta.",
        ),
        ("update", "UPD-1", "status update changed: health from at risk to on track", Importance.NOTABLE, None),
    ]


def test_a_risk_closed_and_a_decision_superseded_are_notable(tmp_path: Path) -> None:
    base = revision(tmp_path, "base")
    head = revision(
        tmp_path,
        "head",
        [
            ("specs/decisions/DEC-1.yaml", "status: proposed", "status: superseded\nsuperseded_by: DEC-2"),
            (FEAT_1, "mitigation: Virtualised list", "mitigation: Virtualised list\n    status: closed"),
        ],
        {"specs/decisions/DEC-2.yaml": "id: DEC-2\ntitle: Mobile too\nstatus: accepted\ncontext: Mobile grew.\n"},
    )
    told = {(c.kind, c.subject): (c.summary, c.importance) for c in compare_records(base, head, {})}
    assert told[("decision_status", "DEC-1")] == (
        "status changed from proposed to superseded, by DEC-2",
        Importance.NOTABLE,
    )
    assert told[("risk_changed", "FEAT-1")] == (
        "risk changed: status from open to closed: Rendering is slow on large plans",
        Importance.NOTABLE,
    )
