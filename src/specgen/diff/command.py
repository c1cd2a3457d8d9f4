"""``specgen diff``: the command over :func:`specgen.diff.diff` and its reports.

Exit 0 when the diff ran, whatever it found; 1 only when ``--fail-on``
names a kind of change the diff holds; 2 for a bad revision, a folder that
is not a git repository, or any other git problem, with git's reason.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from specgen.check import resolve_settings
from specgen.clikit import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    guarded,
    require_workspace,
    today_option,
    workspace_option,
)
from specgen.diff import diff
from specgen.diff.changes import BACKWARDS, INTO_SHIPPED, MADE_EXTERNAL, NEW_ERROR, SLIP, SUSPECT, UNREADABLE
from specgen.diff.git import GitError
from specgen.diff.report import REPORTS, ReportOptions, link_base_problem

#: ``--fail-on`` words, each the flag of the changes it fails on.
FAIL_ON = {
    "error": NEW_ERROR,
    "visibility": MADE_EXTERNAL,
    "backwards": BACKWARDS,
    "shipped": INTO_SHIPPED,
    "slip": SLIP,
    "suspect": SUSPECT,
    "unreadable": UNREADABLE,
}


def _link_base(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    problem = link_base_problem(value)
    if problem:
        raise click.BadParameter(problem)
    return value if value.endswith("/") else value + "/"


@click.command("diff")
@click.argument("base")
@click.argument("head", required=False)
@workspace_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(REPORTS)),
    default="text",
    show_default=True,
    help="text for a terminal, markdown for a pull-request comment, json for tools.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to FILE.")
@click.option(
    "--link-base",
    callback=_link_base,
    metavar="URL",
    help="Link spec files in the Markdown report to URL + path (e.g. https://github.com/o/r/blob/<sha>/).",
)
@click.option(
    "--fail-on",
    "fail_on",
    type=click.Choice(sorted(FAIL_ON)),
    multiple=True,
    help=(
        "Exit 1 when the diff holds such a change: error (a new error), visibility (an internal item made "
        "external), backwards (a status moved back), shipped (a feature moved into a shipped release), slip, "
        "suspect (a test case to review), unreadable (a spec that does not load at HEAD). Repeatable."
    ),
)
@click.option(
    "--no-merge-base",
    is_flag=True,
    default=False,
    help="Compare with BASE itself, not with the merge base of BASE and HEAD.",
)
@today_option
@guarded
def diff_command(
    base: str,
    head: str | None,
    workspace: Path,
    output_format: str,
    output: Path | None,
    link_base: str | None,
    fail_on: tuple[str, ...],
    no_merge_base: bool,
    today: datetime | None,
) -> None:
    """What the changes from BASE to HEAD mean for the product.

    BASE and HEAD are git revisions (a branch, a tag, a commit, origin/main,
    HEAD~3); without HEAD, the working tree, new files included. By default
    BASE is the merge base of BASE and HEAD, as a pull request shows it.
    """
    require_workspace(workspace)
    settings, problems = resolve_settings(workspace, today=today.date() if today else None)
    if problems:  # where the specs live and which files are ignored: a diff on broken settings would mislead
        for problem in problems:
            click.echo(str(problem), err=True)
        click.echo("specgen diff: fix specgen.yaml first (specgen check reports the same)", err=True)
        sys.exit(EXIT_ERROR)
    try:
        result = diff(workspace, base, head, merge_base=not no_merge_base, settings=settings)
    except GitError as error:
        click.echo(f"specgen diff: {error}", err=True)
        sys.exit(EXIT_ERROR)
    report = REPORTS[output_format](result, ReportOptions(link_base=link_base))
    if output is None:
        click.echo(report, nl=False)
    else:
        try:
            output.write_text(report, encoding="utf-8")
        except OSError as error:
            raise click.UsageError(f"cannot write {output}: {error.strerror or error}") from error
    failing = [word for word in fail_on if result.flagged(FAIL_ON[word])]
    if failing:
        click.echo(f"specgen diff: failing on {', '.join(failing)}", err=True)
    sys.exit(EXIT_FINDINGS if failing else EXIT_CLEAN)
