"""What the pictures share: status classes and words, days, and the calendar axis's ticks."""

from __future__ import annotations

import datetime as dt

from specgen.analysis.headlines import OPEN, STATUSES
from specgen.pictures.svg import num

#: A feature's status as a class (never the spec's text: a status outside the schema is ``other``).
FEATURE_CLASS = {status: "sg-s-" + status.replace("_", "-") for status in STATUSES}
#: A release's status as a class.
RELEASE_CLASS = {
    "planned": "sg-r-planned",
    "in_progress": "sg-r-in-progress",
    "shipped": "sg-r-shipped",
    "slipped": "sg-r-slipped",
    "cancelled": "sg-r-cancelled",
}
OPEN_STATUSES = frozenset(OPEN)


def status_class(status: str) -> str:
    return FEATURE_CLASS.get(status, "sg-s-other")


def words(value: str) -> str:
    """An enum value as words: ``in_progress`` -> ``in progress``."""
    return value.replace("_", " ")


#: The dates a picture draws between: a year inside what :class:`datetime.date` holds, so that the margins,
#: confidence bands and padding a picture adds around a date (weeks, at most) never overflow it.
EARLIEST, LATEST = dt.date(2, 1, 1), dt.date(9998, 12, 31)


def clamp(value: dt.date) -> dt.date:
    """``value`` inside :data:`EARLIEST` .. :data:`LATEST`: a valid spec may say 9999-12-31 or 0001-01-01."""
    return min(max(value, EARLIEST), LATEST)


def day(value: str | None) -> dt.date | None:
    """A spec's ``YYYY-MM-DD`` as a date to draw (see :func:`clamp`), or None when there is none (or it is not one)."""
    if not value:
        return None
    try:
        return clamp(dt.date.fromisoformat(str(value)[:10]))
    except ValueError:
        return None


def month_ticks(first: dt.date, last: dt.date, most: int = 9) -> list[dt.date]:
    """First days of months between ``first`` and ``last``, every 1, 2, 3, 6 or 12 months: at most ``most``."""
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next((s for s in (1, 2, 3, 6, 12) if months / s <= most), 12 * (months // (12 * most) + 1))
    start = first.year * 12 + first.month - 1  # months since year 0
    start += -start % step  # on a multiple of the step: quarters start in Jan, Apr, Jul, Oct
    ticks = []
    for index in range(start, last.year * 12 + last.month, step):
        tick = dt.date(index // 12, index % 12 + 1, 1)
        if first <= tick <= last:
            ticks.append(tick)
    return ticks


def diamond(x: float, y: float, r: float) -> str:
    """The points of a diamond centred on (x, y): a date on an axis."""
    return " ".join(f"{num(a)},{num(b)}" for a, b in ((x, y - r), (x + r, y), (x, y + r), (x - r, y)))


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"
