"""Placeholders: text left as a template wrote it, reported as SG207.

Three sorts, cheapest first, because the scan asks about every text value of
every file:

* anywhere: words that stand for a value not yet written (``TBD``, ``@TBD``,
  ``TBD TBD``, ``TODO``, ``yyyy-mm-dd``, ``<name>``), and IDs made of one
  (``STK-TBD``, ``FEAT-XXX``) or of version zero (``REL-0-0``), as an ID or as
  a reference: one compiled expression;
* in a person's name (a stakeholder's, a persona's): what forms ask people to
  replace (``N/A``, ``Your Name``, ``John Doe``): a set lookup;
* in a title (a feature's, an objective's, a decision's, a release's or the
  product's name): a template's own title (``KEP Template``, ``Untitled``) or
  the ``examples`` that field's JSON Schema gives, which is what an editor
  offers and what a scaffold writes; for a release, version zero (``0.0``,
  ``v0.0``, ``0.0.0``): a set lookup and one small expression.

The field sorts look only at top-level keys, found by a dictionary lookup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from specgen.diagnostics import Pointer

_WORD = r"(?:tbd|tbc|tba|todo|fixme|xxx+|placeholder)"

#: A value that is only a placeholder, whatever the field.
ANYWHERE = re.compile(
    r"^\s*(?:"
    rf"@?{_WORD}(?:[\s/,;]+@?{_WORD})*"  # TBD, @TBD, TBD TBD, TBD/TBC
    r"|\?+|lorem ipsum.*|yyyy-mm-dd|dd/mm/yyyy|mm/dd/yyyy"
    r"|<[a-z][a-z _-]*>"  # <name>, <title>, <your name>: a template's hole (a URL in <...> has a colon)
    rf"|[a-z]{{2,6}}-{_WORD}"  # STK-TBD, FEAT-XXX: a placeholder for an ID, or a reference to one
    r"|rel-v?0(?:-0)+"  # REL-0-0, REL-v0-0: the release of version zero
    r")\s*\.?\s*$",
    re.IGNORECASE,
)

#: Longer than any placeholder but "lorem ipsum ..." (and than every entry of the sets below).
_LONGEST = 40

#: What a form asks a person to replace.
_PEOPLE = frozenset(
    {
        "n/a",
        "na",
        "none",
        "nobody",
        "someone",
        "unknown",
        "unassigned",
        "name",
        "full name",
        "your name",
        "first last",
        "firstname lastname",
        "first name last name",
        "john doe",
        "jane doe",
    }
)

#: A template's own title, as written by the templates people copy specs from.
_TEMPLATE_TITLES = frozenset(
    {
        "title",
        "untitled",
        "template",
        "kep template",
        "feature template",
        "prd template",
        "rfc template",
        "spec template",
        "adr template",
        "decision template",
        "objective template",
        "release template",
        "my feature",
        "new feature",
        "feature title",
        "feature name",
        "product name",
        "release name",
    }
)

#: A release named for version zero.
_VERSION_ZERO = re.compile(r"^v?0(?:\.0)+$", re.IGNORECASE)

#: The top-level fields of each kind that name a person, and that title a spec.
PERSON_FIELDS: Mapping[str, str] = {"stakeholder": "name", "persona": "name"}
TITLE_FIELDS: Mapping[str, str] = {
    "feature": "title",
    "objective": "title",
    "decision": "title",
    "release": "name",
    "product": "name",
}


def _norm(value: str) -> str:
    return " ".join(value.split()).casefold()


class Placeholders:
    """The placeholder test of one kind, built once from its (inlined) JSON Schema."""

    def __init__(self, kind: str, schema: Mapping[str, Any]) -> None:
        self.fields: dict[str, frozenset[str]] = {}
        self.version_zero = kind == "release"
        if kind in PERSON_FIELDS:
            self.fields[PERSON_FIELDS[kind]] = _PEOPLE
        if kind in TITLE_FIELDS:
            key = TITLE_FIELDS[kind]
            properties = schema.get("properties", {})
            field = properties.get(key, {}) if isinstance(properties, Mapping) else {}
            examples = field.get("examples", []) if isinstance(field, Mapping) else []
            given = {_norm(e) for e in examples if isinstance(e, str)}
            self.fields[key] = _TEMPLATE_TITLES | {f"{kind} template", f"{kind} title", f"new {kind}"} | given

    def __call__(self, pointer: Pointer, value: str) -> bool:
        """Whether ``value`` at ``pointer`` is a placeholder."""
        if len(value) > _LONGEST:  # most text: only "lorem ipsum ..." is that long, and a slice tells
            return value.lstrip()[:11].casefold() == "lorem ipsum"
        if ANYWHERE.match(value):
            return True
        if len(pointer) != 1 or pointer[0] not in self.fields:
            return False
        text = _norm(value)
        return text in self.fields[str(pointer[0])] or (self.version_zero and bool(_VERSION_ZERO.match(text)))
