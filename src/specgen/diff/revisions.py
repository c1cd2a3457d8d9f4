"""Revisions: the specs of a git revision, or of the working tree, loaded and checked as one side.

A revision's files are read straight from git (one ``git cat-file --batch``
for the blobs of both sides, each distinct blob parsed and checked once
through a shared in-memory cache), so no checkout and no temporary work
tree is ever made. Links and submodules in a tree are SG110: a link's
target is never read. The working tree is read as ``specgen check`` reads
it, limited to the files git tracks or would track (not ignored ones).
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from specgen.cache import FileCache
from specgen.check import check_loaded
from specgen.config import Settings
from specgen.diagnostics import Diagnostic
from specgen.diff.git import Repository, TreeEntry
from specgen.diff.side import Side
from specgen.kinds import PRODUCT, PRODUCT_ID
from specgen.loader import Entry, LoadResult, in_specs, load_entries, shown_path, specs_folder
from specgen.reading import decode, read_text, too_large


class Revisions:
    """The sides of one diff, and what they share: the repository, the settings, the caches."""

    def __init__(self, repo: Repository, settings: Settings) -> None:
        self.repo = repo
        self.settings = settings
        # In memory: a file both sides hold is checked once.
        self.cache = FileCache(None, settings.limits, settings.custom_fields.digest)
        self.memo: dict[tuple[str, str], object] = {}  # model objects, shared the same way
        workspace = settings.workspace.resolve()
        self.workspace = _relative(workspace, repo.root)
        self.prefix = _relative(workspace / os.path.relpath(settings.specs_dir, settings.workspace), repo.root)
        self.specs_shown = shown_path(settings.specs_dir, settings.workspace)

    def trees(self, revisions: Sequence[tuple[str, str, str]]) -> list[Side]:
        """The sides of ``(name, label, commit)`` revisions, with the blobs of all of them read in one batch."""
        limit = self.settings.limits.max_file_bytes
        listed = [(name, label, commit, self._spec_entries(commit)) for name, label, commit in revisions]
        wanted = {e.oid for *_, tree in listed for e in tree if e.size is not None and e.size <= limit}
        # Each blob is made text as it arrives, so only one raw blob is held at a time; one that is no text
        # is kept raw, to be reported at each path that holds it.
        texts: dict[str, str | bytes] = {}
        for oid, raw in self.repo.each_blob(sorted(wanted)):
            text, _ = decode(raw, "")
            texts[oid] = raw if text is None else text
        return [self._tree_side(name, label, commit, tree, texts) for name, label, commit, tree in listed]

    def worktree(self, name: str, label: str) -> Side:
        """The working tree: the files below the specs folder that git tracks or would track."""
        settings = self.settings
        bound, refused = specs_folder(settings.specs_dir, settings.workspace)
        if refused is not None:  # as in ``specgen check``: one error for the folder
            loaded = LoadResult([], [refused], {PRODUCT_ID: PRODUCT})
        else:
            entries = []
            for path in self.repo.worktree(self.prefix):
                file = self.repo.root / path
                if file.is_symlink() or in_specs(path, self.prefix) is not None:
                    entries.append(Entry(self._inside(path), self._shown(path), file.is_symlink() and file.is_dir()))

            def read(entry: Entry) -> tuple[str | None, list[Diagnostic]]:
                file = settings.specs_dir / entry.relative
                return read_text(file, entry.shown, bound, settings.limits, bound_name="the specs folder")

            loaded = load_entries(
                entries, read, self.specs_shown, settings.limits, cache=self.cache, ignore=settings.ignore
            )
        return Side(name, label, check_loaded(settings, loaded, self.cache, site=False), None, self.memo)

    def _spec_entries(self, commit: str) -> list[TreeEntry]:
        """The entries to load of a revision: its spec files, and every link and submodule (reported, not read)."""
        tree = self.repo.tree(commit, self.prefix)
        return [e for e in tree if e.is_link or e.is_submodule or in_specs(e.path, self.prefix) is not None]

    def _tree_side(
        self, name: str, label: str, commit: str, tree: list[TreeEntry], texts: dict[str, str | bytes]
    ) -> Side:
        limits = self.settings.limits
        if any(e.path == self.prefix for e in tree):  # the specs folder itself is a link or a submodule there
            refused = _refused(self.specs_shown, "the specs folder is a link or a submodule in the revision")
            loaded = LoadResult([], [refused], {PRODUCT_ID: PRODUCT})
            return Side(name, label, check_loaded(self.settings, loaded, self.cache, site=False), commit, self.memo)
        by_shown = {self._shown(e.path): e for e in tree}

        def read(entry: Entry) -> tuple[str | None, list[Diagnostic]]:
            item = by_shown[entry.shown]
            if item.is_link:
                return None, [_refused(entry.shown, "a symbolic link in the revision: specgen never follows links")]
            if item.is_submodule:
                return None, [_refused(entry.shown, "a submodule in the revision: specgen reads only files")]
            if item.size is None or item.size > limits.max_file_bytes:
                return None, [too_large(entry.shown, item.size or 0, limits)]
            text = texts[item.oid]
            return (text, []) if isinstance(text, str) else decode(text, entry.shown)

        entries = [Entry(self._inside(e.path), self._shown(e.path)) for e in tree]
        loaded = load_entries(entries, read, self.specs_shown, limits, cache=self.cache, ignore=self.settings.ignore)
        return Side(name, label, check_loaded(self.settings, loaded, self.cache, site=False), commit, self.memo)

    def _inside(self, path: str) -> PurePosixPath:
        """A repository path relative to the specs folder."""
        return PurePosixPath(posixpath.relpath(path, self.prefix or "."))

    def _shown(self, path: str) -> str:
        """A repository path as users see it: relative to the workspace, as ``specgen check`` shows it."""
        return posixpath.relpath(path, self.workspace) if self.workspace not in ("", ".") else path


def _refused(shown: str, message: str) -> Diagnostic:
    return Diagnostic.of("SG110", shown, message)


def _relative(path: Path, root: Path) -> str:
    """``path`` (resolved) relative to the repository root, in git's spelling."""
    try:
        return posixpath.normpath(path.relative_to(root).as_posix())
    except ValueError:
        return path.as_posix()
