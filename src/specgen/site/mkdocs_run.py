"""MkDocs: run it on a docs folder with the configuration specgen generated, and publish the result.

MkDocs' log becomes diagnostics; a finished site is swapped in only when
the build is good (:mod:`specgen.site.swap`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from specgen.config import Settings
from specgen.diagnostics import Diagnostic, Severity
from specgen.loader import shown_path
from specgen.render import shown_template
from specgen.site.isolate import Budget, Overrun, run_bounded
from specgen.site.swap import BUILD_PREFIX, SITE_MARKER, make_staging, recover, remove_staging, swap_in


def stops_build(diagnostics: list[Diagnostic], *, strict: bool) -> bool:
    """Whether build findings stop the build: any error, or anything at all in strict mode."""
    return any(d.severity is Severity.ERROR or strict for d in diagnostics)


def publish(
    docs: Path,
    navigation: list[Any],
    settings: Settings,
    site_dir: Path,
    *,
    templates: Mapping[str, str] | None = None,
) -> MkDocsRun:
    """Build ``docs`` with MkDocs in a folder beside ``site_dir`` and swap it in when the build is good.

    The run is ``complete`` only when the new site replaced the old one; any
    failure leaves ``site_dir`` as it was. Leftovers of killed runs beside the
    site are dealt with first (see :mod:`specgen.site.swap`). ``templates``
    (the template of each docs path) lets a page that overran its budget be
    reported at its template (see :func:`run_mkdocs`).
    """
    shown, strict = settings.mkdocs_config.name, settings.strict
    recover(site_dir)  # first finish what killed runs left half done beside the site
    try:
        staging = make_staging(site_dir.parent, BUILD_PREFIX)
    except OSError as error:
        problem = Diagnostic.of("SG402", shown, f"cannot create the site folder: {error}", line=1, column=1)
        return MkDocsRun([problem], False)
    try:
        run = run_mkdocs(settings, docs, staging / "site", navigation, strict=strict, templates=templates)
        if not run.complete or stops_build(run.problems, strict=strict):
            return replace(run, complete=False)
        try:
            swap_in(staging / "site", site_dir)
        except OSError as error:
            problem = Diagnostic.of("SG402", shown, f"cannot replace the site: {error}", line=1, column=1)
            return replace(run, problems=[*run.problems, problem], complete=False)
        return run
    finally:
        remove_staging(staging)


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
    settings: Settings,
    docs: Path,
    out: Path,
    navigation: list[Any],
    *,
    strict: bool,
    dirty: bool = False,
    templates: Mapping[str, str] | None = None,
) -> MkDocsRun:
    """Run MkDocs on ``docs`` into ``out``, with its log turned into diagnostics.

    MkDocs gets the configuration specgen generated from the checked
    ``mkdocs.yml`` (see :mod:`specgen.siteconfig`), never the file itself,
    unless ``settings`` trust it; the workspace's checked assets are written
    into ``docs`` first.

    The Markdown comes from untrusted templates, and Python-Markdown is
    quadratic on some of it, so MkDocs runs in a child process bounded by
    the settings' limits (see :mod:`specgen.site.isolate`): each page by
    ``render_seconds_per_page``, the whole build by ``build_seconds_total``
    and ``build_memory_mb``. The child writes the site and sends back only a
    short summary. An overrun is an SG401 at the template of the page it
    stopped at, when ``templates`` (the template of each docs path) names
    one, else an SG402.

    A dirty build (the preview's) renders only the pages whose Markdown is
    newer than their HTML, and is never aborted by MkDocs' own strict mode:
    the caller decides what is fatal.
    """
    # Imported before the fork, so that each child (one per preview rebuild) finds MkDocs loaded.
    import mkdocs.commands.build  # noqa: F401  # loaded for the child, not used here

    from specgen.siteconfig import site_config, write_stylesheet
    from specgen.siteconfig.assets import write_assets

    config_file = settings.mkdocs_config
    shown = config_file.name
    prepared, refused = site_config(settings)
    if prepared is None:
        # check() reports these first; here they only make sure nothing unchecked reaches MkDocs.
        unusable = Diagnostic.of("SG403", shown, "the MkDocs configuration cannot be used", line=1, column=1)
        return MkDocsRun(refused or [unusable], False)
    try:
        write_assets(prepared.assets, docs)
        write_stylesheet(docs)
    except OSError as error:
        return MkDocsRun([Diagnostic.of("SG402", shown, f"cannot write the assets: {error}", line=1, column=1)], False)
    # strict=None keeps the configuration's own `strict:` setting.
    given: dict[str, Any] = {"docs_dir": str(docs), "site_dir": str(out)}
    if dirty or strict:
        given["strict"] = not dirty
    limits = settings.limits
    budget = Budget(limits.render_seconds_per_page, limits.build_seconds_total, limits.build_memory_mb)
    options = prepared.options
    outcome = run_bounded(lambda step: _build(step, config_file, options, given, navigation, dirty), budget)
    if isinstance(outcome, Overrun):
        return MkDocsRun([_overrun_diagnostic(outcome, settings, templates or {})], False)
    problems = [Diagnostic.from_data(data) for data in outcome["problems"]]
    return MkDocsRun(problems, bool(outcome["complete"]), bool(outcome["directory_urls"]))


def _build(
    step: Callable[[Any], None],
    config_file: Path,
    options: dict[str, Any] | None,
    given: dict[str, Any],
    navigation: list[Any],
    dirty: bool,
) -> dict[str, Any]:
    """Load the configuration and build the site (in the bounded child): a short summary as JSON."""
    step(["stage", "reading the configuration"])
    run = _build_site(step, config_file, options, given, navigation, dirty)
    problems = [_data_of(d) for d in run.problems[:_MOST_PROBLEMS]]
    if len(run.problems) > _MOST_PROBLEMS:
        rest = run.problems[_MOST_PROBLEMS:]
        worst = Severity.ERROR if any(d.severity is Severity.ERROR for d in rest) else Severity.WARNING
        more = Diagnostic.of(
            "SG402", config_file.name, f"and {len(rest):,} more messages from MkDocs", line=1, column=1
        )
        problems.append(_data_of(replace(more, severity=worst)))
    return {"problems": problems, "complete": run.complete, "directory_urls": run.directory_urls}


def _build_site(
    step: Callable[[Any], None],
    config_file: Path,
    options: dict[str, Any] | None,
    given: dict[str, Any],
    navigation: list[Any],
    dirty: bool,
) -> MkDocsRun:
    import io

    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, MkDocsException

    from specgen.site.links import link_plugin
    from specgen.site.sanitize import sanitizer
    from specgen.site.search_index import add_search_shaper

    shown = config_file.name
    directory_urls = True
    with _captured_mkdocs_log() as records:
        try:
            if options is None:  # trusted: MkDocs reads the workspace's file, hooks and all
                config = load_config(str(config_file), **given)
            else:
                # An empty document: MkDocs parses nothing of the workspace, it gets checked values only.
                config = load_config(io.BytesIO(b"{}"), config_file_path=str(config_file), **{**options, **given})
            directory_urls = bool(config.use_directory_urls)
            if options is None:  # generated configurations have all this already
                _add_what_pages_need(config)
            if config.nav is None:
                config.nav = navigation
            if set(config.plugins) <= _PLUGINS_THAT_KEEP_NO_PAGES:
                config.plugins["specgen/lean-pages"] = _lean_pages()
            config.plugins["specgen/links"] = link_plugin()  # ID links and images in spec text, as URLs
            config.plugins["specgen/sanitize"] = sanitizer()  # templates' raw HTML, trusted config or not
            add_search_shaper(config.plugins)  # one search entry per feature page; no glued words
            config.plugins["specgen/steps"] = _steps(step)  # after the check above: it reads no page
            mkdocs_build(config, dirty=dirty)
            (Path(given["site_dir"]) / SITE_MARKER).write_text("This site was built by specgen.\n", encoding="utf-8")
        except (ConfigurationError, Abort, MkDocsException) as error:
            logged = _log_diagnostics(records, shown)
            if logged and str(error).startswith("Aborted with"):
                # The log already says why; what MkDocs aborted on is an error here too.
                return MkDocsRun([replace(d, severity=Severity.ERROR) for d in logged], False, directory_urls)
            return MkDocsRun([*logged, _mkdocs_diagnostic(str(error), shown)], False, directory_urls)
        except OSError as error:
            problem = Diagnostic.of("SG402", shown, f"cannot write the site: {error}", line=1, column=1)
            return MkDocsRun([problem], False, directory_urls)
        except MemoryError:
            raise  # the parent reports it as an overrun of build_memory_mb
        except Exception as error:  # plugins and hooks are the workspace's code: their failure is a finding
            problem = Diagnostic.of("SG402", shown, f"MkDocs failed: {type(error).__name__}: {error}", line=1, column=1)
            return MkDocsRun([*_log_diagnostics(records, shown), problem], False, directory_urls)
    return MkDocsRun(_log_diagnostics(records, shown), True, directory_urls)


def _add_what_pages_need(config: Any) -> None:
    """Add to a trusted configuration what specgen's pages need and it lacks: extensions, permalinks, stylesheet.

    What the file sets itself is left as it is: it was reviewed.
    """
    from specgen.siteconfig.defaults import REQUIRED_EXTENSIONS, REQUIRED_OPTIONS, STYLESHEET

    for name in REQUIRED_EXTENSIONS:
        if name not in config.markdown_extensions:
            config.markdown_extensions.append(name)
    configs = config.mdx_configs
    for name, options in REQUIRED_OPTIONS.items():
        configs[name] = {**options, **configs.get(name, {})}
    if STYLESHEET not in config.extra_css:
        config.extra_css.insert(0, STYLESHEET)


#: Problems the child sends back at most: a template can make MkDocs warn once per link.
_MOST_PROBLEMS = 200
#: Characters of one message sent back at most: a warning may quote a template's text.
_LONGEST_MESSAGE = 1000


def _data_of(d: Diagnostic) -> dict[str, Any]:
    """A diagnostic for the pipe, its message cut short: MkDocs can quote a whole page."""
    if len(d.message) > _LONGEST_MESSAGE:
        d = replace(d, message=d.message[:_LONGEST_MESSAGE] + " ...")
    return d.to_data()


def _overrun_diagnostic(overrun: Overrun, settings: Settings, templates: Mapping[str, str]) -> Diagnostic:
    """The finding for a build stopped by its budget: at the template of the page it stopped at, if known."""
    limits = settings.limits
    kind, what = overrun.step if isinstance(overrun.step, list) else ("stage", "starting")
    template = templates.get(what) if kind == "page" else None
    if kind != "page":
        doing = what
    elif template is None:
        doing = f"converting {what}"
    else:
        doing = f"converting {what}, which this template wrote"
    if overrun.reason == "step time":
        message = f"MkDocs took longer than {limits.render_seconds_per_page} s {doing}"
        hint = "Python-Markdown is slow on some text, such as thousands of unclosed brackets; "
        hint += "limits.render_seconds_per_page bounds each page"
    elif overrun.reason == "total time":
        message = f"MkDocs took longer than {limits.build_seconds_total} s in all; stopped {doing}"
        hint = "limits.build_seconds_total bounds the MkDocs build"
    elif overrun.reason == "memory":
        message = f"MkDocs used more than {limits.build_memory_mb} MiB {doing}"
        hint = "limits.build_memory_mb bounds the MkDocs build"
    else:
        message = f"MkDocs stopped ({overrun.detail}) {doing}"
        # Under an address-space limit, a C library that cannot allocate may abort rather than raise.
        hint = f"if it ran out of memory, limits.build_memory_mb ({limits.build_memory_mb} MiB) bounds the build"
    if template is None:
        return Diagnostic.of("SG402", settings.mkdocs_config.name, message, hint=hint or None, line=1, column=1)
    shown = shown_template(template, settings.templates_dir)
    if Path(shown).is_absolute():
        shown = shown_path(Path(shown), settings.workspace)
    return Diagnostic.of("SG401", shown, message, hint=hint or None, line=1, column=1)


def _steps(step: Callable[[Any], None]) -> Any:
    """A plugin that announces each stage and page of the build, so the parent bounds each and names it.

    Each runs first among its event's handlers, so a page's time includes
    what other plugins do with it.
    """
    from mkdocs.plugins import BasePlugin, event_priority

    class Steps(BasePlugin):  # type: ignore[type-arg,no-untyped-call]  # MkDocs' base is generic, untyped
        @event_priority(100)
        def on_pre_build(self, *, config: Any) -> None:
            step(["stage", "gathering the pages"])

        @event_priority(100)
        def on_pre_page(self, page: Any, /, *, config: Any, files: Any) -> Any:
            step(["page", page.file.src_uri])  # reading and converting the page's Markdown
            return page

        @event_priority(100)
        def on_env(self, env: Any, /, *, config: Any, files: Any) -> Any:
            step(["stage", "copying the theme's files"])
            return env

        @event_priority(100)
        def on_page_context(self, context: Any, /, *, page: Any, config: Any, nav: Any) -> Any:
            step(["page", page.file.src_uri])  # putting the page's HTML into the theme
            return context

        @event_priority(100)
        def on_post_build(self, *, config: Any) -> None:
            step(["stage", "writing the search index"])

    return Steps()


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
