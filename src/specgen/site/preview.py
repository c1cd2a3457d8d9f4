"""Preview: a workspace's site, rebuilt page by page as its specs change.

``specgen serve`` keeps one :class:`Preview` for the whole session. The first
build is a full one, as atomic as ``specgen build``. After that, a rebuild
checks the specs (the per-file cache makes that cheap), renders pages in
memory, and gives MkDocs only the pages whose Markdown changed: they are
written into a docs folder that lives as long as the preview, and MkDocs'
dirty build converts just those, because their Markdown is newer than their
HTML. The search index is then merged: the entries of the rebuilt pages
replace their old ones.

An edit is shown in two passes. The quick pass renders only the pages that
present the changed files (the edited feature's page, the list of personas),
so the page being worked on is up to date within a second or so even in a
large workspace. The complete pass, which the caller runs right after it,
renders every page and rebuilds whatever else changed (indexes, briefs, test
cases), so the preview ends exactly as a full build would.

What a dirty build cannot do is done by a full build again: the first build,
a change of navigation or of ``mkdocs.yml``, and the build after one that
failed.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from specgen.cache import FileCache
from specgen.check import check, configured
from specgen.config import Settings, read_config
from specgen.diagnostics import Diagnostic
from specgen.model import Workspace, build_workspace
from specgen.render import Page, choose, nav, plan, templates_of
from specgen.site.mkdocs_run import publish, run_mkdocs, stops_build
from specgen.site.pages import render_checked
from specgen.site.pipeline import BuildResult


@dataclass(frozen=True)
class Rebuild:
    """One rebuild of the preview: the build's outcome and how much it redid."""

    result: BuildResult
    #: Pages MkDocs converted again (0 when nothing changed).
    pages: int
    full: bool
    #: A quick pass: the complete pass is still to run.
    pending: bool = False


class Preview:
    """The preview site of one workspace, in a folder that the preview owns."""

    def __init__(self, settings: Settings, root: Path) -> None:
        self.settings = settings
        self.docs = root / "docs"
        self.site = root / "site"
        # Rendered pages land here first: only a rendering that succeeded reaches the docs folder.
        self._incoming = root / "incoming"
        # What the site was last built from: the digest of each page's Markdown in the
        # docs folder, by docs path; None until a full build has succeeded.
        self._written: dict[str, str] | None = None
        self._navigation: list[Any] | None = None
        self._config: bytes | None = None
        self._directory_urls = True
        self._search: _SearchIndex | None = None
        # The digest of each spec file as of the last pass, by path.
        self._digests: dict[str, str] = {}
        self._pending = False
        # Read from disk once, then kept up to date in memory by every check.
        self._cache = FileCache(settings.workspace, settings.limits, settings.custom_fields.digest)
        # The model object of each spec file, kept between rebuilds: only edited files are converted again.
        self._models: dict[tuple[str, str], Any] = {}

    def rebuild(self, *, quick: bool = True) -> Rebuild:
        """Check, render, and bring the site up to date: one pass.

        With ``quick``, a rebuild after an edit makes a quick pass and returns
        with ``pending`` set; the next rebuild makes the complete pass. While
        the specs, templates or ``specgen.yaml`` have problems, the site stays
        as it was.
        Pages are rendered in a bounded child process (see
        :func:`~specgen.site.render_checked`), which writes only the pages
        whose Markdown changed.
        """
        result = check(settings=self.settings, cache=self._cache)
        # specgen.yaml is read again on every pass, as every build does, so that
        # its problems are shown while the preview runs (its settings apply on
        # the next start: the preview's folders and cache are made from them).
        _, problems = read_config(self.settings.workspace)
        if problems:
            result = replace(result, diagnostics=[*problems, *result.diagnostics])
        if not result.success:
            return Rebuild(BuildResult(result, self.site), 0, False)
        workspace = configured(build_workspace(result.documents, self._models), self.settings)
        digests = {d.path: d.digest for d in result.documents}
        edited = {p for p in digests.keys() | self._digests.keys() if digests.get(p) != self._digests.get(p)}
        try:
            config = self.settings.mkdocs_config.read_bytes()
        except OSError:
            config = None  # render_checked() says what is wrong with it
        planned = plan(workspace)
        navigation = nav(planned)
        full = self._written is None or config != self._config or navigation != self._navigation
        quick = quick and not full and not self._pending and bool(edited)
        # A spec's file is named after its ID (rule SG302), the product spec's "product".
        # When nothing presents the edited files on its own, the pass is a complete one.
        chosen = choose(planned, {PurePosixPath(path).stem for path in edited}) if quick else planned
        quick = quick and bool(chosen)
        pages = chosen or planned
        try:
            if full:
                outcome = self._full(workspace, pages, navigation)
            else:
                outcome = self._incremental(workspace, pages, {p.path for p in planned}, navigation, partial=quick)
        except OSError as error:
            shown = self.settings.mkdocs_config.name
            problem = Diagnostic.of("SG402", shown, f"cannot write the preview: {error}", line=1, column=1)
            outcome = _Outcome(False, [problem], 0, {})
        if isinstance(outcome, Diagnostic):
            # Nothing was written: the docs folder and the site are as they were.
            return Rebuild(BuildResult(result, self.site, [outcome]), 0, False)
        if outcome.complete and not stops_build(outcome.problems, strict=self.settings.strict):
            self._written, self._navigation, self._config = outcome.written, navigation, config
            self._digests, self._pending = digests, quick
        else:
            # A failed full build leaves the old site, but the docs folder moved on; a
            # failed dirty build may have updated part of the site. Either way the
            # next build is a full one.
            self._written = None
        pages_in_site = len(outcome.written) if outcome.complete else len(planned)
        return Rebuild(BuildResult(result, self.site, outcome.problems, pages_in_site), outcome.count, full, quick)

    def _render(self, workspace: Workspace, pages: list[Page], known: dict[str, str]) -> dict[str, str] | Diagnostic:
        """Render ``pages`` into the incoming folder: the digest of each page that differs from ``known``."""
        shutil.rmtree(self._incoming, ignore_errors=True)
        self._incoming.mkdir(parents=True)
        rendered = render_checked(workspace, self.settings, self._incoming, pages=pages, known=known)
        if isinstance(rendered, Diagnostic):
            shutil.rmtree(self._incoming, ignore_errors=True)
            return rendered
        return rendered.written

    def _full(self, workspace: Workspace, pages: list[Page], navigation: list[Any]) -> _Outcome | Diagnostic:
        written = self._render(workspace, pages, {})
        if isinstance(written, Diagnostic):
            return written
        shutil.rmtree(self.docs, ignore_errors=True)
        self._incoming.rename(self.docs)
        run = publish(self.docs, navigation, self.settings, self.site, templates=templates_of(pages))
        if run.complete:
            self._directory_urls = run.directory_urls
            self._search = _SearchIndex.read(self.site)
        return _Outcome(run.complete, run.problems, len(pages), written)

    def _incremental(
        self, workspace: Workspace, pages: list[Page], planned: set[str], navigation: list[Any], *, partial: bool
    ) -> _Outcome | Diagnostic:
        """A dirty build of the pages that changed; ``partial`` when ``pages`` are some of the site's only."""
        assert self._written is not None
        changed = self._render(workspace, pages, self._written)
        if isinstance(changed, Diagnostic):
            return changed
        removed = [] if partial else [path for path in self._written if path not in planned]
        written = {path: digest for path, digest in self._written.items() if path not in removed} | changed
        if not changed and not removed:
            return _Outcome(True, [], 0, written)
        from mkdocs.structure.files import File

        def file(path: str) -> File:
            return File(path, str(self.docs), str(self.site), self._directory_urls)

        for path in removed:
            (self.docs / path).unlink(missing_ok=True)
            output = Path(file(path).abs_dest_path)
            output.unlink(missing_ok=True)
            if output.parent != self.site and not any(output.parent.iterdir()):
                output.parent.rmdir()
        # MkDocs' dirty build converts a page whose HTML is missing or older than
        # its Markdown. File times can be coarser than two quick saves, so the
        # HTML of a changed page is dated to 1970 rather than trusted to look
        # older; it is not removed, so a build stopped by its budget still
        # leaves the page as it was.
        for path in changed:
            with contextlib.suppress(FileNotFoundError):
                os.utime(file(path).abs_dest_path, (0, 0))
            (self.docs / path).parent.mkdir(parents=True, exist_ok=True)
            (self._incoming / path).replace(self.docs / path)
        run = run_mkdocs(
            self.settings, self.docs, self.site, navigation, strict=False, dirty=True, templates=templates_of(pages)
        )
        if run.complete and self._search is not None:
            # MkDocs calls the home page "./"; search entries locate it as "".
            redone = {file(path).url.removeprefix("./") for path in [*changed, *removed]}
            self._search.merge(self.site, redone)
        return _Outcome(run.complete, run.problems, len(changed), written)


@dataclass(frozen=True)
class _Outcome:
    """What one pass did: whether the site is whole, what MkDocs said, how many pages it converted."""

    complete: bool
    problems: list[Diagnostic]
    count: int
    #: The digest of each page in the docs folder afterwards, by docs path.
    written: dict[str, str]


@dataclass
class _SearchIndex:
    """A site's search index, kept as each page's entries in JSON text.

    A dirty build writes an index of the rebuilt pages only; merging it into
    this one and writing the whole index again costs a join of strings rather
    than encoding some hundred thousand entries anew.
    """

    config: str
    #: The entries of each page, by page URL: an entry belongs to the page its
    #: location names before ``#``.
    pages: dict[str, list[str]]

    @classmethod
    def read(cls, site: Path) -> _SearchIndex | None:
        index = _load_search_index(site)
        if index is None:
            return None
        pages: dict[str, list[str]] = {}
        for entry in index["docs"]:
            pages.setdefault(_page_of(entry), []).append(_json(entry))
        return cls(_json(index.get("config")), pages)

    def merge(self, site: Path, redone: set[str]) -> None:
        """Replace the entries of the ``redone`` pages with those of the dirty build, and write the whole index."""
        fresh = _load_search_index(site)
        if fresh is None:
            return
        for url in redone:
            self.pages.pop(url, None)
        for entry in fresh["docs"]:
            self.pages.setdefault(_page_of(entry), []).append(_json(entry))
        self.config = _json(fresh.get("config"))
        docs = ",".join(entry for entries in self.pages.values() for entry in entries)
        # The same text as json.dumps({"config": ..., "docs": [...]}) in the theme's separators.
        text = f'{{"config":{self.config},"docs":[{docs}]}}'
        (site / _SEARCH_INDEX).write_text(text, encoding="utf-8")


_SEARCH_INDEX = Path("search", "search_index.json")


def _load_search_index(site: Path) -> dict[str, Any] | None:
    path = site / _SEARCH_INDEX
    if not path.is_file():
        return None
    index = json.loads(path.read_text(encoding="utf-8"))
    return index if isinstance(index, dict) and isinstance(index.get("docs"), list) else None


def _page_of(entry: dict[str, Any]) -> str:
    return str(entry.get("location", "")).partition("#")[0]


def _json(value: Any) -> str:
    """JSON as the search plugins write it."""
    return json.dumps(value, separators=(",", ":"), default=str)
