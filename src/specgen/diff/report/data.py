"""The JSON form of a diff (``specgen diff --format json``): stable, versioned, documented by a schema.

``specgen/schemas/diff.schema.json`` describes every field; ``version`` is
:data:`~specgen.diff.result.FORMAT_VERSION`. Keys are sorted and non-ASCII
text is written as ``\\u`` escapes, so the output is the same bytes for the
same diff and no character in it acts on a terminal that shows it (JSON
escapes the C0 controls but not the C1 ones, nor bidirectional controls).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from specgen.diff.changes import Change, Importance, Section
from specgen.diff.result import FORMAT_VERSION, DiffResult, Revision

if TYPE_CHECKING:
    from specgen.diff.report import ReportOptions

#: The value of ``format``: what a reader of the JSON checks before anything else.
FORMAT = "specgen-diff"


def counts(result: DiffResult) -> dict[Section, int]:
    """How many changes each section holds, every section included, in report order."""
    found = dict.fromkeys(Section, 0)
    for change in result.changes:
        found[change.section] += 1
    return found


def _revision(revision: Revision) -> dict[str, Any]:
    return {
        "name": revision.name,
        "given": revision.given,
        "commit": revision.commit,
        "label": revision.label,
        "files": revision.files,
    }


def _change(change: Change) -> dict[str, Any]:
    return {
        "section": change.section.value,
        "kind": change.kind,
        "subject": change.subject,
        "item": change.item,
        "title": change.title,
        "path": change.path,
        "summary": change.summary,
        "importance": Importance(change.importance).name.lower(),
        "flags": sorted(change.flags),
        "before": change.before,
        "after": change.after,
        "words": [[op, text] for op, text in change.words],
        "external": change.external,
        "public_summary": change.public_summary,
        "details": change.details,
    }


def as_data(result: DiffResult) -> dict[str, Any]:
    """The diff as JSON-like data, in the shape the schema describes."""
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "base": _revision(result.base),
        "head": _revision(result.head),
        "merge_base": result.merge_base,
        "folder": result.folder,
        "summary": {
            "changes": len(result.changes),
            "alerts": len(result.alerts),
            "by_section": {section.value: n for section, n in counts(result).items()},
        },
        "changes": [_change(change) for change in result.changes],
    }


def report(result: DiffResult, options: ReportOptions) -> str:
    """The JSON document, indented by 2, ending in a newline. No option changes it: it is for machines."""
    return json.dumps(as_data(result), indent=2, sort_keys=True) + "\n"
