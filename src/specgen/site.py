"""Build: check, render in memory, build with MkDocs, then swap the site in.

Nothing is written until everything has been checked and rendered; MkDocs
builds into a fresh folder beside the site, and only a complete build
replaces the previous site. A failure at any stage leaves it as it was.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from specgen.check import CheckResult, check, resolve_settings
from specgen.config import CONFIG_FILE, Settings
from specgen.diagnostics import Diagnostic, Severity
from specgen.loader import Progress, shown_path
from specgen.model import Workspace
from specgen.render import RenderError, render_site


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


def stops_build(diagnostics: list[Diagnostic], *, strict: bool) -> bool:
    """Whether build findings stop the build: any error, or anything at all in strict mode."""
    return any(d.severity is Severity.ERROR or strict for d in diagnostics)


def build(
    workspace: Path | str = ".",
    *,
    strict: bool | None = None,
    site_dir: Path | str | None = None,
    progress: Progress | None = None,
    cache: bool = False,
) -> BuildResult:
    """Check a workspace and, when it is clean, build its site into ``site_dir``."""
    settings, problems = resolve_settings(workspace, strict=strict, site_dir=site_dir)
    result = check(settings=settings, progress=progress, cache=cache)
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
    rendered = render_checked(result.workspace, settings, progress)
    if isinstance(rendered, Diagnostic):
        return BuildResult(result, out, [rendered])
    pages, navigation = rendered
    result = result.without_documents()  # not needed by MkDocs, which needs the memory
    if progress:
        progress("building the site with MkDocs", 0, 1)
    count = len(pages)
    build_problems = _mkdocs_build(pages, navigation, settings.mkdocs_config, out, strict=settings.strict)
    return BuildResult(result, out, build_problems, count)


def render_checked(
    workspace: Workspace, settings: Settings, progress: Progress | None = None, *, about: Collection[str] | None = None
) -> tuple[dict[str, str], list[Any]] | Diagnostic:
    """The pages and navigation of a checked workspace, or why they cannot be built.

    Every page, or with ``about`` only those that present one of those specs (by ID).
    """
    config = settings.mkdocs_config
    if not config.is_file():
        return Diagnostic.of(
            "SG403",
            shown_path(config, settings.workspace),
            "no MkDocs configuration found",
            hint="create mkdocs.yml with at least site_name and theme: material",
            line=1,
            column=1,
        )
    try:
        if progress:
            progress("rendering", 0, 1)
        return render_site(workspace, settings.templates_dir, about=about)
    except RenderError as error:
        located = error.diagnostic
        if Path(located.path).is_absolute():
            located = replace(located, path=shown_path(Path(located.path), settings.workspace))
        return located


#: Written into every site specgen builds: only a folder holding it is ever replaced.
SITE_MARKER = ".specgen-site"


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


def write_docs(pages: dict[str, str], docs_dir: Path) -> None:
    """Write rendered Markdown pages below ``docs_dir``."""
    for relative, text in pages.items():
        target = docs_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def _mkdocs_build(
    pages: dict[str, str], navigation: list[Any], config_file: Path, site_dir: Path, *, strict: bool
) -> list[Diagnostic]:
    """Build the pages with MkDocs beside ``site_dir``, then swap the result in.

    ``pages`` is emptied once written, so that its text is not held in memory
    beside MkDocs' own copy.
    """
    shown = config_file.name
    try:
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        docs = Path(tempfile.mkdtemp(prefix=".specgen-docs-", dir=site_dir.parent))
    except OSError as error:
        return [Diagnostic.of("SG402", shown, f"cannot create the site folder: {error}", line=1, column=1)]
    try:
        write_docs(pages, docs)
        pages.clear()  # MkDocs reads them from disk: at scale, their text is better not held twice
        return publish(docs, navigation, config_file, site_dir, strict=strict).problems
    finally:
        shutil.rmtree(docs, ignore_errors=True)


def publish(docs: Path, navigation: list[Any], config_file: Path, site_dir: Path, *, strict: bool) -> MkDocsRun:
    """Build ``docs`` with MkDocs in a folder beside ``site_dir`` and swap it in when the build is good.

    The run is ``complete`` only when the new site replaced the old one; any
    failure leaves ``site_dir`` as it was.
    """
    shown = config_file.name
    try:
        staging = Path(tempfile.mkdtemp(prefix=".specgen-build-", dir=site_dir.parent))
    except OSError as error:
        problem = Diagnostic.of("SG402", shown, f"cannot create the site folder: {error}", line=1, column=1)
        return MkDocsRun([problem], False)
    try:
        run = run_mkdocs(config_file, docs, staging / "site", navigation, strict=strict)
        if not run.complete or stops_build(run.problems, strict=strict):
            return replace(run, complete=False)
        try:
            _swap(staging / "site", site_dir, staging)
        except OSError as error:
            problem = Diagnostic.of("SG402", shown, f"cannot replace the site: {error}", line=1, column=1)
            return replace(run, problems=[*run.problems, problem], complete=False)
        return run
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@dataclass(frozen=True)
class MkDocsRun:
    """What one MkDocs build said, and whether it wrote a whole site."""

    problems: list[Diagnostic]
    complete: bool
    #: The configuration's ``use_directory_urls`` (how docs paths become URLs).
    directory_urls: bool = True


#: What MkDocs logs on every dirty build; specgen's preview chooses dirty builds on purpose.
_DIRTY_WARNING = "A 'dirty' build is being performed"


def run_mkdocs(
    config_file: Path, docs: Path, out: Path, navigation: list[Any], *, strict: bool, dirty: bool = False
) -> MkDocsRun:
    """Run MkDocs on ``docs`` into ``out``, with its log turned into diagnostics.

    A dirty build (the preview's) renders only the pages whose Markdown is
    newer than their HTML, and is never aborted by MkDocs' own strict mode:
    the caller decides what is fatal.
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, MkDocsException

    shown = config_file.name
    directory_urls = True
    with _captured_mkdocs_log() as records:
        try:
            # strict=None keeps the configuration's own `strict:` setting.
            config = load_config(
                str(config_file),
                docs_dir=str(docs),
                site_dir=str(out),
                strict=False if dirty else True if strict else None,
            )
            directory_urls = bool(config.use_directory_urls)
            if config.nav is None:
                config.nav = navigation
            if set(config.plugins) <= _PLUGINS_THAT_KEEP_NO_PAGES:
                config.plugins["specgen/lean-pages"] = _lean_pages()
            mkdocs_build(config, dirty=dirty)
            (out / SITE_MARKER).write_text("This site was built by specgen.\n", encoding="utf-8")
        except (ConfigurationError, Abort, MkDocsException) as error:
            logged = _log_diagnostics(records, shown)
            if logged and str(error).startswith("Aborted with"):
                # The log already says why; what MkDocs aborted on is an error here too.
                return MkDocsRun([replace(d, severity=Severity.ERROR) for d in logged], False, directory_urls)
            return MkDocsRun([*logged, _mkdocs_diagnostic(str(error), shown)], False, directory_urls)
        except OSError as error:
            problem = Diagnostic.of("SG402", shown, f"cannot write the site: {error}", line=1, column=1)
            return MkDocsRun([problem], False, directory_urls)
        except Exception as error:  # plugins and hooks are the workspace's code: their failure is a finding
            problem = Diagnostic.of("SG402", shown, f"MkDocs failed: {type(error).__name__}: {error}", line=1, column=1)
            return MkDocsRun([*_log_diagnostics(records, shown), problem], False, directory_urls)
    return MkDocsRun(_log_diagnostics(records, shown), True, directory_urls)


#: Plugins known to need no page's Markdown or HTML after the page is written.
_PLUGINS_THAT_KEEP_NO_PAGES = frozenset({"search", "material/search"})


def _lean_pages() -> Any:
    """A plugin that lets MkDocs drop each page's Markdown and HTML once they are used.

    MkDocs keeps every page's text until the build ends, which at 10,000
    features is gigabytes. Only pages of no interest to any other plugin
    are dropped: it is added only when the configuration's plugins are
    known not to read pages after they are written.
    """
    from mkdocs.plugins import BasePlugin, event_priority

    class LeanPages(BasePlugin):  # type: ignore[type-arg,no-untyped-call]  # MkDocs' base is generic, untyped
        @event_priority(-100)
        def on_page_content(self, html: str, /, *, page: Any, config: Any, files: Any) -> str:
            page.markdown = None
            return html

        @event_priority(-100)
        def on_post_page(self, output: str, /, *, page: Any, config: Any) -> str:
            page.content = None
            return output

    return LeanPages()


def _swap(new: Path, site_dir: Path, staging: Path) -> None:
    """Replace ``site_dir`` with ``new``; on failure put the old site back."""
    old = staging / "previous"
    if site_dir.exists():
        site_dir.rename(old)
    try:
        new.rename(site_dir)
    except OSError:
        if old.exists():
            old.rename(site_dir)
        raise


_YAML_MARK = re.compile(r'in "[^"]*", line (\d+), column (\d+)')


def _mkdocs_diagnostic(message: str, shown: str, severity: Severity = Severity.ERROR) -> Diagnostic:
    """One line, located in the configuration when MkDocs' message names a place."""
    mark = _YAML_MARK.search(message)
    line, column = (int(mark.group(1)), int(mark.group(2))) if mark else (1, 1)
    text = " ".join(_YAML_MARK.sub("", message).split())
    return Diagnostic(path=shown, code="SG402", message=f"MkDocs: {text}", severity=severity, line=line, column=column)


def _log_diagnostics(records: list[logging.LogRecord], shown: str) -> list[Diagnostic]:
    return [
        _mkdocs_diagnostic(r.getMessage(), shown, Severity.ERROR if r.levelno >= logging.ERROR else Severity.WARNING)
        for r in records
        if r.levelno >= logging.WARNING and not r.getMessage().startswith(("Aborted with", _DIRTY_WARNING))
    ]


@contextmanager
def _captured_mkdocs_log() -> Iterator[list[logging.LogRecord]]:
    """Collect MkDocs' log records instead of letting them print."""
    records: list[logging.LogRecord] = []

    class _Collector(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("mkdocs")
    handler = _Collector(logging.INFO)
    saved = (logger.propagate, logger.level)
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.propagate, logger.level = saved
