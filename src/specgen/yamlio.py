"""YAML as JSON-like data.

ruamel.yaml's safe loader (with its C parser when ruamel.yaml.clib is
installed), changed in two ways so that YAML reads like JSON: timestamps stay
strings (``2026-01-02`` is text that the schema checks as a date, so an
impossible date is a located error rather than a crash) and mapping keys are
always strings.
"""

from __future__ import annotations

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


def make_yaml() -> YAML:
    """A YAML loader producing JSON-like data."""
    yaml = YAML(typ="safe")
    yaml.Constructor = _JsonLikeConstructor
    return yaml
