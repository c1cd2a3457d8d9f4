"""Limits: what one spec file may cost to read.

They keep a hostile or broken file (a huge file, an alias bomb, deep nesting)
from exhausting memory or time. Documented in the README; set in
``specgen.yaml`` under ``limits:``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Bounds on what one spec file may cost to read.

    They keep a hostile or broken file (a huge file, an alias bomb, deep
    nesting) from exhausting memory or time.
    """

    max_file_bytes: int = 1_000_000
    max_depth: int = 32
    max_nodes: int = 100_000

    def check_shape(self, data: object) -> str | None:
        """A problem message when ``data`` is nested too deep or too large."""
        nodes = 0
        stack: list[tuple[object, int]] = [(data, 1)]
        while stack:
            value, depth = stack.pop()
            nodes += 1
            if nodes > self.max_nodes:
                return (
                    f"the document expands to more than {self.max_nodes:,} values "
                    "(aliases included); set limits.max_nodes to change the limit"
                )
            if depth > self.max_depth:
                return (
                    f"the document is nested more than {self.max_depth} levels deep; "
                    "set limits.max_depth to change the limit"
                )
            if isinstance(value, dict):
                stack.extend((v, depth + 1) for v in value.values())
            elif isinstance(value, list):
                stack.extend((v, depth + 1) for v in value)
        return None
