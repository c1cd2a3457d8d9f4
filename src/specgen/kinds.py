"""The kinds of spec a workspace holds, where each lives, and what it refers to.

This table is the one home of the workspace layout: the loader uses it to know
what a file is, the schema stage to pick a schema, and the reference rule to
know which fields name which kinds of spec.

Layout (under the specs folder)::

    product.yaml                 the product: vision, business case
    objectives/OBJ-1.yaml        objectives with key results
    personas/PER-1.yaml          personas
    stakeholders/STK-1.yaml      the stakeholder registry (owners, deciders, audiences)
    evidence/EVD-1.yaml          user evidence: interviews, surveys, tickets, analytics
    features/FEAT-1.yaml         features with requirements and test cases
    releases/REL-1.yaml          releases and milestones
    decisions/DEC-1.yaml         decisions
    updates/UPD-1.yaml           status updates that head the stakeholder briefs
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from specgen.diagnostics import Pointer

#: Matches a pattern element that stands for every item of a list.
EACH = "*"


@dataclass(frozen=True)
class Kind:
    """One kind of spec."""

    name: str
    title: str
    plural: str
    #: Folder under the specs folder; ``None`` for a single file at the top.
    folder: str | None
    #: ID prefix, e.g. ``FEAT`` for ``FEAT-12``; the product has none.
    prefix: str | None

    @property
    def schema_name(self) -> str:
        return f"{self.name}.schema.json"


PRODUCT = Kind("product", "Product", "Product", None, None)
KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        PRODUCT,
        Kind("objective", "Objective", "Objectives", "objectives", "OBJ"),
        Kind("persona", "Persona", "Personas", "personas", "PER"),
        Kind("stakeholder", "Stakeholder", "Stakeholders", "stakeholders", "STK"),
        Kind("evidence", "Evidence", "Evidence", "evidence", "EVD"),
        Kind("feature", "Feature", "Features", "features", "FEAT"),
        Kind("release", "Release", "Releases", "releases", "REL"),
        Kind("decision", "Decision", "Decisions", "decisions", "DEC"),
        Kind("update", "Status update", "Status updates", "updates", "UPD"),
    )
}
KIND_BY_FOLDER: dict[str, Kind] = {k.folder: k for k in KINDS.values() if k.folder}
PRODUCT_FILE = "product.yaml"
PRODUCT_ID = "product"

#: Pseudo-kinds that live inside a feature file and have their own IDs.
REQUIREMENT = "requirement"
#: The target of a reference to a key result (``OBJ-1.KR2``), which lives inside its objective.
KEY_RESULT = "key_result"
TEST_CASE = "test_case"

#: Which fields refer to which kind: (kind, path pattern, target kind).
#: ``EACH`` in a pattern walks every item of a list.
REFERENCES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("product", ("owner",), "stakeholder"),
    ("product", ("vision", "for_whom", EACH), "persona"),
    ("objective", ("owner",), "stakeholder"),
    ("evidence", ("personas", EACH), "persona"),
    ("feature", ("owner",), "stakeholder"),
    ("feature", ("personas", EACH), "persona"),
    ("feature", ("objectives", EACH), "objective"),
    ("feature", ("key_results", EACH), KEY_RESULT),
    ("feature", ("evidence", EACH), "evidence"),
    ("feature", ("depends_on", EACH), "feature"),
    ("feature", ("release",), "release"),
    ("feature", ("risks", EACH, "owner"), "stakeholder"),
    ("feature", ("benefits", EACH, "persona"), "persona"),
    ("feature", ("test_cases", EACH, "verifies", EACH), REQUIREMENT),
    ("release", ("owner",), "stakeholder"),
    ("decision", ("deciders", EACH), "stakeholder"),
    ("decision", ("features", EACH), "feature"),
    ("decision", ("superseded_by",), "decision"),
    ("update", ("author",), "stakeholder"),
    ("update", ("asks", EACH, "owner"), "stakeholder"),
)


def walk(data: Any, pattern: Sequence[str], prefix: Pointer = ()) -> Iterator[tuple[Pointer, Any]]:
    """Every (pointer, value) in ``data`` that ``pattern`` selects, in document order.

    Level by level rather than by recursion: the rules walk every pattern of
    every document on each check, and a generator per level and item was most
    of their cost.
    """
    level: list[tuple[Pointer, Any]] = [(prefix, data)]
    for head in pattern:
        found: list[tuple[Pointer, Any]] = []
        if head == EACH:
            for pointer, value in level:
                if isinstance(value, list):
                    found.extend(((*pointer, i), item) for i, item in enumerate(value))
        else:
            for pointer, value in level:
                if isinstance(value, dict) and head in value:
                    found.append(((*pointer, head), value[head]))
        if not found:
            return iter(())
        level = found
    return iter(level)


def natural_key(ident: str) -> tuple[Any, ...]:
    """Sort FEAT-2 before FEAT-10.

    A run of digits sorts by its length without leading zeros, then by its
    digits: numerical order without :func:`int`, which refuses a number of
    more than 4,300 digits (and an ID is PR input of any length).
    """
    parts = re.split(r"(\d+)", ident)
    return tuple((len(p.lstrip("0")), p.lstrip("0"), p) if i % 2 else p for i, p in enumerate(parts))
