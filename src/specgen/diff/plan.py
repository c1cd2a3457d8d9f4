"""Plan comparisons: the backlog's ranks and cost of delay, and the releases' dates, confidence and scope.

Also home to what the plan comparisons share (:mod:`~specgen.diff.progress`
and :mod:`~specgen.diff.records` import it): :class:`Sides` pairs specs across
a diff through the renames and leaves out every spec whose file is broken on
either side. Figures are compared over the features both sides can read, so
that a file broken on one side does not shift every rank and total behind it.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, TypeVar

from specgen.analysis import OPEN_STATUSES, Analysis
from specgen.analysis.ranking import FRAMEWORKS
from specgen.diff.changes import SLIP, Change, Importance, Section
from specgen.diff.side import Side
from specgen.diff.words import spoken
from specgen.figures import number
from specgen.filters import money, plain
from specgen.kinds import natural_key
from specgen.model import Feature, Release

T = TypeVar("T")
Moves = dict[str, tuple[int | None, int | None]]
#: A feature whose rank moved by at least this many places in some framework is listed; the rest are counted.
LISTED_MOVE = 3
#: A summary names at most this many features (``details`` has them all).
NAMED = 10


@dataclass(frozen=True)
class Sides:
    """BASE and HEAD and the renames between them (BASE ID -> HEAD ID): what every plan comparison reads."""

    base: Side
    head: Side
    renames: Mapping[str, str]

    @cached_property
    def skip(self) -> frozenset[str]:
        """The IDs (as HEAD names them) whose file is broken on either side: nothing is compared about them."""
        return frozenset(self.head.broken_ids) | {self.renamed(b) for b in self.base.broken_ids}

    def renamed(self, base_id: str) -> str:
        return self.renames.get(base_id, base_id)

    def match(
        self, before: Mapping[str, T], after: Mapping[str, T]
    ) -> tuple[list[tuple[str, T, T]], list[tuple[str, T]], list[tuple[str, T]]]:
        """Specs of one kind paired by ID, a renamed one with its new self: the (HEAD ID, before, after)
        pairs, the (BASE ID, spec) removed and the (HEAD ID, spec) added; broken ones left out."""
        mapped = {self.renamed(k): (k, v) for k, v in before.items()}
        both = [(k, mapped[k][1], v) for k, v in after.items() if k in mapped and k not in self.skip]
        removed = [(b, v) for k, (b, v) in mapped.items() if k not in after and k not in self.skip]
        added = [(k, v) for k, v in after.items() if k not in mapped and k not in self.skip]
        return both, removed, added

    def path(self, head_id: str, base_id: str | None = None) -> str:
        """The spec file a change links to: at HEAD, else at BASE."""
        return self.head.paths.get(head_id) or self.base.paths.get(base_id or head_id, "")

    def money(self, value: float) -> str:
        product = self.head.ws.product or self.base.ws.product
        return money(value, product.currency if product else "")

    def readable(self, side: Side) -> Analysis:
        """A side's analysis over the features both sides can read (its own analysis when that is all)."""
        names = self.renames if side is self.base else {}
        features = {k: f for k, f in side.ws.features.items() if names.get(k, k) not in self.skip}
        if len(features) == len(side.ws.features):
            return side.analysis
        return Analysis(dataclasses.replace(side.ws, features=features))


def pair(
    before: Sequence[T], after: Sequence[T], key: Callable[[T], Hashable]
) -> tuple[list[tuple[T, T]], list[T], list[T]]:
    """Items without IDs paired across a diff: by ``key`` first (a reordered list still pairs), then the
    rest in order (a reworded item in its place is a change, not a removal and an addition).
    Returns the pairs, the items removed and the items added."""
    waiting: dict[Hashable, deque[int]] = {}
    for j, item in enumerate(after):
        waiting.setdefault(key(item), deque()).append(j)
    pairs: dict[int, int] = {}
    for i, item in enumerate(before):
        if waiting.get(key(item)):
            pairs[i] = waiting[key(item)].popleft()
    taken = set(pairs.values())
    rest = [i for i in range(len(before)) if i not in pairs]
    pairs.update(zip(rest, (j for j in range(len(after)) if j not in taken), strict=False))
    matched = set(pairs.values())
    return (
        [(before[i], after[pairs[i]]) for i in sorted(pairs)],
        [x for i, x in enumerate(before) if i not in pairs],
        [x for j, x in enumerate(after) if j not in matched],
    )


def named(ids: Sequence[str]) -> str:
    """A list for a summary: the first :data:`NAMED`, then how many more."""
    more = len(ids) - NAMED
    return ", ".join(ids[:NAMED]) + (f" and {more} more" if more > 0 else "")


def compare_backlog(base: Side, head: Side, renames: Mapping[str, str]) -> list[Change]:
    """Ranks of rescored features, features that moved a few places, and the planned sequence's cost of delay."""
    d = Sides(base, head, renames)
    old, new = d.readable(base), d.readable(head)
    ranks = {
        fw.key: ({d.renamed(k): r for k, r in old.rankings[fw.key].rank_of.items()}, new.rankings[fw.key].rank_of)
        for fw in FRAMEWORKS
    }
    changes: list[Change] = []
    small = 0
    for hid, was, now in d.match(old.ws.features, new.ws.features)[0]:
        moves = {key: (b.get(hid), a.get(hid)) for key, (b, a) in ranks.items()}
        if was.scoring != now.scoring and (was.status in OPEN_STATUSES or now.status in OPEN_STATUSES):
            changes.append(_ranked(d, hid, was, now, moves, "scoring"))
            continue
        # A feature that entered or left the backlog (or a framework's ranking) has no move of its own.
        places = [abs(b - a) for b, a in moves.values() if b is not None and a is not None and b != a]
        if places and max(places) >= LISTED_MOVE:
            changes.append(_ranked(d, hid, was, now, moves, "rank"))
        elif places:
            small += 1
    if small:
        summary = f"{small} other feature{'s' if small > 1 else ''} moved one or two places"
        changes.append(
            Change(Section.BACKLOG, "small_rank_moves", "", summary, Importance.DETAIL, details={"count": small})
        )
    return changes + _cost_of_delay(d, old, new)


def _ranked(d: Sides, hid: str, was: Feature, now: Feature, moves: Moves, kind: str) -> Change:
    """A feature's ranks before and after: rescored (``scoring``) or moved by the others (``rank``)."""
    details: dict[str, Any] = {}
    told, same = [], []
    for fw in FRAMEWORKS:
        b, a = moves[fw.key]
        details[fw.key] = {
            "before": b,
            "after": a,
            "score_before": fw.score(was).value,
            "score_after": fw.score(now).value,
        }
        if b != a:
            told.append(f"{fw.title} rank from {_place(b)} to {_place(a)}")
        elif b is not None:
            same.append(fw.title)
    summary = (
        "; ".join([", ".join(told)] + ([f"unchanged in {', '.join(same)}"] if same else []))
        if told
        else "ranks unchanged"
    )
    change = Change(
        Section.BACKLOG,
        kind,
        hid,
        summary + (" (its own scoring did not change)" if kind == "rank" else ""),
        Importance.NOTABLE if told else Importance.DETAIL,
        title=plain(now.title),
        path=d.path(hid, was.id),
        external=now.external,
        details=details,
    )
    if kind == "rank":
        return change
    inputs = [
        f.name for f in dataclasses.fields(was.scoring) if getattr(was.scoring, f.name) != getattr(now.scoring, f.name)
    ]
    return dataclasses.replace(
        change,
        summary=f"scoring inputs changed ({', '.join(inputs)}): {summary}",
        before=dataclasses.asdict(was.scoring),
        after=dataclasses.asdict(now.scoring),
    )


def _place(rank: int | None) -> str:
    return "unranked" if rank is None else str(rank)


def _cost_of_delay(d: Sides, old: Analysis, new: Analysis) -> list[Change]:
    """The planned sequence's total cost of delay, when it changed (``None``: fewer than two scorable features)."""
    before = round(old.sequencing.current_total, 2) if old.sequencing else None
    after = round(new.sequencing.current_total, 2) if new.sequencing else None
    if before == after:
        return []
    what = "total cost of delay of the planned sequence"
    if before is None:
        summary = f"{what} is {d.money(after or 0.0)}, where fewer than two features could be scored before"
    elif after is None:
        summary = f"{what} can no longer be computed (fewer than two features can be scored); it was {d.money(before)}"
    else:
        more = "more" if after > before else "less"
        summary = f"{what} went from {d.money(before)} to {d.money(after)} ({d.money(abs(after - before))} {more})"
    details = {
        "cd3_before": old.sequencing and old.sequencing.cd3_total,
        "cd3_after": new.sequencing and new.sequencing.cd3_total,
    }
    return [Change(Section.BACKLOG, "cost_of_delay", "", summary, before=before, after=after, details=details)]


def compare_releases(base: Side, head: Side, renames: Mapping[str, str]) -> list[Change]:
    """Target and baseline dates, confidence and status of each release, and the features moved in or out."""
    d = Sides(base, head, renames)
    changes = [
        c for hid, was, now in d.match(base.ws.releases, head.ws.releases)[0] for c in _release(d, hid, was, now)
    ]
    return changes + _scopes(d)


def _release(d: Sides, hid: str, was: Release, now: Release) -> list[Change]:
    external = now.visibility == "external"

    def made(kind: str, summary: str, before: str | None, after: str | None, public: bool = False) -> Change:
        return Change(
            Section.RELEASES,
            kind,
            hid,
            summary,
            title=plain(now.name),
            path=d.path(hid, was.id),
            before=before,
            after=after,
            external=external,
            public_summary=summary if public and external else None,
        )

    changes = []
    if was.target_date != now.target_date:
        changes.append(_target_date(d, was, now, made("target_date", "", was.target_date, now.target_date)))
    if was.baseline_date != now.baseline_date:
        summary = _moved("baseline date", was.baseline_date, now.baseline_date)
        changes.append(made("baseline_date", summary, was.baseline_date, now.baseline_date))
    if was.date_confidence != now.date_confidence:
        summary = f"date confidence changed from {spoken(was.date_confidence)} to {spoken(now.date_confidence)}"
        changes.append(made("date_confidence", summary, was.date_confidence, now.date_confidence))
    if was.status != now.status:
        summary = f"status changed from {spoken(was.status)} to {spoken(now.status)}"
        changes.append(made("status", summary, was.status, now.status, public=True))
    return changes


def _moved(what: str, before: str | None, after: str | None) -> str:
    if before is None:
        return f"{what} set to {after}"
    if after is None:
        return f"{what} removed (was {before})"
    return f"{what} moved from {before} to {after}"


def _target_date(d: Sides, was: Release, now: Release, change: Change) -> Change:
    """A moved target date; later is a slip, costing its weeks x the cost of delay of the release's open work."""
    summary = _moved("target date", was.target_date, now.target_date)
    days = (date.fromisoformat(now.target_date) - date.fromisoformat(was.target_date)).days
    span = f"{number(abs(days) / 7)} week{'' if abs(days) == 7 else 's'}"
    if days < 0:
        return dataclasses.replace(change, summary=f"{summary}: {span} earlier", details={"weeks": days / 7})
    # The site's rule (Analysis.slip_cost) with BASE's target date standing for the baseline.
    cost = d.head.analysis.slip_cost(dataclasses.replace(now, baseline_date=was.target_date))
    summary += f": a slip of {span}" + (f", costing {d.money(cost)} of delay" if cost else "")
    return dataclasses.replace(
        change,
        summary=summary,
        importance=Importance.ALERT if now.status not in ("shipped", "cancelled") else Importance.NOTABLE,
        flags=frozenset({SLIP}),
        details={"weeks": days / 7, "cost_of_delay": cost},
    )


def _scopes(d: Sides) -> list[Change]:
    """One change per release whose features (by each feature's ``release``) differ, a renamed feature kept."""

    def members(side: Side, names: Mapping[str, str]) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for fid, f in side.ws.features.items():
            if f.release and names.get(fid, fid) not in d.skip:
                found.setdefault(names.get(f.release, f.release), set()).add(names.get(fid, fid))
        return found

    was, now = members(d.base, d.renames), members(d.head, {})
    releases = {d.renamed(k): r for k, r in d.base.ws.releases.items()} | d.head.ws.releases
    changes = []
    for rid, release in releases.items():
        old_ids, new_ids = was.get(rid, set()), now.get(rid, set())
        if old_ids == new_ids or rid in d.skip:
            continue
        added, removed = (sorted(ids, key=natural_key) for ids in (new_ids - old_ids, old_ids - new_ids))
        before, after = (sorted(ids, key=natural_key) for ids in (old_ids, new_ids))
        told = [f"{verb} {named(ids)}" for verb, ids in (("added", added), ("removed", removed)) if ids]
        external = release.visibility == "external"
        changes.append(
            Change(
                Section.RELEASES,
                "scope",
                rid,
                f"scope changed: features {' and '.join(told)}",
                title=plain(release.name),
                path=d.path(rid, release.id),
                before=before,
                after=after,
                external=external,
                public_summary=_public_scope(d, added, removed) if external else None,
                details={"added": added, "removed": removed},
            )
        )
    return changes


def _public_scope(d: Sides, added: list[str], removed: list[str]) -> str | None:
    """A scope change as customers may read it: external features only (on every side they exist), by title."""
    old = {d.renamed(k): f for k, f in d.base.ws.features.items()}

    def titles(ids: list[str]) -> list[str]:
        sides = [[f for f in (old.get(fid), d.head.ws.features.get(fid)) if f is not None] for fid in ids]
        return [plain(s[-1].title) for s in sides if all(f.external for f in s)]

    told = [f"{verb} {named(t)}" for verb, t in (("added", titles(added)), ("removed", titles(removed))) if t]
    return f"features {' and '.join(told)}" if told else None
