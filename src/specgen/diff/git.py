"""Git: the one module that talks to git, to read revisions without checking anything out.

Every call runs the ``git`` command (never a shell) with output that parses
unambiguously (``-z``, ``LC_ALL=C``, paths unquoted) and with nothing that
could write or run a configured program: no pager, no prompt, no optional
locks, no fsmonitor hook, no external diff or textconv. A path comes back
exactly as git stores it, decoded as UTF-8 with ``surrogateescape`` so that a
name that is not UTF-8 still round-trips to the file system. git's refusals
become a :class:`GitError` whose text is the one line the user reads.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import os
import re
import shlex
import subprocess
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Literal

from specgen.diff.gitlog import LOG_FORMAT, Commit, FileChange, FileVersion, parse_log

__all__ = ["Commit", "FileChange", "FileVersion", "GitError", "ObjectInfo", "Repository", "TreeEntry"]

GitErrorKind = Literal[
    "no_git", "not_a_repository", "dubious_ownership", "no_commits", "bad_revision", "no_merge_base", "failed"
]

#: Options before every command: literal pathspecs (a folder named ``specs[1]`` is not a pattern) and settings
#: that would otherwise change the output's shape or run a program.
_OPTIONS = (
    "--no-pager", "--literal-pathspecs", "-c", "core.quotepath=off", "-c", "core.fsmonitor=false",
    "-c", "log.showSignature=false",  # would run gpg and add its output to the log
    "-c", "log.showRoot=true",  # a first commit lists the files it added
)  # fmt: skip
#: Variables that point git at one repository (a git hook runs with them set) or change how pathspecs read: a
#: folder names its own repository, whatever the caller's environment says. Configuration passed in the
#: environment (``GIT_CONFIG_COUNT``, as CI sets ``safe.directory``) stays.
_DROPPED = (
    "GIT_DIR", "GIT_WORK_TREE", "GIT_IMPLICIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_INDEX_FILE", "GIT_PREFIX",
    "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_GRAFT_FILE", "GIT_SHALLOW_FILE",
    "GIT_INTERNAL_SUPER_PREFIX", "GIT_GLOB_PATHSPECS", "GIT_NOGLOB_PATHSPECS", "GIT_ICASE_PATHSPECS",
)  # fmt: skip
_SAFE_ENV = {"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "GIT_OPTIONAL_LOCKS": "0"}
_OID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
_FETCH_HISTORY = (
    "this clone is shallow and lacks the history; fetch it with `git fetch --unshallow`"
    " (in GitHub Actions, set `fetch-depth: 0` on actions/checkout)"
)


class GitError(Exception):
    """A git problem the user must fix; ``str(error)`` is the clear, one-line message shown to them."""

    def __init__(self, kind: GitErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind: GitErrorKind = kind


@dataclass(frozen=True)
class TreeEntry:
    """A file of a commit's tree: a blob, a symbolic link or a submodule (a gitlink)."""

    #: Relative to the repository's root, with forward slashes, exactly as git stores it.
    path: str
    #: ``"100644"``, ``"100755"``, ``"120000"`` (a link) or ``"160000"`` (a submodule).
    mode: str
    oid: str
    #: The blob's bytes; ``None`` for a link or a submodule, which are never read as specs.
    size: int | None

    @property
    def is_link(self) -> bool:
        return self.mode == "120000"

    @property
    def is_submodule(self) -> bool:
        return self.mode == "160000"


@dataclass(frozen=True)
class ObjectInfo:
    """What a name (an object ID, ``<revision>:<path>``) names, as ``git cat-file --batch-check`` says."""

    oid: str
    #: ``"blob"``, ``"tree"``, ``"commit"`` or ``"tag"``; a link's target is a blob too (a tree says which is which).
    kind: str
    size: int


@dataclass(frozen=True)
class Repository:
    """A git work tree, read through the ``git`` command; nothing here writes to it."""

    #: The work tree's top level, resolved.
    root: Path

    @classmethod
    def at(cls, folder: Path) -> Repository:
        """The repository containing ``folder``."""
        folder = folder.resolve()
        if not folder.is_dir():
            raise GitError("not_a_repository", f"{folder} is not a folder")
        proc = run_git(folder, ["rev-parse", "--show-toplevel"])
        if proc.returncode and b"must be run in a work tree" in proc.stderr:
            raise GitError("not_a_repository", f"{folder} is inside a git folder, not a work tree")
        if proc.returncode:
            raise _failure(proc, "rev-parse")
        return cls(Path(_text(proc.stdout.removesuffix(b"\n"))).resolve())

    def head(self) -> str | None:
        """The commit HEAD names; ``None`` when there are no commits yet."""
        proc = self._git("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
        return _text(proc.stdout).strip() if proc.returncode == 0 else None

    def resolve(self, revision: str) -> str:
        """The full OID of the commit any revision names: a branch, tag, OID, ``origin/main``, ``HEAD~3``."""
        proc = self._git("rev-parse", "--verify", "--quiet", f"{_revision(revision)}^{{commit}}")
        found = _text(proc.stdout).strip()
        if proc.returncode == 0 and _OID.fullmatch(found):
            return found
        if proc.returncode == 0:  # "^main" and the like verify, but name a set of commits, not one
            raise GitError("bad_revision", f"unknown revision {revision!r}: it names no single commit")
        if self.head() is None:
            raise GitError("no_commits", f"the repository at {self.root} has no commits yet; commit the specs first")
        if self.is_shallow():
            raise GitError("bad_revision", f"unknown revision {revision!r}: {_FETCH_HISTORY}")
        remote = f"origin/{revision}"  # a fresh clone has origin/main but no main of its own
        if self._git("rev-parse", "--verify", "--quiet", f"{remote}^{{commit}}").returncode == 0:
            raise GitError("bad_revision", f"unknown revision {revision!r}: no such branch here, use {remote}")
        raise GitError("bad_revision", f"unknown revision {revision!r}: no branch, tag or commit of {self.root}")

    def merge_base(self, a: str, b: str) -> str:
        """The best common ancestor of two revisions, as GitHub compares a pull request."""
        proc = self._git("merge-base", _revision(a), _revision(b))
        if proc.returncode == 0:
            return _text(proc.stdout).strip()
        if proc.returncode == 1 and not proc.stderr:
            why = _FETCH_HISTORY if self.is_shallow() else "their histories are unrelated"
            raise GitError("no_merge_base", f"{a!r} and {b!r} have no common ancestor: {why}")
        raise _bad_revision(proc, self) or _failure(proc, "merge-base")

    def is_shallow(self) -> bool:
        """Whether this is a shallow clone (``actions/checkout`` makes one by default): its history stops short."""
        return _text(self._checked("rev-parse", "--is-shallow-repository")).strip() == "true"

    def tree(self, commit: str, prefix: str) -> list[TreeEntry]:
        """Every entry below ``prefix`` (a folder relative to the root) at ``commit``, links and submodules too.

        Nothing is followed: a link or a submodule is an entry like a file. When ``prefix`` itself is a file, a
        link or a submodule at that commit, it is the one entry.
        """
        proc = self._git("ls-tree", "-r", "-l", "-z", "--full-tree", _revision(commit), *_pathspec(prefix))
        if proc.returncode:
            raise _bad_revision(proc, self) or _failure(proc, "ls-tree")
        entries = []
        for record in _records(proc.stdout):
            meta, _, path = record.partition(b"\t")
            mode, _kind, oid, size = meta.decode("ascii").split()
            known = size.isdigit() and mode != "120000"
            entries.append(TreeEntry(_text(path), mode, oid, int(size) if known else None))
        return entries

    def worktree(self, prefix: str) -> list[str]:
        """The paths below ``prefix`` on disk that git tracks or would track (untracked but not ignored), sorted.

        A tracked file deleted from disk is left out. An untracked repository inside the folder is one path (the
        folder's, without git's trailing slash): its files belong to another repository.
        """
        out = self._checked("ls-files", "-c", "-o", "-d", "-t", "--exclude-standard", "-z", *_pathspec(prefix))
        present: set[str] = set()
        removed: set[str] = set()
        for record in _records(out):
            tag, _, path = record.partition(b" ")
            (removed if tag == b"R" else present).add(_text(path).removesuffix("/"))
        return sorted(present - removed)

    def blobs(self, oids: Iterable[str]) -> dict[str, bytes]:
        """The content of each distinct object, read by one ``git cat-file --batch`` for all of them."""
        return dict(self.each_blob(oids))

    def each_blob(self, oids: Iterable[str]) -> Iterator[tuple[str, bytes]]:
        """Each distinct object's content as git sends it, one at a time, from one ``git cat-file --batch``.

        A caller that turns each into text as it comes holds one raw object at a
        time, not all of them: a pull request's specs may add up to much more
        than any one file.
        """
        wanted = list(dict.fromkeys(oids))
        for oid in wanted:
            if not _OID.fullmatch(oid):
                raise ValueError(f"not an object ID: {oid!r}")
        if not wanted:
            return
        command = ["git", "-C", str(self.root), *_OPTIONS, "cat-file", "--batch"]
        env = {k: v for k, v in os.environ.items() if k not in _DROPPED} | _SAFE_ENV
        try:
            proc = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
            )
        except FileNotFoundError:
            raise GitError(
                "no_git", "git is not installed (or not on PATH); specgen reads revisions with git"
            ) from None
        assert proc.stdin is not None and proc.stdout is not None
        stdin, stdout = proc.stdin, proc.stdout

        def feed() -> None:  # from a thread: git answers while it reads, so neither pipe fills up
            with contextlib.suppress(BrokenPipeError):
                stdin.write("".join(f"{oid}\n" for oid in wanted).encode("ascii"))
            with contextlib.suppress(BrokenPipeError):
                stdin.close()

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        try:
            for oid in wanted:  # each answer: "<oid> <type> <size>\n<content>\n", or "<oid> missing\n"
                header = stdout.readline().split()
                if len(header) != 3:
                    raise GitError("failed", f"git cannot read object {oid} ({_text(b' '.join(header[1:]))})")
                content = stdout.read(int(header[2]))
                stdout.read(1)
                yield oid, content
        finally:
            stdout.close()
            proc.kill()
            proc.wait()
            writer.join()
            if proc.stderr is not None:
                proc.stderr.close()

    def objects(self, names: Iterable[str]) -> dict[str, ObjectInfo]:
        """What each name names (an object ID, ``<revision>:<path>``), by one ``git cat-file --batch-check``.

        A name that names nothing (a path a revision lacks, an object this clone does not hold) is left out,
        and so is one with a line break, which a line of git's input cannot hold. Nothing is read but the
        objects' type and size: whether a blob is small enough to read is the caller's to decide.
        """
        wanted = [n for n in dict.fromkeys(names) if n and "\n" not in n and "\r" not in n]
        if not wanted:
            return {}
        out = self._checked("cat-file", "--batch-check", stdin="".join(f"{n}\n" for n in wanted).encode("utf-8"))
        found: dict[str, ObjectInfo] = {}
        for name, line in zip(wanted, _text(out).split("\n"), strict=False):
            if line in (f"{name} missing", f"{name} ambiguous"):
                continue
            oid, kind, size = line.split(" ")
            if not _OID.fullmatch(oid) or not size.isdigit():
                raise GitError("failed", f"git cat-file answered {line!r} for {name!r}")
            found[name] = ObjectInfo(oid, kind, int(size))
        return found

    def log(self, prefix: str, limit: int, *, files: bool = True) -> list[Commit]:
        """The last ``limit`` commits, newest first, on HEAD's first-parent history that touched ``prefix``.

        Each lists its file changes below ``prefix`` against its first parent (renames detected), with the
        object ID of each side, when ``files`` is true: what a change did can be read without listing a tree.
        A shallow clone gives what history it has; no commits yet give none.
        """
        head = self.head()
        if head is None:
            return []
        # --first-parent also lists a merge's changes against its first parent, as main saw them.
        changes = ("--raw", "--no-abbrev", "-M", "--no-ext-diff", "--no-textconv")
        out = self._checked(
            "log", "--first-parent", f"--max-count={max(limit, 0)}", "-z", "--encoding=UTF-8",
            f"--format={LOG_FORMAT}", *(changes if files else ()), head, *_pathspec(prefix),
        )  # fmt: skip
        parsed = parse_log(out)
        cut = set() if all(parents for _, parents in parsed) else self._shallow_commits()
        short = self._abbreviated([c.oid for c, _ in parsed])
        commits = [replace(c, short=short[c.oid]) for c, _ in parsed]
        return [replace(c, files=(), boundary=True) if c.oid in cut else c for c in commits]

    def commit(self, oid: str) -> Commit:
        """One commit, by its full OID: when it was made and its subject, without its files."""
        if not _OID.fullmatch(oid):
            raise ValueError(f"not an object ID: {oid!r}")
        out = self._checked("log", "--no-walk", "-z", "--encoding=UTF-8", f"--format={LOG_FORMAT}", oid)
        ((found, _),) = parse_log(out)
        return replace(found, short=self._abbreviated([oid])[oid])

    def last_commits(self, prefix: str, limit: int = 200) -> dict[str, Commit]:
        """For each path below ``prefix`` at HEAD, the newest of the last ``limit`` commits that changed it.

        One log: on first-parent history a path's newest change says whether it is still there (a deletion or
        a rename away means it is not). A path no commit of the window changed, or only a shallow clone's
        boundary (which hides what it changed), is left out.
        """
        latest: dict[str, Commit] = {}
        settled: set[str] = set()
        for commit in self.log(prefix, limit):
            for change in commit.files:
                if change.path not in settled and change.status != "D":
                    latest[change.path] = commit
                settled.add(change.path)
                if change.status == "R" and change.old_path is not None:
                    settled.add(change.old_path)
        return latest

    def commit_before(self, day: dt.date) -> str | None:
        """The newest commit on HEAD's first-parent history committed (UTC) before ``day`` 00:00 UTC."""
        head = self.head()
        if head is None:
            return None
        # --before keeps commits at or before its time, and commit times are whole seconds: one second earlier.
        midnight = calendar.timegm((day.year, day.month, day.day, 0, 0, 0))
        if midnight <= 0:  # git reads "@-N" as no limit at all; no commit is dated before 1970
            return None
        out = self._checked("rev-list", "--first-parent", "--max-count=1", f"--before=@{midnight - 1} +0000", head)
        return _text(out).strip() or None

    def _abbreviated(self, oids: list[str]) -> dict[str, str]:
        """git's abbreviation of each commit (``%h``), named in one call for all (see :data:`LOG_FORMAT`)."""
        if not oids:
            return {}
        out = self._checked("log", "--no-walk=unsorted", "--stdin", "--format=%H %h", stdin="\n".join(oids).encode())
        return dict(line.split(" ") for line in _text(out).splitlines())

    def _shallow_commits(self) -> set[str]:
        """The boundary commits of a shallow clone, from git's ``shallow`` file (none for a full clone)."""
        shallow = self.root / _text(self._checked("rev-parse", "--git-path", "shallow")).strip()
        return set(shallow.read_text(encoding="ascii").split()) if shallow.is_file() else set()

    def _git(self, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
        return run_git(self.root, args, stdin)

    def _checked(self, *args: str, stdin: bytes = b"") -> bytes:
        proc = run_git(self.root, args, stdin)
        if proc.returncode:
            raise _failure(proc, args[0])
        return proc.stdout


def run_git(folder: Path, args: Iterable[str], stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """Run git in ``folder`` with specgen's safe options and environment (hooks' variables dropped).

    A refusal that any command can meet (no git, no repository, dubious ownership) raises :class:`GitError`;
    other failures are left to the caller, in ``returncode``.
    """
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED} | _SAFE_ENV
    try:
        proc = subprocess.run(
            ["git", "-C", str(folder), *_OPTIONS, *args], input=stdin, capture_output=True, env=env, check=False
        )
    except FileNotFoundError:
        raise GitError("no_git", "git is not installed (or not on PATH); specgen reads revisions with git") from None
    if proc.returncode and b"detected dubious ownership" in proc.stderr:
        found = re.search(rb"in repository at '(.*)'", proc.stderr)
        where = _text(found.group(1)) if found else str(folder)
        raise GitError(
            "dubious_ownership",
            f"git refuses to read {where}: another user owns it (git's 'dubious ownership' check); if you trust it,"
            f" run: git config --global --add safe.directory {shlex.quote(where)}",
        )
    if proc.returncode and b"not a git repository" in proc.stderr:
        raise GitError("not_a_repository", f"{folder} is not in a git repository; specgen diff compares git revisions")
    return proc


def _failure(proc: subprocess.CompletedProcess[bytes], command: str) -> GitError:
    lines = _text(proc.stderr).strip().splitlines() or [f"exit status {proc.returncode}"]
    return GitError("failed", f"git {command} failed: {lines[0].removeprefix('fatal: ')}")


def _bad_revision(proc: subprocess.CompletedProcess[bytes], repo: Repository) -> GitError | None:
    """The error for a revision git does not know, or ``None`` when git failed for another reason."""
    found = re.search(rb"Not a valid (?:object name|commit name) (.*)", proc.stderr)
    if found is None:
        return None
    revision = _text(found.group(1)).strip()
    why = _FETCH_HISTORY if repo.is_shallow() else f"no branch, tag or commit of {repo.root}"
    return GitError("bad_revision", f"unknown revision {revision!r}: {why}")


def _revision(revision: str) -> str:
    """A revision safe to pass as an argument: one that starts with ``-`` would be read as an option."""
    if not revision or revision.startswith("-") or "\0" in revision:
        raise GitError("bad_revision", f"unknown revision {revision!r}: a revision cannot start with '-' or be empty")
    return revision


def _pathspec(prefix: str) -> tuple[str, ...]:
    """The arguments that limit a command to ``prefix``: none for the whole repository (``""`` or ``"."``)."""
    folder = PurePosixPath(prefix).as_posix()
    return () if folder == "." else ("--", folder)


def _records(out: bytes) -> list[bytes]:
    return out.split(b"\0")[:-1] if out else []


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")
