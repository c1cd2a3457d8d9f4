"""Feature rules that read one feature and the settings: its team (SG326), its automated tests (SG322).

- SG326: a ``team`` must be one of the ``teams`` in specgen.yaml. Lanes on
  the roadmap are made of team names, and free text would split them on a
  typo ("Payments" and "payments").
- SG322: an automated test case must name its ``automation_ref``, or no
  result can ever reach it. A deprecation warning (group ``deprecated``) for
  this release, as for renamed values; an error from the next one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from specgen.diagnostics import Diagnostic, did_you_mean
from specgen.loader import Document


def feature_rules(documents: Sequence[Document], teams: Sequence[str]) -> Iterator[Diagnostic]:
    """SG326 and SG322 for the sound parts of the features among ``documents``."""
    for doc in documents:
        if doc.kind.name != "feature":
            continue
        team = doc.data.get("team")
        if isinstance(team, str) and team not in teams:
            yield _unknown_team(doc, team, teams)
        cases = doc.data.get("test_cases")
        for i, case in enumerate(cases if isinstance(cases, list) else []):
            if isinstance(case, dict) and case.get("automation") == "automated" and not case.get("automation_ref"):
                yield Diagnostic.of(
                    "SG322",
                    doc.path,
                    f"test case {case.get('id', i + 1)} is automated but names no automation_ref, so no test "
                    "result can reach it; from the next release this is an error",
                    pointer=("test_cases", i, "automation"),
                    hint="add automation_ref: the test as its runner names it, e.g. tests/test_x.py::test_y",
                )


def _unknown_team(doc: Document, team: str, teams: Sequence[str]) -> Diagnostic:
    if not teams:
        message = f"team {team!r}: specgen.yaml lists no teams"
        hint = f"add teams: [{team}] to specgen.yaml, so that every feature spells its team one way"
    else:
        message = f"team {team!r} is not one of the teams specgen.yaml lists"
        hint = did_you_mean(team, list(teams)) or f"the teams are {', '.join(teams)}"
    return Diagnostic.of("SG326", doc.path, message, pointer=("team",), hint=hint)
