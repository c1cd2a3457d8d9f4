"""Changes: what a diff found, in product terms, as data.

Every comparison (:mod:`specgen.diff.specs`, :mod:`~specgen.diff.features`,
:mod:`~specgen.diff.plan`, :mod:`~specgen.diff.progress`,
:mod:`~specgen.diff.records`, :mod:`~specgen.diff.findings`) returns a list of
:class:`Change`; the reports (:mod:`specgen.diff.report`) and the briefs read
nothing else. A change's ``summary`` is plain text made of spec text: every
report escapes it for its own format.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from specgen.kinds import natural_key


class Section(enum.Enum):
    """Where a change belongs; reports show sections in this order."""

    SPECS = "specs"  # specs added, removed, renamed
    FEATURES = "features"  # status, horizon, release, owner, visibility, scope, criteria, dependencies
    REVIEW = "review"  # test cases that need review (suspect links)
    BACKLOG = "backlog"  # ranks and the cost of delay of the planned sequence
    RELEASES = "releases"  # target dates, scope, confidence
    OBJECTIVES = "objectives"  # key results' current values and progress
    COVERAGE = "coverage"  # Must requirements with a test case, new untested Musts
    RECORDS = "records"  # decisions, risks, status updates
    FINDINGS = "findings"  # diagnostics introduced and fixed

    @property
    def title(self) -> str:
        return SECTION_TITLES[self]


SECTION_TITLES = {
    Section.SPECS: "Specs",
    Section.FEATURES: "Features",
    Section.REVIEW: "Test cases to review",
    Section.BACKLOG: "Backlog",
    Section.RELEASES: "Releases",
    Section.OBJECTIVES: "Objectives and key results",
    Section.COVERAGE: "Coverage",
    Section.RECORDS: "Decisions, risks and updates",
    Section.FINDINGS: "Findings",
}


class Importance(enum.IntEnum):
    """How much a reviewer needs to see a change; the reports lead with the highest."""

    DETAIL = 1  # reworded text, an owner change, a rank that moved a little
    NOTABLE = 2  # a status or release move, scope added or removed, a date moved
    ALERT = 3  # something a reviewer must not miss: see the flags


#: Flags that make a change an alert. Reports and ``--fail-on`` read them.
BACKWARDS = "backwards"  # a status moved back (shipped -> beta)
MADE_EXTERNAL = "made_external"  # an internal item became external: customers will see it
INTO_SHIPPED = "into_shipped"  # a feature moved into a release already shipped
SLIP = "slip"  # a release's target date moved later
NEW_ERROR = "new_error"  # a finding of severity error that the diff introduces
SUSPECT = "suspect"  # a test case verifies a requirement that changed while it did not
UNREADABLE = "unreadable"  # a spec file does not load on one side
FLAGS = frozenset({BACKWARDS, MADE_EXTERNAL, INTO_SHIPPED, SLIP, NEW_ERROR, SUSPECT, UNREADABLE})


@dataclass(frozen=True)
class Change:
    """One change between two revisions of a workspace."""

    section: Section
    #: What changed, for machines: ``added``, ``removed``, ``renamed``, ``status``, ``release``,
    #: ``requirement_reworded`` ... (the JSON Schema of the diff lists them).
    kind: str
    #: The spec the change is about (``FEAT-3``, ``REL-2``), or ``""`` for the workspace as a whole.
    subject: str
    #: One plain-text sentence, without the subject: "moved from 3.16 (2027-10-01) to 3.15 (shipped)".
    summary: str
    importance: Importance = Importance.NOTABLE
    #: The subject's title (plain text) at HEAD, or at BASE when it is gone.
    title: str = ""
    #: The spec file at HEAD (at BASE when it is gone): reports link to it.
    path: str = ""
    #: The item inside the subject, when the change is about one: a requirement ``FEAT-3.R2``, a test case.
    item: str = ""
    before: Any = None
    after: Any = None
    flags: frozenset[str] = frozenset()
    #: A word-level diff of reworded text: ``("=" | "-" | "+", words)`` in order.
    words: tuple[tuple[str, str], ...] = ()
    #: Whether readers outside the team may see the change: the subject is external on the side it is
    #: read from (HEAD, or BASE when it is gone) and the change is about no internal item.
    external: bool = False
    #: The sentence shown to sales, support and customers: no dates, owners, scores or internal items.
    #: ``None`` when the change is for the team only.
    public_summary: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """Section, most important first, then subject and item in natural order (FEAT-2 before FEAT-10)."""
        return (
            list(Section).index(self.section),
            -self.importance,
            natural_key(self.subject),
            natural_key(self.item),
            self.kind,
        )


def ordered(changes: list[Change]) -> list[Change]:
    """Changes by section, most important first within each, then by subject."""
    return sorted(changes, key=lambda c: c.sort_key)


def headline(changes: list[Change], limit: int = 12) -> list[Change]:
    """The most important changes across sections, for a short table: alerts first."""
    notable = [c for c in changes if c.importance >= Importance.NOTABLE]
    return sorted(notable, key=lambda c: (-c.importance, *c.sort_key))[:limit]
