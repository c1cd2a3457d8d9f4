"""Building the model from schema-valid documents, one document at a time."""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

from specgen.kinds import natural_key
from specgen.loader import Document
from specgen.model.entities import (
    Criterion,
    Decision,
    Evidence,
    Feature,
    Objective,
    Persona,
    Product,
    Release,
    Stakeholder,
    Update,
)
from specgen.model.workspace import Workspace
from specgen.rules import resolve_requirement
from specgen.schema.custom import builtin_keys
from specgen.text.fields import mark

T = TypeVar("T")


def build(cls: type[T], data: Any) -> T:
    """Build dataclass ``cls`` from schema-valid data, recursing into fields."""
    plan = _plan(cls)  # type: ignore[arg-type]  # classes are hashable; mypy cannot tell for type[T]
    return cls(**{name: convert(data[name]) for name, convert in plan if name in data})


def _identity(value: Any) -> Any:
    return value


@functools.cache
def _plan(cls: type[Any]) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    """How to build each field of ``cls``, worked out once per class from its type hints."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, _converter(hints[f.name])) for f in dataclasses.fields(cls))


def _converter(hint: Any) -> Callable[[Any], Any]:
    if hint is Criterion:
        return lambda v: Criterion(text=v) if isinstance(v, str) else build(Criterion, v)
    origin = typing.get_origin(hint)
    if origin is list:
        item = _converter(typing.get_args(hint)[0])
        return list if item is _identity else (lambda v: [item(x) for x in v])
    if origin in (typing.Union, types.UnionType):
        inner = _converter(next(a for a in typing.get_args(hint) if a is not type(None)))
        return _identity if inner is _identity else (lambda v: None if v is None else inner(v))
    if dataclasses.is_dataclass(hint):
        return lambda v: build(hint, v)  # type: ignore[arg-type]  # is_dataclass narrows to an instance-or-class union
    return _identity


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


Identified = TypeVar("Identified", bound=_HasId)


def _by_id(items: Iterable[Identified]) -> dict[str, Identified]:
    """Index by ID, in natural ID order (FEAT-2 before FEAT-10)."""
    return {item.id: item for item in sorted(items, key=lambda i: natural_key(i.id))}


def _feature(doc: Document) -> Feature:
    feature = build(Feature, mark("feature", doc.data))
    fid = feature.id
    requirements = [dataclasses.replace(r, uid=f"{fid}.{r.id}", feature=fid) for r in feature.requirements]
    cases = [
        dataclasses.replace(t, feature=fid, verifies=[resolve_requirement(fid, v) for v in t.verifies])
        for t in feature.test_cases
    ]
    return dataclasses.replace(feature, requirements=requirements, test_cases=cases, source=doc.path)


def _objective(doc: Document) -> Objective:
    objective = dataclasses.replace(build(Objective, mark("objective", doc.data)), source=doc.path)
    results = [dataclasses.replace(k, uid=f"{objective.id}.{k.id}" if k.id else "") for k in objective.key_results]
    return dataclasses.replace(objective, key_results=results)


def _stakeholder(doc: Document) -> Stakeholder:
    """A stakeholder; one brief given as a plain value (``audience: exec``) is a list of one."""
    data = dict(doc.data)
    if isinstance(data.get("audience"), str):
        data["audience"] = [data["audience"]]
    return dataclasses.replace(build(Stakeholder, mark("stakeholder", data)), source=doc.path)


def _entity(cls: type[T]) -> Callable[[Document], T]:
    return lambda d: dataclasses.replace(build(cls, mark(d.kind.name, d.data)), source=d.path)  # type: ignore[type-var]  # every class here has `source`


#: How each kind of document becomes a model object; each depends on its own document only.
_CONVERT: dict[str, Callable[[Document], Any]] = {
    "product": _entity(Product),
    "objective": _objective,
    "persona": _entity(Persona),
    "stakeholder": _stakeholder,
    "evidence": lambda d: build(Evidence, mark("evidence", d.data)),  # its `source` is where the evidence came from
    "feature": _feature,
    "release": _entity(Release),
    "decision": _entity(Decision),
    "update": _entity(Update),
}


def _with_custom(doc: Document, entity: Any) -> Any:
    """``entity`` with the document's custom fields: its top-level keys that are no built-in key.

    The model is built from schema-valid documents only, so such a key is one
    the workspace declares (:mod:`specgen.schema.custom`); no declaration is needed here.
    """
    builtin = builtin_keys(doc.kind.name)
    custom = {k: list(v) if isinstance(v, list) else v for k, v in doc.data.items() if k not in builtin}
    return dataclasses.replace(entity, custom=custom) if custom else entity


def build_workspace(documents: Iterable[Document], memo: dict[tuple[str, str], Any] | None = None) -> Workspace:
    """The typed workspace from schema-valid documents.

    ``memo`` keeps the model object of each document by path and digest across
    calls (the preview passes the same one on every rebuild), so that only the
    documents that changed are converted again. Model objects are never changed
    after they are built (templates run in an immutable sandbox), so sharing
    them between workspaces is safe.
    """
    by_kind: dict[str, list[Any]] = {}
    seen: set[tuple[str, str]] = set()
    for doc in documents:
        key = (doc.path, doc.digest)
        entity = memo.get(key) if memo is not None else None
        if entity is None:
            entity = _with_custom(doc, _CONVERT[doc.kind.name](doc))
            if memo is not None:
                memo[key] = entity
        seen.add(key)
        by_kind.setdefault(doc.kind.name, []).append(entity)
    if memo is not None:
        for key in memo.keys() - seen:
            del memo[key]

    products = by_kind.get("product", [])
    return Workspace(
        product=products[0] if products else None,
        objectives=_by_id(by_kind.get("objective", [])),
        personas=_by_id(by_kind.get("persona", [])),
        stakeholders=_by_id(by_kind.get("stakeholder", [])),
        evidence=_by_id(by_kind.get("evidence", [])),
        features=_by_id(by_kind.get("feature", [])),
        releases=_by_id(by_kind.get("release", [])),
        decisions=_by_id(by_kind.get("decision", [])),
        updates=_by_id(by_kind.get("update", [])),
    )
