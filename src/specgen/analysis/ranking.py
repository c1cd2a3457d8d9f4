"""Rankings: cost of delay, CD3, WSJF, RICE and ICE, and what the order of work costs.

Scores are absolute (not rescaled against other items, so a diff in git
means something), ties are deterministic (higher cost of delay first, then
natural ID order), and an item missing an input is listed as unscorable with
the missing inputs named; nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from specgen.kinds import natural_key
from specgen.model import Feature

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
