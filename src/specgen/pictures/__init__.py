"""Pictures: the model drawn as inline SVG at build time, for the roadmap, the objectives and each feature page.

Pure functions from the model (and the run's one today) to markup:
:func:`~specgen.pictures.timeline.timeline` (releases on a calendar),
:func:`~specgen.pictures.graph.dependency_graph` and
:func:`~specgen.pictures.graph.neighbourhood` (what blocks what), and
:func:`~specgen.pictures.trends.key_result_trends`. No script, no request:
the pictures work offline, on ``file://``, in print and under a strict
Content-Security-Policy, and follow the theme's light and dark palettes
through its CSS variables (``specgen.css``). Every picture has an accessible
name and description, and the tables beside it say the same in words.
:mod:`~specgen.pictures.svg` is the one writer of their markup;
:mod:`~specgen.pictures.templates` makes them template globals.
"""

from specgen.pictures.graph import dependency_graph, neighbourhood
from specgen.pictures.timeline import by_objective, by_team, timeline
from specgen.pictures.trends import key_result_trends

__all__ = ["by_objective", "by_team", "dependency_graph", "key_result_trends", "neighbourhood", "timeline"]
