"""The field reference: every kind's fields, for people, read from the packaged schemas.

One walk over a kind's schema (with its references inlined, as the validator
sees it) gives a :class:`Field` per key: its path (``scoring.rice.reach``,
``requirements[].id`` for a key of each list item), type, allowed values,
whether it is required, its description and an example. Two renderings:

* :func:`markdown`: the committed ``docs/fields.md`` (a test regenerates it
  and compares, so it cannot drift from the schemas);
* :func:`text`: what ``specgen explain KIND`` prints; with ``-w DIR``, the
  custom fields that workspace declares follow the built-in ones.

Custom fields are not in ``docs/fields.md``: they belong to one workspace, not to specgen.

"Required" means required where its parent is written: ``scoring.rice.reach``
is required in a ``rice`` mapping, and ``scoring`` itself is optional.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from specgen.kinds import KINDS, Kind
from specgen.schema import validators
from specgen.schema.custom import NO_FIELDS, CustomFields, description
from specgen.schema.editor import markdown_code, markdown_text

#: The pattern every text field has (no control characters): a fact of all text, not worth a column.
_TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$"

#: Kinds by ID prefix, to name what a reference points at.
_BY_PREFIX = {kind.prefix: kind for kind in KINDS.values() if kind.prefix}


@dataclass(frozen=True)
class Field:
    """One key of a kind, as the reference shows it."""

    path: str
    type: str
    #: Each constraint in words, with values as they are written in YAML (``must``, ``0.25``).
    allowed: tuple[str, ...]
    required: bool
    description: str
    examples: tuple[str, ...]


def fields(kind: str, custom: CustomFields = NO_FIELDS) -> list[Field]:
    """Every field of ``kind``, in schema order, parents before their keys; then its ``custom`` fields."""
    schema = validators()[kind].schema
    base: dict[str, Any] = schema if isinstance(schema, dict) else {}
    declared = {name: {**sub, "description": description(sub)} for name, sub in custom.of(kind).items()}
    if declared:
        base = {**base, "properties": {**base.get("properties", {}), **declared}}
    return list(_walk(base, ""))


def where(kind: Kind) -> str:
    """Where a kind's files live: ``specs/features/FEAT-<n>.yaml``."""
    return f"specs/{kind.folder}/{kind.prefix}-<n>.yaml" if kind.folder else "specs/product.yaml"


def summary(kind: str) -> str:
    """The kind's own description, from its schema."""
    schema = validators()[kind].schema
    return str(schema.get("description", "")) if isinstance(schema, dict) else ""


def _walk(schema: dict[str, Any], prefix: str) -> Iterator[Field]:
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return
    required = set(schema.get("required", []))
    for key, sub in properties.items():
        if not isinstance(sub, dict):
            continue
        path = f"{prefix}{key}"
        yield Field(
            path=path,
            type=type_words(sub, own_id=path == "id"),
            allowed=tuple(_allowed(sub, own_id=path == "id")),
            required=key in required,
            description=str(sub.get("description", "")),
            examples=tuple(_examples(sub)),
        )
        yield from _walk(sub, f"{path}.")
        for item in _mappings(sub.get("items")):
            yield from _walk(item, f"{path}[].")


def _mappings(schema: object) -> Iterator[dict[str, Any]]:
    """The mapping shapes a list item may take (one, or a branch of ``anyOf``)."""
    if not isinstance(schema, dict):
        return
    if isinstance(schema.get("properties"), dict):
        yield schema
    for branch in schema.get("anyOf", []):
        yield from _mappings(branch)


def type_words(schema: dict[str, Any], *, own_id: bool = False) -> str:
    """A schema's type in a PM's words: ``one-line Markdown``, ``persona ID``, ``list of feature IDs``."""
    if "anyOf" in schema:
        return " or ".join(type_words(branch) for branch in schema["anyOf"] if isinstance(branch, dict))
    values = schema.get("enum", [schema["const"]] if "const" in schema else None)
    if isinstance(values, list):
        return "number" if all(isinstance(v, int | float) for v in values) else "text"
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items")
        return "list of " + _plural(type_words(items) if isinstance(items, dict) else "values")
    if kind == "string":
        return _string_words(schema, own_id)
    words = {"integer": "whole number", "number": "number", "boolean": "true or false", "object": "mapping"}
    return words.get(str(kind), str(kind))


def _string_words(schema: dict[str, Any], own_id: bool) -> str:
    markdown = schema.get("x-specgen-markdown")
    if markdown == "block":
        return "Markdown"
    if markdown == "inline":
        return "one-line Markdown"
    if schema.get("format") == "date":
        return "date"
    if schema.get("format") == "uri":
        return "URL"
    pattern = str(schema.get("pattern", ""))
    if own_id:
        return "ID"
    if pattern.startswith("^(FEAT-") or pattern.startswith("^R["):
        return "requirement ID"
    for prefix, kind in _BY_PREFIX.items():
        if pattern.startswith(f"^{prefix}-"):
            return f"{kind.name.replace('update', 'status update')} ID"
    return "plain text" if pattern in ("", _TEXT_PATTERN) else "text"


def _plural(words: str) -> str:
    if words.endswith(" ID") or words in ("mapping", "date", "URL", "number", "whole number"):
        return words + "s"
    if " or " in words:
        return f"items, each {words}"
    return f"{words} items"


def _allowed(schema: dict[str, Any], *, own_id: bool = False) -> Iterator[str]:
    """Each constraint of ``schema`` in words; an ID pattern only for the own ID (a reference says it in its type)."""
    values = schema.get("enum", [schema["const"]] if "const" in schema else None)
    if isinstance(values, list):
        yield "one of " + ", ".join(_yaml(v) for v in values)
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        yield f"{_yaml(low)} to {_yaml(high)}"
    elif low is not None:
        yield f"at least {_yaml(low)}"
    elif high is not None:
        yield f"at most {_yaml(high)}"
    if schema.get("exclusiveMinimum") is not None:
        yield f"more than {_yaml(schema['exclusiveMinimum'])}"
    pattern = schema.get("pattern")
    is_reference = _string_words(schema, own_id).endswith(" ID")
    if isinstance(pattern, str) and pattern != _TEXT_PATTERN and not is_reference:
        yield f"matches {pattern}"
    if schema.get("format") == "date":
        yield "YYYY-MM-DD"
    if isinstance(schema.get("minItems"), int):
        count = schema["minItems"]
        yield f"at least {count} item{'s' if count != 1 else ''}"
    if schema.get("uniqueItems"):
        yield "no repeats"
    items = schema.get("items")
    if isinstance(items, dict) and not _mappings_only(items):
        inner = [a for a in _allowed(items) if not a.startswith("matches ")]
        if inner:
            yield "each " + "; ".join(inner)


def _mappings_only(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "object" or "anyOf" in schema


def _examples(schema: dict[str, Any]) -> Iterator[str]:
    given = schema.get("examples")
    if isinstance(given, list):
        yield from (_yaml(e) for e in given)
        return
    items = schema.get("items")
    if schema.get("type") == "array" and isinstance(items, dict) and isinstance(items.get("examples"), list):
        yield "[" + ", ".join(_yaml(e) for e in items["examples"][:2]) + "]"


def _yaml(value: object) -> str:
    """A value as it is written in YAML: ``must``, ``0.25``, ``true``."""
    return value if isinstance(value, str) else json.dumps(value)


def markdown() -> str:
    """The whole reference as Markdown: the text of ``docs/fields.md``."""
    out = [
        "# Spec fields",
        "",
        "Every key of every kind of spec, generated from specgen's JSON Schemas (`src/specgen/schemas/`), so it",
        "says what `specgen check` accepts. Do not edit it by hand: after a schema change, refresh it with",
        "`pytest tests/test_reference.py --update-goldens`. `specgen explain KIND` prints the same in a terminal.",
        "",
        "A path like `scoring.rice.reach` is a key inside a mapping; `requirements[].id` is a key of each item",
        "of a list. *Required* means required wherever its parent is written.",
        "",
        # The anchors are the ones GitHub and MkDocs give the headings below.
        *(f"- [{kind.title}](#{kind.title.lower().replace(' ', '-')}): `{where(kind)}`" for kind in KINDS.values()),
    ]
    for kind in KINDS.values():
        out += [
            "",
            f"## {kind.title}",
            "",
            f"{markdown_text(summary(kind.name))} `specgen explain {kind.name}` prints this table.",
            "",
            "| Field | Type | Allowed | Required | Description | Example |",
            "|---|---|---|---|---|---|",
        ]
        for field in fields(kind.name):
            cells = (
                markdown_code(field.path),
                markdown_text(field.type),
                "; ".join(_allowed_markdown(a) for a in field.allowed),
                "yes" if field.required else "",
                markdown_text(field.description),
                ", ".join(markdown_code(e) for e in field.examples),
            )
            out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(out) + "\n"


def _allowed_markdown(constraint: str) -> str:
    """A constraint with its values as code: ``one of `must`, `should` ``."""
    for lead in ("one of ", "each one of ", "matches "):
        if constraint.startswith(lead):
            rest = constraint[len(lead) :]
            if lead == "matches ":
                return lead + markdown_code(rest)
            head, _, tail = rest.partition("; ")
            shown = lead + ", ".join(markdown_code(v) for v in head.split(", "))
            return shown + (f"; {markdown_text(tail)}" if tail else "")
    return markdown_text(constraint)


def _cell(text: str) -> str:
    """A table cell: GitHub splits cells at every ``|``, even inside a code span, unless it is escaped."""
    return text.replace("\\|", "|").replace("|", "\\|").replace("\n", " ")


def text(kind: str, width: int = 88, custom: CustomFields = NO_FIELDS) -> str:
    """The reference of one kind as plain text, for a terminal: what ``specgen explain KIND`` prints.

    ``custom``: a workspace's custom fields, listed after the built-in ones and marked so.
    """
    info = KINDS[kind]
    wrap = textwrap.TextWrapper(width=width, initial_indent="    ", subsequent_indent="    ")
    out = [f"{info.title}: {where(info)}", *textwrap.wrap(summary(kind), width), ""]
    declared = custom.of(kind)
    for field in fields(kind, custom):
        own = ", custom field from specgen.yaml" if field.path.split(".")[0] in declared else ""
        head = f"{field.path}  ({field.type}{', required' if field.required else ''}{own})"
        out.append(head)
        if field.description:
            out.extend(wrap.wrap(field.description))
        if field.allowed:
            out.extend(wrap.wrap("Allowed: " + "; ".join(field.allowed)))
        if field.examples:
            out.extend(
                wrap.wrap(("Examples: " if len(field.examples) > 1 else "Example: ") + ", ".join(field.examples))
            )
    return "\n".join(out) + "\n"
