"""Results files: the paths and globs given with ``--results``, read within the size limit.

CI writes results anywhere (``target/surefire-reports``, ``/tmp/junit.xml``),
so paths outside the workspace are allowed. A path or glob is relative to the
current folder, as a shell would take it; ``**`` spans folders. What is read:

- a regular file (or a link to one) of at most ``limits.max_results_bytes``
  bytes, checked on the opened file before a byte is parsed;
- never a folder (named on its own it is SG410; a glob's folders are passed
  over), a device, a pipe, or a file in a ``.git`` folder or in the kernel's
  ``/proc``, ``/sys`` or ``/dev`` (where CI's secrets and endless files are),
  wherever a link leads;
- ``**`` does not follow links to folders, so a link loop a pull request
  plants costs nothing, and the walk keeps its own stack, so a tree a
  thousand folders deep costs no crash (:mod:`specgen.walk`).

A path or glob that names no file is SG410 too, an error rather than a
warning: in CI it means the tests did not write their results where the
build looks, and a site that then says "not run" everywhere would hide it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from specgen.diagnostics import Diagnostic
from specgen.globs import ANY_FOLDERS, Glob
from specgen.loader import shown_path
from specgen.walk import walk

_MAGIC = frozenset("*?[")
#: Real paths a results file may never be read from, wherever a link leads.
_FORBIDDEN_ROOTS = (Path("/proc"), Path("/sys"), Path("/dev"))


def expand(
    patterns: Iterable[str | Path], workspace: Path | None = None
) -> tuple[list[tuple[Path, str]], list[Diagnostic]]:
    """Each file the patterns name, once, with the path to show for it; SG410 for a pattern that names none.

    With a ``workspace``, a file in it is shown relative to it and any other
    by its absolute path, as spec files are: reports (SARIF, GitLab) read
    every path as relative to the workspace, wherever specgen ran.
    """
    found: dict[Path, str] = {}

    def shown(path: Path, given: str) -> str:
        return given if workspace is None else shown_path(path, Path(os.path.normpath(workspace.absolute())))

    problems: list[Diagnostic] = []
    for given in patterns:
        text = str(given)
        if not text.strip():
            problems.append(Diagnostic.of("SG410", "--results", "an empty path names no results file"))
            continue
        if not any(c in _MAGIC for c in text):
            path = Path(os.path.normpath(Path(text).absolute()))
            found.setdefault(path, shown(path, text))  # read (and refused, if need be) as given
            continue
        matches = [p for p in _glob(text) if not p.is_dir()]
        if not matches:
            problems.append(
                Diagnostic.of(
                    "SG410",
                    text,
                    "the pattern matches no file",
                    hint=_NOWHERE,
                )
            )
        for match in matches:
            path = Path(os.path.normpath(match.absolute()))
            found.setdefault(path, shown(path, str(match)))
    return list(found.items()), problems


def _glob(pattern: str) -> list[Path]:
    """The files a glob matches, sorted: a walk of the folder before its first wildcard.

    :func:`specgen.walk.walk` rather than pathlib's ``**``, which recurses and
    fails on a tree a thousand folders deep; links to folders are not entered,
    ``.git`` never, and without ``**`` no deeper than the pattern reaches.
    """
    parts = Path(pattern).parts
    first = next(i for i, part in enumerate(parts) if any(c in _MAGIC for c in part))
    base = Path(*parts[:first]) if first else Path()
    rest = parts[first:]
    glob = Glob("/".join(rest))
    reach = None if ANY_FOLDERS in rest else len(rest) - 1

    def descend(path: str, depth: int) -> bool:
        return path.rpartition(os.sep)[2] != ".git" and (reach is None or depth <= reach)

    found = []
    for root, _, names in walk(base, descend):
        below = os.path.relpath(root, base)
        for name in names:
            relative = name if below == "." else f"{below}/{name}".replace(os.sep, "/")
            if glob.matches(relative):
                found.append(base / relative)
    return sorted(found)


def read(path: Path, shown: str, limit: int) -> tuple[bytes | None, str | None, Diagnostic | None]:
    """The bytes of one results file, and when it was written (UTC), or the SG410 that says why not."""

    def refuse(message: str, hint: str | None = None) -> tuple[None, None, Diagnostic]:
        return None, None, Diagnostic.of("SG410", shown, message, hint=hint)

    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError) as error:  # RuntimeError: a link loop, on Python 3.11
        missing = _NOWHERE if isinstance(error, FileNotFoundError) else None
        return refuse(f"cannot read the file: {getattr(error, 'strerror', None) or error}", missing)
    if why := _forbidden(real):
        return refuse(why)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(real, flags)
    except OSError as error:
        return refuse(f"cannot read the file: {error.strerror or error}")
    try:
        opened = _opened_path(fd)
        if opened is not None and (why := _forbidden(opened)):
            return refuse(why)
        status = os.fstat(fd)
        if stat.S_ISDIR(status.st_mode):
            return refuse("a folder, not a results file", "name the XML files, e.g. --results 'reports/**/*.xml'")
        if not stat.S_ISREG(status.st_mode):
            return refuse("not a regular file")
        if status.st_size > limit:
            return refuse(_too_large(status.st_size, limit), _LIMIT_HINT)
        chunks: list[bytes] = []
        size = 0
        while size <= limit and (chunk := os.read(fd, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
    except OSError as error:
        return refuse(f"cannot read the file: {error.strerror or error}")
    finally:
        os.close(fd)
    if size > limit:  # it grew since fstat
        return refuse(_too_large(size, limit), _LIMIT_HINT)
    written = datetime.fromtimestamp(status.st_mtime, UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    return b"".join(chunks), written, None


_NOWHERE = "did the tests run and write their JUnit XML there? paths are relative to the current folder"
_LIMIT_HINT = "limits.max_results_bytes in specgen.yaml can only lower the limit"


def _too_large(size: int, limit: int) -> str:
    return f"the file has {size:,} bytes; the limit for a results file is {limit:,}"


def _forbidden(real: Path) -> str | None:
    """Why a results file may not be read from ``real`` (a resolved path), or ``None``."""
    if ".git" in real.parts:
        return "the file is in a .git folder or links into one, and specgen never reads those"
    if any(real == root or root in real.parents for root in _FORBIDDEN_ROOTS):
        return f"the file is in {real.parts[0]}{real.parts[1]}, or links there: no place for test results"
    return None


def _opened_path(fd: int) -> Path | None:
    """The real path of an open file where the system says (Linux), so a swapped link is caught too."""
    try:
        return Path(f"/proc/self/fd/{fd}").readlink()
    except OSError:
        return None
