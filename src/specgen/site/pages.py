"""Pages: render a checked workspace's pages into a docs folder, in a bounded child process.

Workspace templates are untrusted: they render in a child process with a
time and memory budget (:mod:`specgen.site.isolate`), which writes the pages
itself, so their text never passes through the parent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from specgen.config import Settings
from specgen.diagnostics import Diagnostic
from specgen.limits import Limits
from specgen.loader import Progress, shown_path
from specgen.model import Workspace
from specgen.render import Page, RenderError, plan, render_pages, shown_template, templates_of
from specgen.site.isolate import Budget, Overrun, run_bounded


@dataclass(frozen=True)
class Rendered:
    """Pages rendered into a folder: how many, and the digest of each one written when digests were asked for."""

    pages: int
    #: The digest of each page's Markdown that was written, by docs path.
    written: dict[str, str]


def render_checked(
    workspace: Workspace,
    settings: Settings,
    out: Path,
    progress: Progress | None = None,
    *,
    pages: list[Page] | None = None,
    known: dict[str, str] | None = None,
) -> Rendered | Diagnostic:
    """Render a checked workspace's pages (all, or ``pages``) into the folder ``out``, or say why they cannot be.

    Workspace templates are untrusted, so the pages are rendered by a child
    process bounded by the settings' limits (see :mod:`specgen.site.isolate`),
    which writes them into ``out`` itself: their text never passes through
    this process. An overrun is a located SG401 naming the page's template, a
    failure to write the pages an SG402. With ``known`` (the digest of each
    page as it already is, by docs path), only pages whose Markdown differs
    are written, and their digests returned.
    """
    config = settings.mkdocs_config  # none at all is fine: specgen's default (specgen.siteconfig.defaults)
    chosen = plan(workspace) if pages is None else pages
    if progress:
        progress("rendering", 0, 1)
    limits = settings.limits
    budget = Budget(limits.render_seconds_per_page, limits.render_seconds_total, limits.render_memory_mb)
    # Spec text that takes rendering was rendered by the check, in this process (specgen.text.checks):
    # the child inherits it, and the preview renders only the texts that changed since its last build.
    outcome = run_bounded(
        lambda step: _write_pages(workspace, settings.templates_dir, chosen, out, known, step, limits, settings.today),
        budget,
    )
    if isinstance(outcome, Overrun):
        template, page = outcome.step or (chosen[0].template, chosen[0].path)
        located = _overrun_diagnostic(outcome, shown_template(template, settings.templates_dir), page, settings)
    elif "unencodable" in outcome:
        template, page, char = outcome["unencodable"]
        located = Diagnostic.of(
            "SG401",
            shown_template(template, settings.templates_dir),
            f"template wrote {char}, which is no character, while rendering {page}",
            hint='a lone surrogate such as "\\udcff" cannot be written as UTF-8',
            line=1,
            column=1,
        )
    elif "too_large" in outcome:
        template, page = outcome["too_large"]
        located = Diagnostic.of(
            "SG401",
            shown_template(template, settings.templates_dir),
            f"templates wrote more than {limits.render_output_mb} MiB of Markdown in all; stopped at {page}",
            hint="does a template write too much? limits.render_output_mb bounds what the pages may add up to",
            line=1,
            column=1,
        )
    elif "error" in outcome:
        located = Diagnostic.from_data(outcome["error"])
    elif "unwritable" in outcome:
        message = f"cannot write the pages: {outcome['unwritable']}"
        return Diagnostic.of("SG402", config.name, message, line=1, column=1)
    else:
        return Rendered(len(chosen), outcome["written"])
    if Path(located.path).is_absolute():
        located = replace(located, path=shown_path(Path(located.path), settings.workspace))
    return located


def _write_pages(
    workspace: Workspace,
    templates_dir: Path,
    pages: list[Page],
    out: Path,
    known: dict[str, str] | None,
    step: Callable[[Any], None],
    limits: Limits,
    today: date,
) -> dict[str, Any]:
    """Render ``pages`` and write them into ``out`` (in the bounded child): a short summary as JSON.

    The pages rendered may add up to ``limits.render_output_mb``: the page that would cross
    it is not written, and the summary names it and its template.
    """
    written: dict[str, str] = {}
    templates = templates_of(pages)
    cap = limits.render_output_mb * 1024 * 1024
    total = 0
    try:
        for path, text in render_pages(
            workspace, templates_dir, pages, lambda p: step([p.template, p.path]), limits, today
        ):
            try:
                data = text.encode("utf-8")
            except UnicodeEncodeError as error:  # a template printed a lone surrogate, e.g. "\udcff"
                return {"unencodable": [templates[path], path, f"U+{ord(error.object[error.start]):04X}"]}
            # Counted whether or not the page is written: the preview's docs folder holds every
            # page, so what the cap allows must not depend on what it held before.
            total += len(data)
            if total > cap:
                return {"too_large": [templates[path], path]}
            if known is not None:
                digest = hashlib.blake2b(data, digest_size=16).hexdigest()
                if known.get(path) == digest:
                    continue
                written[path] = digest
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    except RenderError as error:
        return {"error": error.diagnostic.to_data()}
    except OSError as error:  # a full disk, most likely: the user's to fix, not a bug
        return {"unwritable": str(error)}
    return {"written": written}


def _overrun_diagnostic(overrun: Overrun, template: str, page: str, settings: Settings) -> Diagnostic:
    """The SG401 for a rendering stopped by its budget, located at the template of the page it stopped at."""
    limits = settings.limits
    if overrun.reason == "step time":
        message = f"template took longer than {limits.render_seconds_per_page} s while rendering {page}"
        hint = "does it loop too long? limits.render_seconds_per_page bounds each page"
    elif overrun.reason == "total time":
        message = f"templates took longer than {limits.render_seconds_total} s in all; stopped while rendering {page}"
        hint = "limits.render_seconds_total bounds the rendering of the whole site"
    elif overrun.reason == "memory":
        message = f"template used more than {limits.render_memory_mb} MiB while rendering {page}"
        hint = "does a value grow too large? limits.render_memory_mb bounds the rendering"
    else:
        message, hint = f"rendering stopped ({overrun.detail}) while rendering {page}", None
    return Diagnostic.of("SG401", template, message, hint=hint, line=1, column=1)


def write_docs(pages: dict[str, str], docs_dir: Path) -> None:
    """Write rendered Markdown pages below ``docs_dir``."""
    for relative, text in pages.items():
        target = docs_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
