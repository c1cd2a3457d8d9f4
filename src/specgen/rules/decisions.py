"""Decision rules: what superseded a decision (SG325).

``superseded_by`` is set exactly when the status is ``superseded``: a
decision replaced by nothing, or replaced but still standing, is a record no
reader can trust. Decisions may not supersede each other in a cycle (a chain
that comes back to where it started has no decision in force). That the
target exists and is a decision is a reference rule (SG303, SG304).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from specgen.diagnostics import Diagnostic
from specgen.kinds import natural_key
from specgen.loader import Document


def decision_rules(documents: Sequence[Document]) -> Iterator[Diagnostic]:
    """SG325 for the sound parts of the decisions among ``documents``."""
    decisions = [d for d in documents if d.kind.name == "decision" and isinstance(d.data.get("id"), str)]
    replaced_by: dict[str, str] = {}
    where: dict[str, Document] = {}
    for doc in decisions:
        ident, status, target = doc.data["id"], doc.data.get("status"), doc.data.get("superseded_by")
        where[ident] = doc
        if isinstance(target, str):
            replaced_by[ident] = target
        if status == "superseded" and not isinstance(target, str):
            yield Diagnostic.of(
                "SG325",
                doc.path,
                f"{ident} is superseded, but superseded_by does not say by which decision",
                pointer=("status",),
                hint="add superseded_by: DEC-… naming the decision that replaced it",
            )
        elif isinstance(target, str) and "status" in doc.data and status != "superseded":
            yield Diagnostic.of(
                "SG325",
                doc.path,
                f"{ident} names {target} in superseded_by, but its status is {status}, not superseded",
                pointer=("superseded_by",),
                hint="set status: superseded, or remove superseded_by",
            )
    yield from _cycles(replaced_by, where)


def _cycles(replaced_by: dict[str, str], where: dict[str, Document]) -> Iterator[Diagnostic]:
    """One SG325 per cycle of ``superseded_by``, at the decision of the lowest ID in it."""
    done: set[str] = set()
    for start in sorted(replaced_by, key=natural_key):
        path: list[str] = []
        seen: dict[str, int] = {}
        ident: str | None = start
        while ident is not None and ident not in done and ident not in seen:
            seen[ident] = len(path)
            path.append(ident)
            ident = replaced_by.get(ident)
        if ident is not None and ident in seen:
            cycle = path[seen[ident] :]
            first = min(cycle, key=natural_key)
            turn = cycle.index(first)
            ordered = [*cycle[turn:], *cycle[:turn], first]
            doc = where[first]
            yield Diagnostic.of(
                "SG325",
                doc.path,
                f"decisions supersede each other in a cycle: {' -> '.join(ordered)}, so none of them is in force",
                pointer=("superseded_by",),
                hint="the newest decision is superseded by none: remove its superseded_by",
            )
        done.update(path)
