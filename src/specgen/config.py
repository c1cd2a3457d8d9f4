"""Settings: one frozen object, resolved once, passed down explicitly.

Precedence: command-line flag > ``specgen.yaml`` in the workspace > default.
The config file is optional; it is validated like a spec, and its problems are
reported as diagnostics (code SG403) against the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from specgen.diagnostics import Diagnostic, did_you_mean
from specgen.yamlio import make_yaml

CONFIG_FILE = "specgen.yaml"


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


@dataclass(frozen=True)
class Settings:
    """Where a workspace's parts live and how strictly to check them."""

    workspace: Path
    specs_dir: Path
    templates_dir: Path
    site_dir: Path
    mkdocs_config: Path
    strict: bool = False
    limits: Limits = field(default_factory=Limits)

    @classmethod
    def for_workspace(cls, workspace: Path | str = ".", **overrides: Any) -> Settings:
        """Default settings for a workspace, with explicit overrides applied.

        ``None`` values in ``overrides`` mean "not given" and are ignored.
        """
        root = Path(workspace).resolve()
        settings = cls(
            workspace=root,
            specs_dir=root / "specs",
            templates_dir=root / "templates",
            site_dir=root / "site",
            mkdocs_config=root / "mkdocs.yml",
        )
        given = {k: v for k, v in overrides.items() if v is not None}
        for key in ("specs_dir", "templates_dir", "site_dir", "mkdocs_config"):
            if key in given:
                given[key] = (root / given[key]).resolve()
        return replace(settings, **given)


_PATH_KEYS = {"specs": "specs_dir", "templates": "templates_dir", "site": "site_dir", "mkdocs_config": "mkdocs_config"}


def read_config(workspace: Path) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Read ``specgen.yaml`` into Settings overrides; a missing file is fine."""
    path = workspace / CONFIG_FILE
    if not path.is_file():
        return {}, []
    shown = CONFIG_FILE
    try:
        data = make_yaml().load(path.read_text(encoding="utf-8-sig")) or {}
    except Exception as error:  # any parse failure is the user's to fix, not a crash
        return {}, [Diagnostic.of("SG403", shown, f"cannot read the configuration: {error}")]
    if not isinstance(data, dict):
        return {}, [Diagnostic.of("SG403", shown, "the configuration must be a mapping")]
    overrides: dict[str, Any] = {}
    problems: list[Diagnostic] = []
    limit_names = {f.name for f in fields(Limits)}
    for key, value in data.items():
        if key in _PATH_KEYS and isinstance(value, str) and value:
            overrides[_PATH_KEYS[key]] = value
        elif key == "strict" and isinstance(value, bool):
            overrides["strict"] = value
        elif key == "limits" and isinstance(value, dict):
            bad = [k for k, v in value.items() if k not in limit_names or not _positive_int(v)]
            for name in bad:
                problems.append(
                    Diagnostic.of(
                        "SG403",
                        shown,
                        f"limits.{name} must be a known limit with a positive whole number",
                        pointer=("limits", name),
                        at_key=True,
                        hint=did_you_mean(str(name), limit_names),
                    )
                )
            if not bad:
                overrides["limits"] = Limits(**value)
        else:
            problems.append(
                Diagnostic.of(
                    "SG403",
                    shown,
                    f"unknown or invalid setting {key!r}",
                    pointer=(str(key),),
                    at_key=True,
                    hint=did_you_mean(str(key), [*_PATH_KEYS, "strict", "limits"]),
                )
            )
    return overrides, problems


def _positive_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
