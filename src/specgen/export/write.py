"""Write exported files: atomically, never through a link, never deleting what export did not write.

Each file is written to a temporary name in its folder and renamed over the
target, so a failure (a full disk, an interrupt) leaves the previous file as
it was. The folder is opened once without following a link, and every name
is looked at, created and renamed relative to that open folder: a link
planted where a file goes (a pull request can commit one) is refused before
anything is written, and one planted meanwhile is replaced by the rename,
never written through. A folder export removes only its own earlier files
that it did not write this time (a feature whose criteria are gone): regular
files whose first bytes are the export's marker.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


class Refused(Exception):
    """A target export will not write to; the message says which and why."""


@dataclass(frozen=True)
class Written:
    """What a folder export did: the files written and the stale ones of its own it removed."""

    written: list[str]
    removed: list[str]


@contextlib.contextmanager
def _folder(path: Path, *, follow: bool) -> Iterator[int]:
    path.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_RDONLY | _DIRECTORY | (0 if follow else _NOFOLLOW))
    except NotADirectoryError as error:
        raise Refused(f"{path} is not a folder") from error
    except OSError as error:
        if path.is_symlink():
            raise Refused(f"{path} is a link; give the folder it points to") from error
        raise
    try:
        yield fd
    finally:
        os.close(fd)


def _check_target(folder: int, name: str, shown: Path) -> None:
    try:
        found = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(found.st_mode):
        raise Refused(f"{shown} is a link; export never writes through one (remove it, or choose another --out)")
    if not stat.S_ISREG(found.st_mode):
        raise Refused(f"{shown} is not a regular file")


def _replace(folder: int, name: str, data: bytes) -> None:
    temporary = f".{name}.{secrets.token_hex(8)}.tmp"
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o666, dir_fd=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=folder)
        raise


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically; :class:`Refused` when ``path`` is a link or not a file.

    The folder is the one the user named (its own links are followed: ``/tmp`` is one on macOS); only
    the file itself must not be a link.
    """
    with _folder(path.parent, follow=True) as folder:
        _check_target(folder, path.name, path)
        _replace(folder, path.name, data)


def _own(folder: int, name: str, marker: bytes) -> bool:
    try:
        handle = os.open(name, os.O_RDONLY | _NOFOLLOW, dir_fd=folder)
    except OSError:
        return False  # a link, or gone: not ours to remove
    with os.fdopen(handle, "rb") as stream:
        return stat.S_ISREG(os.fstat(stream.fileno()).st_mode) and stream.read(len(marker)) == marker


def write_folder(path: Path, files: Mapping[str, bytes], *, suffix: str, marker: bytes) -> Written:
    """Write ``files`` (name -> bytes) into folder ``path``, and remove its stale files of the same export.

    Every target is checked before the first is written, so a refused one
    leaves the folder as it was. Stale: a regular file named ``*suffix``,
    not written now, that starts with ``marker``.
    """
    with _folder(path, follow=False) as folder:
        for name in sorted(files):
            _check_target(folder, name, path / name)
        for name in sorted(files):
            _replace(folder, name, files[name])
        stale = sorted(
            name
            for name in os.listdir(folder)  # noqa: PTH208  # the open folder, not a path that could be swapped
            if name.endswith(suffix) and name not in files and _own(folder, name, marker)
        )
        for name in stale:
            os.unlink(name, dir_fd=folder)
    return Written(sorted(files), stale)
