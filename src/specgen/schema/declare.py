"""Declaring custom fields: the ``fields:`` section of ``specgen.yaml``, checked like the rest of the file.

Each mistake is a located SG403 against ``specgen.yaml`` (never a traceback), a
field with a mistake is left out while the others apply, and a declared name
may not shadow a built-in key (nor an old spelling the vocabulary rewrites to
one, nor ``custom`` and ``source``, which every model object has). What a
declaration may say, and how its fields are then checked, is in
:mod:`specgen.schema.custom`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from specgen.charset import unprintable
from specgen.diagnostics import Diagnostic, Pointer
from specgen.kinds import KINDS
from specgen.schema.custom import NO_FIELDS, CustomFields, builtin_keys, pattern_problem
from specgen.suggest import did_you_mean
from specgen.vocabulary import RENAMED_KEYS
from specgen.yamlio import MAX_NUMBER

#: Every keyword a field may use, and those an array's ``items`` may use.
KEYWORDS = ("type", "enum", "pattern", "format", "minimum", "maximum", "items", "description")
ITEM_KEYWORDS = ("type", "enum", "pattern", "format", "description")
TYPES = ("string", "integer", "number", "boolean", "array")
FORMATS = ("date", "uri")
#: Words people write for a type.
_TYPE_SYNONYMS = {"text": "string", "str": "string", "int": "integer", "float": "number", "bool": "boolean"}
_TYPE_SYNONYMS |= {"list": "array"}

#: Names a field may not take whatever the kind: every model object has a ``source`` (its file) and ``custom``.
RESERVED = ("custom", "source")
_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
#: Guards on what one declaration may hold: it is read on every check.
MAX_FIELDS = 100
MAX_VALUES = 500
MAX_DESCRIPTION = 1_000

Problem = Callable[..., None]


def declare(value: object, path: str) -> tuple[CustomFields, list[Diagnostic]]:
    """The ``fields:`` section of ``specgen.yaml`` (at ``path``), and an SG403 for each mistake in it.

    Pointers start at ``fields``, so :func:`specgen.locate.locate_all` places each at its key or value.
    """
    problems: list[Diagnostic] = []

    def problem(message: str, pointer: Pointer, hint: str | None = None, *, at_key: bool = False) -> None:
        problems.append(Diagnostic.of("SG403", path, message, pointer=pointer, hint=hint, at_key=at_key))

    example = "e.g. fields: {feature: {squad: {enum: [payments, growth]}}}"
    if not isinstance(value, dict):
        problem("fields must be a mapping of kinds to the fields each declares", ("fields",), example)
        return NO_FIELDS, problems
    declared: dict[str, dict[str, dict[str, Any]]] = {}
    for kind, fields in value.items():
        where: Pointer = ("fields", str(kind))
        if kind not in KINDS:
            hint = did_you_mean(str(kind), list(KINDS), synonyms=_KIND_SYNONYMS) or f"the kinds are {', '.join(KINDS)}"
            problem(f"fields: {str(kind)!r} is not a kind of spec", where, hint, at_key=True)
            continue
        if not isinstance(fields, dict) or not fields:
            problem(f"fields.{kind} must be a mapping of field names to their schemas", where, example)
            continue
        if len(fields) > MAX_FIELDS:
            problem(f"fields.{kind} declares {len(fields):,} fields; at most {MAX_FIELDS} are allowed", where)
            continue
        builtin = builtin_keys(kind)
        for name, schema in fields.items():
            checked = _field(kind, name, schema, builtin, problem)
            if checked is not None:
                declared.setdefault(kind, {})[name] = checked
    text = json.dumps(declared, sort_keys=False, separators=(",", ":"), ensure_ascii=False)
    return CustomFields(text), problems


_KIND_SYNONYMS = {
    **{kind.folder: name for name, kind in KINDS.items() if kind.folder},
    **{kind.prefix.lower(): name for name, kind in KINDS.items() if kind.prefix},
}


def _field(kind: str, name: object, schema: object, builtin: frozenset[str], problem: Problem) -> dict[str, Any] | None:
    """One declared field's schema, or ``None`` after reporting what is wrong with it."""
    where: Pointer = ("fields", kind, str(name))
    label = f"fields.{kind}.{name}"
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        problem(
            f"fields.{kind}: {str(name)!r} is no field name",
            where,
            "a name is lowercase letters, digits and _, starting with a letter, e.g. jira_epic",
            at_key=True,
        )
        return None
    if name in builtin or name in _old_keys(kind):
        problem(
            f"{label} shadows the built-in field {name!r} of a {kind}",
            where,
            f"a custom field cannot change a built-in one; choose another name, e.g. {kind}_{name}"
            if len(name) < 50
            else "choose another name",
            at_key=True,
        )
        return None
    if name in RESERVED:
        problem(f"{label}: {name!r} is a name the model uses for every spec", where, "choose another name", at_key=True)
        return None
    if not isinstance(schema, dict) or not schema:
        problem(f"{label} must be a mapping of schema keywords", where, "e.g. {type: string} or {enum: [a, b]}")
        return None
    ok = _keywords(schema, KEYWORDS, label, where, problem)
    kind_of = schema.get("type")
    if "type" in schema and kind_of not in TYPES:
        hint = did_you_mean(str(kind_of), list(TYPES), synonyms=_TYPE_SYNONYMS) or f"types are {', '.join(TYPES)}"
        problem(f"{label}.type: {kind_of!r} is not a type a custom field may have", (*where, "type"), hint)
        return None
    if "type" not in schema and "enum" not in schema:
        problem(f"{label} needs a type or its allowed values (enum)", where, "e.g. {type: string} or {enum: [a, b]}")
        return None
    ok = _constraints(schema, str(kind_of) if kind_of else None, label, where, problem) and ok
    if kind_of == "array":
        items = schema.get("items", {"type": "string"})
        if not isinstance(items, dict):
            problem(f"{label}.items must be a mapping, e.g. {{type: string}}", (*where, "items"))
            return None
        inner = (*where, "items")
        ok = _keywords(items, ITEM_KEYWORDS, f"{label}.items", inner, problem) and ok
        if items.get("type", "string") != "string":
            problem(f"{label}.items: a custom list holds text only", (*inner, "type"), "write items: {type: string}")
            return None
        ok = _constraints(items, "string", f"{label}.items", inner, problem) and ok
        schema = {**schema, "items": {"type": "string", **items}}
    elif "items" in schema:
        problem(f"{label}.items applies to a list only", (*where, "items"), "add type: array")
        return None
    return schema if ok else None


def _keywords(schema: dict[str, Any], allowed: tuple[str, ...], label: str, where: Pointer, problem: Problem) -> bool:
    ok = True
    for keyword in schema:
        if keyword not in allowed:
            hint = did_you_mean(str(keyword), list(allowed)) or f"the keywords are {', '.join(allowed)}"
            problem(f"{label}: unknown keyword {str(keyword)!r}", (*where, str(keyword)), hint, at_key=True)
            ok = False
    return ok


def _constraints(schema: dict[str, Any], kind_of: str | None, label: str, where: Pointer, problem: Problem) -> bool:
    """Check ``enum``, ``pattern``, ``format``, bounds and ``description`` of a field (or its items)."""
    ok = True

    def wrong(keyword: str, message: str, hint: str | None = None) -> None:
        nonlocal ok
        problem(f"{label}.{keyword} {message}", (*where, keyword), hint)
        ok = False

    if "enum" in schema:
        values = schema["enum"]
        if kind_of == "array":
            wrong("enum", "applies to the items of a list", "write items: {enum: [...]}")
        elif not isinstance(values, list) or not values or len(values) > MAX_VALUES:
            wrong("enum", f"must be a list of 1 to {MAX_VALUES} allowed values")
        else:
            for i, item in enumerate(values):
                if not _fits(item, kind_of):
                    wrong("enum", f"[{i}]: {item!r} is not a {kind_of or 'text, number or true/false'} value")
                elif any(isinstance(v, bool) == isinstance(item, bool) and v == item for v in values[:i]):
                    # true and 1 are two JSON values, though Python's == says they are one
                    wrong("enum", f"[{i}]: {item!r} is listed twice")
                elif isinstance(item, str) and _unprintable(item):
                    wrong("enum", f"[{i}]: a value may not hold a control or bidi character")
    if "pattern" in schema:
        pattern = schema["pattern"]
        if kind_of != "string":
            wrong("pattern", "applies to text", "add type: string")
        elif not isinstance(pattern, str) or not pattern:
            wrong("pattern", "must be a regular expression (text)")
        elif (why := pattern_problem(pattern)) is not None:
            wrong("pattern", why)
    if "format" in schema:
        if kind_of != "string":
            wrong("format", "applies to text", "add type: string")
        elif schema["format"] not in FORMATS:
            hint = did_you_mean(str(schema["format"]), list(FORMATS)) or "the formats are date and uri"
            wrong("format", f"{schema['format']!r} is not date or uri", hint)
    bounds = [k for k in ("minimum", "maximum") if k in schema]
    for keyword in bounds:
        limit = schema[keyword]
        if kind_of not in ("integer", "number"):
            wrong(keyword, "applies to numbers", "add type: number or type: integer")
        elif not _number(limit):
            wrong(keyword, f"must be a number, not {limit!r}")
    if len(bounds) == 2 and ok and schema["minimum"] > schema["maximum"]:
        wrong("maximum", f"{schema['maximum']!r} is below the minimum {schema['minimum']!r}")
    if "description" in schema:
        text = schema["description"]
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_DESCRIPTION:
            wrong("description", f"must be text of 1 to {MAX_DESCRIPTION:,} characters")
        elif _unprintable(text):
            wrong("description", "may not hold a line break, a control character or a bidi control")
    return ok


def _unprintable(text: str) -> bool:
    """Whether ``text`` holds what would drive a terminal (``specgen explain`` prints it) or reorder text."""
    return unprintable(text) is not None


def _number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and abs(value) <= MAX_NUMBER
    )


def _fits(value: object, kind_of: str | None) -> bool:
    """Whether an allowed value has the field's type (any scalar when no type is given)."""
    if kind_of == "string":
        return isinstance(value, str)
    if kind_of == "boolean":
        return isinstance(value, bool)
    if kind_of == "integer":
        return isinstance(value, int) and _number(value)
    if kind_of == "number":
        return _number(value)
    return isinstance(value, str | bool) or _number(value)


def _old_keys(kind: str) -> frozenset[str]:
    """Top-level keys of ``kind`` that the vocabulary rewrites to a built-in one (an objective's ``description``)."""
    return frozenset(r.old for r in RENAMED_KEYS if r.kind == kind and not r.at)
