"""Last change: when each feature's file last changed in git, and how (moved to 0.9, requirement R2 reworded).

One log of the features folder (:meth:`~specgen.diff.git.Repository.last_commits`)
names the last commit of each file; the feature as that commit left it is
compared with the feature as its first parent had it, by the same comparison
as ``specgen diff`` (:func:`specgen.diff.features.feature_changes`), each side
with its own releases, so that "moved from 1.0 (2027-01-15)" gives the date
1.0 had then. Everything is read straight from git: one tree listing per
commit involved (and per parent), then one ``git cat-file --batch`` for the
features and one for the releases they name. A version that does not parse
or breaks its schema is passed over: the page then says when the file
changed, not how.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ruamel.yaml import YAML

from specgen.diagnostics import Severity
from specgen.diff.features import feature_changes
from specgen.diff.git import Commit, FileChange, GitError, Repository, TreeEntry
from specgen.kinds import KINDS, Kind
from specgen.limits import Limits
from specgen.loader import LoadResult, load_text
from specgen.model import Feature, Release, Workspace, build_workspace
from specgen.reading import decode, read_text
from specgen.schema import check_document
from specgen.vocabulary import modernized
from specgen.yamlio import make_yaml

#: How many of a commit's changes to one feature a page spells out; the rest are counted.
SHOWN = 3
#: How far back to look: the last commits that touched the features folder.
WINDOW = 200
_FEATURE, _RELEASE = KINDS["feature"], KINDS["release"]


@dataclass(frozen=True)
class LastChange:
    """The last commit that changed a feature's file, and what it changed."""

    day: str
    short: str
    #: The commit's subject: text from git, escaped like spec text wherever it is shown.
    subject: str
    #: The commit added the file: it has no earlier version.
    created: bool
    #: What changed, one plain sentence each (at most :data:`SHOWN`); empty when not known.
    how: tuple[str, ...] = ()
    #: Changes past :data:`SHOWN`.
    more: int = 0


def last_changes(
    repo: Repository, specs_prefix: str, features: Mapping[str, Feature], limits: Limits, workspace_prefix: str = "."
) -> dict[str, LastChange]:
    """The last change of each of ``features`` (the workspace's, as checked), by ID.

    ``specs_prefix`` and ``workspace_prefix`` are the specs folder and the
    workspace relative to the repository's root. A feature whose file no
    commit of the last :data:`WINDOW` changed, or that is new in the working
    tree, has none.
    """
    latest = repo.last_commits(_folder(specs_prefix, _FEATURE), WINDOW)
    current = {_repository_path(workspace_prefix, f.source): f for f in features.values()}
    found: dict[str, tuple[Commit, FileChange]] = {}
    for path, feature in current.items():
        fid = feature.id
        commit = latest.get(path)
        change = next((c for c in commit.files if c.path == path), None) if commit else None
        if commit is not None and change is not None:
            found[fid] = (commit, change)
    edited = [(commit, change) for commit, change in found.values() if change.status not in ("A", "C")]
    versions = _Versions(repo, specs_prefix, limits, edited, current)
    result: dict[str, LastChange] = {}
    for fid, (commit, change) in found.items():
        if change.status in ("A", "C"):
            result[fid] = LastChange(commit.day, commit.short, commit.subject, created=True)
            continue
        parent = f"{commit.oid}^"
        old = versions.feature(parent, change.old_path or change.path)
        new = versions.feature(commit.oid, change.path)
        how: list[str] = []
        if old is not None and new is not None:
            renamed = {old.id: new.id} if old.id != new.id else {}
            how = [f"renamed from {old.id}"] if renamed else []
            before, after = versions.releases(parent), versions.releases(commit.oid)
            how += [c.summary for c in feature_changes(old, new, before, after, renamed)]
        shown = tuple(how[:SHOWN])
        result[fid] = LastChange(commit.day, commit.short, commit.subject, False, shown, len(how) - len(shown))
    return result


class _Versions:
    """The features each edit needs at its commit and its first parent (``OID^``), and the releases they name."""

    def __init__(
        self,
        repo: Repository,
        prefix: str,
        limits: Limits,
        edited: Iterable[tuple[Commit, FileChange]],
        current: Mapping[str, Feature],
    ) -> None:
        self.repo, self.prefix, self.limits = repo, prefix, limits
        self.yaml = make_yaml()
        wanted: dict[str, set[str]] = {}
        for commit, change in edited:
            wanted.setdefault(commit.oid, set()).add(change.path)
            wanted.setdefault(f"{commit.oid}^", set()).add(change.old_path or change.path)
        #: Each revision's spec files by path, listed once however many features it holds.
        self.trees: dict[str, dict[str, TreeEntry]] = {}
        for revision in wanted:
            try:
                self.trees[revision] = {e.path: e for e in repo.tree(revision, prefix)}
            except GitError:  # a parent this clone does not hold: this change's "how" stays unknown
                continue
        keys = [(rev, path) for rev, paths in wanted.items() if rev in self.trees for path in paths]
        # A file the working tree holds as the commit left it is the feature already checked: not parsed again.
        self.features = {k: current[k[1]] for k in keys if self._as_on_disk(*k) and k[1] in current}
        read = self._read(_FEATURE, [k for k in keys if k not in self.features])
        self.features.update({k: f for k, f in read.items() if isinstance(f, Feature)})
        named = {(rev, self._release_path(rev, f.release)) for (rev, _), f in self.features.items() if f.release}
        read = self._read(_RELEASE, sorted(key for key in named if key[1]))
        self.by_release = {k: r for k, r in read.items() if isinstance(r, Release)}

    def feature(self, revision: str, path: str) -> Feature | None:
        return self.features.get((revision, path))

    def releases(self, revision: str) -> dict[str, Release]:
        return {r.id: r for (rev, _), r in self.by_release.items() if rev == revision}

    def _as_on_disk(self, revision: str, path: str) -> bool:
        """Whether the file on disk holds what ``revision`` has at ``path`` (git's object ID of its bytes)."""
        entry = self.trees[revision].get(path)
        if entry is None or entry.size is None or revision.endswith("^"):
            return False
        # Read as the check reads specs: a link out of the specs folder, a FIFO or a huge file is not read.
        text, _ = read_text(self.repo.root / path, path, (self.repo.root / self.prefix).resolve(), self.limits)
        if text is None:
            return False
        data = text.encode("utf-8")  # a byte-order mark or an undecodable byte just makes it differ
        algorithm = hashlib.sha1 if len(entry.oid) == 40 else hashlib.sha256
        return algorithm(b"blob %d\0" % len(data) + data).hexdigest() == entry.oid

    def _release_path(self, revision: str, ident: str) -> str:
        """The file of release ``ident`` in the revision's tree (named by its ID), or ``""``."""
        folder = _folder(self.prefix, _RELEASE)
        tree = self.trees[revision]
        return next((p for p in (f"{folder}/{ident}.yaml", f"{folder}/{ident}.yml") if p in tree), "")

    def _read(self, kind: Kind, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Feature | Release]:
        """The spec each (revision, path) holds, read in one batch; those that do not load or fit are left out."""
        limit = self.limits.max_file_bytes
        entries = {(rev, path): self.trees[rev][path] for rev, path in keys if path in self.trees[rev]}
        readable = {key: e for key, e in entries.items() if e.size is not None and e.size <= limit}
        blobs = self.repo.blobs(e.oid for e in readable.values())
        found: dict[tuple[str, str], Feature | Release] = {}
        for key, entry in readable.items():
            spec = _spec(blobs[entry.oid], key[1], kind, self.yaml, self.limits)
            if spec is not None:
                found[key] = spec
        return found


def _spec(raw: bytes, path: str, kind: Kind, yaml: YAML, limits: Limits) -> Feature | Release | None:
    """The feature or release one version of a file holds; ``None`` when it does not load or breaks its schema."""
    text, _ = decode(raw, path)
    if text is None:
        return None
    document, _ = load_text(text, path, kind, yaml, limits)
    if document is None:
        return None
    (document,) = modernized(LoadResult([document], [], {})).documents  # an older spelling reads as today's
    problems, broken = check_document(document)
    if broken or any(p.severity is Severity.ERROR for p in problems):
        return None
    ws: Workspace = build_workspace([document])
    table: Mapping[str, Feature | Release] = ws.features if kind is _FEATURE else ws.releases
    return next(iter(table.values()), None)


def _folder(specs_prefix: str, kind: Kind) -> str:
    return posixpath.normpath(posixpath.join(specs_prefix, str(kind.folder)))


def _repository_path(root_prefix: str, source: str) -> str:
    """A workspace-relative path (a spec's ``source``) as git names it: relative to the repository's root."""
    return posixpath.normpath(posixpath.join(root_prefix, source)) if root_prefix not in ("", ".") else source
