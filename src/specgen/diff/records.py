"""Record comparisons: decisions, the risks of features, and status updates.

A risk has no ID: it is paired by its description (so a reordered list still
pairs), then the rest in order (a reworded risk in its place is the same
risk). New risks and decisions taken are what a reader must see; reworded
text is a detail. None of these reaches a customer (the customer view shows
no decisions nor risks), except a status update written for external readers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from specgen.diff.changes import Change, Importance, Section
from specgen.diff.plan import Sides, pair
from specgen.diff.side import Side
from specgen.diff.words import same_words, spoken, word_diff
from specgen.filters import plain
from specgen.model import Decision, Feature, Risk, Update

#: Decision statuses that mean the decision was taken.
DECIDED = ("accepted", "rejected", "superseded")


def compare_decisions(base: Side, head: Side, renames: Mapping[str, str]) -> list[Change]:
    """Decisions added, removed, or whose status or outcome changed."""
    d = Sides(base, head, renames)
    both, removed, added = d.match(base.ws.decisions, head.ws.decisions)

    def made(kind: str, hid: str, bid: str, dec: Decision, summary: str, before: object, after: object) -> Change:
        return Change(
            Section.RECORDS,
            kind,
            hid,
            summary,
            Importance.NOTABLE,
            title=plain(dec.title),
            path=d.path(hid, bid),
            before=before,
            after=after,
            external=dec.visibility == "external",
        )

    changes = []
    for hid, was, now in both:
        if was.status != now.status:
            summary = f"status changed from {spoken(was.status)} to {spoken(now.status)}"
            if now.superseded_by and now.superseded_by != was.superseded_by:
                summary += f", by {now.superseded_by}"
            changes.append(made("decision_status", hid, was.id, now, summary, was.status, now.status))
        if was.outcome is not None and now.outcome is not None:
            if not same_words(was.outcome, now.outcome):
                change = made("decision_outcome", hid, was.id, now, _outcome(was, now), was.outcome, now.outcome)
                ops = word_diff(was.outcome, now.outcome)
                changes.append(dataclasses.replace(change, importance=Importance.DETAIL, words=ops))
        elif was.outcome != now.outcome:
            changes.append(made("decision_outcome", hid, was.id, now, _outcome(was, now), was.outcome, now.outcome))
    for hid, dec in added:
        summary = f"decision added ({spoken(dec.status)})" + (f": {plain(dec.outcome)}" if dec.outcome else "")
        changes.append(made("decision_added", hid, hid, dec, summary, None, dec.status))
    for bid, dec in removed:
        changes.append(
            made("decision_removed", bid, bid, dec, f"decision removed (was {spoken(dec.status)})", dec.status, None)
        )
    return changes


def _outcome(was: Decision, now: Decision) -> str:
    if now.outcome is None:
        return "outcome removed"
    taken = "decided" if now.status in DECIDED else "outcome recorded"
    return f"{taken}: {plain(now.outcome)}" if was.outcome is None else f"outcome reworded: {plain(now.outcome)}"


def compare_risks(base: Side, head: Side, renames: Mapping[str, str]) -> list[Change]:
    """Risks added to, removed from or changed in the features on both sides (a new feature's risks come with it)."""
    d = Sides(base, head, renames)
    changes = []
    for fid, was, now in d.match(base.ws.features, head.ws.features)[0]:
        pairs, removed, added = pair(was.risks, now.risks, lambda r: r.description)
        for risk in added:
            changes.append(_risk(d, "risk_added", fid, now, f"new risk ({_rated(risk)})", None, risk))
        for risk in removed:
            changes.append(_risk(d, "risk_removed", fid, now, f"risk removed ({_rated(risk)})", risk, None))
        for old, new in pairs:
            told = [
                f"{name} from {getattr(old, name)} to {getattr(new, name)}"
                for name in ("likelihood", "impact")
                if getattr(old, name) != getattr(new, name)
            ]
            if told:
                told.append(f"score from {old.score} to {new.score}")
            if (old.mitigation is None) != (new.mitigation is None):
                told.append("mitigation removed" if new.mitigation is None else "mitigation added")
            if old.status != new.status:
                told.append(f"status from {old.status} to {new.status}")
            notable = bool(told)
            told += [f"{name} reworded" for name in ("description", "mitigation") if _reworded(old, new, name)]
            told += ["owner changed"] if old.owner != new.owner else []
            if told:
                change = _risk(d, "risk_changed", fid, now, f"risk changed: {', '.join(told)}", old, new)
                text = next((n for n in ("description", "mitigation") if _reworded(old, new, n)), None)
                ops = word_diff(getattr(old, text), getattr(new, text)) if text else ()
                importance = Importance.NOTABLE if notable else Importance.DETAIL
                changes.append(dataclasses.replace(change, importance=importance, words=ops))
    return changes


def _rated(risk: Risk) -> str:
    return f"likelihood {risk.likelihood}, impact {risk.impact}"


def _reworded(old: Risk, new: Risk, name: str) -> bool:
    before, after = getattr(old, name), getattr(new, name)
    return before is not None and after is not None and not same_words(before, after)


def _risk(d: Sides, kind: str, fid: str, now: Feature, summary: str, old: Risk | None, new: Risk | None) -> Change:
    """A change of one risk, named by its description as it reads now (as it last read, when removed)."""
    description = plain(new.description if new else old.description if old else "")
    return Change(
        Section.RECORDS,
        kind,
        fid,
        f"{summary}: {description}",
        title=plain(now.title),
        path=d.path(fid),
        item=description,
        before=old and dataclasses.asdict(old),
        after=new and dataclasses.asdict(new),
    )


def compare_updates(base: Side, head: Side, renames: Mapping[str, str]) -> list[Change]:
    """Status updates added or changed, with their health."""
    d = Sides(base, head, renames)
    both, _, added = d.match(base.ws.updates, head.ws.updates)
    changes = []
    for hid, update in added:
        summary = f"new status update ({spoken(update.health)}): {plain(update.headline)}"
        changes.append(_update(d, hid, None, update, summary, Importance.NOTABLE))
    for hid, was, now in both:
        fields = [f for f in ("headline", "changes", "asks", "audiences") if getattr(was, f) != getattr(now, f)]
        if was.health != now.health:
            summary = f"status update changed: health from {spoken(was.health)} to {spoken(now.health)}"
            summary += f", {', '.join(fields)} changed" if fields else ""
            changes.append(_update(d, hid, was, now, summary, Importance.NOTABLE))
        elif fields:
            changes.append(_update(d, hid, was, now, f"status update changed: {', '.join(fields)}", Importance.DETAIL))
    return changes


def _update(d: Sides, hid: str, was: Update | None, now: Update, summary: str, importance: Importance) -> Change:
    external = now.visibility == "external"
    public = f"{'new' if was is None else 'updated'} status update: {plain(now.headline)}"
    return Change(
        Section.RECORDS,
        "update",
        hid,
        summary,
        importance,
        title=plain(now.headline),
        path=d.path(hid, was.id if was else None),
        before=was and {"health": was.health, "headline": was.headline},
        after={"health": now.health, "headline": now.headline},
        external=external,
        public_summary=public if external else None,
        details={"change": "added" if was is None else "changed"},
    )


def compare_records(base: Side, head: Side, renames: Mapping[str, str]) -> list[Change]:
    """Every record comparison: decisions, risks and status updates."""
    return [
        *compare_decisions(base, head, renames),
        *compare_risks(base, head, renames),
        *compare_updates(base, head, renames),
    ]
