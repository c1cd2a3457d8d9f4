"""The next free ID of a kind: one more than the highest ever used, in the working tree and in git history.

IDs are never reused: a reader of an old brief, a commit message or a test
report that names ``FEAT-3`` must not find another feature under it. So the
IDs in use are the spec files under the kind's folder on disk plus every path
that ever existed there in any commit reachable from any ref (a deleted
feature, a branch not merged yet). Outside a git repository only the files on
disk count, and the caller is told so. Two branches may still take the same
ID before either is merged; ``specgen check`` reports the pair after the
merge (SG301, two specs with one ID, or SG302, an ID that is not its file's
name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from specgen.diff.git import GitError, Repository, run_git
from specgen.kinds import Kind
from specgen.loader import YAML_SUFFIXES
from specgen.walk import walk


@dataclass(frozen=True)
class UsedIds:
    """The IDs of one kind that are taken: on disk, and (when in git) anywhere in history."""

    on_disk: frozenset[str]
    in_history: frozenset[str]
    #: Whether git history was read: ``False`` outside a git repository (or without git).
    from_git: bool
    #: Why history was not read, for the user; ``None`` when it was.
    why_not_git: str | None = None

    @property
    def all(self) -> frozenset[str]:
        return self.on_disk | self.in_history

    def next_id(self, kind: Kind) -> str:
        """``PREFIX-<n>``, ``n`` one more than the highest number ever used (IDs like ``FEAT-login`` count none)."""
        # Up to 15 digits: a longer number is no count of specs but a typo or a prank, and int() refuses 4,300.
        number = re.compile(rf"{re.escape(str(kind.prefix))}-0*([0-9]{{1,15}})", re.IGNORECASE)
        highest = max((int(m.group(1)) for ident in self.all if (m := number.fullmatch(ident))), default=0)
        return f"{kind.prefix}-{highest + 1}"


def _ident(name: str) -> str | None:
    """The ID a spec file's name gives (``FEAT-3.yaml`` -> ``FEAT-3``); ``None`` for other files."""
    for suffix in YAML_SUFFIXES:
        if name.lower().endswith(suffix) and not name.startswith("."):
            return name[: -len(suffix)]
    return None


def used_ids(folder: Path) -> UsedIds:
    """The IDs taken in ``folder`` (a kind's folder, resolved; it need not exist yet)."""
    on_disk: set[str] = set()
    if folder.is_dir():
        for _root, _dirs, files in walk(folder):
            on_disk.update(i for name in files if (i := _ident(name)))
    try:
        repo = Repository.at(_existing(folder))
    except GitError as error:
        why = "not in a git repository" if error.kind == "not_a_repository" else str(error)
        return UsedIds(frozenset(on_disk), frozenset(), False, why)
    if not folder.is_relative_to(repo.root):
        return UsedIds(frozenset(on_disk), frozenset(), False, f"{folder} is outside the repository at {repo.root}")
    prefix = PurePosixPath(folder.relative_to(repo.root).as_posix()).as_posix()
    return UsedIds(frozenset(on_disk), frozenset(_history(repo, prefix)), True)


def _existing(folder: Path) -> Path:
    """``folder`` or its nearest existing parent: git is asked from there."""
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    return folder


def _history(repo: Repository, prefix: str) -> set[str]:
    """The IDs of every path below ``prefix`` that any commit reachable from any ref added, changed or removed.

    Every path that ever existed was added by some commit, and ``--name-only``
    lists it there; ``-m`` includes what merges alone brought in, and the first
    commit lists its files (``log.showRoot``, set for every git call). A
    repository without commits has no history.
    """
    if repo.head() is None and not _has_refs(repo):
        return set()
    # The one listing the Repository class has no method for; its runner gives the same safe environment.
    proc = run_git(repo.root, ["log", "--all", "-m", "--format=", "--name-only", "-z", "--", prefix or "."])
    if proc.returncode:
        raise GitError("failed", f"git log failed: {proc.stderr.decode('utf-8', 'replace').strip()}")
    found = set()
    for raw in proc.stdout.split(b"\0"):
        path = raw.strip(b"\n").decode("utf-8", "surrogateescape")
        if path and (ident := _ident(PurePosixPath(path).name)):
            found.add(ident)
    return found


def _has_refs(repo: Repository) -> bool:
    proc = run_git(repo.root, ["for-each-ref", "--count=1", "--format=%(refname)"])
    return proc.returncode == 0 and bool(proc.stdout.strip())
