"""Check: load, validate and apply the cross-file rules to a workspace.

This module orchestrates the stages; each stage lives in its own module.
Problems are data in the :class:`CheckResult`; nothing here prints or exits.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

from specgen.cache import FileCache
from specgen.comments import cut_texts
from specgen.config import Settings, read_config
from specgen.diagnostics import RULES, Diagnostic, Severity, sort_diagnostics
from specgen.loader import Document, LoadResult, Progress, load_workspace
from specgen.locate import locate_all
from specgen.model import Workspace, build_workspace
from specgen.results import Imported, apply_results, findings, read_results
from specgen.rules import check_rules
from specgen.rules.valid import Valid
from specgen.schema import check_document
from specgen.schema.drift import schema_drift
from specgen.siteconfig import check_site_config, trusted_by_environment
from specgen.suppress import suppress
from specgen.template_files import template_problems
from specgen.text.checks import check_texts, known_ids
from specgen.vocabulary import OLD_KEYS, modernized


@dataclass(frozen=True)
class CheckResult:
    """The outcome of checking a workspace."""

    settings: Settings
    documents: list[Document]
    diagnostics: list[Diagnostic]
    #: How many spec files were read, broken ones included.
    files: int = 0
    #: Warnings accepted by an ``ignore`` entry, each with its reason in
    #: ``suppressed_by`` (see :mod:`specgen.suppress`); they fail nothing.
    suppressed: list[Diagnostic] = dataclasses.field(default_factory=list)
    #: The test results given with ``results`` (:mod:`specgen.results`); ``None``: none were given.
    imported: Imported | None = None

    @cached_property
    def workspace(self) -> Workspace | None:
        """The typed model, with the imported results on its test cases; ``None`` when errors keep it from being built.

        Built on first use: ``specgen check`` never needs it.
        """
        if any(d.severity is Severity.ERROR for d in self.diagnostics):
            return None
        model = configured(build_workspace(self.documents), self.settings)
        return model if self.imported is None else apply_results(model, self.imported)

    def without_documents(self) -> CheckResult:
        """This result with its parsed documents let go; the diagnostics and the model stay.

        A build needs the documents only until the model is built, and at
        10,000 features they are some hundreds of megabytes.
        """
        lean = dataclasses.replace(self, documents=[])
        lean.__dict__["workspace"] = self.workspace  # the cached model, kept rather than rebuilt from nothing
        return lean

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]

    @property
    def failing_warnings(self) -> list[Diagnostic]:
        """The warnings ``--strict`` fails on: all but those of a ``--fail-on`` group not asked for."""
        return [d for d in self.warnings if (gate := RULES[d.code].gate) is None or gate in self.settings.fail_on]

    @property
    def success(self) -> bool:
        """No errors, and in strict mode no warnings but those that time or an upgrade brought."""
        return not self.errors and not (self.settings.strict and self.failing_warnings)


def resolve_settings(workspace: Path | str = ".", **overrides: object) -> tuple[Settings, list[Diagnostic]]:
    """Settings from defaults, ``specgen.yaml``, the environment and explicit overrides, in that order.

    Trust in ``mkdocs.yml`` comes only from an override or the environment:
    ``specgen.yaml`` is part of the workspace, which a pull request changes.
    """
    root = Path(workspace).resolve()
    from_file, problems = read_config(root)
    given = {k: v for k, v in overrides.items() if v is not None}
    if "trust_mkdocs_config" not in given and trusted_by_environment():
        given["trust_mkdocs_config"] = True
    return Settings.for_workspace(root, **{**from_file, **given}), problems


def configured(model: Workspace, settings: Settings) -> Workspace:
    """The model with what specgen.yaml says about planning: the roadmap's lanes and the teams."""
    return dataclasses.replace(model, lanes=settings.lanes, teams=settings.teams)


def check(
    workspace: Path | str = ".",
    *,
    settings: Settings | None = None,
    strict: bool | None = None,
    progress: Progress | None = None,
    cache: bool | FileCache = False,
    trust_mkdocs_config: bool | None = None,
    today: date | None = None,
    fail_on: frozenset[str] | None = None,
    results: Sequence[str | Path] | None = None,
) -> CheckResult:
    """Check every spec of a workspace and return all findings at once.

    ``progress``, when given, is told how far reading and checking have come.
    ``cache`` reuses the per-file results of earlier runs for files whose text
    has not changed (see :mod:`specgen.cache`); the rules that span files
    always run over every file. A long-lived caller (the preview) passes the
    same :class:`FileCache` to every check, so that it is read from disk once.
    ``mkdocs.yml`` and the assets are checked too (see :mod:`specgen.siteconfig`),
    so that CI fails before a build would run anything. ``results`` are JUnit
    XML files or globs (relative to the current folder): their results go on
    the test cases whose ``automation_ref`` they match, and SG410-SG412 say
    what could not be read or matched (see :mod:`specgen.results`).
    """
    config_problems: list[Diagnostic] = []
    if settings is None:
        settings, config_problems = resolve_settings(
            workspace, strict=strict, trust_mkdocs_config=trust_mkdocs_config, today=today, fail_on=fail_on
        )
    if isinstance(cache, FileCache):
        files: FileCache | None = cache
    else:
        files = FileCache(settings.workspace, settings.limits, settings.custom_fields.digest) if cache else None
    loaded = load_workspace(
        settings.specs_dir, settings.workspace, settings.limits, progress, files, ignore=settings.ignore
    )
    imported = (
        None
        if results is None
        else read_results(
            results,
            settings.limits.max_results_bytes,
            settings.limits.max_results_total_bytes,
            settings.limits.max_results_files,
            settings.workspace,
        )
    )
    return check_loaded(settings, loaded, files, progress, config_problems, imported=imported)


def check_loaded(
    settings: Settings,
    loaded: LoadResult,
    files: FileCache | None = None,
    progress: Progress | None = None,
    config_problems: Sequence[Diagnostic] = (),
    *,
    site: bool = True,
    imported: Imported | None = None,
) -> CheckResult:
    """Check specs already loaded, from disk or from a git revision (:mod:`specgen.diff`).

    ``site=False`` leaves out ``mkdocs.yml``, the assets and the templates,
    which live on disk, not in the revision the specs came from. ``imported``
    holds the test results read for this check (:func:`specgen.results.read_results`).
    """
    loaded = modernized(loaded)
    diagnostics = [*config_problems, *loaded.diagnostics, *cut_texts(loaded.documents)]
    valid: list[Valid] = []
    for done, document in enumerate(loaded.documents, start=1):
        if progress:
            progress("checking", done, len(loaded.documents))
        checked = files.checked(document.path, document.digest) if files else None
        if checked is None:
            checked = check_document(document, settings.custom_fields)
            if files:
                files.store_checked(document.path, document.digest, checked)
        problems, broken = checked
        diagnostics.extend(problems)
        # Every document, with the top-level keys its schema errors break: the rules read the rest.
        valid.append(Valid.of(document, broken))
    # The text rules read the sound parts too: a schema error elsewhere in a file hides no SG311 in its
    # prose. A file's sound parts are the same for the same text, so its cached renderings stay right.
    text_problems = check_texts([v.sound for v in valid], files, known_ids(loaded.documents))
    if files:
        files.save()
    diagnostics.extend(
        check_rules(loaded.documents, valid, loaded.unreadable, today=settings.today, teams=settings.teams)
    )
    diagnostics.extend(text_problems)
    # Test results: SG413 reads hand-written results too; SG410-SG412 only come with imported ones.
    diagnostics.extend(findings([v.sound for v in valid], imported))
    if imported is not None:
        diagnostics.extend(imported.problems)
    if site:
        diagnostics.extend(check_site_config(settings))
        diagnostics.extend(
            template_problems(settings.templates_dir, settings.workspace, settings.limits.max_file_bytes)
        )
        # The committed editor schemas out of date (SG321), custom fields included.
        diagnostics.extend(schema_drift(settings.workspace, settings.custom_fields))
    texts = {d.path: d.text for d in loaded.documents}
    diagnostics = sort_diagnostics(locate_all(diagnostics, texts, OLD_KEYS))
    diagnostics, suppressed = suppress(loaded.documents, diagnostics)
    return CheckResult(settings, loaded.documents, diagnostics, loaded.files, suppressed, imported)
