"""Features: status, horizon, release, owner, visibility, scope, criteria, dependencies; and the
test cases that need review because what they verify changed (suspect links).

A feature is compared with its HEAD self (through a rename, when it was
renamed); one broken on either side is left to :mod:`specgen.diff.specs`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict, replace

from specgen.analysis.headlines import STATUSES
from specgen.diff.changes import BACKWARDS, INTO_SHIPPED, MADE_EXTERNAL, SUSPECT, Change, Importance, Section
from specgen.diff.side import Side
from specgen.diff.words import same_words, spoken, word_diff
from specgen.model import Feature, Release, Requirement, TestCase

_STATUS_WORDS = {
    "idea": "an idea",
    "discovery": "in discovery",
    "planned": "planned",
    "in_progress": "in progress",
    "beta": "in beta",
    "shipped": "shipped",
    "wont_do": "marked won't do",
}
#: The order work moves in; won't do stands outside it.
_FORWARD = STATUSES[:6]


def compare_features(base: Side, head: Side, renamed: Mapping[str, str]) -> list[Change]:
    """Every change to features present on both sides."""
    changes: list[Change] = []
    for old_id, old in base.ws.features.items():
        new = head.ws.features.get(renamed.get(old_id, old_id))
        if new is not None:
            changes.extend(feature_changes(old, new, base.ws.releases, head.ws.releases, renamed))
    return changes


def feature_changes(
    old: Feature,
    new: Feature,
    releases_before: Mapping[str, Release],
    releases_after: Mapping[str, Release],
    renamed: Mapping[str, str] | None = None,
) -> list[Change]:
    """The changes from one version of a feature to another; the releases name where it moved.

    Needs no checked workspace: the feature pages' "last changed" reads two
    versions of one file from git.
    """
    return list(_Feature(old, new, releases_before, releases_after, renamed or {}).changes())


def suspect_tests(base: Side, head: Side, renamed: Mapping[str, str]) -> list[Change]:
    """Test cases at HEAD that verify a requirement whose statement or criteria changed while they did not."""
    changed: dict[str, str] = {}  # requirement uid at HEAD -> what changed
    old_requirements = base.ws.requirements
    for uid, new in head.ws.requirements.items():
        old = old_requirements.get(_old_uid(uid, renamed))
        if old is None:
            continue
        what = [
            *(["statement"] if not same_words(old.statement, new.statement) else []),
            *(["acceptance criteria"] if _criteria(old) != _criteria(new) else []),
        ]
        if what:
            changed[uid] = " and ".join(what)
    if not changed:
        return []
    old_cases = {tc.id: tc for tc in base.ws.test_cases.values()}
    changes = []
    for case in head.ws.test_cases.values():
        hits = [uid for uid in case.verifies if uid in changed]
        old_case = old_cases.get(case.id)
        if not hits or old_case is None or _case(old_case) != _case(case):
            continue
        result = case.last_result.status if case.last_result else None
        reasons = "; ".join(f"the {changed[uid]} of {uid} changed" for uid in hits)
        summary = f"{case.id} did not change, but {reasons}" + (
            f"; its last result, {result}, may no longer hold" if result == "passed" else ""
        )
        feature = head.ws.features[case.feature]
        changes.append(
            Change(
                Section.REVIEW,
                "suspect",
                feature.id,
                summary,
                Importance.ALERT if result == "passed" else Importance.NOTABLE,
                title=feature.title,
                path=feature.source,
                item=case.id,
                flags=frozenset({SUSPECT}),
                details={"requirements": hits, "last_result": result, "test_case": case.title},
            )
        )
    return changes


def release_label(release: Release | None, ident: str | None) -> str:
    """``3.15 (shipped)``, ``3.16 (2027-10-01)``; an ID when the release is unknown; ``no release``."""
    if ident is None:
        return "no release"
    if release is None:
        return ident
    return f"{release.name} ({'shipped' if release.status == 'shipped' else release.target_date})"


class _Feature:
    """One feature on both sides, and the changes between them."""

    def __init__(
        self,
        old: Feature,
        new: Feature,
        releases_before: Mapping[str, Release],
        releases_after: Mapping[str, Release],
        renamed: Mapping[str, str],
    ) -> None:
        self.old, self.new, self.renamed = old, new, renamed
        self.releases_before, self.releases_after = releases_before, releases_after

    def change(self, kind: str, summary: str, importance: Importance = Importance.NOTABLE, **values: object) -> Change:
        values.setdefault("external", self.new.visibility == "external")
        return Change(
            Section.FEATURES,
            kind,
            self.new.id,
            summary,
            importance,
            title=self.new.title,
            path=self.new.source,
            **values,  # type: ignore[arg-type]
        )

    def changes(self) -> Iterator[Change]:
        yield from self.status()
        yield from self.plan()
        yield from self.people()
        yield from self.texts()
        yield from self.requirements()
        yield from self.test_cases()
        yield from self.dependencies()

    def status(self) -> Iterator[Change]:
        old, new = self.old.status, self.new.status
        if old == new:
            return
        backwards = old in _FORWARD and new in _FORWARD and _FORWARD.index(new) < _FORWARD.index(old)
        summary = (
            f"status moved back from {_STATUS_WORDS[old]} to {_STATUS_WORDS[new]}"
            if backwards
            else (f"status {spoken(old)} → {spoken(new)}")
        )
        yield self.change(
            "status",
            summary,
            Importance.ALERT if backwards else Importance.NOTABLE,
            before=old,
            after=new,
            flags=frozenset({BACKWARDS}) if backwards else frozenset(),
            public_summary=f"now {_STATUS_WORDS[new]}",
        )

    def plan(self) -> Iterator[Change]:
        old, new = self.old, self.new
        if old.horizon != new.horizon:
            yield self.change(
                "horizon",
                f"horizon {spoken(old.horizon)} → {spoken(new.horizon)}",
                before=old.horizon,
                after=new.horizon,
                public_summary=f"now on the {new.horizon} horizon" if new.horizon else None,
            )
        old_release = self.renamed.get(old.release or "", old.release)
        if old_release == new.release:
            return
        before = self.releases_before.get(old.release or "")
        after = self.releases_after.get(new.release or "")
        shipped = after is not None and after.status == "shipped" and new.status != "shipped"
        summary = f"moved from {release_label(before, old.release)} to {release_label(after, new.release)}"
        if shipped:
            summary += f", a release already shipped, while the feature is {_STATUS_WORDS[new.status]}"
        public = f"now planned for {after.name}" if after is not None and after.visibility == "external" else None
        yield self.change(
            "release",
            summary,
            Importance.ALERT if shipped else Importance.NOTABLE,
            before=old.release,
            after=new.release,
            flags=frozenset({INTO_SHIPPED}) if shipped else frozenset(),
            public_summary=public,
        )

    def people(self) -> Iterator[Change]:
        old, new = self.old, self.new
        if old.owner != new.owner:
            yield self.change(
                "owner", f"owner {old.owner} → {new.owner}", Importance.DETAIL, before=old.owner, after=new.owner
            )
        if old.visibility != new.visibility:
            made_external = new.visibility == "external"
            yield self.change(
                "visibility",
                "made external: customers and the public pages will see it"
                if made_external
                else "made internal: it leaves the customer pages",
                Importance.ALERT if made_external else Importance.NOTABLE,
                before=old.visibility,
                after=new.visibility,
                flags=frozenset({MADE_EXTERNAL}) if made_external else frozenset(),
                public_summary="new" if made_external else None,
            )

    def texts(self) -> Iterator[Change]:
        for name in ("title", "summary", "problem", "release_note"):
            before, after = getattr(self.old, name), getattr(self.new, name)
            if (before is None) != (after is None) or (before is not None and not same_words(before, after)):
                yield self.change(
                    name,
                    f"{name.replace('_', ' ')} reworded",
                    Importance.DETAIL,
                    before=before,
                    after=after,
                    words=word_diff(before or "", after or ""),
                )

    def requirements(self) -> Iterator[Change]:
        old = {r.id: r for r in self.old.requirements}
        new = {r.id: r for r in self.new.requirements}
        for rid, req in new.items():
            if rid not in old:
                yield self.change(
                    "requirement_added",
                    f"requirement {rid} added ({req.priority}): {req.statement}",
                    item=req.uid,
                    after=req.statement,
                )
        for rid, req in old.items():
            if rid not in new:
                yield self.change(
                    "requirement_removed",
                    f"requirement {rid} removed ({req.priority})",
                    item=f"{self.new.id}.{rid}",
                    before=req.statement,
                )
        for rid in old.keys() & new.keys():
            yield from self._requirement(old[rid], new[rid])

    def _requirement(self, old: Requirement, new: Requirement) -> Iterator[Change]:
        if not same_words(old.statement, new.statement):
            yield self.change(
                "requirement_reworded",
                f"requirement {new.id} reworded",
                item=new.uid,
                before=old.statement,
                after=new.statement,
                words=word_diff(old.statement, new.statement),
            )
        if old.priority != new.priority:
            yield self.change(
                "requirement_priority",
                f"requirement {new.id} priority {old.priority} → {new.priority}",
                item=new.uid,
                before=old.priority,
                after=new.priority,
            )
        if old.status != new.status:
            yield self.change(
                "requirement_status",
                f"requirement {new.id} {old.status} → {new.status}",
                Importance.DETAIL,
                item=new.uid,
                before=old.status,
                after=new.status,
            )
        if _criteria(old) != _criteria(new):
            before, after = len(old.acceptance_criteria), len(new.acceptance_criteria)
            how = "reworded" if before == after else f"changed ({before} → {after})"
            yield self.change(
                "acceptance_criteria",
                f"acceptance criteria of {new.id} {how}",
                item=new.uid,
                before=_criteria(old),
                after=_criteria(new),
                words=word_diff(_criteria_text(old), _criteria_text(new)),
            )

    def test_cases(self) -> Iterator[Change]:
        old = {t.id: t for t in self.old.test_cases}
        new = {t.id: t for t in self.new.test_cases}
        for tid in new.keys() - old.keys():
            yield self.change("test_case_added", f"test case {tid} added: {new[tid].title}", item=tid)
        for tid in old.keys() - new.keys():
            yield self.change("test_case_removed", f"test case {tid} removed: {old[tid].title}", item=tid)
        for tid in sorted(old.keys() & new.keys()):
            if _case(old[tid]) != _case(new[tid]):
                yield self.change("test_case_changed", f"test case {tid} changed", Importance.DETAIL, item=tid)
            yield from self._result(old[tid], new[tid])

    def _result(self, old: TestCase, new: TestCase) -> Iterator[Change]:
        """A test case's last result moved: a new failure is notable, anything else a detail."""
        before = old.last_result.status if old.last_result else "not_run"
        after = new.last_result.status if new.last_result else "not_run"
        if before == after:
            return
        failing = after in ("failed", "error")
        yield self.change(
            "test_result",
            f"test case {new.id} last result {before.replace('_', ' ')} → {after.replace('_', ' ')}",
            Importance.NOTABLE if failing else Importance.DETAIL,
            item=new.id,
            before=before,
            after=after,
        )

    def dependencies(self) -> Iterator[Change]:
        before = [self.renamed.get(d, d) for d in self.old.depends_on]
        added = [d for d in self.new.depends_on if d not in before]
        removed = [d for d in before if d not in self.new.depends_on]
        if added or removed:
            parts = []
            if added:
                parts.append(f"now depends on {', '.join(added)}")
            if removed:
                parts.append(f"no longer depends on {', '.join(removed)}")
            yield self.change(
                "dependencies",
                "; ".join(parts),
                before=before,
                after=list(self.new.depends_on),
                details={"added": added, "removed": removed},
            )


def _criteria(requirement: Requirement) -> list[dict[str, object]]:
    return [asdict(c) for c in requirement.acceptance_criteria]


def _criteria_text(requirement: Requirement) -> str:
    """The criteria as one text, for a word diff: each one's text, or its given, when and then."""
    parts = []
    for c in requirement.acceptance_criteria:
        parts.append(c.text or f"Given {c.given} when {c.when} then {c.then}")
    return " · ".join(parts)


def _case(case: TestCase) -> TestCase:
    """A test case's content, without its last result: a new result is no change to what it tests."""
    return replace(case, last_result=None)


def _old_uid(uid: str, renamed: Mapping[str, str]) -> str:
    feature, _, rid = uid.partition(".")
    back = {new: old for old, new in renamed.items()}
    return f"{back.get(feature, feature)}.{rid}"
