"""The pictures as template globals: each reads the page's workspace, today and path from the template's context."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from specgen import config
from specgen.config import LANES
from specgen.filters import relative
from specgen.model import Feature, Objective, Workspace
from specgen.pictures.graph import dependency_graph, neighbourhood
from specgen.pictures.timeline import by_objective, by_team, timeline
from specgen.pictures.trends import key_result_trends


def _feature_links(context: Context) -> Callable[[str], str | None]:
    here: str = context["page"].path
    return lambda fid: relative(here, f"features/{fid}.md")


@pass_context
def _timeline(context: Context, lanes: str | None = None) -> Markup:
    """``{{ timeline() }}``: lanes as the workspace says (``roadmap.lanes``), or ``timeline(lanes="team")``."""
    ws: Workspace = context["ws"]
    today: dt.date = context.get("today") or config.today()
    lanes = lanes or ws.lanes
    if lanes not in LANES:
        raise ValueError(f"timeline(lanes={lanes!r}): lanes are one of {', '.join(LANES)}")
    if lanes == "team":
        return timeline(ws, today, lanes=by_team, fallback="No team", order=ws.teams, href=_feature_links(context))
    return timeline(ws, today, lanes=by_objective(ws), href=_feature_links(context))


@pass_context
def _dependency_graph(context: Context) -> Markup:
    return dependency_graph(
        context["ws"], href=_feature_links(context), index=relative(context["page"].path, "features/index.md")
    )


@pass_context
def _neighbourhood(context: Context, feature: Feature) -> Markup:
    return neighbourhood(context["ws"], feature, href=_feature_links(context))


def _trends(objective: Objective) -> Markup:
    return key_result_trends(objective)


def picture_globals() -> dict[str, Any]:
    """The globals :func:`specgen.render.make_environment` adds: one per picture."""
    return {
        "timeline": _timeline,
        "dependency_graph": _dependency_graph,
        "neighbourhood": _neighbourhood,
        "key_result_trends": _trends,
    }
