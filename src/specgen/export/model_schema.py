"""The JSON Schema of ``specgen export --format json``, made from the model's dataclasses.

``src/specgen/schemas/model.schema.json`` is this module's output, committed
so that ``specgen schema --out`` ships it with the others; a test makes it
again and compares (``pytest --update-goldens`` rewrites it). Types and the
keys each object has come from the dataclasses of :mod:`specgen.model`, so a
field added there is in the schema on the next refresh; descriptions, the
allowed values and which texts are Markdown come from the kind's own schema
at the same path (the model's field names are the YAML keys). The few fields
the model adds are described by the ``#:`` comment above the field in
:mod:`specgen.model` (as Sphinx reads them), or in :data:`MODEL_ONLY` (a
requirement's full ``uid``, the ``source`` file). Every object lists all its keys as required
and no others: the exporter writes every field, ``null`` when a spec leaves it
out, so a drift either way fails validation.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import types
import typing
from functools import cache
from typing import Any

from specgen.kinds import KINDS
from specgen.model import Workspace
from specgen.schema import schema_texts

FORMAT = "specgen-model"
VERSION = 1
FILE_NAME = "model.schema.json"

_MARKDOWN = {"contentMediaType": "text/markdown"}
_SOURCE = {
    "type": "string",
    "description": "The spec file this came from, relative to the workspace, with forward slashes.",
}

#: Fields of the model that no spec file has, by class and field name: their schema.
MODEL_ONLY: dict[tuple[str, str], dict[str, Any]] = {
    ("Requirement", "uid"): {"type": "string", "description": "The full ID, e.g. FEAT-1.R2."},
    ("Requirement", "feature"): {"type": "string", "description": "The ID of the feature this requirement is part of."},
    ("TestCase", "feature"): {
        "type": "string",
        "description": "The ID of the feature whose file lists this test case.",
    },
    ("TestCase", "verifies"): {
        "type": "array",
        "items": {"type": "string"},
        "description": "The full IDs (FEAT-1.R2) of the requirements this test case verifies, R2 resolved.",
    },
    ("Criterion", "text"): {
        "type": ["string", "null"],
        **_MARKDOWN,
        "x-specgen-markdown": "inline",
        "description": "A free-text criterion; null for a given/when/then one.",
    },
    **{(cls, "source"): _SOURCE for cls in ("Product", "Objective", "Persona", "Stakeholder", "Feature")},
    **{(cls, "source"): _SOURCE for cls in ("Release", "Decision", "Update")},
}

#: A custom field's value (:mod:`specgen.schema.custom`): text, a number, true or false, or a list of texts.
CUSTOM_VALUE: dict[str, Any] = {"type": ["string", "number", "boolean", "array"], "items": {"type": "string"}}

_COPIED = ("description", "enum", "contentMediaType", "x-specgen-markdown")


@cache
def _schemas() -> dict[str, Any]:
    return {name: json.loads(text) for name, text in schema_texts().items() if name != FILE_NAME}


def _resolve(node: Any, file: str) -> tuple[dict[str, Any], str]:
    """``node`` with its ``$ref`` followed (its own keys win), and the file the result comes from."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        target_file, _, fragment = node["$ref"].partition("#")
        target_file = target_file or file
        target: Any = _schemas()[target_file]
        for part in filter(None, fragment.split("/")):
            target = target[part]
        merged, file = _resolve(target, target_file)
        node = {**merged, **{k: v for k, v in node.items() if k != "$ref"}}
    return (node if isinstance(node, dict) else {}), file


def _branches(node: dict[str, Any], file: str) -> list[tuple[dict[str, Any], str]]:
    """``node`` and the alternatives it combines (``anyOf``, ``oneOf``, ``allOf``), each resolved."""
    found = [(node, file)]
    for combinator in ("anyOf", "oneOf", "allOf"):
        for sub in node.get(combinator, []):
            found.extend(_branches(*_resolve(sub, file)))
    return found


def _property(node: dict[str, Any], file: str, name: str) -> tuple[dict[str, Any], str]:
    for branch, where in _branches(node, file):
        if name in branch.get("properties", {}):
            return _resolve(branch["properties"][name], where)
    return {}, file


def _items(node: dict[str, Any], file: str) -> tuple[dict[str, Any], str]:
    for branch, where in _branches(node, file):
        if "items" in branch:
            return _resolve(branch["items"], where)
    return {}, file


def field_comments(cls: type[Any]) -> dict[str, str]:
    """The ``#:`` comment lines above each field of dataclass ``cls``, joined: what the model says of it."""
    found: dict[str, str] = {}
    comment: list[str] = []
    for line in inspect.getsource(cls).splitlines():
        stripped = line.strip()
        if stripped.startswith("#:"):
            comment.append(stripped[2:].strip())
            continue
        name, colon, _ = stripped.partition(":")
        if colon and comment and name.isidentifier():
            found[name] = " ".join(comment).replace("``", "")
        comment = []
    return found


def _described(comments: dict[str, str], name: str) -> str:
    """What the model's ``#:`` comment says of a field; its name in words when it has none (a comment is better)."""
    return comments.get(name) or name.replace("_", " ").capitalize() + "."


def _docstring(cls: type[Any]) -> str:
    """The first line of a class's docstring; ``""`` for the signature ``dataclass`` makes up when it has none."""
    doc = (cls.__doc__ or "").strip()
    return "" if not doc or doc.startswith(f"{cls.__name__}(") else doc.splitlines()[0]


class _Builder:
    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def object(self, cls: type[Any], source: dict[str, Any], file: str, context: str = "") -> dict[str, Any]:
        """A ``$ref`` to the definition of dataclass ``cls``, made on first use.

        Its description: the kind's schema's, else the class's own docstring, else
        ``context`` (what the field or list that holds it says).
        """
        name = cls.__name__
        if name not in self.defs:
            self.defs[name] = {}  # reserved first: a class that holds itself would recurse for ever
            hints = typing.get_type_hints(cls)
            comments = field_comments(cls)
            properties = {}
            for f in dataclasses.fields(cls):
                sub, where = _property(source, file, f.name)
                properties[f.name] = MODEL_ONLY.get((name, f.name)) or self.value(hints[f.name], sub, where)
                if "description" not in properties[f.name]:
                    properties[f.name]["description"] = _described(comments, f.name)
            self.defs[name] = {
                "type": "object",
                "additionalProperties": False,
                "required": [f.name for f in dataclasses.fields(cls)],
                "description": source.get("description") or _docstring(cls) or context or name,
                "properties": properties,
            }
        return {"$ref": f"#/$defs/{name}"}

    def value(self, hint: Any, source: dict[str, Any], file: str, context: str = "") -> dict[str, Any]:
        """The schema of a value of type ``hint``, described as ``source`` (the kind's schema there) says."""
        copied = {k: source[k] for k in _COPIED if k in source}
        context = source.get("description") or context
        origin = typing.get_origin(hint)
        if origin in (typing.Union, types.UnionType):
            inner = next(a for a in typing.get_args(hint) if a is not type(None))
            described = self.value(inner, source, file, context)
            text = {k: described.pop(k) for k in ("description",) if k in described}
            return {"anyOf": [described, {"type": "null"}], **text}
        described = {k: v for k, v in copied.items() if k == "description"}
        if origin is list or (origin is tuple and typing.get_args(hint)[-1:] == (Ellipsis,)):
            items = self.value(typing.get_args(hint)[0], *_items(source, file), context)
            items.pop("description", None)
            return {"type": "array", "items": items, **described}
        if origin is tuple:  # a fixed pair or so: the same type throughout, as the model uses it
            parts = typing.get_args(hint)
            items = self.value(parts[0], {}, file)
            size = len(parts)
            return {"type": "array", "items": items, "minItems": size, "maxItems": size, **described}
        if dataclasses.is_dataclass(hint):
            return {**self.object(typing.cast(type[Any], hint), source, file, context), **copied}
        if origin is dict:  # a spec's custom fields: whatever its workspace declares, by name
            return {"type": "object", "additionalProperties": CUSTOM_VALUE, **described}
        types_of = {str: "string", bool: "boolean", int: "integer", float: "number"}
        return {"type": types_of[hint], **copied}


def _analysis() -> dict[str, Any]:
    def strict(description: str, properties: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "additionalProperties": False,
            "required": list(properties),
            "description": description,
            "properties": properties,
        }

    ids = {"type": "array", "items": {"type": "string"}}
    ranked = strict(
        "A feature the framework could score, best first.",
        {
            "feature": {"type": "string", "description": "The feature's ID."},
            "rank": {"type": "integer", "minimum": 1, "description": "1 for the best score; ties broken as pages do."},
            "score": {"type": "number", "description": "The framework's score (absolute, never rescaled)."},
        },
    )
    unscorable = strict(
        "A feature the framework could not score.",
        {
            "feature": {"type": "string", "description": "The feature's ID."},
            "missing": {**ids, "description": "The scoring inputs it lacks."},
        },
    )
    ranking = strict(
        "One framework's ranking of the open features (idea to beta), as the backlog page shows it.",
        {
            "framework": {"type": "string", "description": "The framework's key: cd3, wsjf, rice or ice."},
            "title": {"type": "string", "description": "Its name, e.g. CD3."},
            "formula": {"type": "string", "description": "How its score is computed."},
            "ranked": {"type": "array", "items": ranked, "description": "Scored features, best first."},
            "unscorable": {"type": "array", "items": unscorable, "description": "Features missing an input."},
        },
    )
    count = {"type": "integer", "minimum": 0}
    coverage = strict(
        "Test coverage of the requirements, as the test-cases page counts it.",
        {
            "requirements": {**count, "description": "How many requirements there are."},
            "covered": {**count, "description": "How many have at least one test case."},
            "percent": {"type": "number", "description": "covered / requirements x 100 (100 with none)."},
            "tests": {**count, "description": "How many test cases there are."},
            "automated": {**count, "description": "How many test cases are automated."},
            "untested_musts": {
                **ids,
                "description": "Must requirements of planned-or-later features without a test case (rule SG307).",
            },
            "orphan_tests": {**ids, "description": "Test cases that verify no known requirement."},
        },
    )
    return strict(
        "Figures computed from the specs, never stored in them.",
        {
            "rankings": {"type": "array", "items": ranking, "description": "One entry per framework."},
            "coverage": coverage,
        },
    )


def kind_of(table: str) -> str | None:
    """The kind a field of :class:`~specgen.model.Workspace` holds (``objectives`` -> ``objective``), if any."""
    return next((k for k in KINDS if table in (k, f"{k}s")), None)


def model_schema() -> dict[str, Any]:
    """The schema of the exported model, made now from the dataclasses and the kinds' schemas."""
    builder = _Builder()
    hints = typing.get_type_hints(Workspace)
    tables: dict[str, Any] = {}
    for f in dataclasses.fields(Workspace):
        kind = kind_of(f.name)
        hint = hints[f.name]
        if kind is None:  # something computed about the specs, e.g. what importing test results left over
            tables[f.name] = {
                **builder.value(hint, {}, FILE_NAME),
                "description": _described(field_comments(Workspace), f.name),
            }
            continue
        source, file = _resolve(_schemas()[KINDS[kind].schema_name], KINDS[kind].schema_name)
        if typing.get_origin(hint) is dict:
            item = builder.object(typing.get_args(hint)[1], source, file)
            tables[f.name] = {
                "type": "array",
                "items": item,
                "description": f"Every {kind} spec, in natural ID order ({KINDS[kind].plural}).",
            }
        else:
            tables[f.name] = {**builder.value(hint, source, file), "description": f"The {kind} spec; null when none."}
    properties = {
        "format": {"const": FORMAT, "description": f"Always '{FORMAT}': what this document is."},
        "version": {
            "const": VERSION,
            "description": "The version of this format; it changes only when a field changes meaning or goes away.",
        },
        **tables,
        "analysis": _analysis(),
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "specgen model",
        "description": (
            "What 'specgen export --format json' writes: every spec of a checked workspace, with the fields of "
            "specgen's model (the YAML keys; a key a spec leaves out is its default or null), and computed figures "
            "under 'analysis'. Markdown fields hold their Markdown source (contentMediaType text/markdown). "
            "Keys are sorted; a new version number means a change that is not an addition."
        ),
        "type": "object",
        "additionalProperties": False,
        "required": list(properties),
        "properties": properties,
        "$defs": dict(sorted(builder.defs.items())),
    }


def model_schema_text() -> str:
    """:func:`model_schema` as the text of ``model.schema.json``."""
    return json.dumps(model_schema(), indent=2, ensure_ascii=False) + "\n"
