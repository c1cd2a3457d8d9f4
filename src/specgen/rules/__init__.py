"""Rules: checks that span files, beyond what a JSON Schema can say.

Each module holds one family: :mod:`~specgen.rules.identity` (IDs and
references, on every document that loaded), :mod:`~specgen.rules.plan`
(cycles, coverage, release order, alignment), :mod:`~specgen.rules.readers`
(what readers of the briefs would miss), :mod:`~specgen.rules.releases`
(features against their releases, and releases past their date),
:mod:`~specgen.rules.objectives` (key results and their history),
:mod:`~specgen.rules.decisions` (what superseded a decision),
:mod:`~specgen.rules.features` (a feature's team and automated tests) and
:mod:`~specgen.rules.capacity` (releases against their capacity). All but the
first read the schema-valid parts of each document (:mod:`~specgen.rules.valid`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from specgen.diagnostics import Diagnostic
from specgen.kinds import PRODUCT_ID, Kind
from specgen.loader import Document
from specgen.rules.capacity import capacity_rules
from specgen.rules.decisions import decision_rules
from specgen.rules.features import feature_rules
from specgen.rules.identity import entity_id, index_ids, references, resolve_requirement
from specgen.rules.objectives import objective_rules
from specgen.rules.plan import PLANNED_OR_LATER, plan_rules
from specgen.rules.readers import reader_gaps
from specgen.rules.releases import release_rules
from specgen.rules.valid import Valid

__all__ = ["PLANNED_OR_LATER", "check_rules", "entity_id", "resolve_requirement"]


def check_rules(
    documents: Sequence[Document],
    valid: Sequence[Valid],
    unreadable: Mapping[str, Kind] | None = None,
    today: date | None = None,
    teams: Sequence[str] = (),
) -> list[Diagnostic]:
    """Cross-file diagnostics.

    ``valid`` holds every document of ``documents`` with the top-level keys
    its schema check found broken (the rules about meaning read the others);
    ``unreadable`` names the files that could not be parsed (by file stem),
    whose IDs still count as defined. ``today`` is the day rules about dates
    measure against (SG316); without it they do not run. ``teams`` are the
    teams specgen.yaml lists, which a feature's ``team`` must name (SG326).
    """
    index, problems = index_ids(documents)
    index.unreadable.update(unreadable or {})
    # A document whose ID is taken by another file is left out of the rules
    # about meaning: its ID already has an error, and it would shadow the first.
    valid = [v for v in valid if index.entities.get(entity_id(v.document) or "") is v.document]
    problems.extend(references(documents, index))
    if not any(d.kind.name == "product" for d in documents) and PRODUCT_ID not in index.unreadable:
        problems.append(
            Diagnostic.of(
                "SG310",
                "specs/product.yaml",
                "the workspace has no product spec",
                hint="create specs/product.yaml with the product's name, vision and owner",
            )
        )
    problems.extend(plan_rules(valid))
    problems.extend(reader_gaps(valid))
    problems.extend(release_rules([v.sound for v in valid], today))
    sound = [v.sound for v in valid]
    problems.extend(objective_rules(sound))
    problems.extend(decision_rules(sound))
    problems.extend(feature_rules(sound, teams))
    problems.extend(capacity_rules(sound))
    return problems
