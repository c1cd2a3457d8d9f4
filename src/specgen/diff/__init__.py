"""Diff: what a change to the specs means, in product terms, between two git revisions.

Stages, in the order data flows:

1. :mod:`~specgen.diff.git` reads revisions straight from git (no checkout);
2. :mod:`~specgen.diff.revisions` loads and checks each side
   (:class:`~specgen.diff.side.Side`), sharing what both sides hold;
3. the comparisons turn two sides into :class:`~specgen.diff.changes.Change`
   records: :mod:`~specgen.diff.specs` (added, removed, renamed; found
   first, so that every other comparison reads through the renames),
   :mod:`~specgen.diff.features` (and the test cases that need review),
   :mod:`~specgen.diff.plan`, :mod:`~specgen.diff.progress`,
   :mod:`~specgen.diff.records` and :mod:`~specgen.diff.findings`;
4. :mod:`~specgen.diff.report` writes a :class:`~specgen.diff.result.DiffResult`
   as text, Markdown (a pull-request comment) or JSON.

Both sides are checked with the same settings (the working tree's
``specgen.yaml``) and the same "today", so time passing between two commits
is never reported as their change.
"""

from __future__ import annotations

from pathlib import Path

from specgen.check import resolve_settings
from specgen.config import Settings
from specgen.diff.changes import Change, ordered
from specgen.diff.features import compare_features, suspect_tests
from specgen.diff.findings import compare_findings
from specgen.diff.git import GitError, Repository
from specgen.diff.plan import compare_backlog, compare_releases
from specgen.diff.progress import compare_coverage, compare_objectives
from specgen.diff.records import compare_records
from specgen.diff.result import DiffResult, Revision
from specgen.diff.revisions import Revisions
from specgen.diff.side import Side
from specgen.diff.specs import compare_specs, compare_visibility, renames

__all__ = ["Change", "DiffResult", "GitError", "compare", "diff"]

#: Every comparison after the renames, in report order.
COMPARISONS = (
    compare_specs,
    compare_visibility,
    compare_features,
    suspect_tests,
    compare_backlog,
    compare_releases,
    compare_objectives,
    compare_coverage,
    compare_records,
    compare_findings,
)


def diff(
    workspace: Path | str = ".",
    base: str = "HEAD",
    head: str | None = None,
    *,
    merge_base: bool = True,
    settings: Settings | None = None,
) -> DiffResult:
    """The changes from ``base`` to ``head`` (a revision; the working tree when ``None``).

    With ``merge_base`` (the default, as GitHub's "Files changed"), BASE is
    the merge base of ``base`` and HEAD, so that work merged into ``base``
    since HEAD branched off is not reported as undone. Raises
    :class:`~specgen.diff.git.GitError` for a git problem the user must fix.
    """
    if settings is None:
        settings, _ = resolve_settings(workspace)
    repo = Repository.at(settings.workspace)
    head_commit = repo.resolve(head) if head is not None else repo.head()
    if head_commit is None:
        raise GitError("no_commits", f"{repo.root} has no commits yet: there is no revision to compare with")
    given_base = repo.resolve(base)
    base_commit = repo.merge_base(given_base, head_commit) if merge_base else given_base
    revisions = Revisions(repo, settings)
    base_label = _label(base, base_commit, given_base, head or "the working tree")
    if head is None:
        (base_side,) = revisions.trees([("base", base_label, base_commit)])
        head_side = revisions.worktree("head", "the working tree")
    else:
        base_side, head_side = revisions.trees(
            [("base", base_label, base_commit), ("head", _label(head, head_commit, head_commit, head), head_commit)]
        )
    return DiffResult(
        Revision("base", base, base_commit, base_side.label, base_side.result.files),
        Revision("head", head, head_side.commit, head_side.label, head_side.result.files),
        compare(base_side, head_side),
        merge_base=merge_base and base_commit != given_base,
        folder="" if revisions.workspace == "." else revisions.workspace,
    )


def compare(base: Side, head: Side) -> list[Change]:
    """Every change from ``base`` to ``head``, in report order."""
    renamed = renames(base, head)
    return ordered([change for comparison in COMPARISONS for change in comparison(base, head, renamed)])


def _label(given: str, commit: str, resolved: str, other: str) -> str:
    """``main (1a2b3c4)``, or, when the merge base stands for what was given, says so."""
    short = commit[:7]
    return f"{given} ({short})" if commit == resolved else f"the merge base of {given} and {other} ({short})"
