"""Headlines: the numbers that lead a page, one function per page, each counting what its label says.

A page's first figures are what an executive reads and repeats, so each is
computed here, in one place, and the templates only word them. Two kinds of
number were misread before:

- *Must requirements without a test case.* The count ``specgen check`` warns
  about (SG307) covers planned-or-later features only; a feature still in
  idea or discovery has no test plan yet by design. The headline keeps that
  scope, so the site and the check give the same number, and says what it
  leaves out (:class:`MustGaps`): the Must requirements of features in idea or
  discovery and of features marked won't do, which their pages also show as
  "no test case".
- *Test results.* A pass rate over tests that never ran reads as "all green".
  Results lead with the count of each outcome (:class:`ResultCounts`); the
  rate is of the tests that ran (passed, failed or error) and says how many.
- *Must requirements verified by a passing test* (:class:`MustVerified`): the
  coverage that matters to a release. A Must requirement counts as verified
  when at least one test case that verifies it has the latest result passed;
  the scope is SG307's again (planned-or-later features), and the rest are
  said to be left out. The unverified are split by why: a failing test (failed
  or error, and none passed), tests that have not run (not run or skipped
  only), or no test case at all.

Each page has one function (:func:`for_test_cases`, :func:`for_engineering_brief`,
:func:`for_exec_brief`, :func:`for_home`), which templates reach as ``an.headline_test_cases``,
``an.headline_engineering``, ``an.headline_exec`` and ``an.headline_home``; the wording lives in
templates/headlines.md.j2. Results come from each test case's ``last_result``:
written in the specs, or imported from JUnit XML (:mod:`specgen.results` puts
them on the model before any page sees it). Every function also takes
``results``, a mapping from test-case ID to status that overrides them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from specgen.model import Feature, TestCase, Workspace
from specgen.rules import PLANNED_OR_LATER

#: Feature statuses whose Must requirements the headline counts: SG307's scope, so site and check agree.
COUNTED = PLANNED_OR_LATER
#: Feature statuses that have no test plan yet by design: left out of the count, and said so.
EARLY = ("idea", "discovery")
#: Test-result statuses, in the order pages give them; a test case with no result is not_run.
RESULTS = ("passed", "failed", "error", "skipped", "not_run")

#: Results by test-case ID: an import (JUnit) passes its own to override the specs' ``last_result``.
Results = Mapping[str, str]


@dataclass(frozen=True)
class ResultCounts:
    """How many test cases ended in each result; ``not_run`` includes those with no result yet."""

    passed: int = 0
    failed: int = 0
    error: int = 0
    skipped: int = 0
    not_run: int = 0

    @classmethod
    def of(cls, statuses: Iterable[str | None]) -> ResultCounts:
        """Count one status per test case (``None``, or a status not known here, counts as not run)."""
        counts = dict.fromkeys(RESULTS, 0)
        for status in statuses:
            counts[status if status in counts else "not_run"] += 1
        return cls(**counts)

    @property
    def total(self) -> int:
        """Every test case counted, whatever its result."""
        return self.passed + self.failed + self.error + self.skipped + self.not_run

    @property
    def ran(self) -> int:
        """Test cases that ran: passed, failed, or ended in an error without a verdict."""
        return self.passed + self.failed + self.error

    @property
    def pass_rate(self) -> float | None:
        """Percent of the tests that ran that passed; ``None`` when none ran."""
        return 100.0 * self.passed / self.ran if self.ran else None


@dataclass(frozen=True)
class MustGaps:
    """Must requirements without a test case (by requirement UID), split by what their feature's status means."""

    #: In planned, in-progress, beta or shipped features: the headline count, and SG307's findings.
    counted: tuple[str, ...]
    #: In features still an idea or in discovery: left out of the count, and said so.
    early: tuple[str, ...]
    #: In features marked won't do: left out of the count, and said so.
    wont_do: tuple[str, ...]

    @property
    def left_out(self) -> int:
        """Untested Must requirements the headline count does not include."""
        return len(self.early) + len(self.wont_do)


@dataclass(frozen=True)
class MustVerified:
    """Must requirements of planned-or-later features (by UID), by whether a passing test verifies them."""

    #: At least one test case that verifies it has the latest result passed.
    verified: tuple[str, ...]
    #: Not verified, and a test case that verifies it failed or ended in an error.
    failing: tuple[str, ...]
    #: Not verified: its test cases have not run, or were skipped.
    unrun: tuple[str, ...]
    #: No test case verifies it (SG307's findings).
    untested: tuple[str, ...]
    #: Must requirements of features in idea, discovery or won't do: left out, and said so.
    left_out: int

    @property
    def total(self) -> int:
        """The Must requirements counted."""
        return len(self.verified) + len(self.failing) + len(self.unrun) + len(self.untested)

    @property
    def percent(self) -> float:
        """Percent of the counted Must requirements verified by a passing test (100 when there are none)."""
        return percent(len(self.verified), self.total, empty=100.0)


def percent(part: int, whole: int, *, empty: float) -> float:
    """``part`` of ``whole`` in percent; ``empty`` when there is no whole (100: nothing missing; 0: nothing done)."""
    return 100.0 * part / whole if whole else empty


@dataclass(frozen=True)
class TestCasesHeadline:
    """The figures that lead the test-cases page."""

    requirements: int
    covered: int
    musts: MustGaps
    tests: int
    orphan_tests: int
    automated: int
    results: ResultCounts
    verified: MustVerified

    @property
    def percent(self) -> float:
        """Percent of requirements with at least one test case (100 when there are none)."""
        return percent(self.covered, self.requirements, empty=100.0)

    @property
    def automated_percent(self) -> float:
        """Percent of test cases that are automated (0 when there are none)."""
        return percent(self.automated, self.tests, empty=0.0)


@dataclass(frozen=True)
class EngineeringHeadline:
    """The figures that lead the engineering brief's test-coverage gaps."""

    requirements: int
    covered: int
    musts: MustGaps
    results: ResultCounts
    verified: MustVerified

    @property
    def percent(self) -> float:
        """Percent of requirements with at least one test case (100 when there are none)."""
        return percent(self.covered, self.requirements, empty=100.0)


@dataclass(frozen=True)
class ExecHeadline:
    """The figures of the executive brief's test results."""

    verified: MustVerified
    results: ResultCounts


@dataclass(frozen=True)
class HomeHeadline:
    """The figures of the home page's "At a glance" table."""

    features: int
    #: Features by status, in the order statuses run (idea first), only statuses that occur.
    by_status: tuple[tuple[str, int], ...]
    #: Open features (idea to beta) on each horizon: now, next, later.
    horizons: tuple[int, int, int]
    #: Open features on no horizon: not in the Now / Next / Later figures, and said so.
    off_roadmap: int
    requirements: int
    covered: int
    results: ResultCounts

    @property
    def open(self) -> int:
        """Features still to be built: idea, discovery, planned, in progress or beta."""
        return sum(n for status, n in self.by_status if status in OPEN)

    @property
    def percent(self) -> float:
        """Percent of requirements with at least one test case (100 when there are none)."""
        return percent(self.covered, self.requirements, empty=100.0)


#: Feature statuses in their order of life; the open ones are still to be built.
STATUSES = ("idea", "discovery", "planned", "in_progress", "beta", "shipped", "wont_do")
OPEN = STATUSES[:5]


def result_of(case: TestCase, results: Results | None = None) -> str:
    """A test case's latest result: from ``results`` when it has one, else from the spec, else not_run."""
    if results is not None and case.id in results:
        return results[case.id]
    return case.last_result.status if case.last_result else "not_run"


def result_counts(cases: Iterable[TestCase], results: Results | None = None) -> ResultCounts:
    """The result counts of ``cases``, each counted once by its latest result."""
    return ResultCounts.of(result_of(c, results) for c in cases)


def must_gaps(ws: Workspace, features: Iterable[Feature] | None = None) -> MustGaps:
    """Must requirements with no test case, of ``features`` (default: all), split by their feature's status."""
    by_req = ws.tests_by_requirement
    groups: dict[str, list[str]] = {"counted": [], "early": [], "wont_do": []}
    for f in ws.features.values() if features is None else features:
        group = "counted" if f.status in COUNTED else "early" if f.status in EARLY else "wont_do"
        groups[group].extend(r.uid for r in f.requirements if r.priority == "must" and not by_req.get(r.uid))
    return MustGaps(tuple(groups["counted"]), tuple(groups["early"]), tuple(groups["wont_do"]))


def must_verified(
    ws: Workspace, features: Iterable[Feature] | None = None, results: Results | None = None
) -> MustVerified:
    """The Must requirements of ``features`` (default: all) by whether a passing test verifies them."""
    by_req = ws.tests_by_requirement
    groups: dict[str, list[str]] = {"verified": [], "failing": [], "unrun": [], "untested": []}
    left_out = 0
    for f in ws.features.values() if features is None else features:
        musts = [r.uid for r in f.requirements if r.priority == "must"]
        if f.status not in COUNTED:
            left_out += len(musts)
            continue
        for uid in musts:
            latest = {result_of(c, results) for c in by_req.get(uid, [])}
            group = (
                "untested"
                if not by_req.get(uid)
                else "verified"
                if "passed" in latest
                else "failing"
                if latest & {"failed", "error"}
                else "unrun"
            )
            groups[group].append(uid)
    return MustVerified(
        tuple(groups["verified"]), tuple(groups["failing"]), tuple(groups["unrun"]), tuple(groups["untested"]), left_out
    )


def _covered(ws: Workspace) -> int:
    by_req = ws.tests_by_requirement
    return sum(1 for uid in ws.requirements if by_req.get(uid))


def for_test_cases(ws: Workspace, results: Results | None = None) -> TestCasesHeadline:
    """The headline of the test-cases page: coverage, untested Musts, automation, results."""
    cases = list(ws.test_cases.values())
    return TestCasesHeadline(
        requirements=len(ws.requirements),
        covered=_covered(ws),
        musts=must_gaps(ws),
        tests=len(cases),
        orphan_tests=sum(1 for c in cases if not any(v in ws.requirements for v in c.verifies)),
        automated=sum(1 for c in cases if c.automation == "automated"),
        results=result_counts(cases, results),
        verified=must_verified(ws, results=results),
    )


def for_engineering_brief(ws: Workspace, results: Results | None = None) -> EngineeringHeadline:
    """The headline of the engineering brief's test-coverage gaps."""
    return EngineeringHeadline(
        requirements=len(ws.requirements),
        covered=_covered(ws),
        musts=must_gaps(ws),
        results=result_counts(ws.test_cases.values(), results),
        verified=must_verified(ws, results=results),
    )


def for_exec_brief(ws: Workspace, results: Results | None = None) -> ExecHeadline:
    """The executive brief's test figures: Musts verified by a passing test, and the results."""
    return ExecHeadline(
        verified=must_verified(ws, results=results), results=result_counts(ws.test_cases.values(), results)
    )


def for_home(ws: Workspace, results: Results | None = None) -> HomeHeadline:
    """The home page's "At a glance" figures."""
    statuses = [f.status for f in ws.features.values()]
    open_features = [f for f in ws.features.values() if f.status in OPEN]
    now, next_, later = (sum(1 for f in open_features if f.horizon == h) for h in ("now", "next", "later"))
    return HomeHeadline(
        features=len(statuses),
        by_status=tuple((s, statuses.count(s)) for s in STATUSES if s in statuses),
        horizons=(now, next_, later),
        off_roadmap=sum(1 for f in open_features if f.horizon not in ("now", "next", "later")),
        requirements=len(ws.requirements),
        covered=_covered(ws),
        results=result_counts(ws.test_cases.values(), results),
    )
