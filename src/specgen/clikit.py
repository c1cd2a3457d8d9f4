"""What every command shares: exit codes, the workspace option, the guard against tracebacks, progress."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def workspace_option(func: F) -> F:
    return click.option(
        "-w",
        "--workspace",
        type=click.Path(file_okay=False, path_type=Path),
        default=".",
        show_default=True,
        help="The workspace folder (holds specs/, templates/, mkdocs.yml).",
    )(func)


def today_option(func: F) -> F:
    """``--today``: the one day every date rule measures against (see :func:`specgen.config.today`)."""
    return click.option(
        "--today",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        metavar="YYYY-MM-DD",
        help="The day date rules measure against (default: SOURCE_DATE_EPOCH if set, else the clock).",
    )(func)


def guarded(func: F) -> F:
    """Turn an unexpected exception into exit code 2 with a short message."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(EXIT_ERROR)
        except Exception as error:
            if os.environ.get("SPECGEN_DEBUG"):
                traceback.print_exc()
            click.echo(
                f"specgen: internal error: {type(error).__name__}: {error}\n"
                "This is a bug in specgen, not in your specs; set SPECGEN_DEBUG=1 for details.",
                err=True,
            )
            sys.exit(EXIT_ERROR)

    return wrapper  # type: ignore[return-value]  # wraps() keeps the signature; mypy cannot see it is still F


class TerminalProgress:
    """A one-line progress display on a terminal; silent in CI and when output is piped."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty() and not os.environ.get("CI")
        self.shown = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if total > 1:
            # Redraw at most a hundred times a stage, and only when there is much to do.
            if total < 200 or (done % max(1, total // 100) and done != total):
                return
            text = f"{stage} {done:,}/{total:,} ({100 * done // total}%)"
        else:
            text = f"{stage}..."
        click.echo("\r" + text.ljust(len(self.shown)), nl=False, err=True)
        self.shown = text

    def clear(self) -> None:
        if self.enabled and self.shown:
            click.echo("\r" + " " * len(self.shown) + "\r", nl=False, err=True)
            self.shown = ""


def require_workspace(workspace: Path) -> None:
    if not workspace.is_dir():
        raise click.UsageError(f"workspace {str(workspace)!r} is not a folder")
