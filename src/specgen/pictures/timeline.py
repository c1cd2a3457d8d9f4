"""The roadmap's timeline: releases on a calendar axis with today marked, each release's features beneath it.

One row per release, in date order, then its features grouped by lane (by
objective unless the caller maps features to lanes). On the axis:

* the target date is a diamond; a release not shipped nor cancelled shows
  how sure the date is as a band after it, where a late date would fall
  (:data:`BAND_WEEKS`: none for ``high`` confidence, 4 weeks for ``medium``,
  8 for ``low``, 8 dashed when the spec does not say);
* a baseline date other than the target is a hollow diamond with a line to
  the target: the slip (or the pull-in) at a glance;
* a release past its date that has not shipped is marked overdue; shipped
  and cancelled releases are muted;
* a vertical line marks today, the run's one today, so the picture is the
  same on every machine for the same day.

A release with more than :data:`DETAIL_LIMIT` feature rows is collapsed: one
row per lane with its counts (open, shipped, won't do), so 1,000 features
make a few dozen rows, not 1,000.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from markupsafe import Markup

from specgen.kinds import natural_key
from specgen.model import Feature, Release, Workspace
from specgen.pictures import svg
from specgen.pictures.common import (
    OPEN_STATUSES,
    RELEASE_CLASS,
    clamp,
    day,
    diamond,
    month_ticks,
    plural,
    status_class,
    words,
)

#: Which lanes a feature is drawn in (a feature may be in several); none: the fallback lane.
Lanes = Callable[[Feature], Sequence[str]]
#: Weeks of the band after a target date, by date confidence (None: the spec does not say).
BAND_WEEKS: dict[str | None, int] = {"high": 0, "medium": 4, "low": 8, None: 8}
#: Feature rows a release shows one by one; past it, one row per lane with counts.
DETAIL_LIMIT = 12

WIDTH, LABELS, AXIS_LEFT, AXIS_RIGHT, TOP, ROW = 800, 250, 262, 784, 30, 20


def by_objective(ws: Workspace) -> Lanes:
    """Lanes by the objectives a feature serves, named by ID and title; none: the lane "No objective"."""
    names = {oid: f"{oid} {svg.label(o.title)}" for oid, o in ws.objectives.items()}
    return lambda f: [names[o] for o in dict.fromkeys(f.objectives) if o in names]


def by_team(feature: Feature) -> Sequence[str]:
    """The lane of a feature's team; none: the lane "No team"."""
    return [svg.label(feature.team)] if feature.team else []


def timeline(
    ws: Workspace,
    today: dt.date,
    *,
    lanes: Lanes | None = None,
    fallback: str = "No objective",
    order: Sequence[str] = (),
    href: Callable[[str], str | None] | None = None,
) -> Markup:
    """The timeline of ``ws``'s releases as a figure, or empty markup when no release has a date.

    ``lanes`` maps a feature to its lanes (by default :func:`by_objective`);
    a feature in none goes in ``fallback``. Lanes named in ``order`` come
    first, in that order (teams as specgen.yaml lists them), then the others
    by name, then the fallback. ``href`` gives the docs path a
    feature's row links to (none: no link).
    """
    releases = sorted(
        (r for r in ws.releases.values() if day(r.target_date)), key=lambda r: (r.target_date, natural_key(r.id))
    )
    if not releases:
        return Markup("")
    lanes_of = lanes or by_objective(ws)
    members: dict[str, list[Feature]] = {r.id: [] for r in releases}
    for f in sorted(ws.features.values(), key=lambda f: natural_key(f.id)):
        if f.release in members:
            members[f.release].append(f)
    drawing = _Drawing(releases, today)
    for r in releases:
        drawing.release(r, _lanes(members[r.id], lanes_of, fallback, order), href)
    unscheduled = sum(1 for f in ws.features.values() if f.status in OPEN_STATUSES and f.release not in members)
    if unscheduled:
        drawing.note(f"Not in a release: {plural(unscheduled, 'open feature')}")
    caption = f"Timeline of the releases by target date; the line marks today, {today.isoformat()}."
    return svg.figure("timeline", [drawing.finish()], caption)


def _lanes(
    features: list[Feature], lanes_of: Lanes, fallback: str, order: Sequence[str]
) -> list[tuple[str, list[Feature]]]:
    grouped: dict[str, list[Feature]] = {}
    for f in features:
        for lane in dict.fromkeys(svg.label(name) for name in lanes_of(f)) or [fallback]:
            grouped.setdefault(lane, []).append(f)
    place = {svg.label(name): i for i, name in enumerate(order)}

    def key(lane: str) -> tuple[bool, int, tuple[object, ...]]:
        return (lane == fallback, place.get(lane, len(place)), natural_key(lane))

    return sorted(grouped.items(), key=lambda kv: key(kv[0]))


class _Drawing:
    """The timeline's rows as they are added, drawn once the height is known."""

    def __init__(self, releases: list[Release], today: dt.date) -> None:
        self.today = today = clamp(today)
        dates = [today]
        for r in releases:
            target = day(r.target_date)
            assert target is not None  # releases without a date are not drawn
            dates += [target, target + dt.timedelta(weeks=BAND_WEEKS.get(r.date_confidence, 8))]
            dates += [d for d in [day(r.baseline_date)] if d]
        self.first, self.last = min(dates) - dt.timedelta(days=10), max(dates) + dt.timedelta(days=10)
        if (self.last - self.first).days < 90:
            middle = self.first + (self.last - self.first) / 2
            self.first, self.last = middle - dt.timedelta(days=45), middle + dt.timedelta(days=45)
        self.rows: list[Callable[[svg.Svg, float], None]] = []
        self.stems: list[tuple[float, int, int]] = []  # x, first and last row of each release's features
        self.descriptions: list[str] = []

    def x(self, when: dt.date) -> float:
        span = (self.last - self.first).days
        return AXIS_LEFT + (when - self.first).days / span * (AXIS_RIGHT - AXIS_LEFT)

    def release(
        self, r: Release, lanes: list[tuple[str, list[Feature]]], href: Callable[[str], str | None] | None
    ) -> None:
        target = day(r.target_date)
        assert target is not None
        done = r.status in ("shipped", "cancelled")
        overdue = not done and target < self.today
        baseline = day(r.baseline_date)
        about = _describe(r, baseline, target, overdue, lanes)
        self.descriptions.append(about)
        cls = f"sg-release {RELEASE_CLASS.get(r.status, 'sg-r-other')}" + (" sg-overdue" if overdue else "")
        band = 0 if done else BAND_WEEKS.get(r.date_confidence, 8)
        unsure = f"sg-band-{r.date_confidence}" if r.date_confidence in ("medium", "low") else "sg-band-unstated"
        x = self.x(target)

        def row(picture: svg.Svg, y: float) -> None:
            with picture.group(cls, about):
                picture.text(8, y + 4, svg.label(f"{r.id} {svg.label(r.name)}"), "sg-label sg-strong", svg.fits(LABELS))
                if band:
                    end = self.x(target + dt.timedelta(weeks=band))
                    picture.element("rect", f"sg-band {unsure}", x=x, y=y - 5, width=end - x, height=10)
                if baseline and baseline != target:
                    start = self.x(baseline)
                    picture.element("line", "sg-slip", x1=start, y1=y, x2=x, y2=y)
                    picture.element("polygon", "sg-baseline", points=diamond(start, y, 5))
                picture.element("polygon", "sg-target", points=diamond(x, y, 6))

        self.rows.append(row)
        first = len(self.rows)
        rows = sum(len(fs) + 1 for _, fs in lanes)
        if rows <= DETAIL_LIMIT:
            for lane, features in lanes:
                self.rows.append(_lane_row(lane))
                for f in features:
                    self.rows.append(_feature_row(f, x, href))
        else:
            for lane, features in lanes:
                self.rows.append(_count_row(lane, features, x))
        if len(self.rows) > first:
            self.stems.append((x, first - 1, len(self.rows) - 1))

    def note(self, text: str) -> None:
        def row(picture: svg.Svg, y: float) -> None:
            picture.text(8, y + 4, text, "sg-label sg-muted")

        self.rows.append(row)

    def finish(self) -> svg.Svg:
        height = TOP + ROW * len(self.rows) + 26
        title = f"Timeline of {plural(len(self.descriptions), 'release')}, today {self.today.isoformat()}"
        key = svg.digest("timeline", title, *self.descriptions)
        picture = svg.Svg(WIDTH, height, key, title, " ".join(self.descriptions))
        for tick in month_ticks(self.first, self.last):
            x = self.x(tick)
            picture.element("line", "sg-grid", x1=x, y1=TOP - 12, x2=x, y2=height - 22)
            if x + 3 + 7 * 6 <= WIDTH:  # a month's label, 7 characters of the 10-unit type, stays inside
                picture.text(x + 3, TOP - 16, tick.strftime("%Y-%m"), "sg-tick")
        for x, first, last in self.stems:
            picture.element("line", "sg-stem", x1=x, y1=TOP + ROW * first + 6, x2=x, y2=TOP + ROW * last)
        for index, row in enumerate(self.rows):
            row(picture, TOP + ROW * index)
        today = self.x(self.today)
        picture.element("line", "sg-today", x1=today, y1=TOP - 12, x2=today, y2=height - 20)
        anchor = "sg-tick sg-end" if today > WIDTH - 120 else "sg-tick"
        picture.text(today + (-3 if today > WIDTH - 120 else 3), height - 8, f"today {self.today}", anchor)
        return picture


def _lane_row(lane: str) -> Callable[[svg.Svg, float], None]:
    def row(picture: svg.Svg, y: float) -> None:
        if picture.text(18, y + 4, lane, "sg-label sg-lane", svg.fits(LABELS - 18)):
            picture.tooltip(lane)

    return row


def _feature_row(f: Feature, x: float, href: Callable[[str], str | None] | None) -> Callable[[svg.Svg, float], None]:
    name = f"{f.id} {svg.label(f.title)}"

    def row(picture: svg.Svg, y: float) -> None:
        with picture.link(href(f.id) if href else None), picture.group(f"sg-feature {status_class(f.status)}"):
            picture.tooltip(f"{name}: {words(f.status)}")
            picture.text(30, y + 4, name, "sg-label", svg.fits(LABELS - 30))
            picture.element("circle", "sg-dot", cx=x, cy=y, r=4)

    return row


def _count_row(lane: str, features: list[Feature], x: float) -> Callable[[svg.Svg, float], None]:
    counts = _counts(features)
    text = ", ".join(counts)

    def row(picture: svg.Svg, y: float) -> None:
        with picture.group("sg-feature sg-collapsed", f"{lane}: {text}"):
            room = svg.fits(LABELS - 18) - len(text) - 2
            picture.text(18, y + 4, f"{svg.cut(lane, max(room, 8))}: {text}", "sg-label", svg.fits(LABELS - 18))
            picture.element("circle", "sg-dot", cx=x, cy=y, r=5)

    return row


def _counts(features: list[Feature]) -> list[str]:
    opened = sum(1 for f in features if f.status in OPEN_STATUSES)
    shipped = sum(1 for f in features if f.status == "shipped")
    dropped = len(features) - opened - shipped
    return [
        text
        for n, text in (
            (opened, f"{opened:,} open"),
            (shipped, f"{shipped:,} shipped"),
            (dropped, f"{dropped:,} won't do"),
        )
        if n
    ]


def _describe(
    r: Release,
    baseline: dt.date | None,
    target: dt.date,
    overdue: bool,
    lanes: list[tuple[str, list[Feature]]],
) -> str:
    parts = [f"{r.id} {svg.label(r.name)}: {words(r.status)}, target {target.isoformat()}"]
    if r.date_confidence:
        parts[0] += f" ({r.date_confidence} confidence)"
    if overdue:
        parts.append("overdue")
    if baseline and baseline != target:
        weeks = (target - baseline).days / 7
        shift = f"{abs(weeks):.1f}".rstrip("0").rstrip(".")
        parts.append(f"{shift} weeks {'later' if weeks > 0 else 'earlier'} than the baseline {baseline.isoformat()}")
    features = {f.id: f for _, fs in lanes for f in fs}
    counts = _counts(list(features.values()))
    parts.append(f"{plural(len(features), 'feature')}" + (f" ({', '.join(counts)})" if counts else ""))
    return "; ".join(parts) + "."
