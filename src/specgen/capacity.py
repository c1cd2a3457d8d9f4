"""Capacity: each release's load against the capacity it states, and which work fits the releases to come.

A release states ``capacity_weeks`` (person-weeks its team has); a feature
states ``effort_weeks`` (person-weeks it takes). A release's load is the
effort of its features, all but those marked won't do; features without an
effort are unsized and counted apart, never as zero. MoSCoW's rule of thumb
is that Must work takes at most 60% of the capacity, so that the Shoulds and
Coulds are the contingency: features whose requirements are all Must count as
Must work here.

The what-if (:func:`fill`) takes work in an order (CD3, or the plan) and the
upcoming releases by target date, and fills them in that order without
skipping: a feature that does not fit in what is left of a release starts
the next one, and no later feature goes back to fill the gap, since doing
the work in this order is the point of the order.

The functions read plain records (:class:`Work`), so the check's rules (from
the documents) and the pages (from the model) count alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: MoSCoW's rule of thumb: Must work takes at most this share of the capacity.
MUST_SHARE = 0.6


@dataclass(frozen=True)
class Work:
    """A feature as capacity sees it."""

    id: str
    release: str | None
    #: Person-weeks; ``None``: unsized.
    effort: float | None
    #: Whether every requirement it has is a Must (and it has some).
    must_only: bool = False

    @classmethod
    def of(cls, ident: str, release: str | None, effort: float | None, priorities: Sequence[object]) -> Work:
        """A feature from its ID, release, effort and its requirements' priorities."""
        return cls(ident, release, effort, bool(priorities) and all(p == "must" for p in priorities))


@dataclass(frozen=True)
class Load:
    """A release's features against its capacity."""

    release: str
    capacity: float | None
    #: (feature, effort) of the sized features, in the order given.
    sized: tuple[tuple[str, float], ...]
    unsized: tuple[str, ...]
    #: Effort of the features whose requirements are all Must.
    must: float

    @property
    def total(self) -> float:
        return sum(effort for _, effort in self.sized)

    @property
    def share(self) -> float | None:
        """The load as a share of the capacity; ``None`` without a capacity."""
        return self.total / self.capacity if self.capacity else None

    @property
    def over(self) -> float:
        """Person-weeks beyond the capacity (0 within it, or without one)."""
        return max(0.0, self.total - self.capacity) if self.capacity else 0.0

    @property
    def must_share(self) -> float | None:
        return self.must / self.capacity if self.capacity else None

    @property
    def must_over(self) -> bool:
        """Whether Must work takes more than :data:`MUST_SHARE` of the capacity."""
        return self.capacity is not None and self.must > MUST_SHARE * self.capacity


def load(release: str, capacity: float | None, work: Iterable[Work]) -> Load:
    """The load of ``release`` from the work planned into it."""
    mine = [w for w in work if w.release == release]
    sized = tuple((w.id, w.effort) for w in mine if w.effort is not None)
    return Load(
        release=release,
        capacity=capacity,
        sized=sized,
        unsized=tuple(w.id for w in mine if w.effort is None),
        must=sum(w.effort for w in mine if w.effort is not None and w.must_only),
    )


@dataclass(frozen=True)
class Fill:
    """Where work in one order lands in the upcoming releases."""

    #: (release, capacity, the features that fit in it, person-weeks they take), in release order.
    releases: tuple[tuple[str, float, tuple[str, ...], float], ...]
    #: Sized features that fit in none of them (the order ran past the last release).
    beyond: tuple[str, ...]
    #: Features with no effort: they cannot be placed.
    unsized: tuple[str, ...]


def fill(order: Sequence[Work], releases: Sequence[tuple[str, float]]) -> Fill:
    """Fill ``releases`` (id, capacity; in the order they ship) with ``order``, without skipping."""
    placed: list[list[str]] = [[] for _ in releases]
    used = [0.0 for _ in releases]
    at = 0
    beyond: list[str] = []
    for w in order:
        if w.effort is None:
            continue
        while at < len(releases) and used[at] + w.effort > releases[at][1]:
            at += 1
        if at == len(releases):
            beyond.append(w.id)
            continue
        placed[at].append(w.id)
        used[at] += w.effort
    return Fill(
        releases=tuple((rid, cap, tuple(placed[i]), used[i]) for i, (rid, cap) in enumerate(releases)),
        beyond=tuple(beyond),
        unsized=tuple(w.id for w in order if w.effort is None),
    )
