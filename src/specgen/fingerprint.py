"""Fingerprint: everything besides a file's own text that decides its cached results.

The per-file cache (:mod:`specgen.cache`) reuses a result only while these
stay the same: specgen's own code and schemas (hashed from the installed
package's files, so a change to a check counts even when the version string
does not move), the versions of the libraries that parse and validate
(ruamel.yaml and its C parser, jsonschema and what it uses), and the Python
that runs them (its version, and its limit on digits in an integer, which
decides whether a long number parses).

This module imports nothing from specgen, so any stage may use it and data
flows one way: the stages feed the cache, the cache depends on no stage.
Everything here is computed once per process; it takes a few milliseconds.
"""

from __future__ import annotations

import hashlib
import re
import sys
from functools import cache
from importlib import metadata, resources
from importlib.resources.abc import Traversable

#: Distributions whose code decides what a spec file parses to, which schema errors it has and how its
#: Markdown fields render.
#: The libraries these require are followed too (see :func:`distributions`); ``rfc3987``, when
#: installed, takes over jsonschema's "uri" format from ``rfc3986-validator``.
CHECKING_DISTRIBUTIONS = (
    "ruamel.yaml",
    "ruamel.yaml.clib",
    "ruamel.yaml.clibz",
    "jsonschema",
    "rfc3986-validator",
    "rfc3987",
    # Markdown fields' rendered HTML is cached too.
    "markdown-it-py",
    "mdit-py-plugins",
    "pygments",
    "nh3",
)

#: The package files that are code or checking data. Templates are left out: pages are never cached
#: (only the Markdown of spec fields is, by code these files hold).
_HASHED_SUFFIXES = (".py", ".json")

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def tree_digest(root: Traversable) -> str:
    """A digest of every ``.py`` and ``.json`` file below ``root``, by relative path and content."""
    hasher = hashlib.blake2b(digest_size=20)
    stack: list[tuple[str, Traversable]] = [("", root)]
    files: list[tuple[str, Traversable]] = []
    while stack:
        prefix, folder = stack.pop()
        for entry in folder.iterdir():
            name = f"{prefix}{entry.name}"
            if entry.is_dir():
                if entry.name != "__pycache__":
                    stack.append((f"{name}/", entry))
            elif entry.name.endswith(_HASHED_SUFFIXES):
                files.append((name, entry))
    for name, entry in sorted(files, key=lambda item: item[0]):
        content = entry.read_bytes()
        # Lengths first, so that no two different trees hash the same stream of bytes.
        hasher.update(f"{len(name)}:{name}{len(content)}:".encode())
        hasher.update(content)
    return hasher.hexdigest()


@cache
def code_digest() -> str:
    """The digest of the installed specgen package's code and schemas (read through importlib.resources)."""
    return tree_digest(resources.files("specgen"))


def distributions(roots: tuple[str, ...] = CHECKING_DISTRIBUTIONS) -> dict[str, str]:
    """The installed version of each of ``roots`` and of what they require, by name; ``-`` when absent.

    Requirements that only an extra asks for are not followed: they are not
    installed by depending on the library (an optional one that changes
    results, like ``rfc3987``, is among the roots).
    """
    versions: dict[str, str] = {}
    pending = list(roots)
    while pending:
        name = _normal(pending.pop())
        if name in versions:
            continue
        try:
            text = metadata.distribution(name).read_text("METADATA") or ""
        except metadata.PackageNotFoundError:
            versions[name] = "-"
            continue
        version, required = _headers(text)
        versions[name] = version
        pending.extend(required)
    return dict(sorted(versions.items()))


def _headers(text: str) -> tuple[str, list[str]]:
    """The version and the unconditionally required distributions named in a METADATA file.

    Read by hand rather than through ``Distribution.version``/``.requires``:
    their e-mail header parser costs a millisecond a distribution, most of
    this module's time.
    """
    version = "?"
    required: list[str] = []
    for line in text.split("\n\n", 1)[0].splitlines():
        field, _, value = line.partition(":")
        if field == "Version":
            version = value.strip()
        elif field == "Requires-Dist" and "extra" not in value.partition(";")[2]:
            found = _NAME.match(value.strip())
            if found:
                required.append(found.group())
    return version, required


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@cache
def environment() -> str:
    """The Python and checking-library versions, as one line of text."""
    python = f"{sys.implementation.name} {sys.version} int_max_str_digits={sys.get_int_max_str_digits()}"
    libraries = " ".join(f"{name}={version}" for name, version in distributions().items())
    return f"{python}; {libraries}"


def fingerprint() -> str:
    """What a cached per-file result depends on besides the file and the limits: code, libraries, Python."""
    return hashlib.blake2b(f"{code_digest()}\0{environment()}".encode(), digest_size=20).hexdigest()
