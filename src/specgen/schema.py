"""Validate: check each document against the JSON Schema of its kind.

Schemas ship inside the package (``specgen/schemas``) and are read through
``importlib.resources``. Each kind's validator is compiled once. Schema errors
become diagnostics with a pointer into the document, a message in the user's
terms and, where a close match exists, a "did you mean ..." hint.

Patterns are read as JSON Schema defines them, as ECMA-262 regular expressions
(:mod:`specgen.ecma`), not as Python's ``re`` would read the same text: with
Python's, ``^FEAT-[0-9]+$`` accepts ``"FEAT-1\n"``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import FormatChecker
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator

from specgen import ecma
from specgen.charset import REFUSED, problem
from specgen.diagnostics import Diagnostic, Pointer, did_you_mean, pointer_text
from specgen.kinds import KINDS, Kind
from specgen.loader import Document
from specgen.yamlio import MAX_NUMBER

COMMON = "common.schema.json"


@cache
def schema_texts() -> dict[str, str]:
    """Every packaged schema, by file name."""
    folder = resources.files("specgen") / "schemas"
    return {
        entry.name: entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.name.endswith(".schema.json")
    }


#: Where "date" and "uri" formats are checked. The URI check comes from rfc3986-validator, whose
#: regular expression ends in Python's ``$`` and so accepts a URL with a final newline.
_FORMAT_CHECKER = FormatChecker(("date",))
_STOCK_FORMATS = FormatChecker(("uri",))


@_FORMAT_CHECKER.checks("uri")
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True  # formats apply to strings only
    return _STOCK_FORMATS.conforms(value, "uri") and not re.search(r"[\s\x00-\x1f\x7f]", value)


@cache
def validators() -> dict[str, Validator]:
    """One compiled validator per kind.

    The shipped schemas share definitions through ``$ref`` (editors follow
    them); the validators get copies with every reference inlined, because
    resolving a reference on every value is most of jsonschema's cost.
    """
    schemas = {name: json.loads(text) for name, text in schema_texts().items()}
    return {
        kind.name: ecma.EcmaValidator(
            _inline(schemas[kind.schema_name], schemas, kind.schema_name), format_checker=_FORMAT_CHECKER
        )
        for kind in KINDS.values()
    }


def is_id(kind: Kind, value: str) -> bool:
    """Whether ``value`` is an ID that the schema of ``kind`` accepts (the product has none)."""
    schema = validators()[kind.name].schema
    id_schema = schema.get("properties", {}).get("id", {}) if isinstance(schema, dict) else {}
    pattern = id_schema.get("pattern") if isinstance(id_schema, dict) else None
    return isinstance(pattern, str) and ecma.search(pattern, value)


def _inline(node: Any, schemas: dict[str, Any], base: str) -> Any:
    """``node`` with every ``{"$ref": "file.schema.json#/$defs/x"}`` replaced by its target.

    ``base`` is the file ``node`` comes from, for references within it (``#/$defs/x``).
    """
    if isinstance(node, list):
        return [_inline(item, schemas, base) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        name, _, fragment = ref.partition("#")
        name = name or base
        target: Any = schemas[name]
        for part in filter(None, fragment.split("/")):
            target = target[part]
        return {**_inline(target, schemas, name), **{k: v for k, v in node.items() if k != "$ref"}}
    return {k: _inline(v, schemas, base) for k, v in node.items() if k != "$defs"}


def write_schemas(out: Path) -> list[Path]:
    """Write every schema to ``out`` (for editors); returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in sorted(schema_texts().items()):
        target = out / name
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def check_document(document: Document) -> tuple[list[Diagnostic], bool]:
    """One document's own problems, and whether its shape fits its schema.

    The shape is the JSON Schema plus numbers JSON cannot hold; placeholders
    (TBD, yyyy-mm-dd ...) are wrong content in a well-shaped document, so they
    do not keep the document from the cross-file rules. One walk over the
    values finds both.
    """
    validator = validators()[document.kind.name]
    try:
        found = [d for error in validator.iter_errors(document.data) for d in _convert(document, error)]
    except RecursionError:
        too_deep = Diagnostic.of("SG109", document.path, "the document is nested too deeply to check", line=1, column=1)
        return [too_deep], False
    numbers, characters, holes = _scan(document)
    # A character that text may not hold is reported once, by the scan: drop the pattern error it also causes.
    refused = {d.pointer for d in characters}
    found = [d for d in found if not (d.code == "SG206" and d.pointer in refused)]
    shape = _one_per_mistake([*found, *numbers, *characters])
    # A placeholder explains any format error on the same value.
    filled = {d.pointer for d in holes}
    return [*(d for d in shape if d.pointer not in filled), *holes], not shape


def _one_per_mistake(found: list[Diagnostic]) -> list[Diagnostic]:
    """Drop diagnostics that restate another one.

    * A missing key whose name an unknown key in the same mapping nearly
      spells (``tilte`` for ``title``) is the same typo: keep the unknown key.
    * Several constraint failures on one value (a URL that is neither in URL
      format nor matches the allowed schemes) are one mistake: keep the most
      specific.
    """
    typos = {(d.pointer[:-1], d.hint) for d in found if d.code == "SG201" and d.hint}
    kept = [
        d
        for d in found
        if not (d.code == "SG202" and (d.pointer, f"did you mean {d.message.split(chr(39))[1]!r}?") in typos)
    ]
    specific = {d.pointer for d in kept if d.code in ("SG203", "SG204", "SG205")}
    return [d for d in kept if not (d.code == "SG206" and d.pointer in specific)]


def _convert(document: Document, error: ValidationError) -> Iterator[Diagnostic]:
    if error.validator in ("anyOf", "oneOf") and error.context:
        yield from _alternatives(document, error)
        return
    pointer: Pointer = tuple(error.absolute_path)
    where = pointer_text(pointer)
    path = document.path
    # jsonschema types these as "Any | Unset"; for a reported error they are set.
    instance: Any = error.instance
    rule: Any = error.validator_value
    schema = error.schema if isinstance(error.schema, dict) else {}

    if error.validator == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        for key in sorted(set(instance) - set(allowed)):
            yield Diagnostic.of(
                "SG201",
                path,
                f"unknown key {key!r} in {_owner(document, pointer)}",
                pointer=(*pointer, key),
                at_key=True,
                hint=did_you_mean(key, allowed) or _allowed(allowed),
            )
    elif error.validator == "required":
        for key in rule:
            if isinstance(instance, dict) and key not in instance:
                yield Diagnostic.of(
                    "SG202",
                    path,
                    f"missing required key {key!r} in {_owner(document, pointer)}",
                    pointer=pointer,
                    hint=_describe(schema.get("properties", {}).get(key)),
                )
    elif error.validator == "type":
        expected = _type_words(rule)
        yield Diagnostic.of(
            "SG203",
            path,
            f"{where}: expected {expected}, found {_kind_of_value(instance)}",
            pointer=pointer,
        )
    elif error.validator == "enum":
        options = [str(v) for v in rule]
        yield Diagnostic.of(
            "SG204",
            path,
            f"{where}: {instance!r} is not one of {', '.join(options)}",
            pointer=pointer,
            hint=did_you_mean(str(instance), options),
        )
    elif error.validator == "uniqueItems" and isinstance(instance, list):
        seen: list[Any] = []
        for index, item in enumerate(instance):
            if item in seen:
                yield Diagnostic.of(
                    "SG206",
                    path,
                    f"{where}: {item!r} is listed twice",
                    pointer=(*pointer, index),
                    hint="remove the second entry",
                )
            seen.append(item)
    elif error.validator == "format":
        yield Diagnostic.of(
            "SG205",
            path,
            f"{where}: {instance!r} is not a valid {_FORMATS.get(rule, rule)}",
            pointer=pointer,
        )
    else:
        hint = _misfiled(document, pointer, instance) or _id_hint(error)
        yield Diagnostic.of("SG206", path, f"{where}: {_constraint(error)}", pointer=pointer, hint=hint)


def _alternatives(document: Document, error: ValidationError) -> Iterator[Diagnostic]:
    """Explain an anyOf/oneOf failure through the branch the value was meant for.

    A branch whose errors include a type mismatch at the value itself is one
    the value was not written for; the errors of the first other branch are
    the useful ones. When every branch has the wrong type, say which types fit.
    """
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context or []:
        branches.setdefault(int(sub.schema_path[0]), []).append(sub)
    for subs in branches.values():
        if not any(s.validator == "type" and not s.relative_path for s in subs):
            for sub in subs:
                yield from _convert(document, sub)
            return
    expected = [s.validator_value for subs in branches.values() for s in subs if s.validator == "type"]
    pointer: Pointer = tuple(error.absolute_path)
    yield Diagnostic.of(
        "SG203",
        document.path,
        f"{pointer_text(pointer)}: expected {' or '.join(_type_words(t) for t in expected)}, "
        f"found {_kind_of_value(error.instance)}",
        pointer=pointer,
    )


_FORMATS = {"date": "date (YYYY-MM-DD)", "uri": "URL"}

_PLACEHOLDER = re.compile(
    r"^\s*(tbd|tbc|todo|fixme|xxx+|\?+|lorem ipsum.*|yyyy-mm-dd|dd/mm/yyyy|placeholder)\s*\.?\s*$",
    re.IGNORECASE,
)


def leaves(data: Any) -> Iterator[tuple[Pointer, Any]]:
    """Every scalar in a document, with its pointer."""
    stack: list[tuple[Pointer, Any]] = [((), data)]
    while stack:
        pointer, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(((*pointer, k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(((*pointer, i), v) for i, v in enumerate(value))
        else:
            yield pointer, value


def _scan(document: Document) -> tuple[list[Diagnostic], list[Diagnostic], list[Diagnostic]]:
    """Values no spec may hold, and placeholder texts: (numbers, characters, placeholders).

    Numbers JSON cannot hold or compute with, and text with a character that
    text may not hold (:mod:`specgen.charset`) in any field, whatever its schema.
    """
    numbers: list[Diagnostic] = []
    characters: list[Diagnostic] = []
    holes: list[Diagnostic] = []
    for pointer, value in leaves(document.data):
        if isinstance(value, str):
            refused = REFUSED.search(value)
            if refused:
                message, hint = problem(refused.group())
                characters.append(
                    Diagnostic.of(
                        "SG206", document.path, f"{pointer_text(pointer)}: {message}", pointer=pointer, hint=hint
                    )
                )
            elif _PLACEHOLDER.match(value):
                holes.append(
                    Diagnostic.of(
                        "SG207",
                        document.path,
                        f"{pointer_text(pointer)}: {value.strip()!r} is a placeholder",
                        pointer=pointer,
                        hint="write the real value, or leave the key out until it is known",
                    )
                )
        elif isinstance(value, int | float) and not isinstance(value, bool):
            if isinstance(value, float) and not math.isfinite(value):
                wrong = f"{value} is not a finite number"
            elif abs(value) > MAX_NUMBER:
                wrong = f"{_large(value)} is larger than {MAX_NUMBER:.0e}"
            else:
                continue
            numbers.append(Diagnostic.of("SG206", document.path, f"{pointer_text(pointer)}: {wrong}", pointer=pointer))
    return numbers, characters, holes


def _large(value: float) -> str:
    """A large number, short: ``1e+300``; one too large for a float by its digits."""
    try:
        return f"{value:.3g}"
    except OverflowError:  # an int beyond a float's range (the loader refuses the longest ones)
        return f"a number of {len(str(abs(int(value)))):,} digits"


def _owner(document: Document, pointer: Pointer) -> str:
    return document.kind.name if not pointer else pointer_text(pointer)


def _allowed(keys: list[str]) -> str | None:
    return f"allowed keys: {', '.join(keys)}" if keys else None


def _describe(schema: object) -> str | None:
    if isinstance(schema, dict) and isinstance(schema.get("description"), str):
        return str(schema["description"])
    return None


_TYPE_WORDS = {
    "string": "text",
    "array": "a list",
    "object": "a mapping",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "nothing",
}


def _type_words(expected: object) -> str:
    names = expected if isinstance(expected, list) else [expected]
    return " or ".join(_TYPE_WORDS.get(str(n), str(n)) for n in names)


def _kind_of_value(value: object) -> str:
    if value is None:
        return "null (an empty value)"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"number {value}"
    if isinstance(value, str):
        return f"text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bytes):
        return "binary data (!!binary)"
    if isinstance(value, set):
        return "a set (!!set)"
    return "a mapping"


def _constraint(error: ValidationError) -> str:
    value, limit = error.instance, error.validator_value
    messages = {
        "minLength": "must not be empty",
        "minItems": f"needs at least {limit} item{'s' if limit != 1 else ''}",
        "minimum": f"{value!r} is below the minimum {limit}",
        "maximum": f"{value!r} is above the maximum {limit}",
        "exclusiveMinimum": f"{value!r} must be greater than {limit}",
        "pattern": _pattern_message(value),
    }
    return messages.get(str(error.validator), str(error.message))


def _misfiled(document: Document, pointer: Pointer, value: object) -> str | None:
    """When a file's ID is another kind's ID, the file is in the wrong folder."""
    if pointer != ("id",) or not isinstance(value, str):
        return None
    for kind in KINDS.values():
        if kind.prefix and kind.folder and value.startswith(f"{kind.prefix}-") and kind is not document.kind:
            return f"{value} is a {kind.title.lower()} ID: {kind.title.lower()} specs live in {kind.folder}/"
    return None


def _pattern_message(value: object) -> str:
    return f"{value!r} does not have the expected form"


_ID_PATTERN = re.compile(r"^\^(\(FEAT-.*\\\.\)\?)?([A-Z]+)(-|\[)")


def _id_hint(error: ValidationError) -> str | None:
    """For a value of the wrong form: an example of the right one."""
    if error.validator != "pattern":
        return None
    pattern = str(error.validator_value)
    match = _ID_PATTERN.match(pattern)
    if match and match.group(1):
        return "a requirement looks like R2 (in the same feature) or FEAT-1.R2"
    if match:
        example = f"{match.group(2)}-1" if match.group(3) == "-" else f"{match.group(2)}1"
        return f"expected an ID like {example}"
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    return str(description) if description else f"expected to match {pattern}"
