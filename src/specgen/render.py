"""Render: turn the model into Markdown pages, in memory, through Jinja templates.

Templates ship in the package (``specgen/templates``); a workspace's
``templates/`` folder overrides any of them by file name.

User text is data, never code. The environment is sandboxed, and its
``finalize`` hook makes every ``{{ ... }}`` output safe: a field the schema
marks as Markdown (a :class:`specgen.text.fields.Text`) prints its inline form,
rendered by :mod:`specgen.text.markdown` with raw HTML shown literally; any
other value is escaped for Markdown and HTML (with :mod:`specgen.escape`), so a
template cannot forget to: ``<script>``, ``{{ x }}`` and a ``|`` in a table
cell all render literally. ``{{ f.problem | block }}`` prints the block form
(paragraphs, lists, code, tables) and must stand at the start of a line;
``| plain`` gives the text without Markdown. Helpers that build markup on
purpose (links, code) escape their parts and return :class:`markupsafe.Markup`.
Spec IDs written in prose are linked per page (:func:`specgen.text.refs.resolve`),
never on customer-facing pages.

One caveat for template authors: ``~`` between a Markup value (such as a
``link()``) and user text escapes the text for HTML only; build such strings
with separate ``{{ }}`` outputs instead.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    PackageLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
)
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment

from specgen import config
from specgen.analysis import AUDIENCE_TITLES, AUDIENCES, FRAMEWORKS, HORIZONS, INLINE_LIMIT, Analysis
from specgen.diagnostics import Diagnostic
from specgen.escape import anchor, code, external_link, front_matter
from specgen.figures import number
from specgen.filters import (
    HEALTH,
    asset_link,
    bar,
    block,
    inline,
    join,
    link,
    money,
    page_link,
    plain,
    ref_links,
    seconds,
)
from specgen.history import History
from specgen.limits import Limits
from specgen.model import Workspace
from specgen.pictures.templates import picture_globals
from specgen.rules.releases import overdue_since
from specgen.template_files import ContainedLoader
from specgen.text.refs import resolve

# --- pages ----------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One page to render: where it goes, which template, with what."""

    path: str
    template: str
    title: str
    extra: dict[str, Any] = field(default_factory=dict)
    #: Customer-facing: rendered from :meth:`Workspace.public`, never the whole workspace.
    public: bool = False
    #: Left out of the search index: a page that gathers what other pages hold
    #: (briefs, lists) would answer every query a second time, and at scale it
    #: is most of the index.
    searchable: bool = True
    #: The IDs of the specs this page presents one after another (a feature's
    #: own page, the list of personas); the product spec is ``product``, as its
    #: file is named. When one of them is edited, the preview re-renders these
    #: pages first; pages that gather from everywhere follow.
    about: frozenset[str] = frozenset()


def _slug(audience: str) -> str:
    return audience.replace("_", "-")


BRIEF_TEMPLATES = {a: f"brief-{_slug(a)}.md.j2" for a in AUDIENCES}
#: Audiences outside the company: their pages see external items only.
PUBLIC_AUDIENCES = frozenset({"customer"})


def plan(ws: Workspace, history: History | None = None) -> list[Page]:
    """Every page of the site, in navigation order.

    ``history`` (:func:`specgen.history.gather`) adds the Changes page, each
    feature's last change and, with ``since``, what changed for each brief;
    without it, pages say nothing of history.
    """
    history = history or History()
    since = history.since
    pages = [
        Page("index.md", "home.md.j2", "Home", about=frozenset(["product", *ws.updates])),
        Page("roadmap.md", "roadmap.md.j2", "Roadmap", searchable=False, about=frozenset(ws.releases)),
        Page("backlog.md", "backlog.md.j2", "Backlog", searchable=False),
        Page("features/index.md", "features.md.j2", "Features", searchable=False),
        Page("objectives.md", "objectives.md.j2", "Objectives", about=frozenset(ws.objectives)),
        Page("personas.md", "personas.md.j2", "Personas", about=frozenset(ws.personas)),
        Page("evidence.md", "evidence.md.j2", "Evidence", about=frozenset(ws.evidence)),
        Page("decisions.md", "decisions.md.j2", "Decisions", about=frozenset(ws.decisions)),
        Page("stakeholders.md", "stakeholders.md.j2", "Stakeholders", about=frozenset(ws.stakeholders)),
        Page("test-cases.md", "test-cases.md.j2", "Test cases", searchable=False),
    ]
    if history.log is not None:
        pages.append(Page("changes.md", "changes.md.j2", "Changes", {"log": history.log}))
    pages.append(Page("briefs/index.md", "briefs.md.j2", "Briefs", searchable=False))
    pages += [
        Page(
            f"briefs/{_slug(a)}.md",
            BRIEF_TEMPLATES[a],
            f"{AUDIENCE_TITLES[a]} brief",
            {"audience": a, "changes": since and since.digest(a)}
            | ({"changed_behaviour": since and since.changed_behaviour(ws.features)} if a == "support" else {}),
            public=a in PUBLIC_AUDIENCES,
            searchable=False,
        )
        for a in AUDIENCES
    ]
    pages += [
        Page(
            f"features/{f.id}.md",
            "feature.md.j2",
            f"{f.id}: {f.title}",
            {"feature": f, "last_change": history.last.get(f.id), "review": since and since.review(f.id)},
            about=frozenset([f.id]),
        )
        for f in ws.features.values()
    ]
    return pages


def templates_of(pages: list[Page]) -> dict[str, str]:
    """The template of each page, by docs path: an overrun is reported at the template that made the page."""
    return {page.path: page.template for page in pages}


def nav(pages: list[Page]) -> list[Any]:
    """The MkDocs navigation: index pages only, briefs in a section.

    Feature pages are reached from the features index, the roadmap, the
    backlog and search; listing them all would make MkDocs render the whole
    list into every page, which costs O(N^2) at scale.
    """
    top: list[Any] = []
    briefs: list[Any] = []
    for page in pages:
        if page.path.startswith("briefs/"):
            if not briefs:
                top.append({"Briefs": briefs})
            briefs.append({page.title: page.path})
        elif "feature" not in page.extra:
            top.append({page.title: page.path})
    return top


# --- environment ----------------------------------------------------------


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, remembering its verdict on each attribute of each type.

    Immutable: a template cannot change the model (``list.append`` and the
    like are refused), so no page can alter what another page shows.

    Whether an attribute is safe depends only on its name and the type of the
    object (Jinja looks at the name, at ``isinstance`` of function, method,
    type, code, frame and generator objects, and at the mutable container
    types), so the verdict can be reused: templates read the same few
    attributes of the model hundreds of thousands of times on a large workspace.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._verdicts: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._verdicts[key] = super().is_safe_attribute(obj, attr, value)
        return verdict


def make_environment(templates_dir: Path | None, limits: Limits | None = None) -> SandboxedEnvironment:
    """The sandboxed Jinja environment: workspace templates first, then packaged ones."""
    loaders: list[Any] = []
    if templates_dir is not None and templates_dir.is_dir():
        # Only files whose real path stays inside the folder: no link to /proc, .git/ or .env.
        loaders.append(ContainedLoader(templates_dir, (limits or Limits()).max_file_bytes))
    loaders.append(PackageLoader("specgen", "templates"))
    env = _Sandbox(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        # Autoescaping makes macros and {% set %} blocks return Markup (so they
        # are not escaped twice); finalize does the escaping that Markdown needs.
        autoescape=True,
        finalize=inline,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(
        e=inline,
        escape=inline,
        inline=inline,
        block=block,
        plain=plain,
        join=join,
        paragraphs=block,
        code=code,
        anchor=anchor,
        pct=lambda v, digits=0: "n/a" if v is None else f"{v:.{digits}f}%",
        num=number,
        seconds=seconds,
        money=money,
        title_case=lambda s: str(s).replace("_", " ").capitalize(),
    )
    env.globals.update(
        link=link,
        page_link=page_link,
        external_link=external_link,
        code=code,
        frameworks=FRAMEWORKS,
        horizons=HORIZONS,
        audiences=AUDIENCES,
        audience_titles=AUDIENCE_TITLES,
        bar=bar,
        HEALTH=HEALTH,
        inline_limit=INLINE_LIMIT,
        overdue_since=overdue_since,
    )
    env.globals.update(picture_globals())  # timeline(), dependency_graph(), neighbourhood(), key_result_trends()
    return env


class RenderError(Exception):
    """A template failed; carries a located diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


def render_site(
    ws: Workspace,
    templates_dir: Path | None,
    *,
    about: Collection[str] | None = None,
    today: date | None = None,
) -> tuple[dict[str, str], list[Any]]:
    """Render pages in memory: (Markdown by docs path, navigation of the whole site).

    Every page, or with ``about`` only the pages that present one of those specs (by ID).
    ``today`` is the day the pages measure against (a release past its date
    is overdue); by default the run's one today (:func:`specgen.config.today`).
    This runs the templates in the calling process, with no bound on their
    time or memory: builds render through :func:`specgen.site.render_checked`,
    which bounds them.
    """
    pages = plan(ws)
    return dict(render_pages(ws, templates_dir, choose(pages, about), today=today)), nav(pages)


def choose(pages: list[Page], about: Collection[str] | None) -> list[Page]:
    """The pages that present one of the specs ``about`` names (by ID); all of them when it is ``None``."""
    return pages if about is None else [p for p in pages if not p.about.isdisjoint(about)]


def render_pages(
    ws: Workspace,
    templates_dir: Path | None,
    pages: list[Page],
    started: Callable[[Page], None] | None = None,
    limits: Limits | None = None,
    today: date | None = None,
) -> Iterator[tuple[str, str]]:
    """Render ``pages`` one after another: (docs path, Markdown) each, calling ``started`` before each page.

    Templates see ``today`` (a :class:`datetime.date`; by default the run's
    one today, :func:`specgen.config.today`): a build passes
    :attr:`specgen.config.Settings.today`, so ``--today`` and
    ``SOURCE_DATE_EPOCH`` reach the pages as they reach the check.
    A template's failure raises :class:`RenderError`; a ``MemoryError`` passes
    through as it is, for the caller that bounds memory to report.
    """
    day = config.today() if today is None else today
    return _render(make_environment(templates_dir, limits), ws, Analysis(ws), pages, templates_dir, started, day)


def _render(
    env: SandboxedEnvironment,
    ws: Workspace,
    analysis: Analysis,
    pages: list[Page],
    templates_dir: Path | None,
    started: Callable[[Page], None] | None = None,
    today: date | None = None,
) -> Iterator[tuple[str, str]]:
    public: tuple[Workspace, Analysis] | None = None  # made when a customer-facing page first needs it
    for page in pages:
        if started is not None:
            started(page)
        try:
            template = env.get_template(page.template)  # Jinja caches compiled templates
            view, figures = ws, analysis
            if page.public:
                if public is None:
                    public_ws = ws.public()
                    public = (public_ws, Analysis(public_ws))
                view, figures = public
            body = template.render(ws=view, an=figures, product=view.product, page=page, today=today, **page.extra)
            body = resolve(body, ref_links(view, page.path, page.public), asset_link(page.path))
            # The home page keeps the theme's default browser title: the site name.
            title = None if page.path == "index.md" else page.title
            yield page.path, front_matter(title, searchable=page.searchable) + body
        except TemplateSyntaxError as error:
            raise RenderError(
                _template_diagnostic(error, error.filename or error.name or page.template, error.lineno, templates_dir)
            ) from error
        except MemoryError:
            raise  # over the memory budget: the bounded caller names the page
        except Exception as error:  # a workspace template is user input: any failure is theirs
            filename, line = _template_frame(error)
            raise RenderError(
                _template_diagnostic(error, filename or page.template, line, templates_dir, page)
            ) from error


def _template_frame(error: BaseException) -> tuple[str | None, int]:
    """The template file and line a runtime error happened on.

    Jinja rewrites tracebacks so that template frames carry the template's
    file name and line number.
    """
    where: tuple[str | None, int] = (None, 0)
    tb = error.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            where = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return where


def _template_diagnostic(
    error: Exception, name: str, line: int | None, templates_dir: Path | None, page: Page | None = None
) -> Diagnostic:
    shown = shown_template(name, templates_dir)
    where = f" while rendering {page.path}" if page else ""
    if isinstance(error, TemplateNotFound):
        return Diagnostic.of("SG401", shown, f"template {error.name!r} not found{where}", line=line or 1, column=1)
    message = (
        error.message if isinstance(error, TemplateError) and error.message else f"{type(error).__name__}: {error}"
    )
    return Diagnostic.of("SG401", shown, f"template error{where}: {message}", line=line or 1, column=1)


def shown_template(name: str, templates_dir: Path | None) -> str:
    """The template file as diagnostics name it: the workspace's own, or the packaged one."""
    shown = Path(name).name
    if templates_dir is not None and (templates_dir / shown).is_file():
        return (templates_dir / shown).as_posix()
    return f"<specgen>/templates/{shown}"
