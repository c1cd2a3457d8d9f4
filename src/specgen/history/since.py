"""Since: what changed from a revision or a day to the working tree, told to each audience as it may hear it.

``since`` names a revision (``v0.1.0``, ``main~20``, a commit) or a day
(``2026-11-01``: the newest commit on the first-parent history committed, in
UTC, before that day). Its commit is compared with the working tree by the
same engine as ``specgen diff`` (:func:`specgen.diff.diff`), through the merge
base as that command does: for a revision HEAD descends from (a tag, a day's
commit, the branch a pull request started from) it is that revision itself,
and for a branch that moved on since, what was merged there is not reported
as undone here.

Each audience hears only its part (:data:`AUDIENCE_CHANGES`), and the
audiences outside the team (sales, support, customers) hear only changes to
external items, in their ``public_summary`` words: no dates, owners, scores,
money, internal IDs or titles of internal items. What the briefs receive are
:class:`Digest` values holding nothing else, so a workspace's own template
cannot show more than its audience may read.

When the history is missing (a shallow clone, no git, an unknown revision) the
briefs leave the section out and the build gets one SG409 warning: a build
of a commit never fails for the checkout it runs in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from specgen.analysis import INLINE_LIMIT
from specgen.config import Settings, since_day
from specgen.diagnostics import Diagnostic, Pointer
from specgen.diff import diff
from specgen.diff.changes import Change, Importance, Section
from specgen.diff.git import GitError, Repository
from specgen.kinds import KINDS
from specgen.model import Feature

#: Sales, support and customers: what they read of a change is its ``public_summary``, or nothing.
PUBLIC_READERS = frozenset({"sales_marketing", "support", "customer"})

#: What each audience inside the team hears: kinds of change by section (``None``: every kind).
AUDIENCE_CHANGES: Mapping[str, Mapping[Section, frozenset[str] | None]] = {
    # Moves, slips, key-result movement, new risks and decisions, and what they cost.
    "exec": {
        Section.SPECS: frozenset({"added", "removed"}),
        Section.FEATURES: frozenset({"status", "horizon", "release", "visibility"}),
        Section.BACKLOG: frozenset({"cost_of_delay"}),
        Section.RELEASES: None,
        Section.OBJECTIVES: frozenset(
            {"health", "key_result", "key_result_target", "key_result_added", "key_result_removed"}
        ),
        Section.RECORDS: frozenset({"risk_added", "decision_added", "decision_status", "decision_outcome"}),
    },
    # Scope (requirements, criteria, test cases, dependencies), test cases to review, coverage, milestones.
    "engineering": {
        Section.SPECS: frozenset({"added", "removed"}),
        Section.FEATURES: frozenset(
            {
                "requirement_added",
                "requirement_removed",
                "requirement_reworded",
                "requirement_priority",
                "acceptance_criteria",
                "test_case_added",
                "test_case_removed",
                "test_case_changed",
                "dependencies",
            }
        ),
        Section.REVIEW: None,
        Section.RELEASES: frozenset({"target_date"}),
        Section.COVERAGE: None,
    },
}
#: Specs added or removed that each audience hears of, by kind: a new stakeholder or persona is no news to them.
_SPEC_KINDS = {
    "exec": frozenset({"feature", "release", "objective", "decision"}),
    "engineering": frozenset({"feature", "release"}),
}
_KIND_OF_PREFIX = {kind.prefix: kind.name for kind in KINDS.values() if kind.prefix}
#: The detail a reader outside engineering does not need: a reworded outcome, a risk's new wording.
_MIN_IMPORTANCE = {"exec": Importance.NOTABLE}
#: Feature statuses whose behaviour users meet: a change to one is changed behaviour for support.
_IN_USE = ("beta", "shipped")


@dataclass(frozen=True)
class Entry:
    """One line of a brief's "what changed": a spec's ID to link (``""`` for none), a title, a sentence."""

    subject: str
    title: str
    summary: str
    alert: bool = False


@dataclass(frozen=True)
class Digest:
    """What changed since the revision, for one audience, most important first.

    ``given``, ``short`` and ``day`` name the revision (as written, its short
    commit, the day it was committed when known); they are empty for customers,
    whose brief shows no dates.
    """

    given: str
    short: str
    day: str
    entries: tuple[Entry, ...]
    #: Entries past :data:`~specgen.analysis.INLINE_LIMIT`, left out of the brief.
    left_out: int = 0
    #: The commit is where HEAD's history left ``given`` (a branch that moved on since), not ``given`` itself.
    merge_base: bool = False


@dataclass(frozen=True)
class Since:
    """The changes from the ``since`` revision to the working tree."""

    given: str
    commit: str
    #: The day the commit was made (UTC), ``""`` when unknown.
    day: str
    changes: tuple[Change, ...]
    #: See :attr:`Digest.merge_base`.
    merge_base: bool = False

    @property
    def short(self) -> str:
        return self.commit[:7]

    def digest(self, audience: str) -> Digest:
        """The changes ``audience`` hears of, capped at the briefs' inline limit."""
        if audience in PUBLIC_READERS:
            entries = [
                Entry("", c.title, c.public_summary)
                for c in self._by_importance()
                if c.external and c.public_summary is not None and c.kind != "update"
            ]
        else:
            entries = [
                Entry(c.subject, c.title, c.summary, c.importance is Importance.ALERT)
                for c in self._by_importance()
                if _heard_by(audience, c)
            ]
        shown = tuple(entries[:INLINE_LIMIT])
        if audience == "customer":
            return Digest("", "", "", shown, len(entries) - len(shown))
        return Digest(self.given, self.short, self.day, shown, len(entries) - len(shown), self.merge_base)

    def review(self, feature: str) -> Digest:
        """The test cases of ``feature`` that need review: what they verify changed since, while they did not."""
        return Digest(self.given, self.short, self.day, self._reviews.get(feature, ()), merge_base=self.merge_base)

    @cached_property
    def _reviews(self) -> dict[str, tuple[Entry, ...]]:
        """The test cases to review by feature, found in one pass: every feature page asks."""
        found: dict[str, list[Entry]] = {}
        for c in self.changes:
            if c.section is Section.REVIEW:
                found.setdefault(c.subject, []).append(
                    Entry(c.item, c.title, c.summary, c.importance is Importance.ALERT)
                )
        return {feature: tuple(entries) for feature, entries in found.items()}

    def changed_behaviour(self, features: Mapping[str, Feature]) -> tuple[str, ...]:
        """The external features now in beta or shipped whose behaviour is new to users since the revision.

        New to users: the feature was added, its status moved (into beta or
        shipped, or back), it was made external, or its release note changed.
        ``features`` are the features now, by ID.
        """
        found: dict[str, None] = {}  # in report order, each once
        for c in self.changes:
            feature = features.get(c.subject)
            if feature is None or not feature.external or feature.status not in _IN_USE:
                continue
            if (c.section is Section.FEATURES and c.kind in ("status", "release_note", "visibility")) or (
                c.section is Section.SPECS and c.kind == "added"
            ):
                found[c.subject] = None
        return tuple(found)

    def _by_importance(self) -> list[Change]:
        return sorted(self.changes, key=lambda c: (-c.importance, *c.sort_key))


def _heard_by(audience: str, change: Change) -> bool:
    kinds = AUDIENCE_CHANGES.get(audience, {})
    if change.section not in kinds or change.importance < _MIN_IMPORTANCE.get(audience, Importance.DETAIL):
        return False
    wanted = kinds[change.section]
    if wanted is not None and change.kind not in wanted:
        return False
    return change.section is not Section.SPECS or _kind(change.subject) in _SPEC_KINDS.get(audience, frozenset())


def _kind(subject: str) -> str | None:
    return _KIND_OF_PREFIX.get(subject.partition("-")[0])


@dataclass(frozen=True)
class Missing:
    """Why the history ``since`` needs is not there: SG409's message and hint."""

    message: str
    hint: str | None = None

    def diagnostic(self, path: str, pointer: Pointer = ()) -> Diagnostic:
        return Diagnostic.of("SG409", path, self.message, pointer=pointer, hint=self.hint)


_FETCH = "fetch the whole history: `git fetch --unshallow`, or `fetch-depth: 0` on actions/checkout in GitHub Actions"
_LEFT_OUT = 'so the briefs leave out "What changed"'


def resolve(given: str, settings: Settings, repo: Repository | None, problem: GitError | None) -> Since | Missing:
    """The changes since ``given`` (the ``since`` setting), or why the history for them is missing.

    ``repo`` is the workspace's repository, or ``None`` with the ``problem``
    that kept it from being read.
    """
    if repo is None:
        return _missing(given, problem or GitError("not_a_repository", "the workspace is not in a git repository"))
    try:
        day = since_day(given)
        base = given if day is None else repo.commit_before(day)
        if base is None:
            return _no_commit_before(given, repo)
        result = diff(settings.workspace, base, None, settings=settings)
        commit = result.base.commit or ""
        committed = repo.commit(commit).day if commit else ""
    except GitError as error:
        return _missing(given, error)
    return Since(given, commit, committed, tuple(result.changes), result.merge_base)


def _no_commit_before(given: str, repo: Repository) -> Missing:
    if repo.head() is None:
        return Missing(f"since: {given} needs history, but the repository has no commits yet, {_LEFT_OUT}")
    if repo.is_shallow():
        return Missing(f"since: this clone is shallow and holds no commit from before {given}, {_LEFT_OUT}", _FETCH)
    return Missing(
        f"since: no commit is older than {given}, {_LEFT_OUT}", "choose a later day, or a revision such as a tag"
    )


def _missing(given: str, error: GitError) -> Missing:
    """SG409 for a git problem: what is missing, and how to fix it."""
    if error.kind == "no_git":
        return Missing(f"since: {given} needs git, which is not installed (or not on PATH), {_LEFT_OUT}", "install git")
    if error.kind == "not_a_repository":
        return Missing(
            f"since: {given} needs the git history, but the workspace is not in a git repository, {_LEFT_OUT}",
            "build from a git clone; in GitHub Actions, actions/checkout with `fetch-depth: 0`",
        )
    if error.kind == "bad_revision" and "shallow" not in str(error):
        return Missing(f"since: {error}, {_LEFT_OUT}", "name a branch, tag or commit, or a day as YYYY-MM-DD")
    return Missing(f"since: {error}, {_LEFT_OUT}")
