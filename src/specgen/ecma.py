"""Regular expressions as JSON Schema defines them (ECMA-262), run by Python's ``re``.

JSON Schema's ``pattern`` is an ECMA-262 regular expression, and Python's
``re`` reads the same text differently in ways that let values through:

* ``$`` also matches before a final newline in Python, so ``^FEAT-[0-9]+$``
  accepts ``"FEAT-1\\n"``; in ECMA-262 (without the ``m`` flag) it matches
  only at the very end.
* ``\\d`` and ``\\w`` match any Unicode digit or letter in Python (``"٣"``,
  ``"é"``); in ECMA-262 they are ASCII only, with or without the ``u`` flag.
* ``\\s`` differs in both directions (Python counts U+001C-U+001F and U+0085
  as space, ECMA-262 counts U+FEFF), and ``.`` in ECMA-262 stops at every line
  terminator (``\\r``, U+2028, U+2029), not only at ``\\n``.

:func:`compile_pattern` translates an ECMA-262 pattern into a Python one with
ECMA-262's meaning (with the ``u`` flag's code-point semantics, as JSON Schema
intends). Constructs whose meaning cannot be kept (``\\p{...}``, a negated
shorthand inside a class) are refused with :class:`ValueError` rather than
silently read the Python way; specgen only compiles its own packaged schemas.
:data:`EcmaValidator` is JSON Schema's validator with its patterns read so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import extend

#: ECMA-262's WhiteSpace and LineTerminator characters: what ``\s`` matches.
_SPACE = "\\t\\n\\x0b\\x0c\\r \\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
#: What ``.`` does not match: ECMA-262's line terminators.
_DOT = "[^\\n\\r\\u2028\\u2029]"
#: Shorthand classes, as the contents of a character class.
_SHORTHAND = {"d": "0-9", "w": "A-Za-z0-9_", "s": _SPACE}
#: Escapes that mean the same in both dialects.
_SAME = set("bBfnrtv0123456789")
#: Characters that Python reads as set operations or nested sets inside a class.
_CLASS_SPECIAL = set("[&~|")


@cache
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """``pattern`` (ECMA-262, as in JSON Schema) compiled to a Python regex with the same meaning.

    Use :meth:`re.Pattern.search`, as JSON Schema does: a pattern is not
    anchored unless it says ``^`` or ``$``.
    """
    return re.compile(translate(pattern), re.ASCII)


def search(pattern: str, text: str) -> bool:
    """Whether ``text`` matches the ECMA-262 ``pattern`` anywhere, as JSON Schema's ``pattern`` asks."""
    return compile_pattern(pattern).search(text) is not None


def translate(pattern: str) -> str:
    """The Python form of an ECMA-262 pattern; :class:`ValueError` for what cannot be kept."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            piece, i = _escape(pattern, i, in_class=False)
            out.append(piece)
            continue
        if char == "[":
            piece, i = _class(pattern, i)
            out.append(piece)
            continue
        if char == "$":
            out.append(r"\Z")
        elif char == ".":
            out.append(_DOT)
        elif char == "(" and pattern.startswith("(?", i):
            piece, i = _group(pattern, i)
            out.append(piece)
            continue
        else:
            out.append(char)
        i += 1
    return "".join(out)


def _group(pattern: str, i: int) -> tuple[str, int]:
    for ecma, python in (("(?:", "(?:"), ("(?=", "(?="), ("(?!", "(?!"), ("(?<=", "(?<="), ("(?<!", "(?<!")):
        if pattern.startswith(ecma, i):
            return python, i + len(ecma)
    if pattern.startswith("(?<", i):  # a named group
        return "(?P<", i + 3
    raise ValueError(f"{pattern!r}: group {pattern[i : i + 3]!r} is not ECMA-262")


def _escape(pattern: str, i: int, *, in_class: bool) -> tuple[str, int]:
    """One escape sequence starting at ``pattern[i] == "\\"``: its Python form and the index after it."""
    if i + 1 >= len(pattern):
        raise ValueError(f"{pattern!r} ends in a lone backslash")
    letter = pattern[i + 1]
    if letter in _SHORTHAND:
        body = _SHORTHAND[letter]
        return (body if in_class else f"[{body}]"), i + 2
    if letter.lower() in _SHORTHAND:
        if in_class:
            raise ValueError(f"{pattern!r}: \\{letter} inside a character class is not supported")
        return f"[^{_SHORTHAND[letter.lower()]}]", i + 2
    if letter == "u" and pattern.startswith("{", i + 2):
        end = pattern.index("}", i + 3)
        return f"\\U{int(pattern[i + 3 : end], 16):08x}", end + 1
    if letter == "u":
        return pattern[i : i + 6], i + 6
    if letter == "x":
        return pattern[i : i + 4], i + 4
    if letter == "c" and i + 2 < len(pattern) and pattern[i + 2].isascii() and pattern[i + 2].isalpha():
        return f"\\x{ord(pattern[i + 2]) % 32:02x}", i + 3
    if letter == "k" and pattern.startswith("<", i + 2):
        end = pattern.index(">", i + 3)
        return f"(?P={pattern[i + 3 : end]})", end + 1
    if letter in _SAME:
        return pattern[i : i + 2], i + 2
    if letter.isascii() and letter.isalnum():
        # \p{...}, \A, \Z and the like: Python would read them with another meaning.
        raise ValueError(f"{pattern!r}: \\{letter} is not supported")
    return re.escape(letter), i + 2


def _class(pattern: str, i: int) -> tuple[str, int]:
    """A character class starting at ``pattern[i] == "["``."""
    j = i + 1
    negated = pattern.startswith("^", j)
    if negated:
        j += 1
    if pattern.startswith("]", j):  # ECMA-262's [] matches nothing and [^] anything; Python reads "]" as a member
        return ("(?s:.)" if negated else "(?!)"), j + 1
    body: list[str] = []
    while j < len(pattern) and pattern[j] != "]":
        char = pattern[j]
        if char == "\\":
            piece, j = _escape(pattern, j, in_class=True)
            body.append(piece)
            continue
        body.append("\\" + char if char in _CLASS_SPECIAL else char)
        j += 1
    if j >= len(pattern):
        raise ValueError(f"{pattern!r}: a character class is not closed")
    return "[" + ("^" if negated else "") + "".join(body) + "]", j + 1


def _pattern(validator: Validator, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """JSON Schema's ``pattern``, with ECMA-262's meaning (jsonschema's own uses Python's ``re``)."""
    if validator.is_type(instance, "string") and not search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(
    validator: Any,  # jsonschema's validator class; its protocol lacks descend()
    patterns: dict[str, Any],
    instance: Any,
    schema: Any,
) -> Iterator[ValidationError]:
    """JSON Schema's ``patternProperties``, with ECMA-262 patterns."""
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            if search(pattern, key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


#: JSON Schema draft 2020-12, with every pattern read as ECMA-262.
EcmaValidator: type[Validator] = extend(  # type: ignore[no-untyped-call]  # the stubs leave extend() untyped
    Draft202012Validator, {"pattern": _pattern, "patternProperties": _pattern_properties}
)
