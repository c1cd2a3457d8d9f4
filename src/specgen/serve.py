"""Serve: a live preview that rebuilds when a spec or a template changes.

The preview is built into a temporary folder, never into the workspace's
``site/``, by a :class:`~specgen.preview.Preview`: a full build first, then
only the pages an edit changed. While the specs have errors, the browser keeps
showing the last good preview and the terminal shows the diagnostics. MkDocs'
live-reload server watches the files and tells the browser to reload after
each rebuild.
"""

from __future__ import annotations

import html
import logging
import shutil
import tempfile
import time
from pathlib import Path

import click
from mkdocs.livereload import LiveReloadServer

from specgen.check import resolve_settings
from specgen.config import CONFIG_FILE
from specgen.preview import Preview

log = logging.getLogger(__name__)


def parse_address(dev_addr: str) -> tuple[str, int]:
    """``IP:PORT`` into its parts; a bad address is a usage error."""
    host, _, port = dev_addr.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise click.BadParameter(f"expected IP:PORT, got {dev_addr!r}", param_hint="--dev-addr")
    return host.strip("[]"), int(port)


def serve(workspace: Path | str = ".", *, dev_addr: str = "127.0.0.1:8000") -> int:
    """Serve a live preview until interrupted; returns the exit code."""
    host, port = parse_address(dev_addr)
    settings, _ = resolve_settings(workspace)
    root = Path(tempfile.mkdtemp(prefix="specgen-preview-"))
    preview = Preview(settings, root)
    site = preview.site
    # Touched after a quick pass: the server sees the change, reloads the
    # browsers with the quick pass and calls rebuild() again for the complete one.
    pending = root / "pending"
    pending.touch()

    def rebuild() -> None:
        started = time.perf_counter()
        rebuilt = preview.rebuild()
        result = rebuilt.result
        for diagnostic in result.diagnostics:
            click.echo(str(diagnostic), err=True)
        took = f"{time.perf_counter() - started:.1f} s"
        if result.success and rebuilt.pending:
            click.echo(f"preview: the edited pages rebuilt in {took}; now the pages that gather them", err=True)
            pending.write_text(str(started), encoding="utf-8")
        elif result.success:
            what = "built" if rebuilt.full else f"rebuilt {rebuilt.pages} of {result.pages} pages"
            click.echo(f"preview {what} in {took}", err=True)
        else:
            click.echo("the specs have problems: the preview shows the last good build", err=True)
            if not site.exists():
                _write_problem_page(site, [str(d) for d in result.diagnostics])

    server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(site))
    try:
        rebuild()
        for path in (
            pending,
            settings.specs_dir,
            settings.templates_dir,
            settings.mkdocs_config,
            settings.workspace / CONFIG_FILE,
        ):
            if path.exists():
                server.watch(str(path))
        click.echo(f"serving the preview on {server.url} (Ctrl+C to stop)", err=True)
        server.serve()  # type: ignore[no-untyped-call]  # MkDocs does not annotate it
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    except OSError as error:
        click.echo(f"specgen: cannot serve on {dev_addr}: {error.strerror or error}", err=True)
        return 2
    finally:
        server.shutdown()
        shutil.rmtree(root, ignore_errors=True)
    return 0


def _write_problem_page(site: Path, problems: list[str]) -> None:
    """A stand-in page while the very first build has failed."""
    site.mkdir(parents=True, exist_ok=True)
    items = "\n".join(f"<li><code>{html.escape(p)}</code></li>" for p in problems)
    (site / "index.html").write_text(
        "<!doctype html><meta charset='utf-8'><title>specgen: problems</title>"
        f"<h1>The specs have problems</h1><ul>{items}</ul>"
        "<p>Fix them and save: this page reloads by itself.</p>",
        encoding="utf-8",
    )
