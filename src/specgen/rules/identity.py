"""Identity and reference rules: every ID is defined once, and every reference names a spec that exists.

They run on every document that loaded, valid or not, so that one broken
file does not turn every reference to it into a false "dangling reference".
IDs are case-sensitive; two IDs equal but for case are one finding ("the same
item spelled two ways").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from specgen import ecma
from specgen.diagnostics import Diagnostic, Pointer, did_you_mean
from specgen.kinds import KEY_RESULT, KINDS, PRODUCT_ID, REFERENCES, REQUIREMENT, Kind, natural_key, walk
from specgen.loader import Document
from specgen.schema import is_id


@dataclass
class Index:
    """Every ID the workspace defines, and where."""

    entities: dict[str, Document] = field(default_factory=dict)
    unreadable: dict[str, Kind] = field(default_factory=dict)
    requirements: dict[str, Document] = field(default_factory=dict)
    #: Requirement IDs, per feature, for "did you mean" hints.
    requirement_ids: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    #: Key result IDs (``KR2``), per objective.
    key_result_ids: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    #: The first spelling of every ID, by its case-folded form: IDs are case-sensitive,
    #: and a reference that matches only without case is told the exact spelling.
    spellings: dict[str, str] = field(default_factory=dict)
    #: The IDs of each kind, for "did you mean" hints: listed once per kind, when a reference
    #: first misses, since every dangling reference looks through the same list.
    ids_of_kind: dict[str, list[str]] = field(default_factory=dict)


def entity_id(document: Document) -> str | None:
    """The ID a document declares (the product's is fixed)."""
    if document.kind.name == "product":
        return PRODUCT_ID
    value = document.data.get("id")
    return value if isinstance(value, str) else None


def index_ids(documents: Sequence[Document]) -> tuple[Index, list[Diagnostic]]:
    index = Index()
    problems: list[Diagnostic] = []
    test_cases: dict[str, tuple[str, str]] = {}
    for doc in documents:
        ident = entity_id(doc)
        if ident is None:
            continue
        # IDs are case-sensitive: only the exact spelling is a reuse. One that differs only
        # in case is the same item spelled two ways, reported once below.
        taken = index.entities.get(ident)
        # An ID of the wrong form is the schema's finding; the hint offers only IDs the schema accepts.
        if doc.kind.name != "product" and ident != doc.stem and is_id(doc.kind, ident):
            stem_fits = is_id(doc.kind, doc.stem)
            if taken is not None:
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
        if taken is not None:
            problems.append(
                Diagnostic.of(
                    "SG301",
                    doc.path,
                    f"ID {ident!r} is already used by {taken.path}",
                    pointer=("id",),
                    hint="IDs are never reused: pick a new one",
                )
            )
            continue
        spelled = index.spellings.setdefault(ident.casefold(), ident)
        twin = index.entities.get(spelled)
        # Only IDs the schema accepts, of one kind: a malformed one (`stk-1`) is the schema's finding.
        if twin is not None and spelled != ident and twin.kind is doc.kind and is_id(doc.kind, ident):
            problems.append(
                Diagnostic.of(
                    "SG301",
                    doc.path,
                    f"ID {ident!r} differs only in case from {spelled!r} in {twin.path}: "
                    "the same item spelled two ways",
                    pointer=("id",),
                    hint="merge them into one file with one spelling; IDs are case-sensitive",
                )
            )
        # Both spellings stay defined, so references to either are not a second finding each:
        # the one above already fails the check, and after the merge the other spelling's
        # references get an SG303 that names the kept one.
        index.entities[ident] = doc
        if doc.kind.name == "feature":
            problems.extend(_feature_ids(doc, ident, index, test_cases))
        elif doc.kind.name == "objective":
            problems.extend(_key_result_ids(doc, ident, index))
    return index, problems


def _key_result_ids(doc: Document, objective: str, index: Index) -> Iterator[Diagnostic]:
    for i, item in _items(doc.data, "key_results"):
        kid = item.get("id")
        if not isinstance(kid, str):
            continue
        if kid in index.key_result_ids[objective]:
            yield Diagnostic.of(
                "SG301",
                doc.path,
                f"key result {kid!r} appears twice in {objective}",
                pointer=("key_results", i, "id"),
                hint="give each key result its own ID, and never reuse one: features name them",
            )
        else:
            index.key_result_ids[objective].append(kid)


def _feature_ids(
    doc: Document, feature: str, index: Index, test_cases: dict[str, tuple[str, str]]
) -> Iterator[Diagnostic]:
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
        first = test_cases.get(tid.casefold())
        if first is None:
            test_cases[tid.casefold()] = (tid, doc.path)
            continue
        spelled, where = first
        if spelled == tid:
            message = f"test case ID {tid!r} is already used in {where}"
            hint = None
        else:
            message = (
                f"test case ID {tid!r} differs only in case from {spelled!r} in {where}: "
                "the same test case spelled two ways"
            )
            hint = "merge them, or give one a new ID: IDs that differ only in case share one anchor on the site"
        yield Diagnostic.of("SG301", doc.path, message, pointer=("test_cases", i, "id"), hint=hint)


def _items(data: dict[str, Any], key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    value = data.get(key)
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield i, item


def references(documents: Sequence[Document], index: Index) -> Iterator[Diagnostic]:
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
                elif target == KEY_RESULT:
                    yield from _key_result_ref(doc, pointer, value, index)
                else:
                    yield from _entity_ref(doc, pointer, value, target, index)
        if doc.kind.name == "feature":
            yield from _verifies_something(doc, owner, index)


def _entity_ref(doc: Document, pointer: Pointer, value: str, target: str, index: Index) -> Iterator[Diagnostic]:
    if not is_id(KINDS[target], value):
        return  # not an ID of the expected form: the schema reports it
    found = index.entities.get(value)
    wanted = KINDS[target].title.lower()
    if found is None and index.unreadable.get(value) is KINDS[target]:
        return  # defined in a file that failed to load; that file has its own error
    if found is None:
        spelled = index.spellings.get(value.casefold())
        same = index.entities.get(spelled) if spelled else None
        if same is not None and same.kind.name == target:
            # Suggested whatever difflib thinks: a case slip is what the author meant.
            hint: str | None = f"did you mean {spelled!r}? IDs are case-sensitive"
        else:
            known = index.ids_of_kind.get(target)
            if known is None:
                known = index.ids_of_kind[target] = [i for i, d in index.entities.items() if d.kind.name == target]
            hint = did_you_mean(value, known) or _known(KINDS[target], known)
        yield Diagnostic.of("SG303", doc.path, f"{value!r} names no known {wanted}", pointer=pointer, hint=hint)
    elif found.kind.name != target:
        yield Diagnostic.of(
            "SG304",
            doc.path,
            f"{value!r} is a {found.kind.title.lower()}, but a {wanted} is expected here",
            pointer=pointer,
        )


def _known(kind: Kind, known: list[str]) -> str:
    """The IDs a reference could have meant, when there are few enough to read."""
    if not known:
        return f"no {kind.title.lower()} is defined yet: add one under specs/{kind.folder}/"
    if len(known) == 1:
        return f"the only {kind.title.lower()} is {known[0]}"
    if len(known) <= 6:
        return f"the {kind.plural.lower()} are {', '.join(sorted(known, key=natural_key))}"
    return f"{len(known):,} {kind.plural.lower()} are defined, under specs/{kind.folder}/"


#: A reference to a requirement (as the schema's pattern, read as ECMA-262: no final newline slips through).
_REQUIREMENT_REF = ecma.compile_pattern(r"^(FEAT-[A-Za-z0-9]+(-[A-Za-z0-9]+)*\.)?R[0-9]+$")


def resolve_requirement(owner: str | None, value: str) -> str:
    """``R2`` inside FEAT-1 means ``FEAT-1.R2``; full IDs stay as they are."""
    return value if "." in value or owner is None else f"{owner}.{value}"


def _requirement_ref(
    doc: Document, owner: str | None, pointer: Pointer, value: str, index: Index
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


_KEY_RESULT_REF = ecma.compile_pattern(r"^OBJ-[A-Za-z0-9]+(-[A-Za-z0-9]+)*\.KR[0-9]+$")


def _key_result_ref(doc: Document, pointer: Pointer, value: str, index: Index) -> Iterator[Diagnostic]:
    if not _KEY_RESULT_REF.search(value):
        return  # the schema reports the form
    objective, _, kid = value.rpartition(".")
    if objective in index.unreadable:
        return
    found = index.entities.get(objective)
    if found is None or found.kind.name != "objective":
        known = [i for i, d in index.entities.items() if d.kind.name == "objective"]
        yield Diagnostic.of(
            "SG303",
            doc.path,
            f"{value!r} names a key result of {objective!r}, which is not a known objective",
            pointer=pointer,
            hint=did_you_mean(objective, known) or _known(KINDS["objective"], known),
        )
    elif kid not in index.key_result_ids[objective]:
        known = index.key_result_ids[objective]
        listed = (
            f"{objective}'s key results with an ID are {', '.join(known)}"
            if known
            else f"none of {objective}'s key results has an id yet: give the one you mean id: {kid}"
        )
        yield Diagnostic.of(
            "SG303",
            doc.path,
            f"{value!r} names no key result of {objective}",
            pointer=pointer,
            hint=did_you_mean(kid, known) or listed,
        )


def _verifies_something(doc: Document, owner: str | None, index: Index) -> Iterator[Diagnostic]:
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
