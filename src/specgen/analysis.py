"""Analyze: the figures PMs need, computed from the model, never stored.

Rankings follow DOMAIN.md: absolute scores (not rescaled against other items,
so a diff in git means something), deterministic ties (higher cost of delay
first, then natural ID order), and an item missing an input is listed as
unscorable with the missing inputs named; nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from specgen.model import (
    Decision,
    Feature,
    Objective,
    Release,
    Risk,
    TestCase,
    Update,
    Workspace,
    natural_key,
)
from specgen.rules import PLANNED_OR_LATER

#: Features that are still to be built, and so are ranked on the backlog.
OPEN_STATUSES = ("idea", "discovery", "planned", "in_progress", "beta")
HORIZONS = ("now", "next", "later")
AUDIENCES = ("exec", "engineering", "sales_marketing", "support", "customer")
AUDIENCE_TITLES = {
    "exec": "Executives",
    "engineering": "Engineering",
    "sales_marketing": "Sales and marketing",
    "support": "Support",
    "customer": "Customers",
}
#: Two ranks further apart than this are flagged as a disagreement.
DISAGREEMENT_PLACES = 2


@dataclass(frozen=True)
class Score:
    feature: Feature
    value: float | None
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Framework:
    """One prioritization framework: how to score a feature, and what it needs."""

    key: str
    title: str
    formula: str
    score: Callable[[Feature], Score]


def _cd3(f: Feature) -> Score:
    s = f.scoring
    missing = tuple(
        n for n, v in (("cost_of_delay", s.cost_of_delay), ("duration_weeks", s.duration_weeks)) if v is None
    )
    if missing or s.cost_of_delay is None or s.duration_weeks is None:
        return Score(f, None, missing)
    return Score(f, s.cost_of_delay / s.duration_weeks)


def _wsjf(f: Feature) -> Score:
    w = f.scoring.wsjf
    if w is None:
        return Score(f, None, ("wsjf",))
    return Score(f, (w.business_value + w.time_criticality + w.risk_reduction) / w.job_size)


def _rice(f: Feature) -> Score:
    r = f.scoring.rice
    if r is None:
        return Score(f, None, ("rice",))
    return Score(f, r.reach * r.impact * (r.confidence / 100) / r.effort)


def _ice(f: Feature) -> Score:
    i = f.scoring.ice
    if i is None:
        return Score(f, None, ("ice",))
    return Score(f, float(i.impact * i.confidence * i.ease))


FRAMEWORKS: tuple[Framework, ...] = (
    Framework("cd3", "CD3", "cost of delay / duration (weeks)", _cd3),
    Framework("wsjf", "WSJF", "(business value + time criticality + risk reduction) / job size", _wsjf),
    Framework("rice", "RICE", "reach x impact x confidence / effort", _rice),
    Framework("ice", "ICE", "impact x confidence x ease (product)", _ice),
)


def _tie_key(f: Feature) -> tuple[float, tuple[object, ...]]:
    return (-(f.scoring.cost_of_delay or 0.0), natural_key(f.id))


@dataclass(frozen=True)
class Ranking:
    framework: Framework
    ranked: list[Score]
    unscorable: list[Score]

    @cached_property
    def rank_of(self) -> dict[str, int]:
        return {s.feature.id: i for i, s in enumerate(self.ranked, start=1)}


def rank(features: Iterable[Feature], framework: Framework) -> Ranking:
    """Rank by descending score; ties by higher cost of delay, then ID."""
    scores = [framework.score(f) for f in features]
    ranked = sorted((s for s in scores if s.value is not None), key=lambda s: (-(s.value or 0.0), *_tie_key(s.feature)))
    unscorable = sorted((s for s in scores if s.value is None), key=lambda s: natural_key(s.feature.id))
    return Ranking(framework, ranked, unscorable)


@dataclass(frozen=True)
class BacklogRow:
    feature: Feature
    scores: dict[str, float | None]
    ranks: dict[str, int | None]

    @property
    def disagreement(self) -> bool:
        """The frameworks rank this item more than DISAGREEMENT_PLACES apart."""
        return self.spread is not None and self.spread > DISAGREEMENT_PLACES

    @property
    def complete(self) -> bool:
        """Every framework could score this item."""
        return all(v is not None for v in self.scores.values())

    @property
    def spread(self) -> int | None:
        """How many places apart the highest and lowest rank are; None with fewer than two ranks."""
        known = [r for r in self.ranks.values() if r is not None]
        return max(known) - min(known) if len(known) > 1 else None


@dataclass(frozen=True)
class Sequencing:
    """Total cost of delay of doing the work in one order versus CD3 order."""

    current_order: list[Feature]
    cd3_order: list[Feature]
    current_total: float
    cd3_total: float

    @property
    def saving(self) -> float:
        return self.current_total - self.cd3_total


def total_cost_of_delay(order: Sequence[Feature]) -> float:
    """Sum over items of cost of delay x the week the item completes."""
    week, total = 0.0, 0.0
    for f in order:
        week += f.scoring.duration_weeks or 0.0
        total += (f.scoring.cost_of_delay or 0.0) * week
    return total


#: Pages that gather features (briefs, the test-case list) spell out each
#: feature's details up to this many features per section; past it they give
#: one row per feature, linked to its page. A brief of 500 features' requirements
#: is no brief, and a page that size is slow in any browser.
INLINE_LIMIT = 25


@dataclass(frozen=True)
class Coverage:
    requirements: int
    covered: int
    untested_musts: list[str]
    tests: int
    orphan_tests: list[str]
    automated: int
    passed: int
    failed: int
    skipped: int
    #: Test cases whose last result is not_run, or that have none yet.
    not_run: int

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.requirements if self.requirements else 100.0

    @property
    def automated_percent(self) -> float:
        return 100.0 * self.automated / self.tests if self.tests else 0.0

    @property
    def pass_rate(self) -> float | None:
        ran = self.passed + self.failed
        return 100.0 * self.passed / ran if ran else None


@dataclass(frozen=True)
class Analysis:
    """Everything the templates show that is computed rather than written."""

    ws: Workspace

    @cached_property
    def backlog(self) -> list[Feature]:
        return [f for f in self.ws.features.values() if f.status in OPEN_STATUSES]

    @cached_property
    def rankings(self) -> dict[str, Ranking]:
        return {fw.key: rank(self.backlog, fw) for fw in FRAMEWORKS}

    @cached_property
    def backlog_rows(self) -> list[BacklogRow]:
        """One row per open feature, in CD3 order, unscorable last."""
        cd3 = self.rankings["cd3"]
        order = [s.feature for s in cd3.ranked] + [s.feature for s in cd3.unscorable]
        rows = []
        for f in order:
            scores = {k: r.framework.score(f).value for k, r in self.rankings.items()}
            ranks = {k: r.rank_of.get(f.id) for k, r in self.rankings.items()}
            rows.append(BacklogRow(f, scores, ranks))
        return rows

    @cached_property
    def sequencing(self) -> Sequencing | None:
        """Planned order (release date, horizon, ID) against CD3 order."""
        scorable = [s.feature for s in self.rankings["cd3"].ranked]
        if len(scorable) < 2:
            return None
        current = sorted(scorable, key=self._plan_key)
        return Sequencing(current, scorable, total_cost_of_delay(current), total_cost_of_delay(scorable))

    def _plan_key(self, f: Feature) -> tuple[object, ...]:
        release = self.ws.releases.get(f.release or "")
        horizon = HORIZONS.index(f.horizon) if f.horizon in HORIZONS else len(HORIZONS)
        return (release.target_date if release else "9999-12-31", horizon, natural_key(f.id))

    @cached_property
    def coverage(self) -> Coverage:
        return self._coverage(self.ws.features.values(), list(self.ws.test_cases.values()))

    def coverage_of(self, feature: Feature) -> Coverage:
        """The coverage figures of one feature: its requirements and the test cases that verify them."""
        return self._coverage([feature], self.feature_tests(feature))

    def _coverage(self, features: Iterable[Feature], cases: list[TestCase]) -> Coverage:
        ws = self.ws
        by_req = ws.tests_by_requirement
        features = list(features)
        requirements = [r.uid for f in features for r in f.requirements]
        # The same scope as rule SG307: Must requirements of planned-or-later work.
        musts = [
            r.uid
            for f in features
            if f.status in PLANNED_OR_LATER
            for r in f.requirements
            if r.priority == "must" and not by_req.get(r.uid)
        ]
        results = [c.last_result.status for c in cases if c.last_result]
        return Coverage(
            requirements=len(requirements),
            covered=sum(1 for uid in requirements if by_req.get(uid)),
            untested_musts=musts,
            tests=len(cases),
            orphan_tests=[c.id for c in cases if not any(v in ws.requirements for v in c.verifies)],
            automated=sum(1 for c in cases if c.automation == "automated"),
            passed=results.count("pass"),
            failed=results.count("fail"),
            skipped=results.count("skip"),
            not_run=len(cases) - results.count("pass") - results.count("fail") - results.count("skip"),
        )

    @cached_property
    def untested_by_feature(self) -> list[tuple[Feature, list[str]]]:
        """The Must requirements without a test case, grouped by feature (features without any left out).

        Pages that gather show these as a count per feature, linked to the
        feature's page: 2,500 requirement IDs in one paragraph are read by no one.
        """
        groups: dict[str, list[str]] = {}
        for uid in self.coverage.untested_musts:
            groups.setdefault(self.ws.requirements[uid].feature, []).append(uid)
        return [(self.ws.features[fid], uids) for fid, uids in groups.items()]

    def features_of_objective(self, objective_id: str) -> list[Feature]:
        """Features that name ``objective_id`` among their objectives, in workspace order."""
        return [f for f in self.ws.features.values() if objective_id in f.objectives]

    def citing(self, evidence_id: str) -> list[Feature]:
        """Features that cite an evidence item, in workspace order."""
        return [f for f in self.ws.features.values() if evidence_id in f.evidence]

    def feature_coverage(self, feature: Feature) -> tuple[int, int]:
        """(requirements with a test, requirements) of one feature."""
        by_req = self.ws.tests_by_requirement
        return sum(1 for r in feature.requirements if by_req.get(r.uid)), len(feature.requirements)

    def by_horizon(self, features: Iterable[Feature] | None = None) -> dict[str, list[Feature]]:
        """Features on each horizon (won't-do and released work left out)."""
        pool = self.ws.features.values() if features is None else features
        return {h: [f for f in pool if f.horizon == h and f.status in OPEN_STATUSES] for h in HORIZONS}

    def lanes(self, horizon: str) -> list[tuple[Objective | None, list[Feature]]]:
        """Features of a horizon grouped by the first objective they serve."""
        groups: dict[str, list[Feature]] = {}
        for f in self.by_horizon()[horizon]:
            groups.setdefault(f.objectives[0] if f.objectives else "", []).append(f)
        return [
            (self.ws.objectives.get(k), v)
            for k, v in sorted(groups.items(), key=lambda kv: (kv[0] == "", natural_key(kv[0])))
        ]

    @cached_property
    def releases(self) -> list[Release]:
        return sorted(self.ws.releases.values(), key=lambda r: (r.target_date, natural_key(r.id)))

    def release_features(self, release: Release) -> list[Feature]:
        return [f for f in self.ws.features.values() if f.release == release.id]

    def slip_weeks(self, release: Release) -> float:
        if not release.baseline_date:
            return 0.0
        days = (date.fromisoformat(release.target_date) - date.fromisoformat(release.baseline_date)).days
        return max(0.0, days / 7)

    def slip_cost(self, release: Release) -> float:
        """Money cost of a slip: weeks late x the cost of delay of its open features."""
        weeks = self.slip_weeks(release)
        return weeks * sum(
            f.scoring.cost_of_delay or 0.0 for f in self.release_features(release) if f.status in OPEN_STATUSES
        )

    def latest_update(self, audience: str) -> Update | None:
        """The newest status update addressed to an audience."""
        candidates = [
            u
            for u in self.ws.updates.values()
            if (not u.audiences or audience in u.audiences) and (audience != "customer" or u.visibility == "external")
        ]
        return max(candidates, key=lambda u: (u.date, natural_key(u.id)), default=None)

    @cached_property
    def top_risks(self) -> list[tuple[Feature, Risk]]:
        """Risks of open features, highest likelihood x impact first."""
        risks = [(f, r) for f in self.ws.features.values() if f.status in OPEN_STATUSES for r in f.risks]
        return sorted(risks, key=lambda fr: (-fr[1].score, natural_key(fr[0].id)))

    @cached_property
    def open_decisions(self) -> list[Decision]:
        return [d for d in self.ws.decisions.values() if d.status == "proposed"]

    def tests_of(self, requirement_uid: str) -> list[TestCase]:
        return self.ws.tests_by_requirement.get(requirement_uid, [])

    def feature_tests(self, feature: Feature) -> list[TestCase]:
        """Test cases (of any feature) that verify a requirement of ``feature``, once each."""
        seen: dict[str, TestCase] = {}
        for r in feature.requirements:
            for t in self.tests_of(r.uid):
                seen.setdefault(t.id, t)
        return list(seen.values())

    def blockers(self, feature: Feature) -> list[Feature]:
        """Dependencies that have not shipped yet."""
        return [
            self.ws.features[d]
            for d in feature.depends_on
            if d in self.ws.features and self.ws.features[d].status not in ("released",)
        ]

    def dependents(self, feature: Feature) -> list[Feature]:
        """Features that depend on ``feature``, in workspace order."""
        return self._dependents.get(feature.id, [])

    @cached_property
    def _dependents(self) -> dict[str, list[Feature]]:
        index: dict[str, list[Feature]] = {}
        for f in self.ws.features.values():
            for d in dict.fromkeys(f.depends_on):
                index.setdefault(d, []).append(f)
        return index
