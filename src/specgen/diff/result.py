"""The result of a diff: two revisions and the changes between them, which every report reads."""

from __future__ import annotations

from dataclasses import dataclass, field

from specgen.diff.changes import Change, Importance, Section

#: The version of the JSON form (``specgen diff --format json``); bumped on any change that is not an addition.
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Revision:
    """One side of a diff, as reports name it."""

    #: ``"base"`` or ``"head"``.
    name: str
    #: What the user asked for: ``origin/main``, ``HEAD~3``; ``None`` for the working tree.
    given: str | None
    #: The full commit ID; ``None`` for the working tree.
    commit: str | None
    #: How reports name it: ``origin/main (1a2b3c4)``, ``the working tree``.
    label: str
    #: Spec files read on this side, broken ones included.
    files: int = 0


@dataclass(frozen=True)
class DiffResult:
    base: Revision
    head: Revision
    #: Every change, in report order (:func:`specgen.diff.changes.ordered`).
    changes: list[Change] = field(default_factory=list)
    #: Whether BASE is the merge base of the revision given and HEAD (the default), not that revision itself.
    merge_base: bool = True
    #: The workspace's folder inside the repository (``""`` at its root): change paths are relative to the
    #: workspace, as ``specgen check`` shows them; links to the repository's files put this in front.
    folder: str = ""

    def section(self, section: Section) -> list[Change]:
        return [c for c in self.changes if c.section is section]

    def flagged(self, flag: str) -> list[Change]:
        return [c for c in self.changes if flag in c.flags]

    @property
    def alerts(self) -> list[Change]:
        return [c for c in self.changes if c.importance is Importance.ALERT]
