"""``specgen explain``: a kind's fields, or a rule's summary, in the terminal.

``specgen explain`` lists the kinds; ``specgen explain feature`` prints every
field of a feature (from :mod:`specgen.schema.reference`, the same text as
``docs/fields.md``), and ``-w DIR`` adds the custom fields that workspace's
``specgen.yaml`` declares; ``specgen explain SG201`` prints what a rule code means.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from specgen.clikit import EXIT_CLEAN, EXIT_ERROR, guarded
from specgen.config import custom_fields
from specgen.diagnostics import RULES
from specgen.kinds import KINDS
from specgen.schema import reference
from specgen.schema.custom import NO_FIELDS, CustomFields
from specgen.suggest import did_you_mean


def explain(topic: str | None, custom: CustomFields = NO_FIELDS) -> tuple[str, bool]:
    """What ``specgen explain TOPIC`` prints, and whether ``topic`` was known (no topic: the list of kinds).

    ``custom``: a workspace's custom fields, listed with their kind's.
    """
    if topic is None:
        return _kinds(), True
    name = topic.strip()
    if name.upper() in RULES:
        rule = RULES[name.upper()]
        gate = f"; with --strict it fails only with --fail-on {rule.gate}" if rule.gate else ""
        return f"{rule.code} ({rule.severity}{gate}): {rule.summary}\n", True
    if name.lower() in KINDS:
        return reference.text(name.lower(), custom=custom), True
    hint = did_you_mean(name.lower(), [*KINDS, *RULES], synonyms=_SYNONYMS)
    known = ", ".join(KINDS)
    return f"unknown kind or rule {topic!r}{f' ({hint})' if hint else ''}; the kinds are {known}\n", False


#: Words people type for a kind: the folder names, the ID prefixes.
_SYNONYMS = {
    **{kind.folder: name for name, kind in KINDS.items() if kind.folder},
    **{kind.prefix.lower(): name for name, kind in KINDS.items() if kind.prefix},
    "products": "product",
    "status": "update",
    "okr": "objective",
}


def _kinds() -> str:
    width = max(len(name) for name in KINDS)
    lines = ["The kinds of spec (specgen explain KIND lists a kind's fields):", ""]
    for name, kind in KINDS.items():
        lines.append(f"  {name.ljust(width)}  {reference.where(kind)}")
    lines += [
        "",
        "specgen explain SG201 says what a rule code means. Every field of every kind: docs/fields.md.",
    ]
    return "\n".join(lines) + "\n"


@click.command("explain")
@click.argument("topic", required=False, metavar="[KIND|CODE]")
@click.option(
    "-w",
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="A workspace whose custom fields (fields: in its specgen.yaml) to list with the kind's own.",
)
@guarded
def explain_command(topic: str | None, workspace: Path | None) -> None:
    """Print a kind's fields (type, allowed values, required, example), or what a rule code means."""
    shown, known = explain(topic, custom_fields(workspace.resolve()) if workspace is not None else NO_FIELDS)
    click.echo(shown, nl=False, err=not known)
    sys.exit(EXIT_CLEAN if known else EXIT_ERROR)
