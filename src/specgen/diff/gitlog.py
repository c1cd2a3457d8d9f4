"""The commits of ``git log``, and the file changes each made, parsed from git's ``-z --raw`` output.

Kept apart from :mod:`specgen.diff.git` (which runs git) because the output
is a format of its own: a header per commit (:data:`LOG_FORMAT`), then for
each file git's raw diff line (``:old_mode new_mode old_oid new_oid status``)
and the path, or for a rename or a copy both paths, each token ending with a
NUL. A path is taken by its position after its status, never by its look,
so a path that starts like a header cannot pass as one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

#: One commit: a header token that no raw diff line can start with (they start with ":"), then fixed fields.
#: No abbreviated OID: ``--no-abbrev``, which the raw lines need for whole object IDs, would make ``%h`` whole too.
LOG_FORMAT = "%x01%H%x00%ct%x00%P%x00%s"
#: The mode of a side a change does not have (an added file's before, a removed one's after).
_NO_MODE = "000000"


@dataclass(frozen=True)
class FileVersion:
    """One side of a file change, as git stores it: the entry's mode and object ID."""

    #: ``"100644"``, ``"100755"``, ``"120000"`` (a link) or ``"160000"`` (a submodule).
    mode: str
    oid: str

    @property
    def is_file(self) -> bool:
        """A regular file: not a link or a submodule, which are never read as specs."""
        return self.mode in ("100644", "100755")


@dataclass(frozen=True)
class FileChange:
    """One file a commit changed, as ``git log --raw -M`` reports it."""

    #: The first letter of git's status: ``"A"``, ``"M"``, ``"D"``, ``"R"`` (a rename), ``"C"``, ``"T"``...
    status: str
    #: The path after the change; for ``"D"``, the path removed.
    path: str
    #: The path before a rename or a copy.
    old_path: str | None = None
    #: The file in the first parent (at ``old_path`` for a rename or a copy); ``None`` for an added file.
    #: The two versions are how to read the change, not what names it: equality is status and paths alone.
    before: FileVersion | None = field(default=None, compare=False)
    #: The file in the commit; ``None`` for a removed file.
    after: FileVersion | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Commit:
    """A commit of HEAD's first-parent history: how the plan moved, one merge or push to main at a time."""

    oid: str
    #: The abbreviated OID git shows (at least 7 characters, longer when 7 are ambiguous).
    short: str
    #: The committer date in UTC, ISO 8601: ``2026-11-20T14:03:00Z``.
    date: str
    #: The committer day in UTC: ``2026-11-20``.
    day: str
    #: git's subject: the first paragraph of the message, on one line.
    subject: str
    #: The files it changed below the prefix asked for, compared with its first parent; empty unless asked.
    files: tuple[FileChange, ...] = ()
    #: The oldest commit of a shallow clone: git hides its parents, so what it changed is unknown (no files).
    boundary: bool = False


def parse_log(out: bytes) -> list[tuple[Commit, str]]:
    """Commits of ``git log -z --raw --no-abbrev`` with :data:`LOG_FORMAT`, each with its parents (``""`` for none).

    ``short`` is left blank: git names it in a call of its own (see :data:`LOG_FORMAT`).
    """
    tokens = out.split(b"\0")
    commits: list[tuple[Commit, str]] = []
    i = 0
    while i < len(tokens) - 1:  # the output ends with a NUL: one blank token last
        oid, stamp, parents, subject = (t.decode("utf-8", "replace") for t in tokens[i : i + 4])
        i += 4
        files: list[FileChange] = []
        while i < len(tokens) and not tokens[i].startswith(b"\x01"):
            line = tokens[i].split()  # the first after a header starts with a newline
            if not line:
                i += 1
                continue
            old_mode, new_mode, old_oid, new_oid, status = (t.decode("ascii") for t in line)
            before = FileVersion(old_mode.removeprefix(":"), old_oid) if old_mode != f":{_NO_MODE}" else None
            after = FileVersion(new_mode, new_oid) if new_mode != _NO_MODE else None
            if status[:1] in ("R", "C"):
                files.append(FileChange(status[:1], _text(tokens[i + 2]), _text(tokens[i + 1]), before, after))
                i += 3
            else:
                files.append(FileChange(status[:1], _text(tokens[i + 1]), None, before, after))
                i += 2
        date = _date(stamp)
        commits.append((Commit(oid.removeprefix("\x01"), "", date, date[:10], subject, tuple(files)), parents))
    return commits


def _date(stamp: str) -> str:
    """A committer timestamp as ISO 8601 in UTC; ``""`` for one no calendar holds (a forged commit)."""
    try:
        return dt.datetime.fromtimestamp(int(stamp), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (ValueError, OverflowError, OSError):
        return ""


def _text(raw: bytes) -> str:
    """A path as git stores it: UTF-8, with ``surrogateescape`` so that a name that is not UTF-8 round-trips."""
    return raw.decode("utf-8", "surrogateescape")
