"""The whole checked model as versioned JSON, described by ``model.schema.json``.

Made from the model's dataclasses field by field (``dataclasses.fields``), so a
field added to :mod:`specgen.model` is exported with no change here (and the
schema test says when ``model.schema.json`` needs a refresh). Every field is
written, ``null`` or empty when a spec leaves it out, so a tool never has to
know the defaults. Markdown fields hold their source; the schema marks them
(``contentMediaType: text/markdown``) so that a tool can render or strip them:
one form per field keeps the document simple, and the source loses nothing.
Lists of specs are in natural ID order, object keys sorted: the same specs give
the same bytes.

``analysis`` adds what a tool would otherwise recompute: each framework's
ranking of the open features (:mod:`specgen.analysis.ranking`) and the test
coverage figures.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from specgen.analysis import FRAMEWORKS, Analysis
from specgen.export.model_schema import FORMAT, VERSION
from specgen.model import Workspace

FILE_NAME = "model.json"


def data_of(value: Any) -> Any:
    """A model value as JSON data: dataclasses as objects of all their fields, Markdown texts as their source."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: data_of(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [data_of(v) for v in value]
    if isinstance(value, dict):  # custom fields, by name
        return {str(k): data_of(v) for k, v in value.items()}
    if isinstance(value, str):
        return str(value)  # a Text is a str that knows its rendered forms: only the text goes out
    return value


def _analysis(ws: Workspace) -> dict[str, Any]:
    analysis = Analysis(ws)
    rankings = []
    for framework in FRAMEWORKS:
        ranking = analysis.rankings[framework.key]
        rankings.append(
            {
                "framework": framework.key,
                "title": framework.title,
                "formula": framework.formula,
                "ranked": [
                    {"feature": s.feature.id, "rank": i, "score": s.value}
                    for i, s in enumerate(ranking.ranked, start=1)
                ],
                "unscorable": [{"feature": s.feature.id, "missing": list(s.missing)} for s in ranking.unscorable],
            }
        )
    coverage = analysis.coverage
    return {
        "rankings": rankings,
        "coverage": {
            "requirements": coverage.requirements,
            "covered": coverage.covered,
            "percent": coverage.percent,
            "tests": coverage.tests,
            "automated": coverage.automated,
            "untested_musts": coverage.untested_musts,
            "orphan_tests": coverage.orphan_tests,
        },
    }


def model_data(ws: Workspace) -> dict[str, Any]:
    """The exported document as data: ``format``, ``version``, one key per kind, ``analysis``."""
    document: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    for f in dataclasses.fields(ws):
        value = getattr(ws, f.name)
        document[f.name] = [data_of(v) for v in value.values()] if isinstance(value, dict) else data_of(value)
    document["analysis"] = _analysis(ws)
    return document


def model_json(ws: Workspace) -> str:
    """:func:`model_data` as JSON text: keys sorted, two-space indent, UTF-8 as is, a final newline."""
    return json.dumps(model_data(ws), indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"
