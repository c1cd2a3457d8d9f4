"""Settings: one frozen object, resolved once, passed down explicitly.

Precedence: command-line flag > ``specgen.yaml`` in the workspace > default.
The config file is optional; it is validated like a spec, and its problems are
reported as diagnostics (code SG403) against the file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from specgen.charset import describe, unprintable
from specgen.diagnostics import Diagnostic, Pointer, did_you_mean
from specgen.limits import Limits
from specgen.loader import parse
from specgen.locate import locate_all
from specgen.reading import read_text
from specgen.schema.custom import NO_FIELDS, CustomFields
from specgen.schema.declare import declare
from specgen.yamlio import make_yaml

CONFIG_FILE = "specgen.yaml"


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
    #: The logo, favicon and stylesheets copied into the site (see specgen.siteconfig.assets).
    assets_dir: Path = Path("assets")
    #: Let MkDocs read mkdocs.yml as it is (hooks, any plugin). Set only from the
    #: command line or the environment, never from specgen.yaml (see specgen.siteconfig).
    trust_mkdocs_config: bool = False
    #: The day rules about dates measure against (see :func:`today`).
    today: dt.date = field(default_factory=lambda: today())
    #: The ``--fail-on`` groups (see :data:`specgen.diagnostics.GATES`) whose
    #: warnings fail ``--strict``; the others never do.
    fail_on: frozenset[str] = frozenset()
    #: Globs, relative to the workspace (``specs/drafts/**``), of YAML files under the
    #: specs folder that are no specs and are passed over (see :func:`specgen.globs.glob_regex`).
    ignore: tuple[str, ...] = ()
    #: The revision (``v0.1.0``, ``main~20``, a commit) or day (``2026-11-01``) the briefs say "what
    #: changed" since (see :mod:`specgen.history`); ``None``: no such section, and no git call for it.
    since: str | None = None
    #: The teams a feature's ``team`` may name; a typo would split the roadmap's lanes.
    teams: tuple[str, ...] = ()
    #: How the roadmap and its timeline group features into lanes: ``objective`` or ``team``.
    lanes: str = "objective"
    #: The custom fields each kind may hold (``fields:``; see :mod:`specgen.schema.custom`).
    custom_fields: CustomFields = NO_FIELDS

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
            assets_dir=root / "assets",
        )
        given = {k: v for k, v in overrides.items() if v is not None}
        for key in ("specs_dir", "templates_dir", "site_dir", "mkdocs_config", "assets_dir"):
            if key in given:
                given[key] = (root / given[key]).resolve()
        return replace(settings, **given)


def today(environ: os._Environ[str] | dict[str, str] | None = None) -> dt.date:
    """The one "today" of a run: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else the clock (UTC).

    ``--today YYYY-MM-DD`` overrides both (see the CLI). An unusable
    ``SOURCE_DATE_EPOCH`` is ignored rather than fatal, as other build tools do.
    """
    value = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    if value.isdigit():
        try:
            return dt.datetime.fromtimestamp(int(value), dt.UTC).date()
        except (OverflowError, OSError, ValueError):
            pass
    return dt.datetime.now(dt.UTC).date()


_PATH_KEYS = {
    "specs": "specs_dir",
    "templates": "templates_dir",
    "site": "site_dir",
    "mkdocs_config": "mkdocs_config",
    "assets": "assets_dir",
}


def read_config(workspace: Path) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Read ``specgen.yaml`` into Settings overrides; a missing file is fine.

    The file is read like a spec (same limits, same located errors), and its
    paths must stay inside the workspace: a configuration that arrives in a
    pull request must not point a build at anything outside it.
    """
    path = workspace / CONFIG_FILE
    if not path.is_file():
        return {}, []
    text, problems = read_text(path, CONFIG_FILE, workspace, Limits())
    if text is None:
        return {}, problems
    data, problems = parse(text, CONFIG_FILE, make_yaml(), Limits())
    if data is None:
        empty = [p for p in problems if p.code == "SG103"]
        return {}, [] if empty else problems
    overrides, problems = _settings(data, workspace)
    return overrides, locate_all(problems, {CONFIG_FILE: text})


def _settings(data: dict[str, Any], workspace: Path) -> tuple[dict[str, Any], list[Diagnostic]]:
    overrides: dict[str, Any] = {}
    problems: list[Diagnostic] = []

    def problem(message: str, pointer: Pointer, hint: str | None = None) -> None:
        problems.append(Diagnostic.of("SG403", CONFIG_FILE, message, pointer=pointer, hint=hint))

    ceilings = {f.name: getattr(Limits(), f.name) for f in fields(Limits)}
    limit_names = list(ceilings)
    for key, value in data.items():
        if key in _PATH_KEYS:
            bad = unprintable(value) if isinstance(value, str) else None
            if not isinstance(value, str) or not value.strip():
                problem(f"{key} must be a path relative to the workspace", (key,))
            elif bad is not None:
                # A NUL makes resolving the path raise ValueError; other controls and bidi controls deceive.
                problem(f"{key}: the path contains {describe(bad)}, which a path cannot hold", (key,), "remove it")
            elif (where := _outside(workspace, value)) is not None:
                problem(f"{key}: {value!r} {where[0]}", (key,), where[1])
            else:
                overrides[_PATH_KEYS[key]] = value
        elif key == "strict":
            if isinstance(value, bool):
                overrides["strict"] = value
            else:
                problem("strict must be true or false", (key,))
        elif key == "limits" and isinstance(value, dict):
            for name, limit in value.items():
                if name not in limit_names:
                    problem(f"unknown limit {name!r}", ("limits", name), did_you_mean(str(name), limit_names))
                elif not _positive_int(limit):
                    problem(f"limits.{name} must be a positive whole number", ("limits", name))
                elif limit > ceilings[name]:
                    # The file arrives in pull requests: raising a limit would switch a guard off.
                    problem(
                        f"limits.{name} may only lower the built-in limit of {ceilings[name]:,}, not raise it",
                        ("limits", name),
                        "a workspace file cannot loosen a limit",
                    )
            if not any(p.pointer[:1] == ("limits",) for p in problems):
                overrides["limits"] = Limits(**value)
        elif key == "limits":
            problem("limits must be a mapping of limit names to numbers", (key,))
        elif key == "ignore":
            globs = _globs(value, problem)
            if globs is not None:
                overrides["ignore"] = globs
        elif key == "teams":
            teams = _teams(value, problem)
            if teams is not None:
                overrides["teams"] = teams
        elif key == "roadmap":
            lanes = _roadmap(value, problem)
            if lanes is not None:
                overrides["lanes"] = lanes
        elif key == "fields":
            custom, mistakes = declare(value, CONFIG_FILE)
            problems.extend(mistakes)
            overrides["custom_fields"] = custom
        elif key == "since":
            wrong = since_problem(value)
            if wrong is None:
                overrides["since"] = value
            else:
                problem(f"since: {wrong}", (key,), SINCE_EXAMPLE)
        else:
            known = [*_PATH_KEYS, "strict", "limits", "ignore", "since", "teams", "roadmap", "fields"]
            problems.append(
                Diagnostic.of(
                    "SG403",
                    CONFIG_FILE,
                    f"unknown setting {key!r}",
                    pointer=(str(key),),
                    at_key=True,
                    hint=did_you_mean(str(key), known) or f"settings are {', '.join(known)}",
                )
            )
    return overrides, problems


#: How the roadmap may lane its features.
LANES = ("objective", "team")


def _teams(value: object, problem: Callable[[str, Pointer, str | None], None]) -> tuple[str, ...] | None:
    """``teams:``, a list of distinct one-line names, or ``None`` after reporting why not."""
    if not isinstance(value, list):
        problem("teams must be a list of team names", ("teams",), "e.g. teams: [payments, growth]")
        return None
    seen: dict[str, str] = {}
    for i, name in enumerate(value):
        if not isinstance(name, str) or not name.strip() or name != name.strip() or unprintable(name):
            problem(f"teams[{i}] must be a team's name: one line of text", ("teams", i), None)
        elif name.casefold() in seen:
            problem(f"team {name!r} is listed twice", ("teams", i), "list each team once")
        else:
            seen[name.casefold()] = name
    return tuple(seen.values())  # a bad entry is reported; the others still count


def _roadmap(value: object, problem: Callable[[str, Pointer, str | None], None]) -> str | None:
    """``roadmap: {lanes: objective|team}``: the lanes, or ``None`` after reporting why not."""
    if not isinstance(value, dict):
        problem("roadmap must be a mapping", ("roadmap",), "e.g. roadmap: {lanes: team}")
        return None
    for key in value:
        if key != "lanes":
            problem(f"unknown roadmap setting {key!r}", ("roadmap", str(key)), "the roadmap setting is lanes")
            return None
    lanes = value.get("lanes", "objective")
    if lanes not in LANES:
        hint = did_you_mean(str(lanes), list(LANES)) or "lanes is objective or team"
        problem(f"roadmap.lanes: {lanes!r} is not objective or team", ("roadmap", "lanes"), hint)
        return None
    return str(lanes)


def custom_fields(workspace: Path) -> CustomFields:
    """The custom fields ``specgen.yaml`` declares (those without a mistake), for what reads no Settings."""
    overrides, _ = read_config(workspace.resolve())  # a relative path would read as a link out of the workspace
    found = overrides.get("custom_fields", NO_FIELDS)
    return found if isinstance(found, CustomFields) else NO_FIELDS


def _globs(value: object, problem: Callable[[str, Pointer, str | None], None]) -> tuple[str, ...] | None:
    """The ``ignore`` globs, or ``None`` after reporting each one that is not a relative glob (as text)."""
    example = 'e.g. ignore: ["specs/drafts/**"]'
    if not isinstance(value, list):
        problem("ignore must be a list of globs relative to the workspace", ("ignore",), example)
        return None
    ok = True
    for i, glob in enumerate(value):
        where = ("ignore", i)
        if isinstance(glob, dict):
            # The other "ignore": accepting a finding is written on the spec or item it concerns.
            problem(
                f"ignore[{i}] must be a glob (text); a finding is accepted on its spec or item instead",
                where,
                'write ignore: [{code: SG308, reason: "..."}] in that spec',
            )
        elif not isinstance(glob, str) or not glob.strip():
            problem(f"ignore[{i}] must be a glob (text), not {_what(glob)}", where, example)
        elif (bad := unprintable(glob)) is not None:
            problem(f"ignore[{i}]: the glob contains {describe(bad)}", where, "remove it")
        elif glob.startswith("/") or ".." in glob.split("/"):
            problem(f"ignore[{i}]: {glob!r} is not relative to the workspace", where, example)
        elif "\\" in glob:
            problem(f"ignore[{i}]: {glob!r} holds a backslash", where, "separate folders with /, as in specs/drafts/**")
        else:
            continue
        ok = False
    return tuple(value) if ok else None


SINCE_EXAMPLE = "e.g. since: v0.1.0 (a tag, branch or commit) or since: 2026-11-01 (a day)"
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def since_problem(value: object) -> str | None:
    """What is wrong with a ``since`` value (the setting or ``--since``), or ``None`` when it is usable.

    A value shaped like a day must be a real one (``2026-02-30`` is a typo, not
    a branch); anything else is a revision, checked by git when the site is
    built. A revision cannot start with ``-`` (git would read an option) or
    hold a control character.
    """
    if not isinstance(value, str) or not value.strip():
        return f"must be a revision or a day (text), not {_what(value)}"
    if _DAY.fullmatch(value):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return f"{value!r} is no day of the calendar"
        return None
    if value.startswith("-"):
        return f"{value!r} is no revision: a revision cannot start with '-'"
    if (bad := unprintable(value)) is not None:
        return f"the revision contains {describe(bad)}, which a revision cannot hold"
    if value != value.strip():
        return f"{value!r} starts or ends with a space, which no revision does"
    return None


def since_day(value: str) -> dt.date | None:
    """The day a ``since`` value names, or ``None`` when it names a revision."""
    return dt.date.fromisoformat(value) if _DAY.fullmatch(value) else None


def _what(value: object) -> str:
    if value is None:
        return "empty"
    if isinstance(value, str):
        return "blank text"
    return {bool: "true or false", int: "a number", float: "a number", list: "a list"}.get(type(value), "this")


def _outside(workspace: Path, path: str) -> tuple[str, str] | None:
    """Why ``path`` (relative to the workspace) is no place inside it, with a hint; ``None`` when it is one."""
    try:
        real = (workspace / path).resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop, on Python 3.11
        return "cannot be followed", "is it a link that leads to itself?"
    if real.is_relative_to(workspace.resolve()):
        return None
    return "is outside the workspace", "paths in specgen.yaml stay inside it"


def _positive_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
