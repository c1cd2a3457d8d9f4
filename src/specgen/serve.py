"""Serve: a live preview that rebuilds when a spec or a template changes.

The preview is built into a temporary folder, never into the workspace's
``site/``, with the same atomic build as ``specgen build``: while the specs
have errors, the browser keeps showing the last good preview and the terminal
shows the diagnostics. MkDocs' live-reload server watches the files and tells
the browser to reload after each successful rebuild.
"""

from __future__ import annotations

import html
import logging
import shutil
import tempfile
from pathlib import Path

import click
from mkdocs.livereload import LiveReloadServer

from specgen.check import resolve_settings
from specgen.config import CONFIG_FILE
from specgen.site import build

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
    preview = Path(tempfile.mkdtemp(prefix="specgen-preview-"))
    site = preview / "site"

    def rebuild() -> None:
        result = build(settings.workspace, site_dir=site, cache=True)
        for diagnostic in result.diagnostics:
            click.echo(str(diagnostic), err=True)
        if result.success:
            click.echo(f"preview rebuilt ({result.pages} pages)", err=True)
        else:
            click.echo("the specs have problems: the preview shows the last good build", err=True)
            if not site.exists():
                _write_problem_page(site, [str(d) for d in result.diagnostics])

    server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(site))
    try:
        rebuild()
        for path in (
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
        shutil.rmtree(preview, ignore_errors=True)
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
