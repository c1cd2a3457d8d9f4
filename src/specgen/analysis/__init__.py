"""Analyze: the figures PMs need, computed from the model, never stored.

:mod:`~specgen.analysis.ranking` ranks the backlog (DOMAIN.md's frameworks),
:mod:`~specgen.analysis.headlines` computes each page's headline numbers, and
:class:`Analysis` gathers what the templates show: coverage, the roadmap's
lanes, releases, risks, decisions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from specgen.analysis import headlines
from specgen.analysis.headlines import MustGaps, MustVerified, ResultCounts
from specgen.analysis.ranking import FRAMEWORKS, BacklogRow, Ranking, Sequencing, rank, total_cost_of_delay
from specgen.capacity import Fill, Load, Work, fill, load
from specgen.kinds import natural_key
from specgen.model import (
    Decision,
    Feature,
    Objective,
    Release,
    Risk,
    TestCase,
    Update,
    Workspace,
)

__all__ = [
    "AUDIENCES",
    "AUDIENCE_TITLES",
    "FRAMEWORKS",
    "HORIZONS",
    "INLINE_LIMIT",
    "Analysis",
    "rank",
    "total_cost_of_delay",
]

#: Features that are still to be built, and so are ranked on the backlog.
OPEN_STATUSES = headlines.OPEN
HORIZONS = ("now", "next", "later")
#: Releases whose plan can still change, and so whose capacity the what-if fills.
UPCOMING_RELEASES = ("planned", "in_progress", "slipped")
AUDIENCES = ("exec", "engineering", "sales_marketing", "support", "customer")
AUDIENCE_TITLES = {
    "exec": "Executives",
    "engineering": "Engineering",
    "sales_marketing": "Sales and marketing",
    "support": "Support",
    "customer": "Customers",
}
#: Pages that gather features (briefs, the test-case list) spell out each
#: feature's details up to this many features per section; past it they give
#: one row per feature, linked to its page. A brief of 500 features' requirements
#: is no brief, and a page that size is slow in any browser.
INLINE_LIMIT = 25


@dataclass(frozen=True)
class Coverage:
    requirements: int
    covered: int
    #: Every Must requirement without a test case, by what its feature's status means.
    gaps: MustGaps
    tests: int
    orphan_tests: list[str]
    automated: int
    #: The test cases' latest results (not run includes those with none yet).
    results: ResultCounts

    @property
    def untested_musts(self) -> list[str]:
        """Must requirements without a test case in planned-or-later features (SG307's scope)."""
        return list(self.gaps.counted)

    @property
    def percent(self) -> float:
        return headlines.percent(self.covered, self.requirements, empty=100.0)

    @property
    def automated_percent(self) -> float:
        return headlines.percent(self.automated, self.tests, empty=0.0)

    @property
    def pass_rate(self) -> float | None:
        """Percent of the tests that ran (passed, failed or error) that passed; ``None`` when none ran."""
        return self.results.pass_rate


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
        # The same scope as rule SG307 (Must requirements of planned-or-later work), with the rest kept
        # beside it so that a page can say what the count leaves out.
        return Coverage(
            requirements=len(requirements),
            covered=sum(1 for uid in requirements if by_req.get(uid)),
            gaps=headlines.must_gaps(ws, features),
            tests=len(cases),
            orphan_tests=[c.id for c in cases if not any(v in ws.requirements for v in c.verifies)],
            automated=sum(1 for c in cases if c.automation == "automated"),
            results=headlines.result_counts(cases),
        )

    @cached_property
    def headline_test_cases(self) -> headlines.TestCasesHeadline:
        """The figures that lead the test-cases page (:func:`specgen.analysis.headlines.for_test_cases`)."""
        return headlines.for_test_cases(self.ws)

    @cached_property
    def headline_engineering(self) -> headlines.EngineeringHeadline:
        """The figures of the engineering brief's coverage gaps (:func:`headlines.for_engineering_brief`)."""
        return headlines.for_engineering_brief(self.ws)

    @cached_property
    def headline_exec(self) -> headlines.ExecHeadline:
        """The executive brief's test figures (:func:`specgen.analysis.headlines.for_exec_brief`)."""
        return headlines.for_exec_brief(self.ws)

    def must_verified_of(self, feature: Feature) -> MustVerified:
        """One feature's Must requirements by whether a passing test verifies them."""
        return headlines.must_verified(self.ws, [feature])

    @cached_property
    def failing_released(self) -> list[tuple[Feature, list[TestCase]]]:
        """Beta and shipped features with test cases whose latest result is failed or error (SG413's findings)."""
        found = []
        for f in self.ws.features.values():
            if f.status in ("beta", "shipped"):
                failing = [t for t in f.test_cases if headlines.result_of(t) in ("failed", "error")]
                if failing:
                    found.append((f, failing))
        return found

    @cached_property
    def headline_home(self) -> headlines.HomeHeadline:
        """The home page's "At a glance" figures (:func:`specgen.analysis.headlines.for_home`)."""
        return headlines.for_home(self.ws)

    def results_of(self, cases: Iterable[TestCase]) -> ResultCounts:
        """The result counts of some test cases (a feature's own, on its page)."""
        return headlines.result_counts(cases)

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
        """Features on each horizon (won't-do and shipped work left out)."""
        pool = self.ws.features.values() if features is None else features
        return {h: [f for f in pool if f.horizon == h and f.status in OPEN_STATUSES] for h in HORIZONS}

    def team_lanes(self, horizon: str) -> list[tuple[str | None, list[Feature]]]:
        """Features of a horizon grouped by team, in the order specgen.yaml lists the teams; no team last."""
        groups: dict[str, list[Feature]] = {}
        for f in self.by_horizon()[horizon]:
            groups.setdefault(f.team or "", []).append(f)
        order = {t: i for i, t in enumerate(self.ws.teams)}
        return [
            (k or None, v)
            for k, v in sorted(groups.items(), key=lambda kv: (kv[0] == "", order.get(kv[0], len(order)), kv[0]))
        ]

    def lanes(self, horizon: str) -> list[tuple[Objective | None, list[Feature]]]:
        """Features of a horizon grouped by objective, a feature under each objective it serves.

        A feature that serves two objectives is listed under both (pages mark
        it shared, see :meth:`also_serves`), so that each objective's lane
        shows all the work that moves it. Features that serve no objective
        the view knows (none, or only internal ones on a public view) share
        the lane without an objective.
        """
        groups: dict[str, list[Feature]] = {}
        for f in self.by_horizon()[horizon]:
            known = [o for o in dict.fromkeys(f.objectives) if o in self.ws.objectives]
            for key in known or [""]:
                groups.setdefault(key, []).append(f)
        return [
            (self.ws.objectives.get(k), v)
            for k, v in sorted(groups.items(), key=lambda kv: (kv[0] == "", natural_key(kv[0])))
        ]

    def also_serves(self, feature: Feature, objective: Objective | None) -> list[str]:
        """The other objectives ``feature`` serves, beside ``objective`` (its lane): the mark of shared work."""
        here = objective.id if objective else ""
        return [o for o in dict.fromkeys(feature.objectives) if o != here and o in self.ws.objectives]

    @cached_property
    def releases(self) -> list[Release]:
        return sorted(self.ws.releases.values(), key=lambda r: (r.target_date, natural_key(r.id)))

    def release_features(self, release: Release) -> list[Feature]:
        return [f for f in self.ws.features.values() if f.release == release.id]

    @cached_property
    def _work(self) -> list[Work]:
        """Every feature but those won't do, as capacity counts it (see :mod:`specgen.capacity`)."""
        return [
            Work.of(f.id, f.release, f.effort_weeks, [r.priority for r in f.requirements])
            for f in self.ws.features.values()
            if f.status != "wont_do"
        ]

    def load(self, release: Release) -> Load:
        """The release's features (won't-do aside) against its capacity."""
        return load(release.id, release.capacity_weeks, self._work)

    @cached_property
    def has_capacity(self) -> bool:
        """Whether any release states a capacity or any feature an effort: else the pages say nothing of it."""
        return any(r.capacity_weeks for r in self.ws.releases.values()) or any(
            f.effort_weeks is not None for f in self.ws.features.values()
        )

    @cached_property
    def upcoming_capacity(self) -> list[Release]:
        """Releases still to ship that state a capacity, by target date: what the what-if fills."""
        return [r for r in self.releases if r.status in UPCOMING_RELEASES and r.capacity_weeks]

    @cached_property
    def fills(self) -> dict[str, Fill]:
        """Where the open features land in the upcoming releases, taken in CD3 order and in planned order."""
        releases = [(r.id, r.capacity_weeks or 0.0) for r in self.upcoming_capacity]
        work = {w.id: w for w in self._work}
        orders = {
            "cd3": [row.feature for row in self.backlog_rows],  # CD3 order, unscorable last
            "plan": sorted(self.backlog, key=self._plan_key),
        }
        return {name: fill([work[f.id] for f in order if f.id in work], releases) for name, order in orders.items()}

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
        risks = [
            (f, r)
            for f in self.ws.features.values()
            if f.status in OPEN_STATUSES
            for r in f.risks
            if r.status != "closed"  # a closed risk can no longer happen: no brief lists it
        ]
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
            if d in self.ws.features and self.ws.features[d].status not in ("shipped",)
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
