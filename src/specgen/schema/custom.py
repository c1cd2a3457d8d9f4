"""Custom fields: the extra keys a workspace declares per kind in ``specgen.yaml``.

::

    fields:
      feature:
        squad: {enum: [payments, growth], description: The squad that builds it.}
        jira_epic: {type: string, pattern: "^[A-Z]+-[0-9]+$"}

Each field has a small JSON Schema: ``type`` (string, integer, number,
boolean, or array of strings), ``enum``, ``pattern``, ``format`` (date or
uri), ``minimum``/``maximum``, ``items`` (for an array: type string, enum,
pattern, format) and ``description``. :func:`specgen.schema.declare.declare`
checks a declaration as the rest of ``specgen.yaml`` is checked: every mistake
is a located SG403, a declared name may not shadow a built-in key, and a field
with a mistake is left out while the others apply.

A declared field is then one more property of the kind's schema
(:func:`validators_for`): its values get the built-in fields' codes (SG203
type, SG204 value with "did you mean", SG205 format, SG206 form), and an
undeclared key is still SG201, whose allowed keys and "did you mean" include
the declared fields.

**Patterns are input from a pull request.** A backtracking engine (Python's
``re``) takes exponential time on ``(a+)+$`` against ``aaaa...b``, so the
patterns declared here are run by RE2 (google-re2), which matches in time
linear in the text; the packaged schemas keep :mod:`specgen.ecma`. RE2 has no
lookaround and no backreferences: such a pattern is a located error. Syntax
RE2 accepts but editors (ECMA-262, the editor schemas' dialect) read otherwise
(``(?i)``, ``(?P<name>``, ``\\A``, ``\\z``, ``[[:alpha:]]``...) is refused too,
so that ``check`` and the editor agree. Where the dialects still differ
(RE2's ``\\s`` and ``.`` are ASCII-minded: ``.`` matches a carriage return),
RE2 decides.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from importlib import metadata
from typing import Any

import re2  # type: ignore[import-untyped]  # google-re2 ships no type information; used through two typed functions
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import extend

from specgen.ecma import EcmaValidator
from specgen.schema.messages import pattern_problem as worded

#: The keyword a declared ``pattern`` becomes in the validating schema: run by RE2, never by ``re``.
RE2_PATTERN = "x-specgen-re2-pattern"

#: Patterns longer than this are refused: a declaration is read on every check.
MAX_PATTERN = 1_000
#: The largest compiled program (RE2's ``programsize``) a declared pattern may have. RE2 is linear in the
#: text, but its cost per character grows with the program once its DFA outgrows memory: ``(.?){1000}b``
#: (11,005) takes 25 µs a character, a check of hours on a file of aliases; real patterns stay under 100.
MAX_PROGRAM = 1_000

#: What editors (ECMA-262) read otherwise or refuse, though RE2 accepts it: (what follows a backslash, words).
_RE2_ONLY_ESCAPES = {
    "A": "\\A (use ^)",
    "z": "\\z (use $)",
    "C": "\\C",
    "Q": "\\Q...\\E quoting",
    "E": "\\Q...\\E quoting",
    "p": "\\p (Unicode classes)",
    "P": "\\P (Unicode classes)",
}


@dataclass(frozen=True)
class CustomFields:
    """The fields a workspace declares: ``{kind: {name: schema}}`` as canonical JSON (hashable, one digest)."""

    text: str = "{}"

    @cached_property
    def schemas(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Each kind's declared fields, in declaration order: their schemas as declared. Do not change them."""
        found: dict[str, dict[str, dict[str, Any]]] = json.loads(self.text)
        return found

    def of(self, kind: str) -> dict[str, dict[str, Any]]:
        """The fields declared for ``kind``, by name."""
        return self.schemas.get(kind, {})

    @property
    def empty(self) -> bool:
        return self.text == "{}"

    @cached_property
    def digest(self) -> str:
        """What a cached check result depends on here: the declaration and the engine that runs its patterns."""
        if self.empty:
            return ""
        key = f"{self.text}\0google-re2={_re2_version()}"
        return hashlib.blake2b(key.encode(), digest_size=20).hexdigest()


NO_FIELDS = CustomFields()


@cache
def _re2_version() -> str:
    try:
        return metadata.version("google-re2")
    except metadata.PackageNotFoundError:  # a build of RE2's bindings under another name
        return "?"


# --- Patterns, by RE2 ---------------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _compiled(pattern: str) -> Any:
    options = re2.Options()
    options.log_errors = False  # RE2 would print each refused pattern on stderr
    return re2.compile(pattern, options)


@lru_cache(maxsize=4096)
def search(pattern: str, text: str) -> bool:
    """Whether ``text`` matches the declared ``pattern`` anywhere (as JSON Schema's ``pattern``), in linear time.

    Memoised: YAML aliases repeat one value thousands of times, and it is matched once.
    """
    return _compiled(pattern).search(text) is not None


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be declared, or ``None`` when RE2 and editors both read it."""
    if len(pattern) > MAX_PATTERN:
        return f"is longer than {MAX_PATTERN:,} characters"
    foreign = _re2_only(pattern)
    if foreign:
        return f"uses {foreign}, which editors (ECMA-262) read differently; write it another way"
    try:
        size = _compiled(pattern).programsize
    except re2.error as error:
        raw = error.args[0] if error.args else ""
        said = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        if "perl operator: (?=" in said or "perl operator: (?!" in said or "perl operator: (?<" in said:
            return "uses lookaround ((?=, (?!, (?<=, (?<!), which RE2 does not support: it matches in linear time"
        if re.search(r"escape sequence: \\([1-9]|k)", said):
            return "uses a backreference (\\1, \\k<name>), which RE2 does not support: it matches in linear time"
        return f"is not a pattern RE2 can read ({said})"
    if size > MAX_PROGRAM:
        return (
            f"compiles to {size:,} instructions, more than the {MAX_PROGRAM:,} a declared pattern may take "
            "(a large repeat such as {1000} makes matching slow); write it more simply"
        )
    return None


def _re2_only(pattern: str) -> str | None:
    """The first construct of ``pattern`` that RE2 accepts with a meaning ECMA-262 does not share."""
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            if pattern[i + 1] in _RE2_ONLY_ESCAPES:
                return _RE2_ONLY_ESCAPES[pattern[i + 1]]
            i += 2
            continue
        if pattern.startswith("(?P", i):
            return "(?P...) (write a named group as (?<name>...))"
        if pattern.startswith("(?", i) and i + 2 < len(pattern) and pattern[i + 2] not in ":<=!":
            return "flags such as (?i)"
        if pattern.startswith("[:", i) and i > 0 and pattern[i - 1] in "[^":
            return "POSIX classes such as [[:alpha:]]"
        i += 1
    return None


def _re2_pattern(validator: Validator, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


#: JSON Schema's validator as specgen runs the packaged schemas, plus the declared patterns' RE2 keyword.
CustomValidator: type[Validator] = extend(  # type: ignore[no-untyped-call]  # the stubs leave extend() untyped
    EcmaValidator, {RE2_PATTERN: _re2_pattern}
)


def form_problem(value: str, pattern: str, schema: Mapping[str, Any]) -> tuple[str, str]:
    """A value that does not match a declared pattern, in words, and a hint: the fix when one character is
    the cause, else the field's declared description, else the pattern."""
    message, fix = worded(value, pattern, search)  # the built-in fields' words, with RE2 running the pattern
    given = schema.get("description")
    described = isinstance(given, str) and given != UNDESCRIBED
    return message, fix or (str(given) if described else f"expected to match {pattern}")


# --- Validators -----------------------------------------------------------------------------------------------


def validating(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A declared field's schema as the validator runs it: its patterns under :data:`RE2_PATTERN`."""
    out = {RE2_PATTERN if key == "pattern" else key: value for key, value in schema.items() if key != "description"}
    if isinstance(out.get("items"), Mapping):
        out["items"] = validating(out["items"])
    return out


def with_fields(base: Mapping[str, Any], declared: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """A kind's (inlined) schema with the declared fields added to its top-level properties."""
    properties = dict(base.get("properties", {}))
    for name, schema in declared.items():
        properties[name] = {**validating(schema), "description": description(schema)}
    return {**base, "properties": properties}


#: The description of a field declared without one.
UNDESCRIBED = "A custom field of this workspace, declared in specgen.yaml."


def description(schema: Mapping[str, Any]) -> str:
    """What a field's hover text and the reference say of it."""
    given = schema.get("description")
    return given if isinstance(given, str) else UNDESCRIBED


@lru_cache(maxsize=16)
def validators_for(custom: CustomFields) -> dict[str, Validator]:
    """One validator per kind: the packaged one, or one with the kind's declared fields added."""
    from specgen.schema import validators  # the package imports this module: its validators are made by now

    packaged = validators()
    if custom.empty:
        return packaged
    made: dict[str, Validator] = {}
    for kind, validator in packaged.items():
        declared = custom.of(kind)
        base = validator.schema if isinstance(validator.schema, dict) else {}
        made[kind] = (
            CustomValidator(with_fields(base, declared), format_checker=getattr(validator, "format_checker", None))
            if declared
            else validator
        )
    return made


@cache
def builtin_keys(kind: str) -> frozenset[str]:
    """The top-level keys the packaged schema of ``kind`` defines."""
    from specgen.schema import validators

    schema = validators()[kind].schema
    properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
    return frozenset(properties)
