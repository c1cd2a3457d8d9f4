"""Objective rules: a key result's figure, its date and its history must tell one story (SG319).

A key result says where a metric is (``current``) and, since issue 10, on
what day that was measured (``measured_on``), with an optional ``history`` of
earlier measurements. Pages show "40 teams as of 2026-11-20", so the three
must agree. SG319 is an error, because each finding is two statements that
cannot both be true:

- the newest history entry (by date) has another value than ``current``, or
  another date than ``measured_on``: the spec states two latest figures;
- a history is given without ``measured_on``: the figure has no date, though
  the spec knows one (the newest entry's);
- two history entries share a date: one day, two values. Order is not
  checked: a history may be written newest first or oldest first, and pages
  sort it.

A date after today is not checked. "Today" is a day the run is given
(``--today``, ``SOURCE_DATE_EPOCH``), not a fact of the specs: the suite pins
it to 2026-06-01 while the dogfood specs were measured in November 2026, and
a check "as of" an earlier day would turn a true spec into an error. Every
finding here is two statements of the specs that cannot both be true, on any
day.

Pure functions over the sound parts of schema-checked documents; fields are
read with ``.get``, and anything of an unexpected shape is passed over (it has
its own schema error).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from specgen.diagnostics import Diagnostic, Pointer
from specgen.rules.releases import Spec
from specgen.rules.valid import day as read_day


def objective_rules(valid: Sequence[Spec]) -> list[Diagnostic]:
    """SG319 on every key result of the objectives in ``valid`` (the sound parts of schema-checked documents)."""
    problems: list[Diagnostic] = []
    for doc in valid:
        results = doc.data.get("key_results") if doc.kind.name == "objective" else None
        if not isinstance(results, list):
            continue  # not an objective, or its key results have a schema error
        for i, kr in enumerate(results):
            if isinstance(kr, dict):
                problems.extend(_key_result(doc.path, i, kr))
    return problems


def _figure(value: object) -> str:
    """A number as the spec author wrote it: 40, not 40.0."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _key_result(path: str, i: int, kr: dict[str, Any]) -> Iterator[Diagnostic]:
    here: Pointer = ("key_results", i)
    metric = kr.get("metric")
    name = f"key result {i + 1} ({metric})" if isinstance(metric, str) and metric else f"key result {i + 1}"
    current, measured = kr.get("current"), kr.get("measured_on")
    measured_day = read_day(measured)
    history = kr.get("history")
    if not isinstance(history, list):
        return
    entries = [(j, e, day) for j, e in enumerate(history) if isinstance(e, dict) and (day := read_day(e.get("date")))]
    seen: dict[dt.date, int] = {}
    for j, entry, day in entries:
        at: Pointer = (*here, "history", j, "date")
        if day in seen:
            yield Diagnostic.of(
                "SG319",
                path,
                f"{name} has two history entries dated {entry['date']} (entries {seen[day] + 1} and {j + 1}): "
                "one day cannot have two measured values",
                pointer=at,
                hint="keep the one value measured that day and remove the other entry",
            )
            continue
        seen[day] = j
    if not entries:
        return
    j, last, day = max(entries, key=lambda e: (e[2], e[0]))
    value = last.get("value")
    if measured_day is None and measured is None:
        yield Diagnostic.of(
            "SG319",
            path,
            f"{name} has a history but no measured_on: pages cannot say on what day its current value "
            f"({_figure(current)}) was measured",
            pointer=(*here, "history"),
            at_key=True,
            hint=f"add measured_on: {last['date']} (the newest history entry's date) beside current",
        )
    elif measured_day is not None and day != measured_day:
        yield Diagnostic.of(
            "SG319",
            path,
            f"{name} has measured_on: {measured}, but its newest history entry is dated {last['date']}: "
            "the newest entry is the current measurement, so the two dates must be the same",
            pointer=(*here, "measured_on"),
            hint=f"add a history entry {{date: {measured}, value: {_figure(current)}}}, or set measured_on: "
            + (f"{last['date']}" if value == current else f"{last['date']} and current: {_figure(value)}"),
        )
        return  # the values of two different days are not expected to match
    if isinstance(value, int | float) and isinstance(current, int | float) and value != current:
        yield Diagnostic.of(
            "SG319",
            path,
            f"{name} has current: {_figure(current)}, but its newest history entry ({last['date']}) "
            f"says {_figure(value)}: the newest entry is the current measurement, so the two values must be the same",
            pointer=(*here, "history", j, "value"),
            hint=f"set current: {_figure(value)}, or correct the history entry's value to {_figure(current)}",
        )
