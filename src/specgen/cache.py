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
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
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


class FileCache:
    """Per-file results of one workspace, by path and content digest."""

    def __init__(self, workspace: Path, limits: Limits) -> None:
        from specgen.schema import schema_texts  # the schema stage imports the loader, which imports this

        name = hashlib.blake2b(str(workspace.resolve()).encode(), digest_size=12).hexdigest()
        self.path = cache_dir() / f"{name}.json"
        schemas = "".join(text for _, text in sorted(schema_texts().items()))
        self.key = hashlib.blake2b(f"{__version__}\0{schemas}\0{limits!r}".encode(), digest_size=20).hexdigest()
        self.old: dict[str, Any] = self._read()
        self.new: dict[str, Any] = {}

    def _read(self) -> dict[str, Any]:
        try:
            payload = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if (
            not isinstance(payload, dict)
            or payload.get("key") != self.key
            or not isinstance(payload.get("files"), dict)
        ):
            return {}
        files: dict[str, Any] = payload["files"]
        return files

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
        entry = self.new.setdefault(path, {"digest": key})
        if entry.get("digest") == key:
            entry["checked"] = [[_plain(p) for p in problems], valid]

    def save(self) -> None:
        """Write what this run saw (entries of files that are gone are dropped)."""
        if self.new == self.old:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # json.dumps, not json.dump: only the former uses the C encoder, five times faster here.
            text = json.dumps({"key": self.key, "files": self.new}, separators=(",", ":"))
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self.path.parent, delete=False) as out:
                out.write(text)
            Path(out.name).replace(self.path)
        except (OSError, TypeError, ValueError):
            pass  # a cache that cannot be written costs speed, never correctness


def _plain(d: Diagnostic) -> dict[str, Any]:
    plain = asdict(d)
    plain["severity"] = d.severity.value
    return plain


def _diagnostic(plain: dict[str, Any]) -> Diagnostic:
    return Diagnostic(**{**plain, "severity": Severity(plain["severity"]), "pointer": tuple(plain["pointer"])})
