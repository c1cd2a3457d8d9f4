"""Figures as pages and messages write them: ``12``, ``12.5``, ``1,200``.

A module of its own, importing nothing, so that the check's rules and the
pages' filters (which import the model) write a number alike.
"""

from __future__ import annotations


def number(value: float | None, digits: int = 1) -> str:
    """A whole number without decimals, any other with ``digits`` of them, thousands separated; ``n/a`` for none."""
    if value is None:
        return "n/a"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{digits}f}"
