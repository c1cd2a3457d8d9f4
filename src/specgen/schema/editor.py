"""Editor schemas: draft-07 renderings of the packaged schemas, written into a workspace.

The packaged schemas (``specgen/schemas``) are JSON Schema 2020-12 and share
definitions through ``$ref`` into ``common.schema.json``. VS Code's YAML
extension (yaml-language-server) is built on draft-07 and does not fully
understand 2020-12, so editors get a rendering of the same rules that uses
draft-07's keywords only: one self-contained file per kind (every reference
inlined, so nothing depends on how an editor resolves a relative ``$ref``),
``$schema`` set to draft-07, and a ``markdownDescription`` beside each
``description`` (yaml-language-server shows it on hover, rendered).

The files live in the workspace (:data:`EDITOR_SCHEMAS`) and are committed,
so that a ``# yaml-language-server: $schema=`` line works offline; ``specgen
check`` warns (SG321, :mod:`specgen.schema.drift`) when they differ from what
this version writes.

A workspace's custom fields (``fields:`` in ``specgen.yaml``, :mod:`specgen.schema.custom`)
are properties of their kind's editor schema, with their descriptions, so an
editor completes and checks them too; a changed declaration makes the
committed schemas stale (SG321) like an upgrade does.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import tempfile
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from specgen.config import custom_fields
from specgen.kinds import KINDS
from specgen.schema import inline_refs, schema_texts
from specgen.schema.custom import NO_FIELDS, CustomFields, description

#: Where the editor schemas live, relative to the workspace.
EDITOR_SCHEMAS = PurePosixPath(".specgen/schemas")

DRAFT_07 = "http://json-schema.org/draft-07/schema#"

#: 2020-12 keywords with no draft-07 meaning. None of them occurs in a kind's schema today; the
#: rendering refuses them rather than silently dropping a rule (a test keeps this true).
_NOT_IN_DRAFT_07 = frozenset(
    {
        "$defs",
        "$anchor",
        "$dynamicRef",
        "$dynamicAnchor",
        "$vocabulary",
        "prefixItems",
        "unevaluatedProperties",
        "unevaluatedItems",
        "dependentRequired",
        "dependentSchemas",
        "minContains",
        "maxContains",
    }
)


@cache
def editor_schemas(custom: CustomFields = NO_FIELDS) -> dict[str, str]:
    """Every editor schema, by file name (``feature.schema.json`` ...): exactly the text that is written.

    ``custom``: the workspace's custom fields, each a property of its kind's schema.
    """
    packaged = {name: json.loads(text) for name, text in schema_texts().items()}
    rendered: dict[str, str] = {}
    for kind in KINDS.values():
        schema = draft_07(packaged[kind.schema_name], packaged, kind.schema_name)
        declared = custom.of(kind.name)
        if declared:
            for name, sub in declared.items():
                schema["properties"][name] = _for_editors({**sub, "description": description(sub)}, kind.name)
        rendered[kind.schema_name] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return dict(sorted(rendered.items()))


def draft_07(schema: dict[str, Any], schemas: dict[str, Any], name: str) -> dict[str, Any]:
    """The draft-07 rendering of the packaged schema ``name`` (``schemas``: every packaged schema by name).

    Every ``$ref`` is inlined as it is for the packaged validators
    (:func:`specgen.schema.inline_refs`), so the editor reads the very rules
    ``specgen check`` applies, with nothing to resolve.
    """
    body = _for_editors(inline_refs(schema, schemas, name), name)
    return {"$schema": DRAFT_07, **{k: v for k, v in body.items() if k != "$schema"}}


def _for_editors(node: Any, base: str) -> Any:
    """``node`` with a ``markdownDescription`` beside each description; a 2020-12-only keyword is refused."""
    if isinstance(node, list):
        return [_for_editors(item, base) for item in node]
    if not isinstance(node, dict):
        return node
    wrong = _NOT_IN_DRAFT_07 & set(node)
    if wrong:
        raise ValueError(f"{base}: {', '.join(sorted(wrong))} has no draft-07 equivalent")
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("properties", "patternProperties", "definitions"):
            out[key] = {name: _for_editors(sub, base) for name, sub in value.items()}
        elif key in ("enum", "const", "examples", "default", "required"):
            out[key] = value  # values, not schemas
        else:
            out[key] = _for_editors(value, base)
    description = out.get("description")
    if isinstance(description, str) and "markdownDescription" not in out:
        out["markdownDescription"] = markdown_description(out)
    return out


def markdown_description(schema: dict[str, Any]) -> str:
    """The hover text of a schema: its description, then its keys, allowed values and examples, as Markdown.

    yaml-language-server shows ``markdownDescription`` in place of
    ``description`` (which it shows with every Markdown character escaped, so
    a `code span` would show its backticks). The keys and values are listed
    so that hovering a key answers "what may I write here" without opening
    the reference.
    """
    parts = [markdown_text(str(schema.get("description", "")))]
    target = schema.get("items") if schema.get("type") == "array" else schema
    properties = target.get("properties") if isinstance(target, dict) else None
    if isinstance(properties, dict) and properties:
        required = set(target.get("required", [])) if isinstance(target, dict) else set()
        keys = ", ".join(f"`{k}`" + (" (required)" if k in required else "") for k in properties)
        parts.append(("Each item takes: " if target is not schema else "Takes: ") + keys)
    values = schema.get("enum")
    if isinstance(values, list) and values:
        parts.append("Allowed: " + ", ".join(markdown_code(v) for v in values))
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        parts.append(
            ("Examples: " if len(examples) > 1 else "Example: ") + ", ".join(markdown_code(e) for e in examples)
        )
    return "\n\n".join(p for p in parts if p)


#: A code span in a description: shown as code on hover, everything else as text.
_CODE_SPAN = re.compile(r"(`[^`]+`)")
#: What Markdown would read as markup in a description's plain text (a backslash first, for the others).
_MARKUP = re.compile(r"([\\*_\[\]<>#|~])")


def markdown_text(text: str) -> str:
    """``text`` as Markdown: its `code spans` kept, any other markup character escaped (``<n>``, ``*``, ``_``)."""
    pieces = _CODE_SPAN.split(text)
    return "".join(piece if i % 2 else _MARKUP.sub(r"\\\1", piece) for i, piece in enumerate(pieces))


def markdown_code(value: object) -> str:
    """A JSON value as a Markdown code span (wide enough fences for a value holding backticks)."""
    text = value if isinstance(value, str) else json.dumps(value)
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def write_workspace_schemas(workspace: Path) -> list[Path]:
    """:func:`write_editor_schemas` with the custom fields the workspace's ``specgen.yaml`` declares
    (those without a mistake: ``check`` reports the others)."""
    return write_editor_schemas(workspace, custom_fields(workspace))


def write_editor_schemas(workspace: Path, custom: CustomFields = NO_FIELDS) -> list[Path]:
    """Write every editor schema into ``<workspace>/.specgen/schemas/``; returns the files written.

    ``custom``: the workspace's custom fields, each a property of its kind's schema.

    A pull request can plant a link at ``.specgen``, ``.specgen/schemas`` or a
    schema file to make specgen write elsewhere: such a path is refused with an
    :class:`OSError` (``ELOOP``), as is any other failure to write, and nothing
    is written through a link. Each file is replaced whole (a temporary file,
    then a rename), so a reader never sees half a schema.
    """
    if not workspace.is_dir():
        raise OSError(errno.ENOENT, "the workspace is not a folder", str(workspace))
    parts = EDITOR_SCHEMAS.parts
    folders = [workspace.joinpath(*parts[: i + 1]) for i in range(len(parts))]  # .specgen, .specgen/schemas
    folder = folders[-1]
    schemas = editor_schemas(custom)
    # Everything is checked before anything is written, so that a refusal leaves the folder as it was.
    for path in folders:
        _refuse_link(path, want_dir=True)
    for name in schemas:
        _refuse_link(folder / name, want_dir=False)
    for path in folders:
        if not os.path.lexists(path):
            path.mkdir()
        _refuse_link(path, want_dir=True)  # made by someone else in between
    written = []
    for name, text in schemas.items():
        target = folder / name
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
                out.write(text)
            staged = Path(temporary)
            staged.chmod(0o644)  # mkstemp makes it private; a schema is for everyone in the checkout
            staged.replace(target)  # replaces a link planted since, never writes through it
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        written.append(target)
    return written


def _refuse_link(path: Path, *, want_dir: bool) -> None:
    """Raise :class:`OSError` when ``path`` is a link, or exists as the wrong kind of thing."""
    try:
        status = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(status.st_mode):
        raise OSError(errno.ELOOP, "is a symbolic link; specgen does not write through links", str(path))
    if want_dir and not stat.S_ISDIR(status.st_mode):
        raise OSError(errno.ENOTDIR, "is not a folder", str(path))
    if not want_dir and not stat.S_ISREG(status.st_mode):
        raise OSError(errno.EISDIR, "is not a regular file", str(path))
