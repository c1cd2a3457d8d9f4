"""Model: typed, read-only objects built from schema-valid documents.

The model is built only after validation passed, so construction never has to
guess: every required field is present and has the right type. Field names are
the YAML keys, so a template author reads the schema and knows the model. A
field the schema marks as Markdown holds a :class:`specgen.text.fields.Text`
(a ``str`` that also knows its rendered forms).
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol, TypeVar

from specgen.kinds import natural_key
from specgen.loader import Document
from specgen.rules import resolve_requirement
from specgen.text.fields import mark


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Vision:
    problem: str
    for_whom: list[str]
    why_now: str
    statement: str | None = None


@dataclass(frozen=True)
class BusinessCase:
    summary: str | None = None
    revenue_model: str | None = None
    market: str | None = None
    alternatives: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Product:
    name: str
    owner: str
    vision: Vision
    tagline: str | None = None
    business_case: BusinessCase | None = None
    currency: str = "USD"
    links: list[Link] = field(default_factory=list)
    source: str = ""


@dataclass(frozen=True)
class Measurement:
    """One past value of a key result, and the day it was measured."""

    date: str
    value: float


@dataclass(frozen=True)
class KeyResult:
    metric: str
    unit: str
    baseline: float
    target: float
    current: float
    direction: str
    due: str | None = None
    source: str | None = None
    #: The day ``current`` was measured; pages show it beside the figure ("40 teams as of 2026-11-20").
    measured_on: str | None = None
    #: Earlier measurements; the last by date equals ``current`` and ``measured_on`` (rule SG319).
    history: list[Measurement] = field(default_factory=list)

    @property
    def timeline(self) -> list[Measurement]:
        """The history oldest first, whatever order the spec lists it in."""
        return sorted(self.history, key=lambda m: m.date)

    @property
    def progress(self) -> float:
        """Share of the way from baseline to target, clamped to 0..1."""
        span = self.target - self.baseline
        if span == 0:
            return 1.0
        return max(0.0, min(1.0, (self.current - self.baseline) / span))


@dataclass(frozen=True)
class Objective:
    id: str
    title: str
    period: str
    owner: str
    health: str
    key_results: list[KeyResult]
    summary: str | None = None
    visibility: str = "internal"
    source: str = ""


@dataclass(frozen=True)
class Persona:
    id: str
    name: str
    segment: str
    jobs_to_be_done: list[str]
    pains: list[str]
    summary: str | None = None
    gains: list[str] = field(default_factory=list)
    size_estimate: int | None = None
    visibility: str = "internal"
    source: str = ""


@dataclass(frozen=True)
class Stakeholder:
    id: str
    name: str
    role: str
    audience: str
    influence: str | None = None
    interest: str | None = None
    contact: str | None = None
    source: str = ""


@dataclass(frozen=True)
class Evidence:
    id: str
    kind: str
    date: str
    source: str
    summary: str
    importance: int
    quote: str | None = None
    sample_size: int | None = None
    personas: list[str] = field(default_factory=list)
    url: str | None = None
    pii: bool = False
    visibility: str = "internal"

    @property
    def external(self) -> bool:
        return self.visibility == "external" and not self.pii


@dataclass(frozen=True)
class Criterion:
    """An acceptance criterion: free text, or given/when/then."""

    text: str | None = None
    given: str | None = None
    when: str | None = None
    then: str | None = None


@dataclass(frozen=True)
class Requirement:
    id: str
    statement: str
    priority: str
    kind: str = "functional"
    status: str = "draft"
    acceptance_criteria: list[Criterion] = field(default_factory=list)
    #: The full ID, e.g. ``FEAT-1.R2``; set when the feature is built.
    uid: str = ""
    feature: str = ""


@dataclass(frozen=True)
class Step:
    action: str
    expected: str


@dataclass(frozen=True)
class LastResult:
    """A test case's latest result: written in the spec, or imported from JUnit XML (:mod:`specgen.results`)."""

    status: str
    #: The day it ran (``YYYY-MM-DD``).
    date: str | None = None
    #: Seconds it took, summed over the results it combines; imported results only.
    duration: float | None = None
    #: The failure, error or skip message: plain text from CI, shortened; pages escape it.
    message: str | None = None
    #: When it ran, as the results file says (ISO 8601, ``Z`` when the file gave a time zone).
    ran_at: str | None = None
    #: The results file it came from (the one that decided the status); ``None``: written in the spec.
    source: str | None = None
    #: How many results it combines (parametrised cases, several files); 0 for one written in the spec.
    combined: int = 0

    @property
    def imported(self) -> bool:
        """Whether it came from a results file rather than the spec."""
        return self.source is not None


@dataclass(frozen=True)
class TestCase:
    id: str
    title: str
    verifies: list[str]
    preconditions: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    priority: str = "medium"
    kind: str = "functional"
    automation: str = "manual"
    automation_ref: str | None = None
    last_result: LastResult | None = None
    feature: str = ""


@dataclass(frozen=True)
class Risk:
    description: str
    likelihood: int
    impact: int
    mitigation: str | None = None
    owner: str | None = None

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


@dataclass(frozen=True)
class Benefit:
    persona: str
    benefit: str


@dataclass(frozen=True)
class Wsjf:
    business_value: int
    time_criticality: int
    risk_reduction: int
    job_size: int


@dataclass(frozen=True)
class Rice:
    reach: float
    impact: float
    confidence: float
    effort: float


@dataclass(frozen=True)
class Ice:
    impact: int
    confidence: int
    ease: int


@dataclass(frozen=True)
class Scoring:
    cost_of_delay: float | None = None
    duration_weeks: float | None = None
    urgency: str | None = None
    wsjf: Wsjf | None = None
    rice: Rice | None = None
    ice: Ice | None = None


@dataclass(frozen=True)
class Feature:
    id: str
    title: str
    status: str
    owner: str
    problem: str
    summary: str | None = None
    visibility: str = "internal"
    horizon: str | None = None
    release: str | None = None
    why_now: str | None = None
    personas: list[str] = field(default_factory=list)
    objectives: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    non_goals: list[str] = field(default_factory=list)
    benefits: list[Benefit] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)
    release_note: str | None = None
    known_limitations: list[str] = field(default_factory=list)
    open_questions: list[str] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    scoring: Scoring = field(default_factory=Scoring)
    requirements: list[Requirement] = field(default_factory=list)
    test_cases: list[TestCase] = field(default_factory=list)
    source: str = ""

    @property
    def external(self) -> bool:
        return self.visibility == "external"


@dataclass(frozen=True)
class Release:
    id: str
    name: str
    status: str
    target_date: str
    baseline_date: str | None = None
    date_confidence: str | None = None
    owner: str | None = None
    summary: str | None = None
    exit_criteria: list[str] = field(default_factory=list)
    visibility: str = "internal"
    source: str = ""


@dataclass(frozen=True)
class Option:
    title: str
    pros: list[str] = field(default_factory=list)
    cons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Decision:
    id: str
    title: str
    status: str
    context: str
    date: str | None = None
    options: list[Option] = field(default_factory=list)
    outcome: str | None = None
    deciders: list[str] = field(default_factory=list)
    due: str | None = None
    features: list[str] = field(default_factory=list)
    visibility: str = "internal"
    source: str = ""


@dataclass(frozen=True)
class Ask:
    ask: str
    owner: str | None = None
    by: str | None = None


@dataclass(frozen=True)
class Update:
    id: str
    date: str
    health: str
    headline: str
    author: str | None = None
    audiences: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    asks: list[Ask] = field(default_factory=list)
    visibility: str = "internal"
    source: str = ""


@dataclass(frozen=True)
class ImportSummary:
    """What an import of test results found beside the results it put on test cases.

    Lists are cut (the counts are not) so that a site with thousands of
    unmatched results stays readable; :mod:`specgen.results` fills it.
    """

    #: The results files read, as given.
    files: tuple[str, ...] = ()
    #: How many results (test cases of the files) were read in all.
    results: int = 0
    #: Results that match no test case's ``automation_ref``: the first few, as ``classname::name``.
    unmatched: tuple[str, ...] = ()
    unmatched_count: int = 0
    #: Automated test cases whose ``automation_ref`` matches no result: (test-case ID, ref).
    missing: tuple[tuple[str, str], ...] = ()
    missing_count: int = 0


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

    @cached_property
    def requirements(self) -> dict[str, Requirement]:
        return {r.uid: r for f in self.features.values() for r in f.requirements}

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


def _entity(cls: type[T]) -> Callable[[Document], T]:
    return lambda d: dataclasses.replace(build(cls, mark(d.kind.name, d.data)), source=d.path)  # type: ignore[type-var]  # every class here has `source`


#: How each kind of document becomes a model object; each depends on its own document only.
_CONVERT: dict[str, Callable[[Document], Any]] = {
    "product": _entity(Product),
    "objective": _entity(Objective),
    "persona": _entity(Persona),
    "stakeholder": _entity(Stakeholder),
    "evidence": lambda d: build(Evidence, mark("evidence", d.data)),  # its `source` is where the evidence came from
    "feature": _feature,
    "release": _entity(Release),
    "decision": _entity(Decision),
    "update": _entity(Update),
}


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
            entity = _CONVERT[doc.kind.name](doc)
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
