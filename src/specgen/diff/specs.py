"""Specs added, removed, renamed, and spec files that do not load on one side.

A spec of the same kind whose content is equal once its ID and the IDs
derived from it are set aside (``FEAT-3.R2`` inside it, test cases
``TC-3-1``) is a rename, not a removal and an addition: :func:`renames`
finds those first, and every other comparison reads through its map.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from specgen.diff.changes import MADE_EXTERNAL, UNREADABLE, Change, Importance, Section
from specgen.diff.side import Side, spec_id
from specgen.loader import Document

#: Kinds whose additions and removals :mod:`specgen.diff.records` reports, with what they decide or say.
_RECORDS = frozenset({"decision", "update"})


def renames(base: Side, head: Side) -> dict[str, str]:
    """Base ID -> head ID of every spec that only changed its ID."""
    head_ids, base_ids = head.by_id.keys(), base.by_id.keys()
    gone: dict[tuple[str, str], list[str]] = {}
    for document in base.documents:
        ident = spec_id(document)
        if ident not in head_ids and ident not in head.broken_ids:
            gone.setdefault((document.kind.name, _canonical(document)), []).append(ident)
    found: dict[str, str] = {}
    for document in head.documents:
        ident = spec_id(document)
        if ident in base_ids or ident in base.broken_ids:
            continue
        olds = gone.get((document.kind.name, _canonical(document)))
        if olds:
            found[olds.pop(0)] = ident
    return found


def compare_specs(base: Side, head: Side, renamed: Mapping[str, str]) -> list[Change]:
    """Specs added, removed and renamed, and files broken on one side."""
    changes: list[Change] = []
    base_docs, head_docs = base.by_id, head.by_id
    new_ids = set(renamed.values())
    for ident, document in head_docs.items():
        if ident in base_docs or ident in new_ids or ident in base.broken_ids or document.kind.name in _RECORDS:
            continue
        changes.append(_one(Section.SPECS, "added", document, f"new {document.kind.title.lower()}"))
    for ident, document in base_docs.items():
        if ident in head_docs or ident in renamed or ident in head.broken_ids or document.kind.name in _RECORDS:
            continue
        changes.append(_one(Section.SPECS, "removed", document, f"{document.kind.title.lower()} removed"))
    for old, new in renamed.items():
        document = head_docs[new]
        change = _one(Section.SPECS, "renamed", document, f"renamed from {old} (content unchanged)")
        changes.append(replace(change, before=old, after=new))
    for ident, paths in head.duplicates.items():
        if base.duplicates.get(ident) == paths:
            continue  # not this change's doing
        compared = head.by_id[ident].path
        changes.append(
            Change(
                Section.SPECS,
                "duplicate_id",
                ident,
                f"{ident} is defined by {len(paths)} files at {head.label} ({', '.join(paths)}); compared {compared}",
                Importance.ALERT,
                path=compared,
                flags=frozenset({UNREADABLE}),
                details={"paths": paths},
            )
        )
    for side, other in ((base, head), (head, base)):
        for ident, error in side.broken_ids.items():
            summary = (
                f"{error.path} has errors at {side.label}, so its specs are not compared: {error.code} {error.message}"
            )
            if ident in other.broken_ids:
                summary = f"{error.path} has errors on both sides, so it is not compared: {error.code} {error.message}"
                if side is head:
                    continue  # said once
            changes.append(
                Change(
                    Section.SPECS,
                    "unreadable",
                    ident,
                    summary,
                    Importance.ALERT if side is head else Importance.NOTABLE,
                    path=error.path,
                    flags=frozenset({UNREADABLE}),
                    details={"side": side.name, "code": error.code, "line": error.line, "column": error.column},
                )
            )
    return changes


def compare_visibility(base: Side, head: Side, renamed: Mapping[str, str]) -> list[Change]:
    """Specs other than features made external or internal (features': :mod:`specgen.diff.features`).

    Made external is an alert: the customer pages and briefs show it from the next build.
    """
    changes = []
    for document in base.documents:
        new = head.by_id.get(renamed.get(spec_id(document), spec_id(document)))
        if new is None or new.kind.name == "feature":
            continue
        # Kinds without a visibility (stakeholders, the product) have the key on neither side.
        before, after = document.data.get("visibility", "internal"), new.data.get("visibility", "internal")
        if before == after:
            continue
        made_external = after == "external"
        what = new.kind.title.lower()
        changes.append(
            Change(
                Section.SPECS,
                "visibility",
                spec_id(new),
                f"{what} made external: customers and the public pages will see it"
                if made_external
                else f"{what} made internal: it leaves the customer pages",
                Importance.ALERT if made_external else Importance.NOTABLE,
                title=title_of(new.data),
                path=new.path,
                before=before,
                after=after,
                flags=frozenset({MADE_EXTERNAL}) if made_external else frozenset(),
                external=made_external,
                public_summary="new" if made_external else None,
            )
        )
    return changes


def title_of(data: Mapping[str, Any]) -> str:
    """A spec's title as plain text: its title, or a persona's or stakeholder's name."""
    value = data.get("title", data.get("name", ""))
    return str(getattr(value, "plain", value)) if value is not None else ""


def external(data: Mapping[str, Any]) -> bool:
    return data.get("visibility") == "external"


def _one(section: Section, kind: str, document: Document, summary: str) -> Change:
    data = document.data
    is_external = external(data)
    title = title_of(data)
    return Change(
        section,
        kind,
        spec_id(document),
        summary,
        Importance.NOTABLE,
        title=title,
        path=document.path,
        external=is_external,
        public_summary=({"added": "new", "removed": "no longer planned"}.get(kind) if is_external else None),
    )


def _canonical(document: Document) -> str:
    """The document's content with its own ID and the IDs derived from it set aside."""
    ident = spec_id(document)
    data = {k: v for k, v in document.data.items() if k != "id"}
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    text = re.sub(rf"(?<![\w-]){re.escape(ident)}(?![\w])", "\0", text)
    number = ident.rpartition("-")[2]
    if document.kind.name == "feature" and number.isdigit():
        text = re.sub(rf'"id": "TC-{number}-', '"id": "TC-\0-', text)
    return text
