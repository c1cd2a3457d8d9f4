"""History: what git knows about the specs, gathered once per build for the site to show.

Three facts, each from its own module, data flowing one way (git -> here ->
the pages, which read what this computed and never the other way round):

* :mod:`~specgen.history.changes_page`: the last commits that touched the
  specs folder, with the specs each added, removed, renamed or changed;
* :mod:`~specgen.history.last_change`: when each feature's file last changed,
  and how;
* :mod:`~specgen.history.since`: with a ``since`` setting (or ``--since``),
  what changed since that revision or day, for each audience's brief.

The first two cost a few git calls, not one per file; they are simply left
out when the workspace is not in a git repository with commits. The third
runs only when ``since`` is set, and is the only one that warns (SG409) when
the history it needs is missing.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from specgen.config import CONFIG_FILE, Settings
from specgen.diagnostics import Diagnostic
from specgen.diff.git import GitError, Repository
from specgen.history.changes_page import ChangeLog, CommitEntry, change_log
from specgen.history.last_change import LastChange, last_changes
from specgen.history.since import Digest, Entry, Missing, Since, resolve
from specgen.loader import shown_path
from specgen.locate import locate_all
from specgen.model import Workspace
from specgen.reading import read_text

__all__ = ["ChangeLog", "CommitEntry", "Digest", "Entry", "History", "LastChange", "Since", "gather"]


@dataclass(frozen=True)
class History:
    """What the pages show of the specs' history; empty when there is none to show."""

    #: The Changes page; ``None`` when the workspace is in no git repository with commits.
    log: ChangeLog | None = None
    #: The last change of each feature, by ID.
    last: Mapping[str, LastChange] = field(default_factory=dict)
    #: What changed since the ``since`` revision; ``None`` without one, or when its history is missing.
    since: Since | None = None


def gather(settings: Settings, ws: Workspace, *, since_given: bool = False) -> tuple[History, list[Diagnostic]]:
    """The history of the workspace's specs, and the SG409 warning when ``since`` cannot be honoured.

    ``since_given``: the ``since`` setting came from the command line, not from
    ``specgen.yaml`` (where the warning then points).
    """
    try:
        repo: Repository | None = Repository.at(settings.workspace)
        problem: GitError | None = None
    except GitError as error:
        repo, problem = None, error
    log: ChangeLog | None = None
    last: dict[str, LastChange] = {}
    if repo is not None:
        try:
            log, last = _pages(repo, settings, ws)
        except (GitError, ValueError):  # ValueError: the specs folder is not inside the repository (a link)
            log, last = None, {}
    if settings.since is None:
        return History(log, last), []
    found = resolve(settings.since, settings, repo, problem)
    if isinstance(found, Since):
        return History(log, last, found), []
    return History(log, last), [_located(found, settings, since_given)]


def _pages(repo: Repository, settings: Settings, ws: Workspace) -> tuple[ChangeLog | None, dict[str, LastChange]]:
    if repo.head() is None:
        return None, {}
    specs = _relative(settings.specs_dir, repo.root)
    last = last_changes(
        repo, specs, ws.features, settings.limits, _relative(settings.workspace, repo.root), settings.custom_fields
    )
    return change_log(repo, specs), last


def _relative(path: Path, root: Path) -> str:
    """``path`` relative to the repository's root, as git spells it (``.`` for the root itself)."""
    return posixpath.normpath(path.resolve().relative_to(root).as_posix())


def _located(missing: Missing, settings: Settings, since_given: bool) -> Diagnostic:
    """SG409 at the ``since`` setting of ``specgen.yaml``, or at the specs folder for ``--since``."""
    if since_given:
        return missing.diagnostic(shown_path(settings.specs_dir, settings.workspace))
    text, _ = read_text(settings.workspace / CONFIG_FILE, CONFIG_FILE, settings.workspace, settings.limits)
    (located,) = locate_all([missing.diagnostic(CONFIG_FILE, ("since",))], {CONFIG_FILE: text} if text else {})
    return located
