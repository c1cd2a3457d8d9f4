"""Acceptance criteria as Gherkin: one ``.feature`` file per feature that has any.

The shape, for BDD tools (Cucumber, behave, pytest-bdd, SpecFlow) and for
people who read them::

    # language: en
    # Exported by specgen from specs/features/FEAT-1.yaml: regenerate it rather than edit it.
    @FEAT-1
    Feature: Timeline view
      Summary: See the quarter at a glance.
      Problem: Leads cannot see what ships when.

      @FEAT-1.R1 @must
      Scenario: R1 AC1 Show features on a time axis by release.
        Given a release with two features
        When the timeline opens
        Then both features appear under the release

A given/when/then criterion gives the three steps. A free-text criterion
gives one step, ``Then the criterion is met:``, with the text in a doc string:
the text travels with the scenario into every report (a comment would not),
and a BDD runner shows the scenario as undefined until someone writes its
step, never as passed. Text is the plain form of the Markdown fields, but in
a doc string, which holds the text as the spec writes it (lists and
paragraphs read there as they are).

**Escaping.** User text never starts a line: every line begins with a keyword
or a label of ours (``Summary:``, ``Problem:`` and ``Requirement:`` are no
Gherkin keywords), so a text that starts with ``Scenario:``, ``Given``, ``@``,
``#``, ``|`` or ``\"\"\"`` stays text, and line breaks of every kind become
spaces. The one place text has lines of its own is a doc string, where the
Gherkin grammar reads only the closing delimiter: ``\"\"\"`` inside is written
``\\"\\"\\"``, the escape the grammar defines (the parser turns it back); text
that already holds that escape goes between ````` fences instead. The first
line pins the dialect to English, so that a ``# language:`` line in spec text
(it is a comment in any case, past the first line) changes nothing.
"""

from __future__ import annotations

from specgen.export.plain import as_written, one_line
from specgen.model import Criterion, Feature, Requirement, Workspace

#: The first lines of every file this module writes: how ``export`` knows a file is its own.
MARKER = "# language: en\n# Exported by specgen"
#: A scenario's name gives this many characters of the requirement's statement; the rest is on a line below.
SHORT = 80
_INDENT = "  "
_ESCAPED = '\\"\\"\\"'


def short(text: str, limit: int = SHORT) -> str:
    """``text`` cut at a word to at most ``limit`` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return cut.rstrip() + "\u2026"


def doc_string(text: str, indent: str) -> list[str]:
    """``text`` as the lines of a doc string (delimiters included) that Gherkin reads back as ``text``."""
    if _ESCAPED in text and "```" not in text and "\\`\\`\\`" not in text:
        fence, body = "```", text
    else:
        fence, body = '"""', text.replace('"""', _ESCAPED)
    return [f"{indent}{fence}", *(f"{indent}{line}" if line else "" for line in body.splitlines()), f"{indent}{fence}"]


def _step(keyword: str, text: str | None) -> str:
    return f"{keyword} {one_line(text or '') or '(no text)'}"


def _scenario(requirement: Requirement, number: int, criterion: Criterion) -> list[str]:
    statement = one_line(requirement.statement)
    title = short(statement)
    head = [
        f"{_INDENT}@{requirement.uid} @{requirement.priority}",
        f"{_INDENT}Scenario: {requirement.id} AC{number} {title}",
    ]
    if title != statement:
        head.append(f"{_INDENT * 2}Requirement: {statement}")
    steps = _INDENT * 2
    if criterion.text is not None:
        text = as_written(criterion.text).strip()
        return [*head, f"{steps}Then the criterion is met:", *doc_string(text, steps + _INDENT)]
    return [
        *head,
        f"{steps}{_step('Given', criterion.given)}",
        f"{steps}{_step('When', criterion.when)}",
        f"{steps}{_step('Then', criterion.then)}",
    ]


def feature_file(feature: Feature) -> str | None:
    """The ``.feature`` text of one feature; ``None`` when it has no acceptance criteria."""
    scenarios = [_scenario(r, n, c) for r in feature.requirements for n, c in enumerate(r.acceptance_criteria, start=1)]
    if not scenarios:
        return None
    lines = [
        f"{MARKER} from {one_line(feature.source) or feature.id}: regenerate it rather than edit it.",
        f"@{feature.id}",
        f"Feature: {one_line(feature.title)}",
    ]
    for label, text in (("Summary", feature.summary), ("Problem", feature.problem)):
        if text and one_line(text):
            lines.append(f"{_INDENT}{label}: {one_line(text)}")
    for scenario in scenarios:
        lines.extend(["", *scenario])
    return "\n".join(lines) + "\n"


def feature_files(ws: Workspace) -> dict[str, str]:
    """``FEAT-1.feature`` -> its text, for every feature with acceptance criteria, in natural ID order."""
    files = {}
    for feature in ws.features.values():
        text = feature_file(feature)
        if text is not None:
            files[f"{feature.id}.feature"] = text
    return files
