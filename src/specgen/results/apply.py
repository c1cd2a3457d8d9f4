"""Applying: imported results on the model's test cases, and what the import finds (SG411-SG413).

For each test case with an ``automation_ref`` that matches results
(:mod:`specgen.results.match`), the combined result replaces its
``last_result``: an import wins over what the spec says. A test case that
matches nothing keeps a hand-written ``last_result`` (manual tests), and one
with neither has not run. Results combine as the headline counts read them:
the worst status wins (error > failed > passed > skipped), durations add up,
the latest time is when it ran, and the message and source are those of the
first result with that worst status.

The findings read the documents (the sound parts the rules read), not the
model, so that they are found whether or not the model can be built:

- SG411, one per results file: its results that match no test case, counted,
  with the first few named (a file of 3,000 unmatched tests is one finding to
  act on, not 3,000 lines);
- SG412 at the ``automation_ref`` of each automated test case that matches no
  result;
- SG413 at each test case of a beta or shipped feature whose latest result,
  imported or written in the spec, is failed or error.

SG411 and SG412 need results: they appear only when at least one results file
was read, so a check without ``--results`` (the pre-commit hook) never has them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from specgen.diagnostics import Diagnostic
from specgen.limits import Limits
from specgen.loader import Document
from specgen.model import ImportSummary, LastResult, Workspace
from specgen.results import files, junit
from specgen.results.junit import Case
from specgen.results.match import Index

#: Feature statuses whose failing tests are flagged (SG413): what customers already have.
RELEASED = ("beta", "shipped")
#: How many unmatched results a finding or a page names before it only counts.
NAMED = 5
#: How many unmatched results and refs the model keeps for pages (the counts are whole).
KEPT = 100


@dataclass(frozen=True)
class Imported:
    """The results read from the ``--results`` files, and the problems reading them."""

    files: tuple[str, ...] = ()
    cases: tuple[Case, ...] = ()
    #: SG410 for each file or pattern that gave no results.
    problems: tuple[Diagnostic, ...] = ()

    @cached_property
    def index(self) -> Index:
        return Index(self.cases)

    def lookup(self, ref: str) -> list[Case]:
        """The results ``ref`` names (memoised)."""
        return self.index.lookup(ref)


def read_results(
    patterns: Sequence[str | Path],
    limit: int,
    total: int = Limits.max_results_total_bytes,
    most_files: int = Limits.max_results_files,
    workspace: Path | None = None,
) -> Imported:
    """Read every results file that ``patterns`` (paths or globs) name; a bad one is SG410, the rest still count.

    ``limit`` bounds one file; ``total`` and ``most_files`` bound the run, and
    the files past them are not read (one SG410 says so). With a
    ``workspace``, files are shown relative to it (:func:`files.expand`).
    """
    paths, problems = files.expand(patterns, workspace)
    read: list[str] = []
    cases: list[Case] = []
    spent = 0
    for n, (path, shown) in enumerate(paths):
        raw, written, refused = (None, None, None) if n == most_files else files.read(path, shown, limit)
        if (raw is not None and spent + len(raw) > total) or n == most_files:
            what = f"{most_files:,} files" if n == most_files else f"{total:,} bytes in all"
            problems.append(_over(shown, what, len(paths) - n - 1))
            break
        if refused is not None or raw is None:
            problems.extend([refused] if refused else [])
            continue
        spent += len(raw)
        found, broken = junit.parse(raw, shown, written)
        if broken is not None:
            problems.append(broken)
            continue
        read.append(shown)
        cases.extend(found)
    return Imported(tuple(read), tuple(cases), tuple(problems))


def _over(shown: str, what: str, more: int) -> Diagnostic:
    rest = f"this file and {more:,} more were" if more else "this file was"
    return Diagnostic.of(
        "SG410",
        shown,
        f"the results files reached the limit of {what} for one run: {rest} not read",
        hint="give --results fewer or smaller files; limits in specgen.yaml can only lower these",
    )


def combine(cases: Sequence[Case]) -> LastResult:
    """One result from several (see the module docstring)."""
    status = junit.worst([c.status for c in cases])
    decisive = next(c for c in cases if c.status == status)
    durations = [c.duration for c in cases if c.duration is not None]
    stamps = [c.timestamp for c in cases if c.timestamp]
    ran_at = max(stamps) if stamps else None
    return LastResult(
        status=status,
        date=ran_at[:10] if ran_at else None,
        duration=sum(durations) if durations else None,
        message=decisive.message,
        ran_at=ran_at,
        source=decisive.source,
        combined=len(cases),
    )


def apply_results(ws: Workspace, imported: Imported) -> Workspace:
    """``ws`` with the imported results on its test cases, and a summary of what matched nothing."""
    features = {}
    missing: list[tuple[str, str]] = []
    for fid, feature in ws.features.items():
        cases = []
        for case in feature.test_cases:
            matched = imported.lookup(case.automation_ref) if case.automation_ref else []
            if matched:
                case = dataclasses.replace(case, last_result=combine(matched))
            elif case.automation_ref and case.automation == "automated":
                missing.append((case.id, case.automation_ref))
            cases.append(case)
        features[fid] = dataclasses.replace(feature, test_cases=cases)
    refs = [t.automation_ref for f in ws.features.values() for t in f.test_cases if t.automation_ref]
    unmatched = _unmatched(imported, refs)
    summary = ImportSummary(
        files=imported.files,
        results=len(imported.cases),
        unmatched=tuple(c.label for c in unmatched[:KEPT]),
        unmatched_count=len(unmatched),
        missing=tuple(missing[:KEPT]),
        missing_count=len(missing),
    )
    return dataclasses.replace(ws, features=features, imported=summary)


def _unmatched(imported: Imported, refs: Sequence[str]) -> list[Case]:
    used = {id(c) for ref in refs for c in imported.lookup(ref)}
    return [c for c in imported.cases if id(c) not in used]


def findings(documents: Sequence[Document], imported: Imported | None) -> list[Diagnostic]:
    """SG411, SG412 and SG413 for the documents (their sound parts), given what was imported."""
    given = imported is not None and bool(imported.files)
    problems: list[Diagnostic] = []
    refs: list[str] = []
    for doc in documents:
        if doc.kind.name != "feature" or not isinstance(doc.data.get("test_cases"), list):
            continue
        released = doc.data.get("status") in RELEASED
        for i, item in enumerate(doc.data["test_cases"]):
            if not isinstance(item, dict):
                continue
            ref = item.get("automation_ref")
            matched = imported.lookup(ref) if given and imported and isinstance(ref, str) else []
            if isinstance(ref, str):
                refs.append(ref)
            if given and isinstance(ref, str) and not matched and item.get("automation") == "automated":
                problems.append(
                    Diagnostic.of(
                        "SG412",
                        doc.path,
                        f"{_id(item)}: automation_ref {ref!r} matches no imported test result",
                        pointer=("test_cases", i, "automation_ref"),
                        hint="is the test named as the results file names it? pytest names tests/test_x.py::test_y",
                    )
                )
            latest = combine(matched) if matched else _written(item.get("last_result"))
            if released and latest is not None and latest.status in ("failed", "error"):
                problems.append(_failing(doc, i, item, latest))
    if given and imported:
        problems.extend(_unmatched_findings(imported, refs))
    return problems


def _id(item: dict[str, Any]) -> str:
    return str(item.get("id", "a test case"))


def _written(value: object) -> LastResult | None:
    if isinstance(value, dict) and isinstance(value.get("status"), str):
        return LastResult(
            status=value["status"], date=value.get("date") if isinstance(value.get("date"), str) else None
        )
    return None


def _failing(doc: Document, i: int, item: dict[str, Any], latest: LastResult) -> Diagnostic:
    where = f"in {latest.source}" if latest.source else "as the spec says"
    when = f" on {latest.date}" if latest.date else ""
    verdict = "failed" if latest.status == "failed" else "ended in an error"
    message = f"{doc.data.get('id', 'the feature')} is {doc.data.get('status')}, but test case {_id(item)} {verdict}"
    return Diagnostic.of(
        "SG413",
        doc.path,
        f"{message} {where}{when}",
        pointer=("test_cases", i),
        hint="fix the test or the feature, or say in its status that it is not ready",
    )


def _unmatched_findings(imported: Imported, refs: Sequence[str]) -> list[Diagnostic]:
    """One SG411 for each of the first :data:`NAMED` files with unmatched results, then one for the rest."""
    by_file: dict[str, list[Case]] = {}
    for case in _unmatched(imported, refs):
        by_file.setdefault(case.source, []).append(case)
    problems = [_unmatched_in(source, cases) for source, cases in list(by_file.items())[:NAMED]]
    rest = list(by_file.items())[NAMED:]
    if rest:
        n = sum(len(cases) for _, cases in rest)
        problems.append(
            Diagnostic.of(
                "SG411",
                rest[0][0],
                f"{n:,} more result{'s' if n != 1 else ''} in this file and {len(rest) - 1:,} other files "
                "match no test case's automation_ref",
                hint=_UNMATCHED_HINT,
            )
        )
    return problems


_UNMATCHED_HINT = "name them in a test case's automation_ref, or leave them: not every test needs a test case"


def _unmatched_in(source: str, cases: list[Case]) -> Diagnostic:
    named = ", ".join(c.label for c in cases[:NAMED])
    more = f" and {len(cases) - NAMED:,} more" if len(cases) > NAMED else ""
    n = len(cases)
    return Diagnostic.of(
        "SG411",
        source,
        f"{n:,} result{'s' if n != 1 else ''} match{'es' if n == 1 else ''} no test case's automation_ref: "
        f"{named}{more}",
        hint=_UNMATCHED_HINT,
    )
