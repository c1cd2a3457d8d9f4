"""Model: typed, read-only objects built from schema-valid documents.

The model is built only after validation passed, so construction never has to
guess: every required field is present and has the right type. Field names are
the YAML keys, so a template author reads the schema and knows the model. A
field the schema marks as Markdown holds a :class:`specgen.text.fields.Text`
(a ``str`` that also knows its rendered forms).

:mod:`~specgen.model.entities` holds the dataclasses, :mod:`~specgen.model.workspace`
the :class:`Workspace` that gathers them, and :mod:`~specgen.model.convert`
builds both from documents.
"""

from specgen.model.convert import build, build_workspace
from specgen.model.entities import (
    Ask,
    Benefit,
    BusinessCase,
    Criterion,
    Decision,
    Evidence,
    Feature,
    Ice,
    ImportSummary,
    KeyResult,
    LastResult,
    Link,
    Measurement,
    Objective,
    Option,
    Persona,
    Product,
    Release,
    Requirement,
    Rice,
    Risk,
    Scoring,
    Stakeholder,
    Step,
    TestCase,
    Update,
    Vision,
    Wsjf,
)
from specgen.model.workspace import Workspace

__all__ = [
    "Ask",
    "Benefit",
    "BusinessCase",
    "Criterion",
    "Decision",
    "Evidence",
    "Feature",
    "Ice",
    "ImportSummary",
    "KeyResult",
    "LastResult",
    "Link",
    "Measurement",
    "Objective",
    "Option",
    "Persona",
    "Product",
    "Release",
    "Requirement",
    "Rice",
    "Risk",
    "Scoring",
    "Stakeholder",
    "Step",
    "TestCase",
    "Update",
    "Vision",
    "Workspace",
    "Wsjf",
    "build",
    "build_workspace",
]
