"""Rules: checks that span files, beyond what a JSON Schema can say.

Identity and reference rules run on every document that loaded, valid or not,
so that one broken file does not turn every reference to it into a false
"dangling reference". Rules about meaning (cycles, coverage, release order)
run on schema-valid documents only, where every field has the expected shape.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from specgen import ecma
from specgen.diagnostics import Diagnostic, Pointer, did_you_mean
from specgen.kinds import EACH, KINDS, PRODUCT_ID, REFERENCES, REQUIREMENT, Kind
from specgen.loader import Document
from specgen.reader_rules import reader_gaps
from specgen.schema import is_id

PLANNED_OR_LATER = frozenset({"planned", "in_progress", "beta", "released"})


@dataclass
class _Index:
    """Every ID the workspace defines, and where."""

    entities: dict[str, Document] = field(default_factory=dict)
    unreadable: dict[str, Kind] = field(default_factory=dict)
    requirements: dict[str, Document] = field(default_factory=dict)
    #: Requirement IDs, per feature, for "did you mean" hints.
    requirement_ids: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def check_rules(
    documents: Sequence[Document],
    valid: Sequence[Document],
    unreadable: Mapping[str, Kind] | None = None,
) -> list[Diagnostic]:
    """Cross-file diagnostics.

    ``valid`` is the subset of ``documents`` that passed its schema;
    ``unreadable`` names the files that could not be parsed (by file stem),
    whose IDs still count as defined.
    """
    index, problems = _index(documents)
    index.unreadable.update(unreadable or {})
    # A document whose ID is taken by another file is left out of the rules
    # about meaning: its ID already has an error, and it would shadow the first.
    valid = [d for d in valid if index.entities.get(entity_id(d) or "") is d]
    problems.extend(_references(documents, index))
    if not any(d.kind.name == "product" for d in documents) and PRODUCT_ID not in index.unreadable:
        problems.append(
            Diagnostic.of(
                "SG310",
                "specs/product.yaml",
                "the workspace has no product spec",
                hint="create specs/product.yaml with the product's name, vision and owner",
            )
        )
    problems.extend(_cycles(valid))
    problems.extend(_untested_musts(valid))
    problems.extend(_release_order(valid))
    problems.extend(_unaligned_work(valid))
    problems.extend(reader_gaps(valid))
    return problems


def entity_id(document: Document) -> str | None:
    """The ID a document declares (the product's is fixed)."""
    if document.kind.name == "product":
        return PRODUCT_ID
    value = document.data.get("id")
    return value if isinstance(value, str) else None


def _index(documents: Sequence[Document]) -> tuple[_Index, list[Diagnostic]]:
    index = _Index()
    problems: list[Diagnostic] = []
    seen_folded: dict[str, Document] = {}
    test_cases: dict[str, str] = {}
    for doc in documents:
        ident = entity_id(doc)
        if ident is None:
            continue
        first = seen_folded.get(ident.casefold())
        # An ID of the wrong form is the schema's finding; the hint offers only IDs the schema accepts.
        if doc.kind.name != "product" and ident != doc.stem and is_id(doc.kind, ident):
            stem_fits = is_id(doc.kind, doc.stem)
            if first is not None:
                hint = f"change the ID to {doc.stem}" if stem_fits else "pick a new ID, and name the file after it"
            else:
                hint = f"rename the file to {ident}.yaml" + (f" or the ID to {doc.stem}" if stem_fits else "")
            problems.append(
                Diagnostic.of(
                    "SG302",
                    doc.path,
                    f"ID {ident!r} does not match the file name {doc.stem!r}",
                    pointer=("id",),
                    hint=hint,
                )
            )
        if first is not None:
            problems.append(
                Diagnostic.of(
                    "SG301",
                    doc.path,
                    f"ID {ident!r} is already used by {first.path}",
                    pointer=("id",),
                    hint="IDs are never reused: pick a new one",
                )
            )
            continue
        seen_folded[ident.casefold()] = doc
        index.entities[ident] = doc
        if doc.kind.name == "feature":
            problems.extend(_feature_ids(doc, ident, index, test_cases))
    return index, problems


def _feature_ids(doc: Document, feature: str, index: _Index, test_cases: dict[str, str]) -> Iterator[Diagnostic]:
    for i, item in _items(doc.data, "requirements"):
        rid = item.get("id")
        if not isinstance(rid, str):
            continue
        uid = f"{feature}.{rid}"
        if uid in index.requirements:
            yield Diagnostic.of(
                "SG301", doc.path, f"requirement {rid!r} appears twice in {feature}", pointer=("requirements", i, "id")
            )
        index.requirements[uid] = doc
        index.requirement_ids[feature].append(rid)
    for i, item in _items(doc.data, "test_cases"):
        tid = item.get("id")
        if not isinstance(tid, str):
            continue
        # Compared without case: TC-a and TC-A would share one anchor on the site.
        if tid.casefold() in test_cases:
            yield Diagnostic.of(
                "SG301",
                doc.path,
                f"test case ID {tid!r} is already used in {test_cases[tid.casefold()]}",
                pointer=("test_cases", i, "id"),
            )
        else:
            test_cases[tid.casefold()] = doc.path


def _items(data: dict[str, Any], key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    value = data.get(key)
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield i, item


def walk(data: Any, pattern: Sequence[str], prefix: Pointer = ()) -> Iterator[tuple[Pointer, Any]]:
    """Every (pointer, value) in ``data`` that ``pattern`` selects."""
    if not pattern:
        yield prefix, data
        return
    head, rest = pattern[0], pattern[1:]
    if head == EACH:
        if isinstance(data, list):
            for i, item in enumerate(data):
                yield from walk(item, rest, (*prefix, i))
    elif isinstance(data, dict) and head in data:
        yield from walk(data[head], rest, (*prefix, head))


def _references(documents: Sequence[Document], index: _Index) -> Iterator[Diagnostic]:
    for doc in documents:
        owner = entity_id(doc)
        for kind, pattern, target in REFERENCES:
            if kind != doc.kind.name:
                continue
            for pointer, value in walk(doc.data, pattern):
                if not isinstance(value, str):
                    continue
                if target == REQUIREMENT:
                    yield from _requirement_ref(doc, owner, pointer, value, index)
                else:
                    yield from _entity_ref(doc, pointer, value, target, index)
        if doc.kind.name == "feature":
            yield from _verifies_something(doc, owner, index)


def _entity_ref(doc: Document, pointer: Pointer, value: str, target: str, index: _Index) -> Iterator[Diagnostic]:
    if not is_id(KINDS[target], value):
        return  # not an ID of the expected form: the schema reports it
    found = index.entities.get(value)
    wanted = KINDS[target].title.lower()
    if found is None and index.unreadable.get(value) is KINDS[target]:
        return  # defined in a file that failed to load; that file has its own error
    if found is None:
        known = [i for i, d in index.entities.items() if d.kind.name == target]
        yield Diagnostic.of(
            "SG303", doc.path, f"{value!r} names no known {wanted}", pointer=pointer, hint=did_you_mean(value, known)
        )
    elif found.kind.name != target:
        yield Diagnostic.of(
            "SG304",
            doc.path,
            f"{value!r} is a {found.kind.title.lower()}, but a {wanted} is expected here",
            pointer=pointer,
        )


#: A reference to a requirement (as the schema's pattern, read as ECMA-262: no final newline slips through).
_REQUIREMENT_REF = ecma.compile_pattern(r"^(FEAT-[A-Za-z0-9]+(-[A-Za-z0-9]+)*\.)?R[0-9]+$")


def resolve_requirement(owner: str | None, value: str) -> str:
    """``R2`` inside FEAT-1 means ``FEAT-1.R2``; full IDs stay as they are."""
    return value if "." in value or owner is None else f"{owner}.{value}"


def _requirement_ref(
    doc: Document, owner: str | None, pointer: Pointer, value: str, index: _Index
) -> Iterator[Diagnostic]:
    if owner is None or not _REQUIREMENT_REF.search(value):
        return  # the feature's own ID, or the reference's form, is already an error
    uid = resolve_requirement(owner, value)
    if uid in index.requirements:
        return
    feature, _, rid = uid.partition(".")
    if feature in index.unreadable:
        return
    if feature not in index.entities:
        yield Diagnostic.of(
            "SG303",
            doc.path,
            f"{value!r} names a requirement of {feature!r}, which is not a known feature",
            pointer=pointer,
        )
    else:
        known = index.requirement_ids[feature]
        listed = f"{feature} has {', '.join(known)}" if known else f"{feature} has no requirements yet"
        yield Diagnostic.of(
            "SG303",
            doc.path,
            f"{value!r} names no requirement of {feature}",
            pointer=pointer,
            hint=did_you_mean(rid, known) or listed,
        )


def _verifies_something(doc: Document, owner: str | None, index: _Index) -> Iterator[Diagnostic]:
    if owner is None:
        return
    for i, case in _items(doc.data, "test_cases"):
        verifies = case.get("verifies")
        if not isinstance(verifies, list):
            continue
        resolved = [v for v in verifies if isinstance(v, str) and resolve_requirement(owner, v) in index.requirements]
        if not resolved:
            what = "nothing" if not verifies else "no existing requirement"
            yield Diagnostic.of(
                "SG306",
                doc.path,
                f"test case {case.get('id', '?')!r} verifies {what}",
                pointer=("test_cases", i, "verifies"),
                at_key=True,
                hint="list the requirements it verifies, e.g. verifies: [R1]",
            )


def _features(valid: Sequence[Document]) -> dict[str, Document]:
    return {d.data["id"]: d for d in valid if d.kind.name == "feature"}


def _cycles(valid: Sequence[Document]) -> Iterator[Diagnostic]:
    features = _features(valid)
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


def _cycle_diagnostic(features: dict[str, Document], cycle: list[str]) -> Diagnostic:
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


def _untested_musts(valid: Sequence[Document]) -> Iterator[Diagnostic]:
    features = _features(valid)
    verified = {
        resolve_requirement(fid, ref)
        for fid, doc in features.items()
        for case in doc.data.get("test_cases", [])
        for ref in case["verifies"]
    }
    for fid, doc in features.items():
        if doc.data["status"] not in PLANNED_OR_LATER:
            continue
        for i, req in enumerate(doc.data.get("requirements", [])):
            if req["priority"] == "must" and f"{fid}.{req['id']}" not in verified:
                yield Diagnostic.of(
                    "SG307",
                    doc.path,
                    f"Must requirement {fid}.{req['id']} of a {doc.data['status']} feature has no test case",
                    pointer=("requirements", i, "id"),
                    hint="add a test case whose verifies lists it",
                )


def _release_order(valid: Sequence[Document]) -> Iterator[Diagnostic]:
    features = _features(valid)
    dates = {d.data["id"]: d.data["target_date"] for d in valid if d.kind.name == "release"}
    for doc in features.values():
        mine = dates.get(doc.data.get("release", ""))
        if mine is None:
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


def _unaligned_work(valid: Sequence[Document]) -> Iterator[Diagnostic]:
    for fid, doc in _features(valid).items():
        horizon = doc.data.get("horizon")
        if horizon in ("now", "next") and not doc.data.get("objectives") and doc.data["status"] != "wont_do":
            yield Diagnostic.of(
                "SG309",
                doc.path,
                f"{fid} is on the {horizon!r} horizon but linked to no objective",
                pointer=("horizon",),
                hint="add objectives: [OBJ-...] to say which goal it serves",
            )
