"""Write new files into a folder, never over anything and never through a link.

``init`` and ``new`` work in folders a pull request may have shaped: a
planted ``specs -> /etc`` or ``mkdocs.yml -> ~/.bashrc`` must not turn a
scaffold into a write elsewhere. So every file is planned first and checked
as a whole (:func:`obstacles`: nothing is written when any file is in the
way), then written by walking its folders one by one from the root with
``O_NOFOLLOW`` and ``O_EXCL`` (:func:`write_new`): a link or a file that
appears between the check and the write still stops the write.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW


class InTheWay(Exception):
    """A file could not be written because something is where it would go; the text names it."""


def obstacles(root: Path, files: Iterator[PurePosixPath] | list[PurePosixPath]) -> list[str]:
    """Why each of ``files`` (relative to ``root``) cannot be written as a new file, one line each.

    A file is in the way when anything already has its name (a file, a
    folder, a link, even a broken one); a folder on its way must be a real
    folder (not a link to one, not a file). A missing ``root`` is no obstacle:
    it is created.
    """
    found: dict[str, str] = {}
    for relative in files:
        here = root
        for i, part in enumerate(relative.parts):
            here = here / part
            shown = PurePosixPath(*relative.parts[: i + 1]).as_posix()
            last = i == len(relative.parts) - 1
            try:
                mode = os.lstat(here).st_mode
            except FileNotFoundError:
                break  # neither it nor anything below it exists yet
            except OSError as error:
                found.setdefault(shown, f"{shown}: cannot be examined ({error.strerror or error})")
                break
            if stat.S_ISLNK(mode):
                found.setdefault(shown, f"{shown} is a link: specgen never writes through one")
                break
            if last:
                found.setdefault(shown, f"{shown} already exists")
            elif not stat.S_ISDIR(mode):
                found.setdefault(shown, f"{shown} is a file, where a folder of that name would hold {relative}")
                break
    return list(found.values())


def write_new(root: Path, files: Mapping[PurePosixPath, str]) -> list[Path]:
    """Create ``root`` when missing, then each of ``files`` (relative path -> text) below it; the files written.

    Raises :class:`InTheWay` when a file or a folder on its way is taken or is
    a link (call :func:`obstacles` first to refuse before writing anything).
    """
    root.mkdir(parents=True, exist_ok=True)
    written = []
    for relative, text in files.items():
        with _folder(root, relative.parts[:-1]) as folder:
            try:
                fd = os.open(relative.name, _FILE_FLAGS, 0o644, dir_fd=folder)
            except FileExistsError:
                raise InTheWay(f"{relative} already exists") from None
            except OSError as error:
                if error.errno == errno.ELOOP:
                    raise InTheWay(f"{relative} is a link: specgen never writes through one") from None
                raise
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
                out.write(text)
        written.append(root / relative)
    return written


@contextlib.contextmanager
def _folder(root: Path, parts: tuple[str, ...]) -> Iterator[int]:
    """A descriptor of ``root/parts...``, each folder opened without following links and made when missing."""
    fd = os.open(root, _DIR_FLAGS & ~os.O_NOFOLLOW)  # the root is the user's own choice: a link to it is fine
    try:
        for i, part in enumerate(parts):
            with contextlib.suppress(FileExistsError):
                os.mkdir(part, 0o755, dir_fd=fd)
            try:
                inner = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except OSError as error:
                if error.errno in (errno.ELOOP, errno.ENOTDIR):
                    where = PurePosixPath(*parts[: i + 1])
                    raise InTheWay(
                        f"{where} is a link or a file, not a folder: specgen never writes through one"
                    ) from None
                raise
            os.close(fd)
            fd = inner
        yield fd
    finally:
        os.close(fd)
