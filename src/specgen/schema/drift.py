"""Drift: warn (SG321) when a workspace's editor schemas are not what this specgen writes.

The editor schemas are committed (:mod:`specgen.schema.editor`), so after an
upgrade of specgen they describe the old rules until someone runs ``specgen
schema --workspace .``; an editor would then offer keys ``check`` refuses, or
flag keys it accepts. A workspace without ``.specgen/schemas/`` uses no editor
schemas and gets no warning.

The folder is part of the workspace, which a pull request can change: nothing
is read through a link, nothing but a regular file is opened, and no more is
read than the expected text's size allows, so a planted link, pipe or huge
file is a finding, never a hang or a crash.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from specgen.config import custom_fields
from specgen.diagnostics import Diagnostic
from specgen.schema.custom import CustomFields
from specgen.schema.editor import EDITOR_SCHEMAS, editor_schemas
from specgen.version import __version__

#: What to run, in every message.
FIX = "run `specgen schema --workspace .`"


def schema_drift(workspace: Path, custom: CustomFields | None = None) -> list[Diagnostic]:
    """One SG321 warning per editor schema that is missing from, or differs in, ``<workspace>/.specgen/schemas/``.

    Line endings do not count: git may check JSON out with CRLF on Windows. The
    schemas expected hold the workspace's custom fields (``custom``, by default
    those its ``specgen.yaml`` declares), so a changed declaration is drift too.
    """
    parts = EDITOR_SCHEMAS.parts
    folders = [workspace.joinpath(*parts[: i + 1]) for i in range(len(parts))]
    if not os.path.lexists(folders[-1]):
        return []
    for folder in folders:
        problem = _not_a_folder(folder)
        if problem:
            return [_refused(folder, workspace, f"the editor schemas' folder {problem}")]
    found = []
    expected_schemas = editor_schemas(custom_fields(workspace) if custom is None else custom)
    for name, expected in expected_schemas.items():
        path = folders[-1] / name
        want = expected.encode("utf-8")
        try:
            # Twice the expected size is enough for CRLF line endings; more means it differs anyway.
            have = _read_regular(path, 2 * len(want) + 1)
        except FileNotFoundError:
            found.append(_warning(path, workspace, f"this editor schema is missing (specgen {__version__} writes it)"))
            continue
        except _Refused as refused:
            found.append(_refused(path, workspace, f"this editor schema {refused}"))
            continue
        except OSError as error:
            found.append(_warning(path, workspace, f"this editor schema cannot be read ({error.strerror or error})"))
            continue
        if have.replace(b"\r\n", b"\n") != want:
            found.append(
                _warning(path, workspace, f"this editor schema differs from what specgen {__version__} writes")
            )
    return found


def _warning(path: Path, workspace: Path, problem: str) -> Diagnostic:
    return Diagnostic.of("SG321", _shown(path, workspace), f"{problem}; {FIX}", line=1, column=1)


def _refused(path: Path, workspace: Path, problem: str) -> Diagnostic:
    """A link or a non-file where specgen writes: ``specgen schema`` refuses to replace it, so say to remove it."""
    return Diagnostic.of(
        "SG321",
        _shown(path, workspace),
        f"{problem}, not what specgen writes",
        hint="remove it, then run `specgen schema --workspace .`",
        line=1,
        column=1,
    )


def _shown(path: Path, workspace: Path) -> str:
    try:
        return path.relative_to(workspace).as_posix()
    except ValueError:  # not below the workspace: cannot happen for paths joined to it, but never crash
        return path.as_posix()


class _Refused(Exception):
    """The path is a link or not a regular file: specgen reads neither here."""


def _not_a_folder(path: Path) -> str | None:
    try:
        mode = path.lstat().st_mode
    except OSError:
        return None  # missing: the files below it are then reported missing
    if stat.S_ISLNK(mode):
        return "is a symbolic link"
    return None if stat.S_ISDIR(mode) else "is not a folder"


def _read_regular(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of the regular file at ``path``, opened without following a link.

    ``O_NONBLOCK`` keeps a planted FIFO from blocking the open; the checks are
    made on the opened file, so it cannot be swapped for something else in between.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if path.is_symlink():  # O_NOFOLLOW refuses it too, with a less telling error (and not on every system)
        raise _Refused("is a symbolic link")
    try:
        fd = os.open(path, flags)
    except OSError as error:
        if isinstance(error, FileNotFoundError):
            raise
        if path.is_symlink():
            raise _Refused("is a symbolic link") from error
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _Refused("is not a regular file")
        chunks: list[bytes] = []
        size = 0
        while size < limit and (chunk := os.read(fd, limit - size)):
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
