"""YAML as JSON-like data.

ruamel.yaml's safe loader (with its C parser when ruamel.yaml.clib is
installed), changed in two ways so that YAML reads like JSON: timestamps stay
strings (``2026-01-02`` is text that the schema checks as a date, so an
impossible date is a located error rather than a crash) and mapping keys are
always strings.
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


class _JsonLikeConstructor(SafeConstructor):
    """Safe constructor that keeps dates as strings and keys as strings."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        return self.construct_scalar(node)

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
