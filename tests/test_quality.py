"""The code meets its own bar: ruff (lint and format) and mypy --strict.

Part of the suite so that the README's one test command proves it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "src", "tests", "bench"],
        ["ruff", "format", "--check", "src", "tests", "bench"],
        ["mypy"],
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_tool_passes(command: list[str]) -> None:
    proc = subprocess.run([sys.executable, "-m", *command], cwd=REPO, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The specgen modules a file imports at its top level (the stage it depends on to load)."""
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "specgen":
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in modules else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "specgen")
    return found


def test_no_module_imports_one_that_imports_it_back() -> None:
    """Data flows one way: no two stages import each other, directly or round a longer loop."""
    src = REPO / "src"
    files = {".".join(p.relative_to(src).with_suffix("").parts).removesuffix(".__init__"): p for p in src.rglob("*.py")}
    graph = {name: _imports(path, set(files)) & set(files) for name, path in files.items()}

    def loop_from(start: str) -> list[str] | None:
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        seen: set[str] = set()
        while stack:
            name, path = stack.pop()
            for target in graph[name]:
                # A package's own __init__ importing its modules is how packages work, not a loop.
                if target == start and not start.startswith(f"{name}.") and not name.startswith(f"{start}."):
                    return [*path, target]
                if target not in seen:
                    seen.add(target)
                    stack.append((target, [*path, target]))
        return None

    loops = [loop for name in sorted(graph) if (loop := loop_from(name))]
    assert not loops, "import loops: " + "; ".join(" -> ".join(loop) for loop in loops)
