"""Schema messages: a schema error said so that a PM can act on it.

:mod:`specgen.schema` finds the errors; this module words them. Beyond naming
the type or form that was expected, it shows the fix:

* a mapping written as text gets the keys it needs and its smallest valid
  shape, made from the schema (``write it as vision: {problem: "...", ...}``);
* a value that YAML read as another type than it looks like (``period: 2025``
  is a number, ``1.10`` is the number 1.1, ``yes`` is text where true or false
  is expected) gets the fix written out (``period: "2025"``);
* a value of the wrong form says which character breaks it (a space at the
  end, an underscore) and what to write instead.

Only values that already have an error are looked at again, so the cost falls
on files with mistakes.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from jsonschema.exceptions import ValidationError
from ruamel.yaml.nodes import ScalarNode

from specgen import ecma
from specgen.diagnostics import Pointer
from specgen.locate import compose, node_at

FORMATS = {"date": "date (YYYY-MM-DD)", "uri": "URL"}

_TYPE_WORDS = {
    "string": "text",
    "array": "a list",
    "object": "a mapping",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "nothing",
}

#: Texts longer than this are cut in messages: the location already shows the whole value.
_SHOWN = 60


def type_words(expected: object) -> str:
    """A JSON Schema type (or list of types) in words: ``object`` -> ``a mapping``."""
    names = expected if isinstance(expected, list) else [expected]
    return " or ".join(_TYPE_WORDS.get(str(n), str(n)) for n in names)


def kind_of_value(value: object) -> str:
    """What a value is, in words, with the value: ``text 'lots'``, ``number 1.1``."""
    if value is None:
        return "null (an empty value)"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"number {value}"
    if isinstance(value, str):
        return f"text {_short(value)!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bytes):
        return "binary data (!!binary)"
    if isinstance(value, set):
        return "a set (!!set)"
    return "a mapping"


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1].rstrip() + "…"


def expected_words(schema: dict[str, Any], expected: object) -> str:
    """The expected type; for a mapping, with the keys it needs: ``a mapping with problem and for_whom``."""
    words = type_words(expected)
    if expected != "object" or not isinstance(schema.get("properties"), dict):
        return words
    required = [str(k) for k in schema.get("required", [])]
    if required:
        return f"{words} with {_and(required)}"
    return f"{words} (keys: {', '.join(schema['properties'])})"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def type_hint(text: str, pointer: Pointer, schema: dict[str, Any], instance: object) -> str | None:
    """How to write a value that has the wrong type; ``text`` is the document's, for the value as written."""
    expected = schema.get("type")
    if expected == "object" and isinstance(schema.get("properties"), dict):
        return f"write it as {_lead(pointer)}{_shape(schema, instance)}"
    if expected == "array" and isinstance(instance, str | int | float) and not isinstance(instance, bool):
        items = schema.get("items")
        item: dict[str, Any] = items if isinstance(items, dict) else {}
        fits = isinstance(instance, str) and item.get("type") == "string"
        return f"a list is written in brackets: {_lead(pointer)}[{_flow(instance) if fits else _sample(item)}]"
    if expected == "string" and isinstance(instance, bool | int | float):
        return _quote_hint(text, pointer, schema, instance)
    if expected == "boolean" and isinstance(instance, str) and instance.strip().lower() in _YES_NO:
        answer = "true" if _YES_NO[instance.strip().lower()] else "false"
        return f"write true or false: {_lead(pointer)}{answer}"
    if expected in ("number", "integer") and isinstance(instance, str):
        digits = re.sub(r"(?<=\d)[,_ ](?=\d{3}\b)", "", instance.strip())
        if re.fullmatch(r"-?\d+(\.\d+)?", digits) and (expected == "number" or "." not in digits):
            return f"write the number without quotes or separators: {_lead(pointer)}{digits}"
    return None


#: Words YAML 1.1 read as true or false; YAML 1.2, as specgen reads it, keeps them as text.
_YES_NO = {"yes": True, "no": False, "on": True, "off": False, "y": True, "n": False}


def _lead(pointer: Pointer) -> str:
    """How the value's line starts: ``period: `` for a key, ``- `` for a list item."""
    if not pointer:
        return ""
    last = pointer[-1]
    return "- " if isinstance(last, int) else f"{last}: "


def _quote_hint(text: str, pointer: Pointer, schema: dict[str, Any], instance: bool | int | float) -> str | None:
    written = source_text(text, pointer)
    if written is None:
        written = str(instance).lower() if isinstance(instance, bool) else str(instance)
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and not ecma.search(pattern, written):
        return None  # quoting would not give a valid value: the form's own hint says more
    if schema.get("format") == "date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", written):
        return "a date is written YYYY-MM-DD"
    if isinstance(instance, bool):
        reads = f"YAML reads {written} as a true/false value"
    else:
        shown = str(instance)
        reads = f"YAML reads {written} as " + (f"the number {shown}" if shown != written else "a number")
    return f"{reads}; quote it to keep it as written: {_lead(pointer)}{json.dumps(written, ensure_ascii=False)}"


def _shape(schema: dict[str, Any], instance: object) -> str:
    """The smallest valid mapping for ``schema``, inline: ``{title: "Use Postgres"}``.

    The text the author wrote goes in where it fits: as the value of a key
    whose allowed values include it, or as the one required key of free text.
    """
    properties: dict[str, Any] = schema["properties"]
    keys = [str(k) for k in schema.get("required", [])] or list(properties)[:1]
    free = [k for k in keys if _is_free_text(properties.get(k))]
    parts = []
    for key in keys:
        allowed = properties.get(key, {}).get("enum") if isinstance(properties.get(key), dict) else None
        if isinstance(instance, str) and isinstance(allowed, list) and instance in allowed:
            parts.append(f"{key}: {_flow(instance)}")
        elif isinstance(instance, str) and free == [key]:
            parts.append(f"{key}: {json.dumps(_short(instance), ensure_ascii=False)}")
        else:
            parts.append(f"{key}: {_sample(properties.get(key))}")
    return "{" + ", ".join(parts) + "}"


def _is_free_text(schema: object) -> bool:
    return (
        isinstance(schema, dict)
        and schema.get("type") == "string"
        and not _ID_PATTERN.match(str(schema.get("pattern", "^$")))
        and "format" not in schema
    )


def _sample(schema: object) -> str:
    """A short example value for ``schema``, in YAML flow style."""
    if not isinstance(schema, dict):
        return '"..."'
    for branch in ("anyOf", "oneOf"):
        if isinstance(schema.get(branch), list) and schema[branch]:
            return _sample(schema[branch][0])
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return _flow(schema["enum"][0])
    kind = schema.get("type")
    if kind == "string":
        given = schema.get("examples")
        if isinstance(given, list) and given and isinstance(given[0], str):
            return _flow(given[0])
        example = _example_id(str(schema.get("pattern", "")))
        if example:
            return example
        return "YYYY-MM-DD" if schema.get("format") == "date" else '"..."'
    if kind == "array":
        return f"[{_sample(schema.get('items'))}]"
    if kind == "object":
        return "{...}"
    if kind in ("integer", "number"):
        return str(schema.get("minimum", 1))
    return "true" if kind == "boolean" else '"..."'


_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9._-]*")
_KEYWORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def _flow(value: object) -> str:
    """``value`` as YAML writes it inline: plain where that reads back as the same text."""
    if not isinstance(value, str):
        return json.dumps(value)
    if _PLAIN.fullmatch(value) and value.lower() not in _KEYWORDS:
        return value
    return json.dumps(value, ensure_ascii=False)


#: The file composed as the loader parsed it, kept for the two last documents (they are checked one at a time).
_composed = lru_cache(maxsize=2)(compose)


def source_text(text: str, pointer: Pointer) -> str | None:
    """The scalar at ``pointer`` as written in ``text`` (``1.10``, not 1.1); ``None`` when not found."""
    node = node_at(_composed(text), pointer)
    return str(node.value) if isinstance(node, ScalarNode) else None


def constraint(error: ValidationError) -> tuple[str, str | None]:
    """The words for a broken constraint (pattern, range, length ...), and a fix when one is sure."""
    value, limit = error.instance, error.validator_value
    if error.validator == "pattern" and isinstance(value, str):
        return pattern_problem(value, str(limit))
    messages = {
        "minLength": "must not be empty",
        "minItems": f"needs at least {limit} item{'s' if limit != 1 else ''}",
        "minimum": f"{value!r} is below the minimum {limit}",
        "maximum": f"{value!r} is above the maximum {limit}",
        "exclusiveMinimum": f"{value!r} must be greater than {limit}",
        "pattern": f"{value!r} does not have the expected form",
    }
    return messages.get(str(error.validator), str(error.message)), None


#: Characters with a name people know.
_CHARACTER_NAMES = {
    " ": "a space",
    "\t": "a tab",
    "\n": "a line break",
    "\r": "a carriage return",
    "\u00a0": "a non-breaking space",
    "_": "an underscore",
    ".": "a full stop",
    ",": "a comma",
    "/": "a slash",
    ":": "a colon",
    "#": "a hash sign",
    "'": "an apostrophe",
    '"': "a quotation mark",
}


def _character(char: str) -> str:
    if char in _CHARACTER_NAMES:
        return _CHARACTER_NAMES[char]
    name = unicodedata.name(char, "").lower()
    return f"{char!r} ({name})" if name and not char.isascii() else repr(char)


#: Values longer than this get no "which character" hint: each character is two tries of the
#: pattern, and a spec value of the wrong form that one character would fix is short (an ID).
_TRIED = 64


@lru_cache(maxsize=1024)  # one bad value is often written many times (a list, a copied file)
def pattern_problem(
    value: str, pattern: str, search: Callable[[str, str], bool] | None = None
) -> tuple[str, str | None]:
    """What breaks ``value``'s form, and the value that would fit when one character is the cause.

    Space around the value is named first; otherwise the first character whose
    removal (or change to a hyphen, the separator IDs use) makes the value fit,
    for values of up to 64 characters. ``search`` runs the pattern: a custom
    field's goes to RE2 (:mod:`specgen.schema.custom`), never to ``re``; by default
    :func:`specgen.ecma.search`, looked up at each call.
    """
    search = search or ecma.search
    wrong = f"{value!r} does not have the expected form"
    stripped = value.strip()
    if stripped != value and stripped and search(pattern, stripped):
        where = "ends" if value[-1:].isspace() else "starts"
        char = value[-1] if where == "ends" else value[0]
        return f"{wrong}: it {where} with {_character(char)}", f"write {stripped!r}"
    if len(value) <= _TRIED:
        for i, char in enumerate(value):
            for fixed in (value[:i] + "-" + value[i + 1 :], value[:i] + value[i + 1 :]):
                if fixed and fixed != value and search(pattern, fixed):
                    return f"{wrong}: {_character(char)} (character {i + 1}) does not belong", f"write {fixed!r}"
    return wrong, None


_ID_PATTERN = re.compile(r"^\^(\(FEAT-.*\\\.\)\?)?([A-Z]+)(-|\[)")


def _example_id(pattern: str) -> str | None:
    match = _ID_PATTERN.match(pattern)
    if not match or match.group(1):
        return "R1" if match else None
    return f"{match.group(2)}-1" if match.group(3) == "-" else f"{match.group(2)}1"


def id_hint(error: ValidationError) -> str | None:
    """For a value of the wrong form: an example of the right one."""
    if error.validator != "pattern":
        return None
    pattern = str(error.validator_value)
    if pattern.endswith("\\.KR[0-9]+$"):
        return "a key result looks like OBJ-1.KR2: its objective's ID, a dot and the key result's id"
    match = _ID_PATTERN.match(pattern)
    if match and match.group(1):
        return "a requirement looks like R2 (in the same feature) or FEAT-1.R2"
    if match:
        return f"expected an ID like {_example_id(pattern)}"
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    return str(description) if description else f"expected to match {pattern}"
