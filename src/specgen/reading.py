"""Reading: the text of one file, from a place that may be read, within the limits.

Files arrive in pull requests, so a file is read only when its real path
(after following links) stays inside the folder that bounds it (the specs
folder, for a spec) and outside any ``.git`` folder, where CI keeps its job
token: a link to ``.git/config``, ``/proc/self/environ`` or a file elsewhere
in the workspace is refused before a byte of it is read, so no error message
can quote it. The checks are made on the opened file, without following links.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from specgen.diagnostics import Diagnostic
from specgen.limits import Limits


def read_text(
    file: Path, shown: str, bound: Path, limits: Limits, *, bound_name: str = "the workspace"
) -> tuple[str | None, list[Diagnostic]]:
    """The text of a file whose real path stays inside ``bound`` (a resolved folder), or why it cannot be read.

    The real path must also stay out of ``.git`` folders (where CI keeps its
    job token). Nothing is read from a file that breaks these rules, so no
    diagnostic can quote it. ``bound_name`` names ``bound`` in messages.
    """

    def fail(code: str, message: str, line: int = 0, column: int = 0) -> tuple[None, list[Diagnostic]]:
        return None, [Diagnostic.of(code, shown, message, line=line, column=column)]

    try:
        real = file.resolve(strict=True)
    except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop, on Python 3.11
        return fail("SG110", f"cannot read the file: {getattr(error, 'strerror', None) or error}")
    if not real.is_relative_to(bound):
        return fail("SG110", f"the file is a link to a place outside {bound_name}")
    if ".git" in real.relative_to(bound).parts:
        return fail("SG110", "the file is in a .git folder or links into one, and specgen never reads those")
    try:
        raw = _read_regular(real, limits.max_file_bytes, bound)
    except _NotRegular as error:
        return fail("SG110", str(error))
    except _TooLarge as error:
        return None, [too_large(shown, error.size, limits)]
    except OSError as error:
        return fail("SG110", f"cannot read the file: {error.strerror or error}")
    return decode(raw, shown)


def decode(raw: bytes, shown: str) -> tuple[str | None, list[Diagnostic]]:
    """The text of a spec file's bytes (UTF-8, a BOM allowed), or why they are not text.

    Shared by files read from disk and files read from git (:mod:`specgen.diff.git`).
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = byte_position(raw, error.start)
        message = f"byte 0x{raw[error.start]:02x} is not valid UTF-8; save the file as UTF-8"
        return None, [Diagnostic.of("SG104", shown, message, line=line, column=column)]
    if "\x00" in text:
        return None, [Diagnostic.of("SG104", shown, "the file holds NUL bytes: it looks binary, not text")]
    return text, []


def too_large(shown: str, size: int, limits: Limits) -> Diagnostic:
    """SG106 for a file of ``size`` bytes, over the limit."""
    return Diagnostic.of(
        "SG106",
        shown,
        f"the file has {size:,} bytes; the limit is {limits.max_file_bytes:,} (split the spec into smaller files)",
    )


class _NotRegular(Exception):
    """The path is a folder, a device, a pipe ...: not a file to read."""


class _TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def _read_regular(real: Path, limit: int, bound: Path) -> bytes:
    """The bytes of the regular file at ``real`` (no links followed), at most ``limit`` of them.

    The checks are made on the opened file, so the path cannot be swapped for
    a link or a pipe between checking and reading; where the system names an
    open file's path (``/proc/self/fd`` on Linux), that path must still lie
    inside ``bound`` and outside ``.git``, so swapping a folder on the way
    for a link elsewhere is caught too.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(real, flags)
    try:
        opened = _opened_path(fd)
        if opened is not None and (not opened.is_relative_to(bound) or ".git" in opened.relative_to(bound).parts):
            raise _NotRegular("the file moved out of its folder while it was read")
        status = os.fstat(fd)
        if stat.S_ISDIR(status.st_mode):
            raise _NotRegular("a folder, not a spec file")
        if not stat.S_ISREG(status.st_mode):
            raise _NotRegular("not a regular file")
        if status.st_size > limit:
            raise _TooLarge(status.st_size)
        chunks: list[bytes] = []
        size = 0
        while size <= limit and (chunk := os.read(fd, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
        raw = b"".join(chunks)
    finally:
        os.close(fd)
    if len(raw) > limit:  # it grew since fstat
        raise _TooLarge(len(raw))
    return raw


def _opened_path(fd: int) -> Path | None:
    """The real path of an open file, where the system says (Linux), else ``None``."""
    try:
        return Path(f"/proc/self/fd/{fd}").readlink()
    except OSError:
        return None


def byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    """The 1-based (line, column) of the byte at ``offset``, lines counted by LF."""
    before = raw[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return line, column
