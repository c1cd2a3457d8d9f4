"""Release rules: what a feature's status and its release's status say together, and releases past their date.

Pure functions over schema-valid documents and a day (never the clock: the
caller passes :attr:`specgen.config.Settings.today`). Fields are read with
``.get`` and anything of an unexpected shape is passed over, because a
document counted as valid may still have one field the schema rejected
(that field has its own error).

- SG314 (error): a feature marked ``shipped`` in a release that is
  ``planned``, ``slipped`` or ``cancelled``: users cannot have a feature
  through a release that has not reached them. An ``in_progress`` release is
  left alone: teams that deliver continuously use a release as a milestone
  whose features reach users one by one before it closes.
- SG315 (error): a feature that is only an idea, in discovery, planned or in
  progress, in a release marked ``shipped``. A ``beta`` feature is not
  flagged (a release can ship a feature as a beta), nor a ``wont_do`` one
  (it records what was cut from that release).
- SG316 (warning, ``--fail-on stale``): a release past its target date that
  has neither shipped nor been cancelled. It appears because time passed, not
  because of a commit, so it does not fail ``--strict`` unless asked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from specgen.diagnostics import Diagnostic
from specgen.kinds import Kind
from specgen.rules.valid import day


class Spec(Protocol):
    """What the rules read of a document: a :class:`specgen.loader.Document`, or only its sound parts."""

    @property
    def kind(self) -> Kind: ...
    @property
    def data(self) -> dict[str, Any]: ...
    @property
    def path(self) -> str: ...


#: Release statuses under which no feature can have reached users yet (SG314).
NOT_SHIPPED = frozenset({"planned", "slipped", "cancelled"})
#: Feature statuses that a shipped release contradicts (SG315), in a PM's words.
UNFINISHED = {
    "idea": "only an idea",
    "discovery": "still in discovery",
    "planned": "only planned",
    "in_progress": "still in progress",
}
#: Release statuses that end a release's life: past its date, it is not overdue (SG316).
CLOSED = frozenset({"shipped", "cancelled"})
#: Feature statuses that need nothing more from a release; the others are its open features.
DONE = frozenset({"shipped", "wont_do"})


def release_rules(valid: Sequence[Spec], today: dt.date | None = None) -> list[Diagnostic]:
    """SG314 and SG315 on features, and with ``today`` SG316 on releases.

    ``valid`` are the schema-valid documents whose IDs are their own (the
    caller leaves out a document whose ID another file already took).
    """
    releases = {
        ident: doc.data for doc in valid if doc.kind.name == "release" and isinstance(ident := doc.data.get("id"), str)
    }
    features = [doc for doc in valid if doc.kind.name == "feature"]
    problems = [*_contradictions(features, releases)]
    if today is not None:
        problems.extend(_overdue([d for d in valid if d.kind.name == "release"], features, today))
    return problems


def overdue_since(status: object, target_date: object, today: dt.date) -> dt.date | None:
    """The target date a release is overdue since, or ``None`` when it is not overdue.

    Overdue means: the target date is strictly before ``today`` and the
    release has neither shipped nor been cancelled. SG316 and the roadmap
    page (a template global) both ask this function, so they always agree.
    """
    target = day(target_date)
    if not isinstance(status, str) or status in CLOSED or target is None or target >= today:
        return None
    return target


def _named(ident: str, release: dict[str, Any]) -> str:
    name = release.get("name")
    return f"{ident} ({name})" if isinstance(name, str) and name and name != ident else ident


def _contradictions(features: Sequence[Spec], releases: dict[str, dict[str, Any]]) -> Iterator[Diagnostic]:
    open_releases = sorted(
        (str(r.get("target_date")), ident)
        for ident, r in releases.items()
        if r.get("status") in ("planned", "in_progress", "slipped")
    )
    for doc in features:
        fid, status, rid = doc.data.get("id"), doc.data.get("status"), doc.data.get("release")
        if not isinstance(fid, str) or not isinstance(status, str) or not isinstance(rid, str):
            continue  # a wrong status is the schema's finding
        release = releases.get(rid)
        if release is None:
            continue  # an unknown release is SG303's; one in a broken file has its own error
        rstatus, target = release.get("status"), release.get("target_date")
        if not isinstance(rstatus, str) or not isinstance(target, str):
            continue
        named = _named(rid, release)
        if status == "shipped" and rstatus in NOT_SHIPPED:
            yield _shipped_in_unshipped(doc, fid, rid, named, rstatus, target)
        elif status in UNFINISHED and rstatus == "shipped":
            later = next((r for _, r in open_releases), None)
            move = (
                f"move it to a release still to come, e.g. release: {later}" if later else "move it to a later release"
            )
            yield Diagnostic.of(
                "SG315",
                doc.path,
                f"{fid} is {UNFINISHED[status]}, but its release {named} shipped on {target}: "
                "a release that has shipped cannot still hold unfinished work",
                pointer=("release",),
                hint=f"{move}; or, if it did reach users in {rid}, set its status to shipped or beta",
            )


def _shipped_in_unshipped(doc: Spec, fid: str, rid: str, named: str, rstatus: str, target: str) -> Diagnostic:
    moved = "if it shipped in another release, set release: to that one; "
    if rstatus == "cancelled":
        where = f"was cancelled (it was due on {target}), so nothing shipped in it"
        # A cancelled release never ships: the feature moves, or its own status was wrong.
        fix = moved + "if it has not reached users, set its status to what it is, e.g. in_progress, or wont_do"
    else:
        state = "has slipped past" if rstatus == "slipped" else "is planned for"
        where = f"{state} {target} and has not shipped"
        fix = (
            moved + "if it has not reached users yet, set its status to in_progress or beta; "
            f"if {rid} has in fact shipped, set status: shipped in {rid}"
        )
    return Diagnostic.of(
        "SG314",
        doc.path,
        f"{fid} is marked shipped, but its release {named} {where}",
        pointer=("release",),
        hint=fix,
    )


def _overdue(releases: Sequence[Spec], features: Sequence[Spec], today: dt.date) -> Iterator[Diagnostic]:
    open_count: dict[str, int] = {}
    for doc in features:
        rid, status = doc.data.get("release"), doc.data.get("status")
        if isinstance(rid, str) and isinstance(status, str) and status not in DONE:
            open_count[rid] = open_count.get(rid, 0) + 1
    for doc in releases:
        rid = doc.data.get("id")
        since = overdue_since(doc.data.get("status"), doc.data.get("target_date"), today)
        if not isinstance(rid, str) or since is None:
            continue
        days = (today - since).days
        status = doc.data["status"]
        count = open_count.get(rid, 0)
        holds = (
            f"it still holds {count} open feature{'s' if count != 1 else ''}"
            if count
            else "it holds no open feature: has it shipped?"
        )
        still = "marked slipped, but its date was not moved" if status == "slipped" else f"still {_words(status)}"
        yield Diagnostic.of(
            "SG316",
            doc.path,
            f"release {_named(rid, doc.data)} is {_how_long(days)} past its target date of "
            f"{doc.data['target_date']} and is {still}; {holds}",
            pointer=("target_date",),
            hint="if it shipped, set status: shipped; if not, set a new target_date, keeping the first in "
            "baseline_date, or status: cancelled, and move the features that will not make it",
        )


def _words(value: str) -> str:
    return value.replace("_", " ")


def _how_long(days: int) -> str:
    """``12 days``, ``45 days (about 1 month)``, ``800 days (about 2 years)``: a PM reads the rounded figure."""
    text = f"{days} day{'s' if days != 1 else ''}"
    if days >= 730:
        return f"{text} (about {round(days / 365.25)} years)"
    if days >= 45:
        months = round(days / 30.44)
        return f"{text} (about {months} month{'s' if months != 1 else ''})"
    return text
