"""``specgen export``: check the specs, then write them as CSV, JSON or Gherkin.

The check is the same as ``specgen check``'s (workspace, ``--today``,
``--strict``, ``--fail-on``, ``specgen.yaml``): a workspace that would fail
it exports nothing. Its findings go to standard error as text, so that an
export to standard output stays clean. Exit codes: 0 written, 1 findings
(nothing written), 2 a usage error (``--out`` not writable, a link in the
way, gherkin without a folder).
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from specgen.check import check
from specgen.clikit import EXIT_CLEAN, EXIT_FINDINGS, guarded, require_workspace, today_option, workspace_option
from specgen.diagnostics import GATES
from specgen.export import FORMATS, export
from specgen.export.gherkin_export import MARKER
from specgen.export.write import Refused, write_file, write_folder
from specgen.reporters import REPORTERS


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    required=True,
    help=(
        "csv: the test cases, one row each, for test-management tools (TestRail, Xray, Zephyr). "
        "json: the whole checked model, versioned (schema: model.schema.json, written by specgen schema). "
        "gherkin: one .feature file per feature with acceptance criteria (needs --out DIR)."
    ),
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help=(
        "Where to write: a file for csv and json (default: standard output), a folder for gherkin "
        "(FEAT-1.feature ...; its earlier export files of features now without criteria are removed, nothing else)."
    ),
)
@click.option(
    "--bom",
    is_flag=True,
    default=False,
    help="Start the CSV with a UTF-8 byte order mark, which Excel needs to read UTF-8 when the file is opened.",
)
@click.option(
    "--results",
    "results",
    metavar="PATH",
    multiple=True,
    help="JUnit XML test results to put on the test cases first, as for specgen check (repeatable, globs allowed).",
)
@click.option(
    "--fail-on",
    "fail_on",
    type=click.Choice(GATES),
    multiple=True,
    help="With --strict, fail on these warnings too (stale, deprecated, history, unmatched), as for specgen check.",
)
@click.option("--strict", is_flag=True, default=None, help="Export nothing when there are warnings, as check fails.")
@today_option
@workspace_option
@guarded
def export_command(
    workspace: Path,
    fmt: str,
    out: Path | None,
    bom: bool,
    results: tuple[str, ...],
    fail_on: tuple[str, ...],
    strict: bool | None,
    today: datetime | None,
) -> None:
    """Check the specs, then export them: test cases as CSV, the model as JSON, criteria as Gherkin."""
    require_workspace(workspace)
    chosen = FORMATS[fmt]
    if bom and fmt != "csv":
        raise click.UsageError("--bom applies to --format csv only")
    if not chosen.stream and out is None:
        raise click.UsageError(f"--format {fmt} writes one file per feature: give a folder with --out DIR")
    result = check(
        workspace,
        strict=strict,
        today=today.date() if today else None,
        fail_on=frozenset(fail_on) or None,
        results=results or None,
    )
    click.echo(REPORTERS["text"](result), nl=False, err=True)
    model = result.workspace
    if not result.success or model is None:
        click.echo("export stopped: nothing was written", err=True)
        sys.exit(EXIT_FINDINGS)
    exported = export(model, fmt, bom=bom)
    try:
        if out is None:
            (data,) = exported.files.values()
            click.echo(data, nl=False)  # bytes go to the binary stream as they are: CSV's \r\n stays
            sys.exit(EXIT_CLEAN)
        if chosen.stream:
            (data,) = exported.files.values()
            write_file(out, data)
            click.echo(f"exported {exported.summary} to {out}", err=True)
        else:
            done = write_folder(out, exported.files, suffix=".feature", marker=MARKER.encode("utf-8"))
            removed = f"; removed {len(done.removed)} stale: {', '.join(done.removed)}" if done.removed else ""
            click.echo(f"exported {exported.summary} to {out}{removed}", err=True)
    except Refused as error:
        raise click.BadParameter(str(error), param_hint="--out") from error
    except OSError as error:
        raise click.BadParameter(
            f"cannot write to {str(out)!r}: {error.strerror or error}", param_hint="--out"
        ) from error
    sys.exit(EXIT_CLEAN)
