"""Cache: per-file results of the expensive per-file stages, keyed by content.

What is cached for a spec file is a pure function of its text, its kind, the
read limits, the custom fields the workspace declares (``fields:`` in
``specgen.yaml``, passed in as their digest) and what :mod:`specgen.fingerprint` covers (specgen's own code and
schemas, the versions of the parsing and validating libraries, the Python):
the parsed data, the parse problems, and the schema and placeholder problems
with the top-level keys they break.
The cache can therefore never hide an error: a file whose text changed has a
new key, a changed specgen or library makes a new key for every file, and the
rules that span files run on every check, over every file, cached or not.

The cache lives outside the workspace (``$XDG_CACHE_HOME/specgen``, or
``~/.cache/specgen``; ``SPECGEN_CACHE_DIR`` overrides), so a cache file
committed to a repository is never read. It is JSON, never pickle: reading it
runs no code. A cache that is missing, stale or unreadable is simply ignored,
and so is every entry that is not exactly the shape this module writes (see
:func:`_valid_entry`): it is computed again and rewritten, never a crash.

Each workspace's cache is a folder of shards, each file path belonging to one
of them, so that after an edit only the edited file's shard is written again:
at 10,000 features the whole cache is about 100 MB.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zlib
from dataclasses import fields
from pathlib import Path
from typing import Any

from specgen.diagnostics import RULES, Diagnostic, Severity
from specgen.fingerprint import fingerprint
from specgen.limits import Limits

Parsed = tuple[dict[str, Any] | None, list[Diagnostic]]
#: A file's schema problems and its broken top-level keys (see :mod:`specgen.rules.valid`).
Checked = tuple[list[Diagnostic], frozenset[str]]
#: A file's Markdown fields that took rendering: (index among the file's Markdown fields, block HTML,
#: inline HTML, the spec IDs found with their lines). Fields plain enough to need no rendering are left out.
RenderedTexts = list[tuple[int, str, str, list[tuple[str, int]]]]


def cache_dir() -> Path:
    """The folder that holds every workspace's cache."""
    if os.environ.get("SPECGEN_CACHE_DIR"):
        return Path(os.environ["SPECGEN_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "specgen"


def digest(kind: str, text: str) -> str:
    """The key of one file's results: its kind and its text."""
    return hashlib.blake2b(f"{kind}\0{text}".encode(), digest_size=20).hexdigest()


#: The shape of the entries this module writes. The fingerprint already changes with specgen's code, but an
#: entry's shape is a promise between runs of this module: bump this when it changes, so that no other
#: version's entries are even read (2: "checked" holds the broken top-level keys, not a bool).
FORMAT = 2


def cache_key(limits: Limits, custom: str = "") -> str:
    """The key every shard of a cache carries: what decides any file's results besides the file.

    ``custom`` is the digest of the declared custom fields (``""``: none declared); a changed
    declaration makes every file's results new, as a changed limit does.
    """
    declared = f"\0{custom}" if custom else ""
    return hashlib.blake2b(f"{FORMAT}\0{fingerprint()}\0{limits!r}{declared}".encode(), digest_size=20).hexdigest()


#: How many files a workspace's cache is split into.
SHARDS = 64


def shard_of(path: str) -> int:
    """The shard that holds a file's entry."""
    return zlib.crc32(path.encode()) % SHARDS


class FileCache:
    """Per-file results of one workspace, by path and content digest.

    ``limits`` and the declared custom fields are the only settings of a
    workspace that the cached stages read (a file's kind is part of its
    digest, its path names its entry), so they are part of the key together
    with :func:`specgen.fingerprint.fingerprint`. The custom fields come as
    their digest (:attr:`specgen.schema.custom.CustomFields.digest`): the
    cache imports no stage that feeds it.
    """

    def __init__(self, workspace: Path | None, limits: Limits, custom: str = "") -> None:
        """The cache of ``workspace``, read from disk; with ``None``, one that lives in memory only.

        Two checks in a row that share one in-memory cache (the two sides of
        :mod:`specgen.diff`) parse and check each text they both hold once.
        """
        name = hashlib.blake2b(str(workspace.resolve()).encode(), digest_size=12).hexdigest() if workspace else ""
        self.folder: Path | None = cache_dir() / name if workspace else None
        self.key = cache_key(limits, custom)
        self.old: dict[str, Any] = {}
        self.shards: set[int] = set()  # shards read from disk
        self.stale: set[int] = set()  # shard files that were unreadable, foreign or out of date
        for shard in range(SHARDS if self.folder else 0):
            files = self._read(shard)
            if files is not None:
                self.shards.add(shard)
                self.old.update(files)
            elif self._shard_file(shard).exists():
                self.stale.add(shard)
        self.new: dict[str, Any] = {}
        # Entries of self.old known to be well formed: what this process wrote or already checked.
        self._sound: set[str] = set()

    def _shard_file(self, shard: int) -> Path:
        assert self.folder is not None, "an in-memory cache has no files"
        return self.folder / f"{shard:02d}.json"

    def _read(self, shard: int) -> dict[str, Any] | None:
        try:
            payload = json.loads(self._shard_file(shard).read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
            return None
        if (
            not isinstance(payload, dict)
            or payload.get("key") != self.key
            or not isinstance(payload.get("files"), dict)
        ):
            return None
        files: dict[str, Any] = payload["files"]
        return files if all(shard_of(path) == shard for path in files) else None

    def _entry(self, path: str, key: str) -> dict[str, Any] | None:
        """The entry of ``path`` for the text with digest ``key``, if there is a well-formed one.

        An entry that is not well formed is left out of what is saved, so the
        shard that held it is written again.
        """
        entry = self.new.get(path)
        if isinstance(entry, dict) and entry.get("digest") == key:
            return entry  # this run's: stored fresh or already taken from the old entries
        entry = self.old.get(path)
        if not isinstance(entry, dict) or entry.get("digest") != key:
            return None  # no entry, or one for another text of the file
        if path not in self._sound and not _valid_entry(entry, path, key):
            return None
        self.new[path] = entry
        return entry

    def parsed(self, path: str, key: str) -> Parsed | None:
        """The parse result of a file whose text has digest ``key``, if cached."""
        entry = self._entry(path, key)
        if entry is None or "parsed" not in entry:
            return None
        data, problems = entry["parsed"]
        return data, [Diagnostic.from_data(p) for p in problems]

    def store_parsed(self, path: str, key: str, result: Parsed) -> None:
        """Remember a file's parse result."""
        data, problems = result
        self.new[path] = {"digest": key, "parsed": [data, [p.to_data() for p in problems]]}

    def checked(self, path: str, key: str) -> Checked | None:
        """The schema check's result of a file whose text has digest ``key``, if cached."""
        entry = self._entry(path, key)
        if entry is None or "checked" not in entry:
            return None
        problems, broken = entry["checked"]
        return [Diagnostic.from_data(p) for p in problems], frozenset(broken)

    def store_checked(self, path: str, key: str, result: Checked) -> None:
        """Remember a file's schema check result (after its parse result)."""
        problems, broken = result
        entry = self.new.get(path, {"digest": key})
        if entry.get("digest") == key:  # a new entry: the last run's may be shared with what it read
            self.new[path] = {**entry, "checked": [[p.to_data() for p in problems], sorted(broken)]}

    def rendered(self, path: str, key: str) -> RenderedTexts | None:
        """The rendered Markdown fields of a file whose text has digest ``key``, if cached."""
        entry = self._entry(path, key)
        if entry is None or "rendered" not in entry:
            return None
        return [
            (i, block, inline, [(ident, line) for ident, line in refs]) for i, block, inline, refs in entry["rendered"]
        ]

    def store_rendered(self, path: str, key: str, texts: RenderedTexts) -> None:
        """Remember a file's rendered Markdown fields (after its parse and check results)."""
        entry = self.new.get(path, {"digest": key})
        if entry.get("digest") == key:
            self.new[path] = {**entry, "rendered": [[i, b, n, [list(r) for r in refs]] for i, b, n, refs in texts]}

    def save(self) -> None:
        """Write the shards whose entries changed (entries of files that are gone are dropped).

        The cache is then ready for the next run in the same process, with
        what this run saw as what it knows.
        """
        try:
            self._write()
        finally:
            self.old, self.new = self.new, {}
            self._sound = set(self.old)
            self.shards = {shard_of(path) for path in self.old}
            self.stale = set()

    def _write(self) -> None:
        if self.folder is None or self.new == self.old:
            return
        old: dict[int, dict[str, Any]] = {}
        new: dict[int, dict[str, Any]] = {}
        for entries, by_shard in ((self.old, old), (self.new, new)):
            for path, entry in entries.items():
                by_shard.setdefault(shard_of(path), {})[path] = entry
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for shard in sorted(self.shards | self.stale | set(new)):
                if shard in self.shards and new.get(shard) == old.get(shard):
                    continue
                # json.dumps, not json.dump: only the former uses the C encoder, five times faster here.
                text = json.dumps({"key": self.key, "files": new.get(shard, {})}, separators=(",", ":"))
                with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self.folder, delete=False) as out:
                    out.write(text)
                Path(out.name).replace(self._shard_file(shard))
        except (OSError, TypeError, ValueError):
            pass  # a cache that cannot be written costs speed, never correctness


_ENTRY_KEYS = frozenset({"digest", "parsed", "checked", "rendered"})
_DIAGNOSTIC_KEYS = frozenset(f.name for f in fields(Diagnostic))
_SEVERITIES = frozenset(s.value for s in Severity)


def _valid_entry(entry: object, path: str, key: str) -> bool:
    """Whether ``entry`` has the shape :class:`FileCache` writes for ``path`` with digest ``key``.

    The cached results go where a fresh parse or schema check would: the
    parsed data is a mapping and comes with no problems, or there is no data
    and problems say why; every problem is a diagnostic of this file with a
    known code and severity and fields of the right types. The data's values
    are not walked: JSON holds nothing but JSON values, and walking every
    value of every file would cost a fifth of a check that finds all files
    cached (what the data holds was decided by this same code, see the key).
    """
    if not isinstance(entry, dict) or entry.get("digest") != key or not entry.keys() <= _ENTRY_KEYS:
        return False
    if "parsed" in entry:
        parsed = entry["parsed"]
        if not (isinstance(parsed, list) and len(parsed) == 2 and _valid_problems(parsed[1], path)):
            return False
        data, problems = parsed
        if data is None:
            if not problems:
                return False  # a file that parsed to nothing must say why
        elif not isinstance(data, dict) or problems:
            return False
    if "rendered" in entry and not _valid_rendered(entry["rendered"]):
        return False
    if "checked" in entry:
        checked = entry["checked"]
        if not (
            isinstance(checked, list)
            and len(checked) == 2
            and _valid_problems(checked[0], path)
            and isinstance(checked[1], list)
            and all(isinstance(key, str) for key in checked[1])
        ):
            return False
    return True


def _valid_rendered(texts: object) -> bool:
    """Whether ``texts`` has the shape :meth:`FileCache.store_rendered` writes.

    The HTML is not parsed here: what a page finally holds passes the page
    sanitizer (:mod:`specgen.site.sanitize`) whatever its source, so a cache
    file edited by hand can change what a page says, never make it run script.
    """
    return isinstance(texts, list) and all(
        isinstance(t, list)
        and len(t) == 4
        and _count(t[0])
        and isinstance(t[1], str)
        and isinstance(t[2], str)
        and isinstance(t[3], list)
        and all(isinstance(r, list) and len(r) == 2 and isinstance(r[0], str) and _count(r[1]) for r in t[3])
        for t in texts
    )


def _valid_problems(problems: object, path: str) -> bool:
    return isinstance(problems, list) and all(_valid_diagnostic(p, path) for p in problems)


def _valid_diagnostic(plain: object, path: str) -> bool:
    return (
        isinstance(plain, dict)
        and plain.keys() == _DIAGNOSTIC_KEYS
        and plain["path"] == path
        and isinstance(plain["code"], str)
        and plain["code"] in RULES
        and isinstance(plain["severity"], str)
        and plain["severity"] in _SEVERITIES
        and isinstance(plain["message"], str)
        and _count(plain["line"])
        and _count(plain["column"])
        and isinstance(plain["pointer"], list)
        and all(isinstance(part, str) or _count(part) for part in plain["pointer"])
        and (plain["hint"] is None or isinstance(plain["hint"], str))
        and isinstance(plain["at_key"], bool)
        and plain["suppressed_by"] is None  # per-file findings are cached before any ignore entry applies
    )


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
