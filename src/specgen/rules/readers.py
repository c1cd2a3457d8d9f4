"""Reader rules: what a brief's readers would miss, told to the author instead.

The briefs never address the author: where content is missing they leave it
out or say so in the reader's terms. What the author should add is one of
these warnings, located at the spec that makes the gap visible to a reader.
Each rule fires only where a reader would really see the gap, so a workspace
that has not started on status updates or release notes is not flooded:

- SG312: a brief opens without a status update. For the customer brief, when
  it shows a feature (shipped, or on a horizon) but no external update is
  addressed to customers; located at that feature's ``visibility`` key, the
  key that puts it in front of customers. For an internal brief, when the
  workspace writes status updates and a stakeholder reads that brief, but no
  update is addressed to its audience (one brief left out); located at that
  stakeholder's ``audience``. The missing update itself has no place yet
  (it would be a new file under ``specs/updates/``), so the warning points at
  the reason a reader sees the gap.
- SG313: a shipped feature (beta or shipped) has no ``release_note``, so the
  support brief cannot say what changed and, when customers see the feature,
  the customer brief can only show its summary. Located at ``visibility`` for
  a shipped external feature (the customer sees the gap), else at ``status``
  (the key that makes it shipped).

These read the schema-valid parts of documents, like the other rules about
meaning (:mod:`specgen.rules.valid`): a feature, stakeholder or update is left out
when a key the rule reads about it is broken. A broken update is not one a
brief can lead with, and leaving it out can only add a warning elsewhere, never
take one away from a file that has nothing to do with it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from specgen.diagnostics import Diagnostic
from specgen.kinds import natural_key
from specgen.rules.valid import Valid

#: The statuses and horizons the customer brief lists (as its template and ``Analysis.by_horizon`` do).
_COMING = frozenset({"idea", "discovery", "planned", "in_progress", "beta"})
_HORIZONS = frozenset({"now", "next", "later"})
_SHIPPED = frozenset({"beta", "shipped"})
_BRIEF_NAMES = {
    "exec": "executive",
    "engineering": "engineering",
    "sales_marketing": "sales and marketing",
    "support": "support",
}


def reader_gaps(valid: Sequence[Valid]) -> Iterator[Diagnostic]:
    """Warnings for content a brief's readers would miss (SG312, SG313)."""
    by_kind: dict[str, list[Valid]] = {}
    for doc in sorted(valid, key=lambda d: natural_key(str(d.data.get("id", "")))):
        if doc.fits("id"):
            by_kind.setdefault(doc.kind.name, []).append(doc)
    features = by_kind.get("feature", [])
    updates = [d.data for d in by_kind.get("update", []) if d.fits("visibility", "audiences")]
    yield from _customer_update([d for d in features if d.fits("visibility", "status", "horizon")], updates)
    yield from _internal_updates([d for d in by_kind.get("stakeholder", []) if d.fits("audience")], updates)
    yield from _release_notes([d for d in features if d.fits("status", "release_note", "visibility")])


def _addressed(update: dict[str, Any], audience: str) -> bool:
    audiences = update.get("audiences") or []
    return not audiences or audience in audiences


def _customers_see(feature: dict[str, Any]) -> bool:
    if feature.get("visibility") != "external":
        return False
    status = feature["status"]
    return status == "shipped" or (status in _COMING and feature.get("horizon") in _HORIZONS)


def _customer_update(features: list[Valid], updates: list[dict[str, Any]]) -> Iterator[Diagnostic]:
    if any(u.get("visibility") == "external" and _addressed(u, "customer") for u in updates):
        return
    shown = next((d for d in features if _customers_see(d.data)), None)
    if shown is None:
        return
    yield Diagnostic.of(
        "SG312",
        shown.path,
        f"customers see {shown.data['id']} in the customer brief, but no status update is visible to them, "
        "so the brief has no headline",
        pointer=("visibility",),
        at_key=True,
        hint="add a status update under specs/updates/ with visibility: external, "
        "addressed to customer (or to every audience)",
    )


def _internal_updates(stakeholders: list[Valid], updates: list[dict[str, Any]]) -> Iterator[Diagnostic]:
    if not updates:
        return  # a workspace that writes no updates yet: every brief is alike, and one warning per reader is noise
    reported: set[str] = set()
    for doc in stakeholders:
        read = doc.data["audience"]
        for i, audience in enumerate([read] if isinstance(read, str) else read):
            if audience not in _BRIEF_NAMES or audience in reported:
                continue
            reported.add(audience)
            if any(_addressed(u, audience) for u in updates):
                continue
            yield Diagnostic.of(
                "SG312",
                doc.path,
                f"{doc.data['id']} reads the {_BRIEF_NAMES[audience]} brief, but no status update is addressed "
                f"to {audience}, so the brief has no headline",
                pointer=("audience",) if isinstance(read, str) else ("audience", i),
                hint=f"add a status update under specs/updates/ whose audiences include {audience} "
                "(or that lists no audiences)",
            )


def _release_notes(features: list[Valid]) -> Iterator[Diagnostic]:
    for doc in features:
        data = doc.data
        if data["status"] not in _SHIPPED or data.get("release_note"):
            continue
        fid = data["id"]
        if data["status"] == "shipped" and data.get("visibility") == "external":
            instead = "its summary" if data.get("summary") else "only its title"
            yield Diagnostic.of(
                "SG313",
                doc.path,
                f"{fid} has shipped to customers without a release_note: the customer brief shows {instead}, "
                "and the support brief cannot say what changed",
                pointer=("visibility",),
                at_key=True,
                hint="add release_note: what customers and support are told about the change",
            )
        else:
            yield Diagnostic.of(
                "SG313",
                doc.path,
                f"{fid} is {data['status']} but has no release_note, so the support brief cannot say what changed",
                pointer=("status",),
                at_key=True,
                hint="add release_note: what support is told about the change",
            )
