"""The ``specgen init`` and ``specgen new`` commands: flags in, the scaffold library called, exit codes out.

Both exit 0 when they wrote, and 2 for a usage problem (a file in the way,
an unknown kind, a taken ID): they find nothing in the specs, so never 1.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from specgen.check import resolve_settings
from specgen.clikit import EXIT_CLEAN, EXIT_ERROR, guarded, require_workspace, today_option, workspace_option
from specgen.config import today as clock_today
from specgen.diagnostics import did_you_mean
from specgen.kinds import KINDS

#: The kinds ``new`` writes: all but the product (a workspace has one). The same as
#: :data:`specgen.scaffold.new.KIND_NAMES`, named here so that ``specgen --help`` need not load Jinja.
KIND_NAMES = tuple(name for name, kind in KINDS.items() if kind.folder)


@click.command("init")
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@today_option
@guarded
def init_command(directory: Path, today: datetime | None) -> None:
    """Write an example workspace into DIRECTORY (default: here): specs, site and CI settings.

    Nothing is overwritten: when a file it would write exists, init writes nothing and names it.
    """
    from specgen.scaffold.init import init_workspace
    from specgen.scaffold.install import current_install
    from specgen.scaffold.write import InTheWay

    install = current_install()
    try:
        outcome = init_workspace(directory, today=today.date() if today else clock_today(), install=install)
    except (InTheWay, OSError) as error:  # InTheWay: a file or link appeared while init was writing
        raise click.UsageError(f"cannot write the workspace into {str(directory)!r}: {_reason(error)}") from error
    if outcome.refused:
        for reason in outcome.refused:
            click.echo(f"specgen init: {reason}", err=True)
        click.echo(
            f"specgen init wrote nothing: {len(outcome.refused)} of its files would replace something in "
            f"{str(directory)!r}. Move those aside, or init into another folder.",
            err=True,
        )
        sys.exit(EXIT_ERROR)
    root = directory.resolve()
    for path in outcome.written:
        click.echo(path.relative_to(directory).as_posix())
    where = "" if root == Path.cwd().resolve() else f"cd {click.format_filename(directory)}\n  "
    click.echo(
        f"\nWrote {len(outcome.written)} files: an example product with its CI ({install.pip_command}).\n"
        "Next:\n"
        f"  {where}specgen check                # every spec checked: nothing to fix yet\n"
        '  specgen new feature "Title"  # your first feature, with prompts (✎) to replace\n'
        "  specgen serve                # preview the site at http://127.0.0.1:8000\n"
        "Then commit, and on GitHub set Settings -> Pages -> Source to GitHub Actions to publish the site.",
        err=True,
    )
    if install.warning:
        click.echo(f"warning: {install.warning}", err=True)
    sys.exit(EXIT_CLEAN)


def _kind(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    if value in KIND_NAMES:
        return value
    hint = did_you_mean(value, KIND_NAMES) or f"kinds: {', '.join(KIND_NAMES)}"
    if value == "product":
        hint = "a workspace has one product, specs/product.yaml (`specgen init` writes one)"
    raise click.BadParameter(f"{value!r} is no kind of spec `new` writes ({hint})")


@click.command("new")
@click.argument("kind", metavar="KIND", callback=_kind)
@click.argument("title")
@click.option("--id", "ident", metavar="ID", default=None, help="The ID to take (default: the next free one).")
@workspace_option
@today_option
@guarded
def new_command(kind: str, title: str, ident: str | None, workspace: Path, today: datetime | None) -> None:
    """Write a new spec of KIND (feature, objective, persona, stakeholder, evidence, release, decision, update).

    It takes the next free ID (IDs are never reused: git history counts), and fills in TITLE and
    prompts starting with ✎, which `specgen check --strict` reports until they are replaced.
    """
    from specgen.scaffold.new import Refused, new_spec
    from specgen.scaffold.write import InTheWay

    require_workspace(workspace)
    settings, problems = resolve_settings(workspace, today=today.date() if today else None)
    if problems:  # the specs folder may be misnamed: write nowhere rather than somewhere else
        for problem in problems:
            click.echo(str(problem), err=True)
        raise click.UsageError("specgen.yaml has problems (above); fix them first")
    try:
        created = new_spec(settings, kind, title, ident=ident)
    except (Refused, InTheWay) as error:
        raise click.UsageError(str(error)) from error
    except OSError as error:
        raise click.UsageError(f"cannot write the new spec: {_reason(error)}") from error
    for note in created.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(str(created.path.relative_to(settings.workspace)))
    sys.exit(EXIT_CLEAN)


def _reason(error: Exception) -> str:
    return (error.strerror or str(error)) if isinstance(error, OSError) else str(error)
