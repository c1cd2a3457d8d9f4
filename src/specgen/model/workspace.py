"""The workspace: every spec, typed, with the indexes templates need and the view customers may see."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from specgen.model.entities import (
    Decision,
    Evidence,
    Feature,
    ImportSummary,
    KeyResult,
    Objective,
    Persona,
    Product,
    Release,
    Requirement,
    Stakeholder,
    TestCase,
    Update,
)


@dataclass(frozen=True)
class Workspace:
    """Every spec of a workspace, typed, with the indexes templates need."""

    product: Product | None
    objectives: dict[str, Objective]
    personas: dict[str, Persona]
    stakeholders: dict[str, Stakeholder]
    evidence: dict[str, Evidence]
    features: dict[str, Feature]
    releases: dict[str, Release]
    decisions: dict[str, Decision]
    updates: dict[str, Update]
    #: What importing test results (``--results``) left over, for the test-cases page; ``None``: none imported.
    imported: ImportSummary | None = None
    #: How the roadmap lanes its features, ``objective`` or ``team`` (``roadmap.lanes`` in specgen.yaml).
    lanes: str = "objective"
    #: The teams specgen.yaml lists, in its order.
    teams: tuple[str, ...] = ()

    @cached_property
    def requirements(self) -> dict[str, Requirement]:
        return {r.uid: r for f in self.features.values() for r in f.requirements}

    @cached_property
    def key_results(self) -> dict[str, KeyResult]:
        """The key results that have an ID, by full ID (``OBJ-1.KR2``)."""
        return {k.uid: k for o in self.objectives.values() for k in o.key_results if k.uid}

    @cached_property
    def test_cases(self) -> dict[str, TestCase]:
        return {t.id: t for f in self.features.values() for t in f.test_cases}

    @cached_property
    def tests_by_requirement(self) -> dict[str, list[TestCase]]:
        index: dict[str, list[TestCase]] = {uid: [] for uid in self.requirements}
        for case in self.test_cases.values():
            for uid in case.verifies:
                index.setdefault(uid, []).append(case)
        return index

    def public(self) -> Workspace:
        """What a customer-facing page may see: external items only.

        Customer-facing templates get this view instead of the whole
        workspace, so no template, packaged or the workspace's own, can show an
        internal feature, a person, a risk, a score, a test or personal data
        there: they are not in the data it is given.
        """

        def external(table: dict[str, Any]) -> dict[str, Any]:
            return {k: v for k, v in table.items() if v.visibility == "external"}

        releases = external(self.releases)
        features = {
            fid: Feature(
                id=f.id,
                title=f.title,
                status=f.status,
                owner="",
                problem=f.problem,
                summary=f.summary,
                visibility=f.visibility,
                horizon=f.horizon,
                release=f.release if f.release in releases else None,
                non_goals=f.non_goals,
                release_note=f.release_note,
                known_limitations=f.known_limitations,
                source="",
            )
            for fid, f in external(self.features).items()
        }
        # The product as customers may see it: its name and promise, never the business case
        # (revenue model, market, alternatives) or who it is for internally.
        product = self.product and dataclasses.replace(
            self.product,
            owner="",
            business_case=None,
            vision=dataclasses.replace(self.product.vision, for_whom=[], why_now=""),
            source="",
        )
        return Workspace(
            product=product,
            objectives={},
            personas={},
            stakeholders={},
            evidence={},
            features=features,
            # No dates of any kind (customers see Now/Next/Later), no exit criteria, no owner.
            releases={
                k: dataclasses.replace(
                    r,
                    owner=None,
                    target_date="",
                    baseline_date=None,
                    date_confidence=None,
                    capacity_weeks=None,
                    exit_criteria=[],
                    source="",
                )
                for k, r in releases.items()
            },
            decisions={},
            updates={
                k: dataclasses.replace(u, author=None, asks=[], source="") for k, u in external(self.updates).items()
            },
        )

    def name_of(self, ident: str) -> str:
        """A human name for any ID: a stakeholder's name, a feature's title ..."""
        for table in (self.stakeholders, self.personas):
            if ident in table:
                return table[ident].name
        for titled in (self.features, self.objectives, self.decisions):
            if ident in titled:
                return titled[ident].title
        if ident in self.releases:
            return self.releases[ident].name
        return ident
