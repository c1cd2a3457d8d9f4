"""The model's entities: one frozen dataclass per kind of spec and per part of one.

Field names are the YAML keys, so a template author reads the schema and knows
the model; defaults are what an optional key means when it is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
    #: The custom fields its workspace declares (``fields:`` in specgen.yaml) that it sets: name -> value as written.
    custom: dict[str, Any] = field(default_factory=dict)
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
    #: Its ID within the objective (``KR2``), when the spec gives one; features name it as ``OBJ-1.KR2``.
    id: str | None = None
    #: The full ID, ``OBJ-1.KR2``, or ``""`` without an ``id``; set when the objective is built.
    uid: str = ""

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
    #: The custom fields its workspace declares (``fields:`` in specgen.yaml) that it sets: name -> value as written.
    custom: dict[str, Any] = field(default_factory=dict)
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
    #: The custom fields its workspace declares (``fields:`` in specgen.yaml) that it sets: name -> value as written.
    custom: dict[str, Any] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True)
class Stakeholder:
    id: str
    name: str
    role: str
    #: The briefs they read, one or more (the spec may give one as a plain value).
    audience: list[str]
    influence: str | None = None
    interest: str | None = None
    contact: str | None = None
    #: The custom fields its workspace declares (``fields:`` in specgen.yaml) that it sets: name -> value as written.
    custom: dict[str, Any] = field(default_factory=dict)
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
    #: The custom fields its workspace declares (``fields:`` in specgen.yaml) that it sets: name -> value as written.
    custom: dict[str, Any] = field(default_factory=dict)

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
    #: Where its work is tracked (issues, pull requests): http(s) links.
    links: list[Link] = field(default_factory=list)
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
    #: open, mitigated, accepted or closed; closed risks leave the briefs.
    status: str = "open"

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
    #: The key results it moves, as ``OBJ-1.KR2``.
    key_results: list[str] = field(default_factory=list)
    #: The team that builds it, one of ``teams`` in specgen.yaml.
    team: str | None = None
    #: Person-weeks of effort, taken from its release's capacity; ``None``: unsized.
    effort_weeks: float | None = None
    #: Where its work is tracked (an epic, issues, a design): http(s) links.
    links: list[Link] = field(default_factory=list)
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
    #: The custom fields its workspace declares (``fields:`` in specgen.yaml) that it sets: name -> value as written.
    custom: dict[str, Any] = field(default_factory=dict)
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
    #: Person-weeks of team capacity; the features' ``effort_weeks`` load it.
    capacity_weeks: float | None = None
    owner: str | None = None
    summary: str | None = None
    exit_criteria: list[str] = field(default_factory=list)
    visibility: str = "internal"
    #: The custom fields its workspace declares (``fields:`` in specgen.yaml) that it sets: name -> value as written.
    custom: dict[str, Any] = field(default_factory=dict)
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
    #: The decision that replaced this one; set exactly when ``status`` is superseded (rule SG325).
    superseded_by: str | None = None
    date: str | None = None
    options: list[Option] = field(default_factory=list)
    outcome: str | None = None
    deciders: list[str] = field(default_factory=list)
    due: str | None = None
    features: list[str] = field(default_factory=list)
    visibility: str = "internal"
    #: The custom fields its workspace declares (``fields:`` in specgen.yaml) that it sets: name -> value as written.
    custom: dict[str, Any] = field(default_factory=dict)
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
    #: The custom fields its workspace declares (``fields:`` in specgen.yaml) that it sets: name -> value as written.
    custom: dict[str, Any] = field(default_factory=dict)
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
