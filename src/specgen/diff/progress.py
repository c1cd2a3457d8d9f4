"""Progress comparisons: objectives and their key results, and the test coverage of Must requirements.

A key result has no ID: it is paired by its ``metric`` (so a reordered list
still pairs), then the rest in order (a reworded metric in its place is the
same key result). Progress is the site's (:attr:`specgen.model.KeyResult.progress`).

Coverage keeps the scope of rule SG307 and the site's headline: the Must
requirements of planned-or-later features, verified when at least one test
case verifies them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from specgen.analysis import Analysis
from specgen.analysis.headlines import COUNTED
from specgen.diff.changes import Change, Importance, Section
from specgen.diff.plan import Sides, pair
from specgen.diff.side import Side
from specgen.diff.words import same_words, spoken, word_diff
from specgen.figures import number
from specgen.filters import plain
from specgen.model import KeyResult, Objective


def compare_objectives(base: Side, head: Side, renames: Mapping[str, str]) -> list[Change]:
    """Health, and each key result's current value, target and baseline, and key results added or removed."""
    d = Sides(base, head, renames)
    changes: list[Change] = []
    for oid, was, now in d.match(base.ws.objectives, head.ws.objectives)[0]:
        changes += _objective(d, oid, was, now)
    return changes


def _objective(d: Sides, oid: str, was: Objective, now: Objective) -> list[Change]:
    def made(
        kind: str,
        summary: str,
        before: object,
        after: object,
        item: str = "",
        importance: Importance = Importance.NOTABLE,
        details: dict[str, float] | None = None,
    ) -> Change:
        return Change(
            Section.OBJECTIVES,
            kind,
            oid,
            summary,
            importance,
            title=plain(now.title),
            path=d.path(oid, was.id),
            item=plain(item),
            before=before,
            after=after,
            external=now.visibility == "external",
            details=dict(details or {}),
        )

    changes = []
    if was.health != now.health:
        changes.append(
            made("health", f"health changed from {spoken(was.health)} to {spoken(now.health)}", was.health, now.health)
        )
    pairs, removed, added = pair(was.key_results, now.key_results, lambda kr: kr.metric)
    for old, new in pairs:
        progress = {"progress_before": _percent(old), "progress_after": _percent(new)}
        moved = f"progress {_shown(old)} to {_shown(new)}"
        if not same_words(old.metric, new.metric):
            summary = f"key result renamed from {plain(old.metric)} to {plain(new.metric)}"
            change = made("key_result_reworded", summary, old.metric, new.metric, new.metric, Importance.DETAIL)
            changes.append(dataclasses.replace(change, words=word_diff(old.metric, new.metric)))
        if old.current != new.current:
            summary = f"{plain(new.metric)} moved from {_span(old.current, new.current, old, new)}"
            summary += f" (target {_value(new.target, new)}): {moved}"
            changes.append(made("key_result", summary, old.current, new.current, item=new.metric, details=progress))
        for field in ("target", "baseline"):
            b, a = getattr(old, field), getattr(new, field)
            if b != a:
                summary = f"{plain(new.metric)}: {field} changed from {_span(b, a, old, new)}, {moved}"
                changes.append(made(f"key_result_{field}", summary, b, a, item=new.metric, details=progress))
    for kr in added:
        summary = (
            f"key result added: {plain(kr.metric)}, {number(kr.current)} of {_value(kr.target, kr)} ({_shown(kr)})"
        )
        changes.append(made("key_result_added", summary, None, kr.current, item=kr.metric))
    for kr in removed:
        changes.append(
            made("key_result_removed", f"key result removed: {plain(kr.metric)}", kr.current, None, item=kr.metric)
        )
    return changes


def _percent(kr: KeyResult) -> float:
    return round(100 * kr.progress, 1)


def _shown(kr: KeyResult) -> str:
    return f"{number(_percent(kr), 0)}%"


def _value(value: float, kr: KeyResult) -> str:
    return f"{number(value)} {plain(kr.unit)}".strip()


def _span(before: float, after: float, old: KeyResult, new: KeyResult) -> str:
    """``60 to 85 teams``; each value with its own unit when the unit changed too."""
    return f"{number(before) if old.unit == new.unit else _value(before, old)} to {_value(after, new)}"


def compare_coverage(base: Side, head: Side, renames: Mapping[str, str]) -> list[Change]:
    """Must requirements with a test case before and after, and every one newly without a test case.

    A diff has no test results, so it counts test cases, not passing tests (the site counts those)."""
    d = Sides(base, head, renames)
    old, new = d.readable(base), d.readable(head)
    counts = _verified(old), _verified(new)
    changes = []
    if counts[0] != counts[1]:
        summary = f"Must requirements with a test case went from {_share(*counts[0])} to {_share(*counts[1])}"
        before, after = ({"verified": v, "musts": m} for v, m in counts)
        changes.append(Change(Section.COVERAGE, "musts_verified", "", summary, before=before, after=after))
    named_before = {h: b for b, h in renames.items()}
    for uid in new.coverage.untested_musts:
        fid, _, rid = uid.partition(".")
        was_id = named_before.get(fid, fid)
        was = f"{was_id}.{rid}"
        # New only when BASE lacked the requirement or had it tested (a Should made a Must, or a feature
        # moved into planned work, is SG307's new finding, reported with the findings).
        lost = bool(old.ws.tests_by_requirement.get(was))
        if was in old.ws.requirements and not lost:
            continue
        feature, requirement = new.ws.features[fid], new.ws.requirements[uid]
        what = (
            f"Must requirement {rid} lost its last test case"
            if lost
            else f"new Must requirement {rid} has no test case"
        )
        changes.append(
            Change(
                Section.COVERAGE,
                "untested_must",
                fid,
                f"{what}: {plain(requirement.statement)}",
                title=plain(feature.title),
                path=d.path(fid, was_id),
                item=uid,
                before="tested" if lost else None,
                after="untested",
                external=feature.external,
            )
        )
    return changes


def _verified(an: Analysis) -> tuple[int, int]:
    """(Must requirements with a test case, Must requirements) of planned-or-later features."""
    musts = sum(
        1 for f in an.ws.features.values() if f.status in COUNTED for r in f.requirements if r.priority == "must"
    )
    return musts - len(an.coverage.untested_musts), musts


def _share(verified: int, musts: int) -> str:
    return f"{verified} of {musts}" + (f" ({number(100 * verified / musts, 0)}%)" if musts else "")
