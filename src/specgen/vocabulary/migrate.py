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

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from specgen.config import Settings
from specgen.kinds import Kind
from specgen.loader import discover, kind_of, parse, shown_path
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


def migrate(settings: Settings, *, write: bool = True) -> list[Migrated]:
    """Every spec file that holds an old word, rewritten (unless ``write`` is false) or explained."""
    results: list[Migrated] = []
    bound = settings.specs_dir.resolve()
    for file in discover(settings.specs_dir):
        kind = kind_of(file.relative_to(settings.specs_dir))
        if kind is None or file.is_dir():
            continue
        shown = shown_path(file, settings.workspace)
        text, _ = read_text(file, shown, bound, settings.limits, bound_name="the specs folder")
        if text is None:
            continue  # `specgen check` says why
        result = _migrate_file(file, shown, kind, text, settings, write=write)
        if result is not None:
            results.append(result)
    return results


def _migrate_file(file: Path, shown: str, kind: Kind, text: str, settings: Settings, *, write: bool) -> Migrated | None:
    data, _ = parse(text, shown, make_yaml(), settings.limits)
    if data is None:
        return None
    words = old_words(kind.name, data)
    if not words:
        return None
    if file.is_symlink():
        return Migrated(shown, words, "the file is a link; edit the file it points to by hand")
    new_text = rewrite(text, words)
    if new_text is None:
        return Migrated(shown, words, "an old word is not written plainly (an alias or a merge); edit it by hand")
    again, _ = parse(new_text, shown, make_yaml(), settings.limits)
    if again != modernize_data(data, words):
        return Migrated(shown, words, "rewriting would change more than the words; edit it by hand")
    if write:
        _replace(file, new_text, bom=_has_bom(file))
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


def _has_bom(file: Path) -> bool:
    with file.open("rb") as stream:
        return stream.read(3) == b"\xef\xbb\xbf"


def _replace(file: Path, text: str, *, bom: bool) -> None:
    """Write ``text`` over ``file`` atomically, keeping its mode; line endings are kept as they are in ``text``."""
    mode = file.stat().st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(prefix=f".{file.name}.", dir=file.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
        Path(temporary).chmod(mode)
        Path(temporary).replace(file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
