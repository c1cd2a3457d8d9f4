"""Key-result trends: each key result's measurements over time, against its baseline and its target.

One small chart per key result that has a ``history``: the measurements
oldest first (and ``current`` on ``measured_on`` when the history stops
before it), a dashed line at the target, a thin one at the baseline, and the
target's due day marked on the target line when it is inside the chart.
A key result without history draws nothing: one point is no trend.
"""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup

from specgen.figures import number
from specgen.model import KeyResult, Objective
from specgen.pictures import svg
from specgen.pictures.common import day, diamond

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 360, 150, 12, 348, 32, 124


def _points(kr: KeyResult) -> list[tuple[dt.date, float]]:
    points = [(d, m.value) for m in kr.timeline if (d := day(m.date))]
    measured = day(kr.measured_on)
    if measured and (not points or measured > points[-1][0]):
        points.append((measured, kr.current))
    return points


def key_result_trends(objective: Objective) -> Markup:
    """A figure with one chart per key result of ``objective`` that has a history; empty markup when none has."""
    charts = [
        _chart(objective, index, kr, points)
        for index, kr in enumerate(objective.key_results)
        if kr.history and len(points := _points(kr)) >= 1
    ]
    if not charts:
        return Markup("")
    return svg.figure("trends", charts, "Each key result over time: the dashed line is its target.")


def _chart(objective: Objective, index: int, kr: KeyResult, points: list[tuple[dt.date, float]]) -> svg.Svg:
    metric, unit = svg.label(kr.metric), svg.label(kr.unit)
    due = day(kr.due)
    first, last = points[0][0], max(points[-1][0], due or points[-1][0])
    if (last - first).days < 1:
        last = first + dt.timedelta(days=1)
    values = [v for _, v in points] + [kr.baseline, kr.target]
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or 1.0
    low, high = low - pad, high + pad

    def x(when: dt.date) -> float:
        return LEFT + (when - first).days / (last - first).days * (RIGHT - LEFT)

    def y(value: float) -> float:
        return BOTTOM - (value - low) / (high - low) * (BOTTOM - TOP)

    def shown(value: float) -> str:
        return f"{number(value)} {unit}".strip()

    title = (
        f"{metric} over time: {shown(points[0][1])} on {points[0][0]} to {shown(points[-1][1])} on {points[-1][0]};"
        f" baseline {shown(kr.baseline)}, target {shown(kr.target)}" + (f" by {due}" if due else "")
    )
    desc = "Measurements: " + "; ".join(f"{when}: {shown(value)}" for when, value in points) + "."
    key = svg.digest("trend", objective.id, index, title, desc)
    picture = svg.Svg(WIDTH, HEIGHT, key, title, desc)
    picture.element("line", "sg-axis", x1=LEFT, y1=BOTTOM, x2=RIGHT, y2=BOTTOM)
    for value, cls, name in ((kr.baseline, "sg-base", "baseline"), (kr.target, "sg-goal", "target")):
        picture.element("line", cls, x1=LEFT, y1=y(value), x2=RIGHT, y2=y(value))
        above = y(value) - 4 if y(value) - 4 > TOP else y(value) + 12
        picture.text(RIGHT - 8, above, f"{name} {shown(value)}", "sg-tick sg-end", 40)
    if due and first <= due <= last:
        picture.element("polygon", "sg-due", points=diamond(x(due), y(kr.target), 4))
    coordinates = " ".join(f"{svg.num(x(when))},{svg.num(y(value))}" for when, value in points)
    picture.element("polyline", "sg-trend", points=coordinates)
    for i, (when, value) in enumerate(points):
        with picture.group("sg-point" + (" sg-current" if i == len(points) - 1 else ""), f"{when}: {shown(value)}"):
            picture.element("circle", "sg-dot", cx=x(when), cy=y(value), r=3.5 if i == len(points) - 1 else 2.5)
    picture.text(LEFT, HEIGHT - 12, points[0][0].isoformat(), "sg-tick")
    picture.text(RIGHT, HEIGHT - 12, last.isoformat(), "sg-tick sg-end")
    picture.text(LEFT, 13, svg.cut(metric, svg.fits(RIGHT - LEFT)), "sg-label sg-strong")
    return picture
