"""The Changes page: the last commits that touched the specs, and which specs each added, removed or changed.

One ``git log`` of the specs folder, with each commit's file changes against
its first parent (:meth:`~specgen.diff.git.Repository.log`): no spec is read
or checked per commit, so the page costs one git call however long the history.
A file's spec is named by its file name, which the check makes its ID.
"""

from __future__ import annotations

from dataclasses import dataclass

from specgen.diff.git import Commit, Repository
from specgen.kinds import PRODUCT_ID
from specgen.loader import in_specs, kind_of

#: How many commits the page lists.
COMMITS = 20


@dataclass(frozen=True)
class CommitEntry:
    """One commit of the page: when, its subject, and the specs it touched, by ID."""

    short: str
    day: str
    #: The commit's subject: text from git, escaped like spec text on the page.
    subject: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    #: (old ID, new ID) of each spec file renamed.
    renamed: tuple[tuple[str, str], ...] = ()
    changed: tuple[str, ...] = ()
    #: The oldest commit of a shallow clone: what it changed is not in the clone.
    boundary: bool = False


@dataclass(frozen=True)
class ChangeLog:
    """The commits of the page, newest first."""

    commits: tuple[CommitEntry, ...]
    #: The history ends at a shallow clone's boundary: older commits are not in this clone.
    shallow: bool = False


def change_log(repo: Repository, specs_prefix: str, limit: int = COMMITS) -> ChangeLog:
    """The last ``limit`` commits on HEAD's first-parent history that touched ``specs_prefix``."""
    commits = repo.log(specs_prefix, limit)
    return ChangeLog(tuple(_entry(c, specs_prefix) for c in commits), any(c.boundary for c in commits))


def _entry(commit: Commit, prefix: str) -> CommitEntry:
    added: list[str] = []
    removed: list[str] = []
    renamed: list[tuple[str, str]] = []
    changed: list[str] = []
    for change in commit.files:
        ident = _spec(change.path, prefix)
        old = _spec(change.old_path, prefix) if change.old_path else None
        if change.status == "R" and old is not None and ident is not None:
            if old == ident:  # moved between folders under the same name
                changed.append(ident)
            else:
                renamed.append((old, ident))
        elif ident is None:
            if change.status == "R" and old is not None:  # renamed to a file that is no spec: gone from the specs
                removed.append(old)
        elif change.status in ("A", "C", "R"):
            added.append(ident)
        elif change.status == "D":
            removed.append(ident)
        else:
            changed.append(ident)
    return CommitEntry(
        commit.short,
        commit.day,
        commit.subject,
        tuple(added),
        tuple(removed),
        tuple(renamed),
        tuple(changed),
        commit.boundary,
    )


def _spec(path: str | None, prefix: str) -> str | None:
    """The ID of the spec a repository path holds, or ``None`` for a file that is no spec."""
    relative = in_specs(path, prefix) if path is not None else None
    kind = kind_of(relative) if relative is not None else None
    if relative is None or kind is None:
        return None
    return PRODUCT_ID if kind.name == "product" else relative.stem
