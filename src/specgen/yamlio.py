"""YAML as JSON-like data.

ruamel.yaml's safe loader (with its C parser when ruamel.yaml.clib is
installed), changed in two ways so that YAML reads like JSON: timestamps stay
strings (``2026-01-02`` is text that the schema checks as a date, so an
impossible date is a located error rather than a crash) and mapping keys are
always strings. Numbers far beyond what a spec may hold are refused before
Python converts them (a 5,000-digit integer costs quadratic time to convert and
hits Python's conversion limit), and a value that does not fit its type tag
(``!!int x``) is an error at that value rather than somewhere in the file.
"""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import ConstructorError, SafeConstructor
from ruamel.yaml.nodes import MappingNode, ScalarNode

STR_TAG = "tag:yaml.org,2002:str"
#: ``<<: *anchor`` merges another mapping in; it is not a key of its own.
MERGE_TAG = "tag:yaml.org,2002:merge"

#: The largest number a spec may hold: larger ones are mistakes, and would overflow the arithmetic.
MAX_NUMBER = 1e15
#: Integers written with more digits than this are refused as they are read, at the value:
#: Python's int() of a long string takes quadratic time and stops at 4,300 digits. Shorter
#: ones are read, and the schema stage reports any beyond MAX_NUMBER with the field's name.
MAX_INT_DIGITS = 1000


class TagMismatch(ConstructorError):
    """A value that does not fit its type tag, such as ``!!int x``."""


class NumberTooLarge(ConstructorError):
    """A number far larger than any spec may hold; ``problem_mark`` is the value."""

    def __init__(self, digits: int, mark: Any) -> None:
        super().__init__(None, None, f"a number of {digits:,} digits is larger than {MAX_NUMBER:.0e}", mark)


class _JsonLikeConstructor(SafeConstructor):
    """Safe constructor that keeps dates as strings and keys as strings."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        return self.construct_scalar(node)

    def construct_non_recursive_object(self, node: Any, tag: str | None = None) -> Any:
        try:
            return super().construct_non_recursive_object(node, tag)
        except (TypeError, ValueError, IndexError, KeyError) as error:  # e.g. int("x") for `!!int x`
            raise TagMismatch(
                None, None, "a value does not fit its YAML type tag (such as !!int or !!bool)", node.start_mark
            ) from error

    def construct_yaml_int(self, node: Any) -> Any:
        text = str(self.construct_scalar(node)).replace("_", "").lstrip("+-")
        digits = text[2:] if text[:2].lower() in ("0b", "0o", "0x") else text
        if len(digits) > MAX_INT_DIGITS:
            raise NumberTooLarge(len(digits), node.start_mark)
        return super().construct_yaml_int(node)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, MappingNode):
            for key_node, _ in node.value:
                if not isinstance(key_node, ScalarNode):
                    raise ConstructorError(
                        None, None, "a key must be plain text, not a list or a mapping", key_node.start_mark
                    )
                if key_node.tag not in (STR_TAG, MERGE_TAG):
                    key_node.tag = STR_TAG
        return super().construct_mapping(node, deep=deep)


_JsonLikeConstructor.add_constructor("tag:yaml.org,2002:timestamp", _JsonLikeConstructor.construct_yaml_timestamp)
_JsonLikeConstructor.add_constructor("tag:yaml.org,2002:int", _JsonLikeConstructor.construct_yaml_int)


def make_yaml(*, pure: bool = False) -> YAML:
    """A YAML loader producing JSON-like data (``pure``: without the C parser)."""
    yaml = YAML(typ="safe", pure=pure)
    yaml.Constructor = _JsonLikeConstructor
    return yaml


#: Nesting beyond this many levels takes the pure-Python parser (see below).
DEEP = 200
# What one nesting level costs at the start of a line: a space of indentation,
# or a block indicator ("- ", "? ", ": ") with an optional tag or anchor.
_LINE_NESTING = re.compile(r"^(?:[ ]|[-?:][ ]+(?:[!&][^ \n]* +)?)*", re.MULTILINE)


def needs_pure(text: str) -> bool:
    """Whether ``text`` must be read by the pure-Python parser rather than the C one.

    Besides deep nesting (below), the C parser takes U+2028 and U+2029 for line
    breaks, as YAML 1.1 did: a plain value holding one becomes a syntax error.
    YAML 1.2, editors and the pure-Python parser read them as characters.
    """
    return "\u2028" in text or "\u2029" in text or may_nest_deeply(text)


def may_nest_deeply(text: str, limit: int = DEEP) -> bool:
    """Whether ``text`` could nest more than ``limit`` levels deep.

    ruamel.yaml's C parser builds nodes recursively in C and crashes the whole
    process on tens of thousands of levels, below any file-size limit. This
    cheap upper bound (every flow bracket, and the longest run of indentation
    and block indicators) sends such text to the pure-Python parser, whose
    recursion Python bounds safely.
    """
    if text.count("[") + text.count("{") > limit:
        return True
    return max((len(m) for m in _LINE_NESTING.findall(text)), default=0) > limit
