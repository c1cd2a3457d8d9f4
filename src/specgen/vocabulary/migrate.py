"""Migrate: write the new words (see :mod:`specgen.vocabulary`) into the spec files.

Each old word is replaced where it stands in the text, found through the
YAML composer's marks, and nothing else in the file changes: comments, quotes,
indentation, blank lines and key order stay byte for byte. That is stricter
than dumping a round-trip tree again, which re-indents and re-wraps. A file is
written only when its rewritten text parses to exactly the data the old
spellings meant; otherwise it is left alone and named, for a hand edit.

A file that is a link, or that cannot be read or parsed, is never written:
``specgen check`` reports what is wrong with it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from specgen.config import Settings
from specgen.diagnostics import Diagnostic
from specgen.kinds import Kind
from specgen.loader import discover, kind_of, parse, shown_path, specs_folder
from specgen.locate import compose, node_at
from specgen.reading import read_text
from specgen.vocabulary import OldWord, modernize_data, old_words
from specgen.yamlio import make_yaml


@dataclass(frozen=True)
class Migrated:
    """What migrating one file did, or would do."""

    path: str
    #: The old words found, in file order.
    words: list[OldWord]
    #: Why the file was not (or could not be) rewritten; ``None`` when it was, or needs no change.
    problem: str | None = None


def migrate(settings: Settings, *, write: bool = True) -> tuple[list[Migrated], list[Diagnostic]]:
    """Every spec file that holds an old word, rewritten (unless ``write`` is false) or explained.

    The second item says why nothing was read: a specs folder that is a link
    out of the workspace or into ``.git`` is refused, as ``specgen check``
    refuses it, so nothing is ever written there.
    """
    results: list[Migrated] = []
    bound, refused = specs_folder(settings.specs_dir, settings.workspace)
    if refused is not None:
        return [], [refused]
    for file in discover(settings.specs_dir):
        kind = kind_of(file.relative_to(settings.specs_dir))
        if kind is None or file.is_dir():
            continue
        shown = shown_path(file, settings.workspace)
        text, _ = read_text(file, shown, bound, settings.limits, bound_name="the specs folder")
        if text is None:
            continue  # `specgen check` says why
        result = _migrate_file(file, shown, kind, text, settings, bound, write=write)
        if result is not None:
            results.append(result)
    return results, []


def _migrate_file(
    file: Path, shown: str, kind: Kind, text: str, settings: Settings, bound: Path, *, write: bool
) -> Migrated | None:
    data, _ = parse(text, shown, make_yaml(), settings.limits)
    if data is None:
        return None
    words = old_words(kind.name, data)
    if not words:
        return None
    if file.is_symlink():
        return Migrated(shown, words, "the file is a link; edit the file it points to by hand")
    read = file.stat(follow_symlinks=False)  # the file as read: it must be the same one when written
    new_text = rewrite(text, words)
    if new_text is None:
        return Migrated(shown, words, "an old word is not written plainly (an alias or a merge); edit it by hand")
    again, _ = parse(new_text, shown, make_yaml(), settings.limits)
    if again != modernize_data(data, words):
        return Migrated(shown, words, "rewriting would change more than the words; edit it by hand")
    try:
        if write and not _replace(file, new_text, bound, read):
            return Migrated(shown, words, "the file or its folder changed while it was read; run migrate again")
    except OSError as error:  # a read-only checkout, a full disk: the user's to fix, not a bug in specgen
        return Migrated(shown, words, f"cannot write the file: {error.strerror or error}")
    return Migrated(shown, words)


def rewrite(text: str, words: list[OldWord]) -> str | None:
    """``text`` with each old word replaced in place, or ``None`` when one is not found written out."""
    root = compose(text)
    edits: list[tuple[int, int, str]] = []
    for word in words:
        node = node_at(root, word.pointer, at_key=word.is_key)
        if node is None:
            return None
        start, end = node.start_mark.index, node.end_mark.index
        written = text[start:end]
        quote = written[:1] if written[:1] in ("'", '"') else ""
        if written != f"{quote}{word.old}{quote}":
            return None  # an alias, a merge key, an escape: not ours to guess
        edits.append((start, end, f"{quote}{word.new}{quote}"))
    # A value reached through an alias is written once, at its anchor: one edit, however many uses.
    for start, end, new in sorted(set(edits), reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _replace(file: Path, text: str, bound: Path, read: os.stat_result) -> bool:
    """Write ``text`` over ``file`` atomically, keeping its mode and byte order mark; ``False`` if it moved.

    The folder is opened without following a link, and the write and the
    rename happen relative to that open folder, after checking that its real
    path is still inside ``bound`` (the specs folder) and that the file is the
    regular file that was read (same inode, size and time): a folder swapped
    for a link, or a file edited meanwhile, is never written through.
    """
    try:
        folder = os.open(file.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return False
    temporary = f".{file.name}.{secrets.token_hex(8)}.tmp"
    try:
        if not _inside(_real_folder(folder, file.parent), bound):
            return False
        now = os.stat(file.name, dir_fd=folder, follow_symlinks=False)
        same = (now.st_ino, now.st_dev, now.st_size, now.st_mtime_ns) == (
            read.st_ino,
            read.st_dev,
            read.st_size,
            read.st_mtime_ns,
        )
        if not stat.S_ISREG(now.st_mode) or not same:
            return False
        bom = _has_bom(file.name, folder)
        handle = os.open(
            temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, now.st_mode & 0o7777, dir_fd=folder
        )
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
            os.replace(temporary, file.name, src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=folder)
            raise
        return True
    finally:
        os.close(folder)


def _real_folder(folder: int, fallback: Path) -> Path:
    """The real path of an open folder (through /proc on Linux; elsewhere, resolved again)."""
    try:
        return Path(f"/proc/self/fd/{folder}").readlink()
    except OSError:
        return fallback.resolve()


def _inside(real: Path, bound: Path) -> bool:
    return real.is_relative_to(bound) and ".git" not in real.relative_to(bound).parts


def _has_bom(name: str, folder: int) -> bool:
    handle = os.open(name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=folder)
    with os.fdopen(handle, "rb") as stream:
        return stream.read(3) == b"\xef\xbb\xbf"
