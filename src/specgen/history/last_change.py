"""Last change: when each feature's file last changed in git, and how (moved to 0.9, requirement R2 reworded).

One log of the features folder (:meth:`~specgen.diff.git.Repository.last_commits`)
names the last commit of each file and, from git's raw diff, the object ID
of the file before and after it. The feature as that commit left it is
compared with the feature as its first parent had it, by the same comparison
as ``specgen diff`` (:func:`specgen.diff.features.feature_changes`), each
side with its own releases, so that "moved from 1.0 (2027-01-15)" gives the
date 1.0 had then.

What it costs is what a page needs, whatever the history: no tree is listed
for the features, every version is read by object ID in one
``git cat-file --batch``, each distinct version is parsed once, the version
the working tree still holds is the feature already checked, and a release
is read only for a feature whose release changed (a feature that did not
move names no release). Two versions read from git whose data are equal
once modernized (a commit of ``specgen migrate``) have nothing to tell, so
neither is checked. A version that does not parse or breaks its schema is
passed over: the page then says when the file changed, not how.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ruamel.yaml import YAML

from specgen.diagnostics import Severity
from specgen.diff.features import feature_changes
from specgen.diff.git import Commit, FileChange, Repository
from specgen.kinds import KINDS, Kind
from specgen.limits import Limits
from specgen.loader import Document, LoadResult, load_text
from specgen.model import Feature, Release, Workspace, build_workspace
from specgen.reading import decode, read_text
from specgen.schema import check_document
from specgen.schema.custom import NO_FIELDS, CustomFields
from specgen.vocabulary import modernized
from specgen.yamlio import make_yaml

#: How many of a commit's changes to one feature a page spells out; the rest are counted.
SHOWN = 3
#: How far back to look: the last commits that touched the features folder.
WINDOW = 200
_FEATURE, _RELEASE = KINDS["feature"], KINDS["release"]
#: One version of a file: its object ID and its path in the repository.
_Key = tuple[str, str]


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
    repo: Repository,
    specs_prefix: str,
    features: Mapping[str, Feature],
    limits: Limits,
    workspace_prefix: str = ".",
    custom: CustomFields = NO_FIELDS,
) -> dict[str, LastChange]:
    """The last change of each of ``features`` (the workspace's, as checked), by ID.

    ``specs_prefix`` and ``workspace_prefix`` are the specs folder and the
    workspace relative to the repository's root. A feature whose file no
    commit of the last :data:`WINDOW` changed, or that is new in the working
    tree, has none. Older versions are checked with the workspace's ``custom``
    fields, as the working tree is.
    """
    latest = repo.last_commits(_folder(specs_prefix, _FEATURE), WINDOW)
    current = {_repository_path(workspace_prefix, f.source): f for f in features.values()}
    found: dict[str, tuple[Commit, FileChange]] = {}
    for path, feature in current.items():
        commit = latest.get(path)
        change = next((c for c in commit.files if c.path == path), None) if commit else None
        if commit is not None and change is not None:
            found[feature.id] = (commit, change)
    edits = [(commit, change) for commit, change in found.values() if change.status not in ("A", "C")]
    versions = _Versions(repo, specs_prefix, limits, current, custom)
    pairs = versions.pairs(change for _, change in edits)
    named: set[tuple[str, str | None]] = set()
    for commit, change in edits:
        old, new = pairs.get(change.path, (None, None))
        if old is not None and new is not None and old.release != new.release:  # only a move names releases
            named |= {(f"{commit.oid}^", old.release), (commit.oid, new.release)}
    releases = versions.releases({(revision, ident) for revision, ident in named if ident})
    result: dict[str, LastChange] = {}
    for fid, (commit, change) in found.items():
        if change.status in ("A", "C"):
            result[fid] = LastChange(commit.day, commit.short, commit.subject, created=True)
            continue
        how: list[str] = []
        if change.path in pairs:
            old, new = pairs[change.path]
            renamed = {old.id: new.id} if old.id != new.id else {}
            how = [f"renamed from {old.id}"] if renamed else []
            before = _named(releases, f"{commit.oid}^", old.release)
            after = _named(releases, commit.oid, new.release)
            how += [c.summary for c in feature_changes(old, new, before, after, renamed)]
        shown = tuple(how[:SHOWN])
        result[fid] = LastChange(commit.day, commit.short, commit.subject, False, shown, len(how) - len(shown))
    return result


class _Versions:
    """Versions of spec files read from git by object ID, each parsed, checked and modelled at most once."""

    def __init__(
        self,
        repo: Repository,
        prefix: str,
        limits: Limits,
        current: Mapping[str, Feature],
        custom: CustomFields = NO_FIELDS,
    ) -> None:
        self.repo, self.prefix, self.limits, self.current, self.custom = repo, prefix, limits, current, custom
        self.yaml = make_yaml()
        self.documents: dict[_Key, Document | None] = {}
        self.specs: dict[_Key, Feature | Release | None] = {}

    def pairs(self, changes: Iterable[FileChange]) -> dict[str, tuple[Feature, Feature]]:
        """The feature before and after each change (by path), when both are known and their data differ."""
        edits: dict[str, tuple[_Key, _Key]] = {}
        for change in changes:
            before, after = change.before, change.after
            if before is not None and after is not None and before.is_file and after.is_file:
                edits[change.path] = ((before.oid, change.old_path or change.path), (after.oid, change.path))
        # A file the working tree holds as the commit left it is the feature already checked: not read again.
        on_disk = {new for _, new in edits.values() if self._as_on_disk(*new)}
        self._load(_FEATURE, [key for old, new in edits.values() for key in (old, new) if key not in on_disk])
        pairs: dict[str, tuple[Feature, Feature]] = {}
        for path, (old_key, new_key) in edits.items():
            old_document, new_document = self.documents.get(old_key), self.documents.get(new_key)
            # Only two versions read from git are compared as data: parsing the version the working tree holds
            # again would cost what skipping the check saves, so that one is compared as a model below.
            if old_document is not None and new_document is not None and old_document.data == new_document.data:
                continue  # the same feature in other words (or other bytes): nothing to tell, nothing to check
            old = self._spec(old_key)
            new = self.current[path] if new_key in on_disk else self._spec(new_key)
            if isinstance(old, Feature) and isinstance(new, Feature):
                pairs[path] = (old, new)
        return pairs

    def releases(self, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], Release]:
        """Release ``ident`` at each ``(revision, ident)``, from its file (``<ident>.yaml`` or ``.yml``) there.

        The releases folder is resolved at each revision in one call, and each distinct folder (they seldom
        change between commits) is listed once, so that a link or a submodule is told from a file.
        """
        folder = _folder(self.prefix, _RELEASE)
        names = {rev: f"{rev}:{folder}" for rev, _ in wanted}
        found = self.repo.objects(names.values())
        trees = {rev: info.oid for rev, name in names.items() if (info := found.get(name)) and info.kind == "tree"}
        # ls-tree lists a folder's tree as it lists a commit's: paths relative to the folder.
        listed = {tree: {e.path: e for e in self.repo.tree(tree, "")} for tree in set(trees.values())}
        keys: dict[tuple[str, str], _Key] = {}
        for rev, ident in wanted:
            entries = listed.get(trees.get(rev, ""), {})
            entry = next((entries[n] for n in (f"{ident}.yaml", f"{ident}.yml") if n in entries), None)
            if entry is not None and entry.size is not None:
                keys[(rev, ident)] = (entry.oid, f"{folder}/{entry.path}")
        self._load(_RELEASE, list(keys.values()))
        releases = {named: self._spec(key) for named, key in keys.items()}
        return {named: r for named, r in releases.items() if isinstance(r, Release) and r.id == named[1]}

    def _as_on_disk(self, oid: str, path: str) -> bool:
        """Whether the file on disk holds the blob ``oid`` (git's object ID of its bytes)."""
        if path not in self.current:
            return False
        # Read as the check reads specs: a link out of the specs folder, a FIFO or a huge file is not read.
        text, _ = read_text(self.repo.root / path, path, (self.repo.root / self.prefix).resolve(), self.limits)
        if text is None:
            return False
        data = text.encode("utf-8")  # a byte-order mark or an undecodable byte just makes it differ
        algorithm = hashlib.sha1 if len(oid) == 40 else hashlib.sha256
        return algorithm(b"blob %d\0" % len(data) + data).hexdigest() == oid

    def _load(self, kind: Kind, keys: list[_Key]) -> None:
        """Parse the versions not parsed yet, read in one batch; one too large to read, or not a blob, is ``None``."""
        keys = [key for key in dict.fromkeys(keys) if key not in self.documents]
        sizes = self.repo.objects(oid for oid, _ in keys)
        readable = {
            oid for oid, info in sizes.items() if info.kind == "blob" and info.size <= self.limits.max_file_bytes
        }
        blobs = self.repo.blobs(readable)
        for oid, path in keys:
            self.documents[(oid, path)] = (
                _document(blobs[oid], path, kind, self.yaml, self.limits) if oid in blobs else None
            )

    def _spec(self, key: _Key) -> Feature | Release | None:
        """The feature or release a parsed version holds; ``None`` when it does not load or breaks its schema."""
        if key not in self.specs:
            document = self.documents.get(key)
            self.specs[key] = _model(document, self.custom) if document is not None else None
        return self.specs[key]


def _document(raw: bytes, path: str, kind: Kind, yaml: YAML, limits: Limits) -> Document | None:
    """One version of a file as data in today's spelling; ``None`` when it is no text or no YAML mapping."""
    text, _ = decode(raw, path)
    if text is None:
        return None
    document, _ = load_text(text, path, kind, yaml, limits)
    if document is None:
        return None
    (document,) = modernized(LoadResult([document], [], {})).documents  # an older spelling reads as today's
    return document


def _model(document: Document, custom: CustomFields = NO_FIELDS) -> Feature | Release | None:
    """The feature or release of a parsed version, or ``None`` when it breaks its schema."""
    problems, broken = check_document(document, custom)
    if broken or any(p.severity is Severity.ERROR for p in problems):
        return None
    ws: Workspace = build_workspace([document])
    table: Mapping[str, Feature | Release] = ws.features if document.kind is _FEATURE else ws.releases
    return next(iter(table.values()), None)


def _named(releases: Mapping[tuple[str, str], Release], revision: str, ident: str | None) -> dict[str, Release]:
    """The release a feature names at a revision, by ID; none when it names none or the release is not known."""
    release = releases.get((revision, ident)) if ident else None
    return {release.id: release} if release is not None else {}


def _folder(specs_prefix: str, kind: Kind) -> str:
    return posixpath.normpath(posixpath.join(specs_prefix, str(kind.folder)))


def _repository_path(root_prefix: str, source: str) -> str:
    """A workspace-relative path (a spec's ``source``) as git names it: relative to the repository's root."""
    return posixpath.normpath(posixpath.join(root_prefix, source)) if root_prefix not in ("", ".") else source
