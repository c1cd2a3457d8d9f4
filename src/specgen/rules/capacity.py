"""Capacity rules: a release's features against the capacity it states (SG323, SG324).

- SG323: the ``effort_weeks`` of a release's features add up to more than
  its ``capacity_weeks``;
- SG324: features whose requirements are all Must take more than 60% of it
  (MoSCoW's rule of thumb: Must work leaves the rest as contingency).

Both at the release's ``capacity_weeks``, for releases still to ship
(shipped and cancelled ones are history). The counting is
:mod:`specgen.capacity`'s, as the pages show it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from specgen.capacity import MUST_SHARE, Load, Work, load
from specgen.diagnostics import Diagnostic
from specgen.figures import number
from specgen.loader import Document

#: Releases whose capacity still matters.
_UPCOMING = frozenset({"planned", "in_progress", "slipped"})


def capacity_rules(documents: Sequence[Document]) -> Iterator[Diagnostic]:
    """SG323 and SG324 for the sound parts of ``documents``."""
    work = [w for d in documents if d.kind.name == "feature" and (w := _work(d.data)) is not None]
    for doc in documents:
        data = doc.data
        capacity = _positive(data.get("capacity_weeks"))
        if doc.kind.name != "release" or data.get("status") not in _UPCOMING or capacity is None:
            continue
        found = load(str(data.get("id")), capacity, work)
        if found.over:
            yield Diagnostic.of(
                "SG323",
                doc.path,
                f"{found.release}'s features need {number(found.total)} person-weeks, {number(found.over)} more "
                f"than its capacity of {number(found.capacity)}{_unsized(found)}",
                pointer=("capacity_weeks",),
                hint="move a feature to a later release, cut its scope, or state the capacity the team has",
            )
        if found.must_over:
            yield Diagnostic.of(
                "SG324",
                doc.path,
                f"features whose requirements are all Must take {number(found.must)} of {found.release}'s "
                f"{number(found.capacity)} person-weeks ({number(100 * (found.must_share or 0), 0)}%), more than "
                f"the {number(100 * MUST_SHARE, 0)}% that leaves room for what goes wrong",
                pointer=("capacity_weeks",),
                hint="make some requirements Should, or plan less Must work into the release",
            )


def _work(data: dict[str, object]) -> Work | None:
    ident, release = data.get("id"), data.get("release")
    if not isinstance(ident, str) or not isinstance(release, str) or data.get("status") == "wont_do":
        return None
    requirements = data.get("requirements")
    listed = requirements if isinstance(requirements, list) else []
    priorities = [r.get("priority") for r in listed if isinstance(r, dict)]
    return Work.of(ident, release, _positive(data.get("effort_weeks")), priorities)


def _positive(value: object) -> float | None:
    """A number the schema let through as positive, as a float; ``None`` for anything else."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    return None


def _unsized(found: Load) -> str:
    n = len(found.unsized)
    return f"; {n} of its features {'is' if n == 1 else 'are'} unsized and not counted" if n else ""
