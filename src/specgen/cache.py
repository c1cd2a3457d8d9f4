"""Cache: per-file results of the expensive per-file stages, keyed by content.

What is cached for a spec file is a pure function of its text, its kind, the
read limits and specgen itself (version and schemas): the parsed data, the
parse problems, and the schema and placeholder problems. The cache can
therefore never hide an error: a file whose text changed has a new key, and
the rules that span files run on every check, over every file, cached or not.

The cache lives outside the workspace (``$XDG_CACHE_HOME/specgen``, or
``~/.cache/specgen``; ``SPECGEN_CACHE_DIR`` overrides), so a cache file
committed to a repository is never read. It is JSON, never pickle: reading it
runs no code. A cache that is missing, stale or unreadable is simply ignored.

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
from dataclasses import asdict
from pathlib import Path
from typing import Any

from specgen.diagnostics import Diagnostic, Severity
from specgen.limits import Limits
from specgen.version import __version__

Parsed = tuple[dict[str, Any] | None, list[Diagnostic]]
Checked = tuple[list[Diagnostic], bool]


def cache_dir() -> Path:
    if os.environ.get("SPECGEN_CACHE_DIR"):
        return Path(os.environ["SPECGEN_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "specgen"


def digest(kind: str, text: str) -> str:
    return hashlib.blake2b(f"{kind}\0{text}".encode(), digest_size=20).hexdigest()


#: How many files a workspace's cache is split into.
SHARDS = 64


def shard_of(path: str) -> int:
    return zlib.crc32(path.encode()) % SHARDS


class FileCache:
    """Per-file results of one workspace, by path and content digest."""

    def __init__(self, workspace: Path, limits: Limits) -> None:
        from specgen.schema import schema_texts  # the schema stage imports the loader, which imports this

        name = hashlib.blake2b(str(workspace.resolve()).encode(), digest_size=12).hexdigest()
        self.folder = cache_dir() / name
        schemas = "".join(text for _, text in sorted(schema_texts().items()))
        self.key = hashlib.blake2b(f"{__version__}\0{schemas}\0{limits!r}".encode(), digest_size=20).hexdigest()
        self.old: dict[str, Any] = {}
        self.shards: set[int] = set()  # shards read from disk
        self.stale: set[int] = set()  # shard files that were unreadable, foreign or out of date
        for shard in range(SHARDS):
            files = self._read(shard)
            if files is not None:
                self.shards.add(shard)
                self.old.update(files)
            elif self._shard_file(shard).exists():
                self.stale.add(shard)
        self.new: dict[str, Any] = {}

    def _shard_file(self, shard: int) -> Path:
        return self.folder / f"{shard:02d}.json"

    def _read(self, shard: int) -> dict[str, Any] | None:
        try:
            payload = json.loads(self._shard_file(shard).read_text(encoding="utf-8"))
        except (OSError, ValueError):
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
        entry = self.old.get(path)
        if isinstance(entry, dict) and entry.get("digest") == key:
            self.new[path] = entry
            return entry
        return None

    def parsed(self, path: str, key: str) -> Parsed | None:
        entry = self._entry(path, key)
        if entry is None or "parsed" not in entry:
            return None
        data, problems = entry["parsed"]
        return data, [_diagnostic(p) for p in problems]

    def store_parsed(self, path: str, key: str, result: Parsed) -> None:
        data, problems = result
        self.new[path] = {"digest": key, "parsed": [data, [_plain(p) for p in problems]]}

    def checked(self, path: str, key: str) -> Checked | None:
        entry = self._entry(path, key)
        if entry is None or "checked" not in entry:
            return None
        problems, valid = entry["checked"]
        return [_diagnostic(p) for p in problems], bool(valid)

    def store_checked(self, path: str, key: str, result: Checked) -> None:
        problems, valid = result
        entry = self.new.get(path, {"digest": key})
        if entry.get("digest") == key:  # a new entry: the last run's may be shared with what it read
            self.new[path] = {**entry, "checked": [[_plain(p) for p in problems], valid]}

    def save(self) -> None:
        """Write the shards whose entries changed (entries of files that are gone are dropped).

        The cache is then ready for the next run in the same process, with
        what this run saw as what it knows.
        """
        try:
            self._write()
        finally:
            self.old, self.new = self.new, {}
            self.shards = {shard_of(path) for path in self.old}
            self.stale = set()

    def _write(self) -> None:
        if self.new == self.old:
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


def _plain(d: Diagnostic) -> dict[str, Any]:
    plain = asdict(d)
    plain["severity"] = d.severity.value
    return plain


def _diagnostic(plain: dict[str, Any]) -> Diagnostic:
    return Diagnostic(**{**plain, "severity": Severity(plain["severity"]), "pointer": tuple(plain["pointer"])})
