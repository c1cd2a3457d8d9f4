"""Build: check, render into a docs folder, build with MkDocs, then swap the site in.

Everything is checked before anything is written. The pages are rendered by
a bounded child process into a fresh docs folder (:mod:`specgen.site.pages`),
MkDocs builds them into a fresh folder beside the site
(:mod:`specgen.site.mkdocs_run`), and only a complete build replaces the
previous site (:mod:`specgen.site.swap`). A failure at any stage leaves it as
it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from specgen.check import CheckResult, check, resolve_settings
from specgen.config import CONFIG_FILE, Settings
from specgen.diagnostics import Diagnostic, sort_diagnostics
from specgen.history import History, gather
from specgen.loader import Progress, shown_path
from specgen.model import Workspace
from specgen.render import nav, plan, templates_of
from specgen.site.mkdocs_run import publish, stops_build
from specgen.site.pages import render_checked
from specgen.site.swap import DOCS_PREFIX, SITE_MARKER, make_staging, remove_staging


@dataclass(frozen=True)
class BuildResult:
    """The outcome of a build: the check, and what the build itself found."""

    check: CheckResult
    site_dir: Path
    build_diagnostics: list[Diagnostic] = field(default_factory=list)
    pages: int = 0

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [*self.check.diagnostics, *self.build_diagnostics]

    @property
    def success(self) -> bool:
        return self.check.success and not stops_build(self.build_diagnostics, strict=self.check.settings.strict)


def build(
    workspace: Path | str = ".",
    *,
    strict: bool | None = None,
    site_dir: Path | str | None = None,
    progress: Progress | None = None,
    cache: bool = False,
    trust_mkdocs_config: bool | None = None,
    today: date | None = None,
    fail_on: frozenset[str] | None = None,
    since: str | None = None,
    results: Sequence[str | Path] | None = None,
) -> BuildResult:
    """Check a workspace and, when it is clean, build its site into ``site_dir``.

    ``trust_mkdocs_config`` lets MkDocs read ``mkdocs.yml`` as it is, hooks
    and plugins included (see :mod:`specgen.siteconfig`); when ``None``, the
    environment decides. A file in the workspace never can. ``since`` (a
    revision or a day ``YYYY-MM-DD``; by default the ``since`` setting) adds
    "what changed since" to the briefs (see :mod:`specgen.history`); when the
    history it needs is missing, the section is left out with one SG409
    warning, which fails ``strict`` only with ``fail_on`` ``history``.
    ``results`` are JUnit XML files or globs whose results every page shows
    on the test cases they match (see :func:`specgen.check` and :mod:`specgen.results`).
    """
    settings, problems = resolve_settings(
        workspace,
        strict=strict,
        site_dir=site_dir,
        trust_mkdocs_config=trust_mkdocs_config,
        today=today,
        fail_on=fail_on,
        since=since,
    )
    result = check(settings=settings, progress=progress, cache=cache, results=results)
    if problems:
        result = replace(result, diagnostics=[*problems, *result.diagnostics])
    out = settings.site_dir
    if not result.success or result.workspace is None:
        return BuildResult(result, out)
    unsafe = unsafe_site_dir(settings)
    if unsafe:
        return BuildResult(
            result, out, [Diagnostic.of("SG403", shown_path(out, settings.workspace), unsafe, line=1, column=1)]
        )
    model = result.workspace
    result = result.without_documents()  # needed neither to render nor by MkDocs, which both need the memory
    if progress:
        progress("reading the history", 0, 1)
    history, missing = gather(settings, model, since_given=since is not None)
    if missing:  # a warning about the checkout, reported with the check's findings
        result = _with_findings(result, missing)
        if not result.success:
            return BuildResult(result, out)
    build_problems, count = _mkdocs_build(model, settings, progress, history)
    return BuildResult(result, out, build_problems, count)


def _with_findings(result: CheckResult, found: list[Diagnostic]) -> CheckResult:
    """``result`` with more findings, keeping the model it already built (its documents are gone)."""
    model = result.workspace
    more = replace(result, diagnostics=sort_diagnostics([*result.diagnostics, *found]))
    more.__dict__["workspace"] = model
    return more


def unsafe_site_dir(settings: Settings) -> str | None:
    """Why the site folder must not be written, or ``None`` when it is safe.

    Building replaces the whole site folder, so it must not hold or be held by
    anything else of the workspace, and an existing folder is replaced only
    when specgen built it.
    """
    site = settings.site_dir
    precious = {
        "the workspace": settings.workspace,
        "the specs folder": settings.specs_dir,
        "the templates folder": settings.templates_dir,
        "the MkDocs configuration": settings.mkdocs_config,
        "the specgen configuration": settings.workspace / CONFIG_FILE,
    }
    for name, path in precious.items():
        if site == path or site in path.parents:
            return f"the site folder {site} would replace {name}; choose another site folder"
    for name in ("the specs folder", "the templates folder"):
        if precious[name] in site.parents:
            return f"the site folder {site} is inside {name}; choose another site folder"
    if site.exists() and not site.is_dir():
        return f"the site folder {site} is a file"
    if site.is_dir() and any(site.iterdir()) and not (site / SITE_MARKER).is_file():
        return (
            f"{site} holds files that specgen did not build (it has no {SITE_MARKER} marker); "
            "remove it or choose another site folder, so that nothing else is overwritten"
        )
    return None


def _mkdocs_build(
    workspace: Workspace, settings: Settings, progress: Progress | None, history: History
) -> tuple[list[Diagnostic], int]:
    """Render the pages into a docs folder beside the site, build it with MkDocs, then swap the result in.

    The pages are written by the bounded child that renders them (see
    :func:`render_checked`), so this process never holds their text. What
    the build found, and how many pages it rendered.
    """
    config_file, site_dir = settings.mkdocs_config, settings.site_dir
    shown = config_file.name
    try:
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        docs = make_staging(site_dir.parent, DOCS_PREFIX)
    except OSError as error:
        return [Diagnostic.of("SG402", shown, f"cannot create the site folder: {error}", line=1, column=1)], 0
    try:
        pages = plan(workspace, history)
        rendered = render_checked(workspace, settings, docs, progress, pages=pages)
        if isinstance(rendered, Diagnostic):
            return [rendered], 0
        if progress:
            progress("building the site with MkDocs", 0, 1)
        return publish(docs, nav(pages), settings, site_dir, templates=templates_of(pages)).problems, rendered.pages
    finally:
        remove_staging(docs)
