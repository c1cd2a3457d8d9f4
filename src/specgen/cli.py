"""The ``specgen`` command: a thin layer over the library API.

Exit codes, named in :mod:`specgen.clikit` and decided by the commands
(here, and ``specgen diff`` in :mod:`specgen.diff.command`):

* 0: clean (warnings allowed unless ``--strict``)
* 1: findings in the specs (or a build that failed because of them)
* 2: usage error, or an internal error (a bug: please report it)
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

import click

from specgen import step_summary
from specgen.check import CheckResult, check, resolve_settings
from specgen.clikit import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    F,
    TerminalProgress,
    guarded,
    require_workspace,
    today_option,
    workspace_option,
)
from specgen.config import SINCE_EXAMPLE, since_problem
from specgen.diagnostics import GATES
from specgen.diff.command import diff_command
from specgen.export.command import export_command
from specgen.reporters import REPORTERS
from specgen.scaffold.command import init_command, new_command
from specgen.schema.explain import explain_command
from specgen.siteconfig import TRUST_ENV
from specgen.version import __version__


def _trust_option(func: F) -> F:
    return click.option(
        "--trust-mkdocs-config",
        is_flag=True,
        default=False,
        help=(
            f"Let MkDocs read mkdocs.yml as it is: hooks, any plugin, !ENV (the same as {TRUST_ENV}=1). "
            "Only for a mkdocs.yml reviewed like code: a pull request could run code with it."
        ),
    )(func)


def _use_cache(no_cache: bool) -> bool:
    """Reuse per-file results between runs, except when told not to or in CI (nothing to reuse there)."""
    return not no_cache and not os.environ.get("CI")


def _results_option(func: F) -> F:
    return click.option(
        "--results",
        "results",
        metavar="PATH",
        multiple=True,
        help=(
            "JUnit XML test results to put on the test cases (pytest --junitxml, Surefire, Gradle, jest-junit, "
            "go-junit-report, JUnit 5): a file or a glob such as 'reports/**/*.xml', relative to the current "
            "folder. Repeatable. Matched to each test case's automation_ref; only from the command line."
        ),
    )(func)


def _check_options(func: F) -> F:
    func = click.option(
        "--no-cache",
        is_flag=True,
        default=False,
        help="Do not reuse per-file results of earlier runs (they are never reused in CI).",
    )(func)
    func = click.option(
        "--fail-on",
        "fail_on",
        type=click.Choice(GATES),
        multiple=True,
        help=(
            "With --strict, fail on these warnings too: stale (a date passed, e.g. a release now overdue), "
            "deprecated (an old spelling), history (the git history a build's since needs is missing) or "
            "unmatched (imported test results that no test case names). "
            "Repeatable. Without it they are reported but never fail a run."
        ),
    )(func)
    func = today_option(func)
    func = click.option(
        "--strict",
        is_flag=True,
        default=None,
        help="Treat warnings as errors (except stale, deprecated, history and unmatched ones: see --fail-on).",
    )(func)
    func = _trust_option(func)
    func = click.option(
        "--format",
        "output_format",
        type=click.Choice(sorted(REPORTERS)),
        default=None,
        help=(
            "How to print diagnostics: text, json, github (annotations), sarif (code scanning), gitlab (Code "
            "Quality) or junit (a test report). Default: github when GITHUB_ACTIONS=true, else text."
        ),
    )(func)
    return workspace_option(func)


def _report(result: CheckResult, output_format: str | None) -> None:
    """Print the findings in the format asked for; without one, annotations on GitHub Actions, else text."""
    if output_format is None:
        output_format = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    click.echo(REPORTERS[output_format](result), nl=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="specgen")
def main() -> None:
    """Product specs as code: check YAML specs and build them into a site."""


@main.command("check")
@_check_options
@_results_option
@guarded
def check_command(
    workspace: Path,
    strict: bool | None,
    output_format: str | None,
    no_cache: bool,
    trust_mkdocs_config: bool,
    today: datetime | None,
    fail_on: tuple[str, ...],
    results: tuple[str, ...],
) -> None:
    """Check every spec against its schema and the cross-file rules, and mkdocs.yml and the assets."""
    require_workspace(workspace)
    progress = TerminalProgress()
    result = check(
        workspace,
        strict=strict,
        progress=progress,
        cache=_use_cache(no_cache),
        trust_mkdocs_config=trust_mkdocs_config or None,
        today=today.date() if today else None,
        fail_on=frozenset(fail_on) or None,
        results=results or None,
    )
    progress.clear()
    _report(result, output_format)
    step_summary.append(result.diagnostics, result.suppressed, result.files)  # only when GitHub Actions asks
    sys.exit(EXIT_CLEAN if result.success else EXIT_FINDINGS)


def _since(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    wrong = None if value is None else since_problem(value)
    if wrong is not None:
        raise click.BadParameter(f"{wrong} ({SINCE_EXAMPLE.replace('since: ', '--since ')})")
    return value


@main.command("build")
@_check_options
@_results_option
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the site (default: site/ in the workspace).",
)
@click.option(
    "--since",
    metavar="REF",
    default=None,
    callback=_since,
    help=(
        "Add 'What changed since REF' to each brief: REF is a revision (v0.1.0, main~20, a commit) or a day "
        "YYYY-MM-DD (the last commit before it). Overrides since: in specgen.yaml. Needs the git history "
        "(fetch-depth: 0 in CI); without it the section is left out with warning SG409."
    ),
)
@guarded
def build_command(
    workspace: Path,
    strict: bool | None,
    output_format: str | None,
    site_dir: Path | None,
    since: str | None,
    no_cache: bool,
    trust_mkdocs_config: bool,
    today: datetime | None,
    fail_on: tuple[str, ...],
    results: tuple[str, ...],
) -> None:
    """Check the specs, then render and build the site (atomically)."""
    from specgen.site import build

    require_workspace(workspace)
    progress = TerminalProgress()
    result = build(
        workspace,
        strict=strict,
        site_dir=site_dir.resolve() if site_dir else None,
        progress=progress,
        cache=_use_cache(no_cache),
        trust_mkdocs_config=trust_mkdocs_config or None,
        today=today.date() if today else None,
        fail_on=frozenset(fail_on) or None,
        since=since,
        results=results or None,
    )
    progress.clear()
    _report(result.check, output_format)
    for problem in result.build_diagnostics:
        click.echo(str(problem), err=True)
    if result.success:
        click.echo(f"site built in {result.site_dir} ({result.pages} pages)", err=True)
        sys.exit(EXIT_CLEAN)
    click.echo("build stopped: the previous site was left as it was", err=True)
    sys.exit(EXIT_FINDINGS)


@main.command("serve")
@workspace_option
@click.option(
    "-a",
    "--dev-addr",
    default="127.0.0.1:8000",
    show_default=True,
    metavar="IP:PORT",
    help="Address to serve the preview on.",
)
@_trust_option
@guarded
def serve_command(workspace: Path, dev_addr: str, trust_mkdocs_config: bool) -> None:
    """Preview the site, rebuilding and reloading when a spec or template changes."""
    from specgen.site.serve import serve

    require_workspace(workspace)
    sys.exit(serve(workspace, dev_addr=dev_addr, trust_mkdocs_config=trust_mkdocs_config or None))


@main.command("migrate")
@workspace_option
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    default=False,
    help="Write nothing; exit 1 if any file still uses an old word (for CI).",
)
@guarded
def migrate_command(workspace: Path, check_only: bool) -> None:
    """Rewrite old spellings of keys and values (SG208) in the spec files, keeping comments and layout."""
    from specgen.vocabulary.migrate import migrate

    require_workspace(workspace)
    settings, problems = resolve_settings(workspace)
    for problem in problems:
        click.echo(str(problem), err=True)
    results, refused = migrate(settings, write=not check_only)
    for problem in refused:
        click.echo(str(problem))
    problems = [*problems, *refused]
    for result in results:
        counted = Counter(f"{w.old} -> {w.new}" for w in result.words)
        changes = ", ".join(f"{n} x {change}" if n > 1 else change for change, n in counted.items())
        if result.problem:
            click.echo(f"{result.path}: not rewritten: {result.problem} ({changes})")
        else:
            click.echo(f"{result.path}: {'would rewrite' if check_only else 'rewrote'} {changes}")
    stuck = [r for r in results if r.problem]
    done = len(results) - len(stuck)
    verb = "would be rewritten" if check_only else "rewritten"
    click.echo(f"{done} file{'s' if done != 1 else ''} {verb}, {len(stuck)} left for a hand edit", err=True)
    sys.exit(EXIT_FINDINGS if stuck or (check_only and results) or problems else EXIT_CLEAN)


@main.command("schema")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write the packaged JSON Schemas (2020-12) to, e.g. for other validators.",
)
@click.option(
    "--workspace",
    "editor_workspace",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Workspace to write the editor schemas (draft-07, for VS Code's YAML extension) into, "
    "under .specgen/schemas/; commit them. specgen check warns (SG321) when they are out of date.",
)
@guarded
def schema_command(out: Path | None, editor_workspace: Path | None) -> None:
    """Write the JSON Schemas, for editor completion and hover help (--out, --workspace or both)."""
    from specgen.schema import write_schemas
    from specgen.schema.editor import write_workspace_schemas

    if out is None and editor_workspace is None:
        raise click.UsageError("say where to write: --workspace DIR (editor schemas), --out DIR, or both")
    targets = [(out, "--out", write_schemas), (editor_workspace, "--workspace", write_workspace_schemas)]
    for folder, option, write in targets:
        if folder is None:
            continue
        try:
            written = write(folder)
        except OSError as error:
            where = error.filename or folder  # the link or file refused, when it is not the folder given
            raise click.BadParameter(
                f"cannot write to {str(where)!r}: {error.strerror or error}", param_hint=option
            ) from error
        for path in written:
            click.echo(str(path))


__all__ = ["main", "resolve_settings"]


main.add_command(diff_command)
main.add_command(explain_command)
main.add_command(init_command)
main.add_command(new_command)
main.add_command(export_command)
