"""Valid parts: a document together with the top-level keys its schema check found broken.

One wrong value must not hide a file from every rule about meaning: a feature
whose ``status`` is misspelt still has sound ``depends_on``, requirements and
test cases, and the cycle, coverage and release-order rules should read them.
So the schema check reports *which* top-level keys hold an error (a key with a
schema error anywhere below it, or a required key that is missing), and each
rule asks for the keys it reads (:meth:`Valid.fits`): a rule skips a document
only when a key it needs is broken, and reads the rest as schema-valid.

The top level is the grain because it is where the rules' questions live
(status, release, depends_on, requirements, test_cases, horizon, objectives):
below it, one broken requirement makes the list's coverage unknown anyway.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from specgen.kinds import Kind
from specgen.loader import Document


@dataclass(frozen=True)
class Valid:
    """A document as loaded, its broken top-level keys, and the document cut down to its sound keys."""

    document: Document
    #: Top-level keys with a schema error at or below them, or required and missing.
    broken: frozenset[str]
    #: ``document`` with only its sound top-level keys: what a rule that reads with ``.get`` may trust.
    sound: Document

    @classmethod
    def of(cls, document: Document, broken: Iterable[str] = ()) -> Valid:
        """The valid parts of ``document``, given its broken top-level keys."""
        keys = frozenset(broken)
        if not keys:
            return cls(document, keys, document)
        data = {k: v for k, v in document.data.items() if k not in keys}
        return cls(document, keys, replace(document, data=data))

    @property
    def whole(self) -> bool:
        """Whether the whole document fits its schema."""
        return not self.broken

    def fits(self, *keys: str) -> bool:
        """Whether none of ``keys`` is broken (each is sound, or absent where the schema allows it)."""
        return self.broken.isdisjoint(keys)

    @property
    def data(self) -> dict[str, Any]:
        """The sound top-level keys and their values."""
        return self.sound.data

    @property
    def path(self) -> str:
        return self.document.path

    @property
    def kind(self) -> Kind:
        return self.document.kind


def day(value: object) -> dt.date | None:
    """A date a rule can compare, from a ``YYYY-MM-DD`` text; ``None`` for anything else (the schema reports it)."""
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
