"""Publishing: putting a finished site in place, and cleaning up after runs that died.

A build makes its working folders beside the site (``.specgen-build-*`` for
MkDocs' output, ``.specgen-docs-*`` for the Markdown) and holds an ``flock``
on each for as long as it runs. The kernel drops the lock when the process
ends, however it ends, so a later run tells a dead run's leftovers from a
concurrent build's folders for certain, without guessing from ages or PIDs.

The finished site replaces the old one in one step where the system can do
that (Linux's ``renameat2`` with ``RENAME_EXCHANGE``): a reader finds the old
complete site or the new one, never neither. Where it cannot, the two renames
are recorded first in a journal beside the site, and the next build replays
it before anything else, so a kill between them still ends in one complete
site, and the old one is never left orphaned in a hidden folder.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover  # Windows: no locks, so no run's folders are ever cleaned up
    fcntl = None  # type: ignore[assignment]

#: Written into every site specgen builds: only a folder holding it is ever replaced.
SITE_MARKER = ".specgen-site"
#: The folder MkDocs builds into, before it is swapped in.
BUILD_PREFIX = ".specgen-build-"
#: The folder the rendered Markdown is written to for MkDocs.
DOCS_PREFIX = ".specgen-docs-"
STAGING_PREFIXES = (BUILD_PREFIX, DOCS_PREFIX)
#: The journal of a swap done with two renames, one per site folder name.
JOURNAL_PREFIX = ".specgen-swap-"
_JOURNAL_SUFFIX = ".json"
#: Where the old site waits inside the staging folder during a journalled swap.
_PREVIOUS = "previous"

#: Called with each step's name once the step is done: tests stop the process there.
Step = Callable[[str], None]

# Staging folders this process made, each with the open descriptor that holds its lock.
_held: dict[Path, int] = {}


def make_staging(parent: Path, prefix: str) -> Path:
    """Create a fresh folder named ``prefix...`` in ``parent``, marked alive until :func:`remove_staging`.

    The mark is an exclusive ``flock`` on the folder itself, held by this process.
    """
    for _ in range(8):
        path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        if fcntl is None:  # pragma: no cover
            return path
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            # A cleaner may hold the lock of this brand-new, still unlocked folder for a
            # moment and remove it: then wait for it, and find the folder gone.
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            # No locks on this filesystem: cleaners cannot lock the folder either, so they leave it.
            _held[path] = fd
            return path
        if _same_folder(path, fd):
            _held[path] = fd
            return path
        os.close(fd)
    raise OSError(errno.EAGAIN, f"cannot create a working folder in {parent}")


def remove_staging(path: Path) -> None:
    """Remove a folder made by :func:`make_staging`, then let go of its lock."""
    shutil.rmtree(path, ignore_errors=True)
    fd = _held.pop(path, None)
    if fd is not None:
        os.close(fd)


def _remove_dead_staging(parent: Path, site_dir: Path | None = None) -> list[Path]:
    """Remove the working folders in ``parent`` whose process has ended; returns those removed.

    A concurrent run's folders are locked and left alone, and so is every folder
    when the filesystem has no locks. When ``site_dir`` is missing and a dead
    folder holds a site in the middle of a swap (as older specgen versions left
    it when killed between their two renames), that site is put back first.
    """
    if fcntl is None:  # pragma: no cover
        return []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return []
    removed = []
    for entry in entries:
        path = Path(entry.path)
        if not entry.name.startswith(STAGING_PREFIXES) or path in _held:
            continue
        try:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError:
            continue  # not a folder (a file, or a symlink: never followed), or already gone
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # alive (or no locks here): not ours to touch
            if not _same_folder(path, fd):
                continue
            if site_dir is not None and (path / _PREVIOUS).is_dir():
                with suppress(OSError):
                    _settle(site_dir, [path / "site", path / _PREVIOUS])
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
        finally:
            os.close(fd)
    return removed


def recover(site_dir: Path) -> None:
    """Finish what dead runs left half done beside ``site_dir``: swaps first, then their folders.

    Runs at the start of every publish. It never raises: what it cannot put
    right, the build's own writing then reports.
    """
    parent = site_dir.parent
    with suppress(OSError), _swap_lock(parent):
        for journal in sorted(parent.glob(f"{JOURNAL_PREFIX}*{_JOURNAL_SUFFIX}")):
            with suppress(OSError):
                _replay(journal)
        _remove_dead_staging(parent, site_dir)


def swap_in(new: Path, site_dir: Path, *, step: Step | None = None, atomic: bool = True) -> None:
    """Put the complete site ``new`` at ``site_dir`` and remove the old site.

    ``new`` lies in a folder made by :func:`make_staging` beside ``site_dir``.
    With ``atomic`` (the default) the two are exchanged in one step where the
    system can; otherwise, or with ``atomic=False``, the swap is journalled.
    On an error the old site is put back and ``OSError`` is raised.
    """
    done = step or _nothing
    if atomic and _exchange_into(new, site_dir, done):
        return
    with _swap_lock(site_dir.parent):
        _journalled_swap(new, site_dir, done)


def exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths in one atomic step; ``False`` where the system or filesystem cannot."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False  # an older kernel, or a filesystem without exchange: the journal does it
    raise OSError(code, os.strerror(code), str(first), None, str(second))


_AT_FDCWD = -100
_RENAME_EXCHANGE = 1 << 1
_Renameat2 = Callable[[int, bytes, int, bytes, int], int]


def _load_renameat2() -> _Renameat2 | None:
    """glibc's ``renameat2`` (2.28 and later), or ``None`` off Linux or without it."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    function = getattr(libc, "renameat2", None)
    if function is None:
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    loaded: _Renameat2 = function
    return loaded


_renameat2 = _load_renameat2()


def _exchange_into(new: Path, site_dir: Path, done: Step) -> bool:
    """Swap ``new`` in without ever leaving ``site_dir`` missing; ``False`` when exchange is unavailable."""
    for _ in range(4):  # a concurrent build or a user may create or remove site_dir meanwhile
        if not _lexists(site_dir):
            try:
                new.rename(site_dir)
            except OSError as error:
                if error.errno in (errno.EEXIST, errno.ENOTEMPTY):
                    continue
                raise
            done("placed")
            return True
        try:
            if not exchange(new, site_dir):
                return False
        except FileNotFoundError:
            continue
        done("exchanged")
        shutil.rmtree(new, ignore_errors=True)  # the old site, now where the new one was
        done("old-removed")
        return True
    raise OSError(errno.EBUSY, f"{site_dir} keeps changing while the site is swapped in")


def _journalled_swap(new: Path, site_dir: Path, done: Step) -> None:
    """Two renames, recorded before the first, so that the next run can finish or undo them."""
    parent = site_dir.parent
    if new.parent.parent != parent or not new.parent.name.startswith(BUILD_PREFIX):
        raise ValueError(f"{new} is not in a build folder beside {site_dir}")
    if not _lexists(site_dir):
        new.rename(site_dir)
        done("placed")
        return
    old = new.parent / _PREVIOUS
    journal = parent / f"{JOURNAL_PREFIX}{site_dir.name}{_JOURNAL_SUFFIX}"
    record = {"site": site_dir.name, "new": _relative(new, parent), "old": _relative(old, parent)}
    _write_durably(journal, json.dumps(record).encode())
    done("journal-written")
    try:
        site_dir.rename(old)
    except OSError:
        _remove_durably(journal)
        raise
    done("old-moved")
    try:
        new.rename(site_dir)
    except OSError:
        old.rename(site_dir)  # should this fail too, the journal stays for the next run
        _remove_durably(journal)
        raise
    done("new-placed")
    _remove_durably(journal)
    done("journal-removed")
    shutil.rmtree(old, ignore_errors=True)
    done("old-removed")


def _replay(journal: Path) -> None:
    """Finish (or, when the new site is gone, undo) the swap a journal records, then remove it.

    The journal lies in the workspace, where a pull request could put one:
    it may only name a site folder beside it and paths inside build folders,
    and nothing is moved unless the site folder is missing.
    """
    record = _read_journal(journal)
    if record is not None:
        parent = journal.parent
        site, new, old = (parent / record[key] for key in ("site", "new", "old"))
        _settle(site, [new, old])
    _remove_durably(journal)  # unreadable: cut short by a kill while written, before any rename


def _read_journal(journal: Path) -> dict[str, str] | None:
    """The journal's record when it is one specgen could have written, else ``None``."""
    try:
        with journal.open("rb") as file:
            record = json.loads(file.read(4096))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or not all(isinstance(record.get(k), str) for k in ("site", "new", "old")):
        return None
    site = Path(record["site"])
    if len(site.parts) != 1 or site.name in ("", ".", "..") or site.name.startswith(".specgen-"):
        return None
    for key, last in (("new", "site"), ("old", _PREVIOUS)):
        parts = Path(record[key]).parts
        if len(parts) != 2 or not parts[0].startswith(BUILD_PREFIX) or parts[1] != last:
            return None
    return {key: str(record[key]) for key in ("site", "new", "old")}


def _settle(site_dir: Path, candidates: list[Path]) -> None:
    """When ``site_dir`` is missing, move the first complete specgen site among ``candidates`` there."""
    if _lexists(site_dir):
        return  # the swap had not begun, or had finished: this is one complete site
    for candidate in candidates:
        if candidate.is_dir() and not candidate.is_symlink() and (candidate / SITE_MARKER).is_file():
            candidate.rename(site_dir)
            _sync_folder(site_dir.parent)
            return


@contextmanager
def _swap_lock(parent: Path) -> Iterator[None]:
    """Hold the lock on ``parent`` that journalled swaps and their replays take, one at a time."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    fd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        with suppress(OSError):  # no locks on this filesystem: go on, as specgen did before
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor drops the lock


def _write_durably(path: Path, data: bytes) -> None:
    """Create ``path`` holding ``data``, on disk (with its folder entry) before this returns."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    _sync_folder(path.parent)


def _remove_durably(path: Path) -> None:
    _sync_folder(path.parent)  # the renames the journal covers reach the disk before it goes
    path.unlink(missing_ok=True)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":  # pragma: no cover  # folders cannot be opened, nor need syncing, elsewhere
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _same_folder(path: Path, fd: int) -> bool:
    """Whether ``path`` still names the folder open as ``fd`` (a cleaner may have removed it)."""
    try:
        here, held = path.stat(follow_symlinks=False), os.fstat(fd)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (held.st_dev, held.st_ino)


def _lexists(path: Path) -> bool:
    try:
        path.lstat()
    except FileNotFoundError:
        return False
    return True


def _relative(path: Path, parent: Path) -> str:
    return path.relative_to(parent).as_posix()


def _nothing(_: str) -> None:
    pass
