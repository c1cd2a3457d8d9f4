"""Rules about the plan: dependency cycles, untested Must requirements, release order, unaligned work.

They read the schema-valid parts of every document (:mod:`specgen.rules.valid`):
each skips a document only when a top-level key it reads has a schema error,
so a feature with a misspelt status still has its dependencies checked.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from specgen import suggest
from specgen.diagnostics import Diagnostic
from specgen.rules.identity import resolve_requirement
from specgen.rules.valid import Valid

PLANNED_OR_LATER = frozenset({"planned", "in_progress", "beta", "shipped"})


def plan_rules(valid: Sequence[Valid]) -> Iterator[Diagnostic]:
    """SG305 and SG307 to SG309, over the sound parts of ``valid``."""
    yield from _cycles(valid)
    yield from _untested_musts(valid)
    yield from _release_order(valid)
    yield from _unaligned_work(valid)


def _features(valid: Sequence[Valid], *keys: str) -> dict[str, Valid]:
    """The features whose ``id`` and ``keys`` are sound, by ID."""
    return {v.data["id"]: v for v in valid if v.kind.name == "feature" and v.fits("id", *keys) and "id" in v.data}


def _cycles(valid: Sequence[Valid]) -> Iterator[Diagnostic]:
    features = _features(valid, "depends_on")
    graph = {fid: [d for d in doc.data.get("depends_on", []) if d in features] for fid, doc in features.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    reported: set[frozenset[str]] = set()
    for start in sorted(graph):
        if state.get(start):
            continue
        path: list[str] = [start]
        stack: list[Iterator[str]] = [iter(graph[start])]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                cycle = path[path.index(nxt) :]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    yield _cycle_diagnostic(features, cycle)
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(graph[nxt]))


def _cycle_diagnostic(features: dict[str, Valid], cycle: list[str]) -> Diagnostic:
    first = min(cycle)
    at = cycle.index(first)
    ordered = cycle[at:] + cycle[:at]
    successor = ordered[1] if len(ordered) > 1 else ordered[0]
    doc = features[first]
    edge = doc.data["depends_on"].index(successor)
    chain = " -> ".join([*ordered, first])
    return Diagnostic.of(
        "SG305",
        doc.path,
        f"dependency cycle: {chain}",
        pointer=("depends_on", edge),
        hint="a feature cannot ship before itself; remove one of these dependencies",
    )


def _untested_musts(valid: Sequence[Valid]) -> Iterator[Diagnostic]:
    # What is verified is read from every feature's test cases, sound or not: a test case with a schema
    # error still names what it was written for, and counting it can only spare a finding, never invent one.
    verified: set[str] = set()
    for v in valid:
        fid = v.document.data.get("id")
        cases = v.document.data.get("test_cases")
        if v.kind.name != "feature" or not isinstance(fid, str) or not isinstance(cases, list):
            continue
        for case in cases:  # plain loops: this runs over every test case on every check
            refs = case.get("verifies") if isinstance(case, dict) else None
            if isinstance(refs, list):
                verified.update(resolve_requirement(fid, ref) for ref in refs if isinstance(ref, str))
    # A feature whose status is broken is not known to be planned; one whose requirements or
    # test cases are broken has no known coverage: SG307 cannot speak of either.
    for fid, doc in _features(valid, "status", "requirements", "test_cases").items():
        status = doc.data.get("status")
        if status not in PLANNED_OR_LATER:
            continue
        for i, req in enumerate(doc.data.get("requirements", [])):
            if req["priority"] == "must" and f"{fid}.{req['id']}" not in verified:
                yield Diagnostic.of(
                    "SG307",
                    doc.path,
                    f"Must requirement {fid}.{req['id']} of {suggest.adjective(status)} feature has no test case",
                    pointer=("requirements", i, "id"),
                    hint="add a test case whose verifies lists it",
                )


def _release_order(valid: Sequence[Valid]) -> Iterator[Diagnostic]:
    features = _features(valid, "release")
    dates = {
        v.data["id"]: v.data["target_date"]
        for v in valid
        if v.kind.name == "release" and v.fits("id", "target_date") and "id" in v.data
    }
    for doc in features.values():
        mine = dates.get(doc.data.get("release", ""))
        if mine is None or not doc.fits("depends_on"):
            continue
        for i, dep in enumerate(doc.data.get("depends_on", [])):
            other = features.get(dep)
            theirs = dates.get(other.data.get("release", "")) if other else None
            if theirs is not None and theirs > mine:
                yield Diagnostic.of(
                    "SG308",
                    doc.path,
                    f"depends on {dep}, planned for {theirs}, after this feature's release on {mine}",
                    pointer=("depends_on", i),
                )


def _unaligned_work(valid: Sequence[Valid]) -> Iterator[Diagnostic]:
    # A broken objectives list may well name an objective: only sound ones say "linked to none".
    for fid, doc in _features(valid, "horizon", "objectives", "status").items():
        horizon = doc.data.get("horizon")
        if horizon in ("now", "next") and not doc.data.get("objectives") and doc.data.get("status") != "wont_do":
            yield Diagnostic.of(
                "SG309",
                doc.path,
                f"{fid} is on the {horizon!r} horizon but linked to no objective",
                pointer=("horizon",),
                hint="add objectives: [OBJ-...] to say which goal it serves",
            )
