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
from specgen.diagnostics import Diagnostic, Pointer, pointer_text
from specgen.kinds import KINDS, Kind
from specgen.loader import Document
from specgen.schema import messages as words
from specgen.schema.custom import NO_FIELDS, RE2_PATTERN, CustomFields, form_problem, validators_for
from specgen.schema.placeholders import Placeholders
from specgen.schema.prompts import is_prompt, prompt_left
from specgen.suggest import did_you_mean, key_synonyms, value_synonyms
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
            inline_refs(schemas[kind.schema_name], schemas, kind.schema_name), format_checker=_FORMAT_CHECKER
        )
        for kind in KINDS.values()
    }


def is_id(kind: Kind, value: str) -> bool:
    """Whether ``value`` is an ID that the schema of ``kind`` accepts (the product has none)."""
    schema = validators()[kind.name].schema
    id_schema = schema.get("properties", {}).get("id", {}) if isinstance(schema, dict) else {}
    pattern = id_schema.get("pattern") if isinstance(id_schema, dict) else None
    return isinstance(pattern, str) and ecma.search(pattern, value)


def inline_refs(node: Any, schemas: dict[str, Any], base: str) -> Any:
    """``node`` with every ``{"$ref": "file.schema.json#/$defs/x"}`` replaced by its target.

    ``base`` is the file ``node`` comes from, for references within it (``#/$defs/x``).
    """
    if isinstance(node, list):
        return [inline_refs(item, schemas, base) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        name, _, fragment = ref.partition("#")
        name = name or base
        target: Any = schemas[name]
        for part in filter(None, fragment.split("/")):
            target = target[part]
        return {**inline_refs(target, schemas, name), **{k: v for k, v in node.items() if k != "$ref"}}
    return {k: inline_refs(v, schemas, base) for k, v in node.items() if k != "$defs"}


def write_schemas(out: Path) -> list[Path]:
    """Write every schema to ``out`` (for editors); returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in sorted(schema_texts().items()):
        target = out / name
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def check_document(document: Document, custom: CustomFields = NO_FIELDS) -> tuple[list[Diagnostic], frozenset[str]]:
    """One document's own problems, and the top-level keys whose shape does not fit its schema.

    ``custom`` holds the fields the workspace declares (``fields:`` in specgen.yaml,
    :mod:`specgen.schema.custom`): they are keys of the kind's schema like any other.

    The shape is the JSON Schema plus numbers JSON cannot hold and characters
    text may not hold. A key is broken when a shape error lies at or below it,
    or when it is required and missing; the rules about meaning still read the
    other keys (:mod:`specgen.rules.valid`). Placeholders (TBD, yyyy-mm-dd ...) are
    wrong content in a well-shaped value, so they break no key. One walk over
    the values finds numbers, characters and placeholders.
    """
    validator = validators_for(custom)[document.kind.name]
    try:
        errors = list(validator.iter_errors(document.data))
        numbers, characters, holes = _scan(document)
        # A placeholder explains a format, pattern or length error of the same value, nothing else:
        # `tilte: TBD` is still an unknown key, and `status: TBD` still not a status.
        filled = {d.pointer for d in holes if d.code == "SG207"}  # a prompt (SG320) is valid as it is
        found = [
            d
            for error in errors
            if not (error.validator in _FILLED_BY_PLACEHOLDER and tuple(error.absolute_path) in filled)
            for d in _convert(document, error)
        ]
    except RecursionError:
        too_deep = Diagnostic.of("SG109", document.path, "the document is nested too deeply to check", line=1, column=1)
        return [too_deep], frozenset(document.data) | _required(document)
    # A character that text may not hold is reported once, by the scan: drop the pattern error it also causes.
    refused = {d.pointer for d in characters}
    found = [d for d in found if not (d.code == "SG206" and d.pointer in refused)]
    shape = _one_per_mistake([*found, *numbers, *characters])
    broken = _broken_keys(document, errors) | {str(d.pointer[0]) for d in (*numbers, *characters) if d.pointer}
    return [*shape, *holes], frozenset(broken)


#: The constraints a placeholder breaks because it is a placeholder: filling in the value fixes them too.
_FILLED_BY_PLACEHOLDER = frozenset({"format", "pattern", RE2_PATTERN, "minLength", "maxLength"})


def _broken_keys(document: Document, errors: list[ValidationError]) -> set[str]:
    """The top-level keys that the schema errors lie at or below (a missing required key is broken too)."""
    broken: set[str] = set()
    for error in errors:
        path = error.absolute_path
        if path:
            broken.add(str(path[0]))
        elif error.validator == "required" and isinstance(error.validator_value, list):
            broken.update(str(k) for k in error.validator_value if k not in document.data)
        elif error.validator == "additionalProperties":
            allowed = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
            broken.update(k for k in document.data if k not in allowed)
        else:  # the document itself has the wrong shape: nothing in it can be trusted
            broken.update(document.data)
            broken.update(_required(document))
    return broken


def _required(document: Document) -> frozenset[str]:
    schema = validators()[document.kind.name].schema
    required = schema.get("required", []) if isinstance(schema, dict) else []
    return frozenset(str(k) for k in required)


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
                hint=did_you_mean(key, allowed, synonyms=key_synonyms(document.kind.name, pointer))
                or _allowed(allowed),
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
        yield Diagnostic.of(
            "SG203",
            path,
            f"{where}: expected {words.expected_words(schema, rule)}, found {words.kind_of_value(instance)}",
            pointer=pointer,
            hint=words.type_hint(document.text, pointer, schema, instance),
        )
    elif error.validator == "enum":
        options = [str(v) for v in rule]
        yield Diagnostic.of(
            "SG204",
            path,
            f"{where}: {instance!r} is not one of {', '.join(options)}",
            pointer=pointer,
            hint=did_you_mean(str(instance), options, synonyms=value_synonyms(document.kind.name, pointer)),
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
            f"{where}: {instance!r} is not a valid {words.FORMATS.get(rule, rule)}",
            pointer=pointer,
        )
    elif error.validator == RE2_PATTERN and isinstance(instance, str):  # a custom field's: RE2 words the hint too
        worded, hint_text = form_problem(instance, str(rule), schema)
        yield Diagnostic.of("SG206", path, f"{where}: {worded}", pointer=pointer, hint=hint_text)
    else:
        message, fix = words.constraint(error)
        hint = _misfiled(document, pointer, instance) or fix or words.id_hint(error)
        yield Diagnostic.of("SG206", path, f"{where}: {message}", pointer=pointer, hint=hint)


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
        f"{pointer_text(pointer)}: expected {' or '.join(words.type_words(t) for t in expected)}, "
        f"found {words.kind_of_value(error.instance)}",
        pointer=pointer,
    )


@cache
def _placeholders(kind: str) -> Placeholders:
    """The placeholder test of ``kind``, which knows its schema's examples (see :mod:`specgen.schema.placeholders`)."""
    schema = validators()[kind].schema
    return Placeholders(kind, schema if isinstance(schema, dict) else {})


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
    is_placeholder = _placeholders(document.kind.name)
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
            elif is_prompt(value):  # before placeholders: a prompt is a warning, never an SG207 error
                holes.append(prompt_left(document.path, pointer, value))
            elif is_placeholder(pointer, value):
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


def _misfiled(document: Document, pointer: Pointer, value: object) -> str | None:
    """When a file's ID is another kind's ID, the file is in the wrong folder."""
    if pointer != ("id",) or not isinstance(value, str):
        return None
    for kind in KINDS.values():
        if kind.prefix and kind.folder and value.startswith(f"{kind.prefix}-") and kind is not document.kind:
            return f"{value} is a {kind.title.lower()} ID: {kind.title.lower()} specs live in {kind.folder}/"
    return None
