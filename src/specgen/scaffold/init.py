"""``specgen init [DIR]``: a small, realistic workspace that checks clean and builds at once.

Everything is rendered in memory first, then checked against the folder as a
whole: when any file ``init`` would write is already there (or a link, or a
folder on its way is not a real folder), nothing is written and every such
file is named. Anything else in the folder is left alone, ``.git`` included:
adding specs to an existing product repository is the main case.

The example's dates are offsets from "today" (``--today``, else
:func:`specgen.config.today`), so a workspace made on any day has a release
shipped a month ago, one planned ahead and key results measured last week.
The workflows and the pre-commit hook install specgen the way the running one
was installed (:mod:`specgen.scaffold.install`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from specgen.kinds import KINDS
from specgen.scaffold.install import Install
from specgen.scaffold.render import Raw, render, templates
from specgen.scaffold.write import obstacles, write_new
from specgen.schema.editor import EDITOR_SCHEMAS, editor_schemas

#: Where each non-spec template goes in the workspace (spec templates keep their path under ``specs/``).
PLACES: dict[str, str] = {
    "workspace/mkdocs.yml": "mkdocs.yml",
    "workspace/gitignore": ".gitignore",
    "workspace/pre-commit-config.yaml": ".pre-commit-config.yaml",
    "workspace/workflows/specgen.yml": ".github/workflows/specgen.yml",
    "workspace/workflows/specgen-comment.yml": ".github/workflows/specgen-comment.yml",
    "workspace/workflows/site.yml": ".github/workflows/site.yml",
}
VSCODE_SETTINGS = PurePosixPath(".vscode/settings.json")


@dataclass(frozen=True)
class Outcome:
    """What ``init`` did: the files written, or (with nothing written) why each file was in the way."""

    written: list[Path]
    refused: list[str]


def workflows(install_command: str) -> dict[str, str]:
    """The three GitHub workflows (file name -> text) with ``install_command`` as their install step.

    The repository's own ``.github/workflows`` are these with ``pip install .``.
    """
    names = [n for n in PLACES if n.startswith("workspace/workflows/")]
    return {PurePosixPath(n).name: render(n, install=install_command) for n in names}


def plan(today: dt.date, install: Install) -> dict[PurePosixPath, str]:
    """Every file ``init`` writes (path relative to the workspace -> text), rendered in memory."""
    files: dict[PurePosixPath, str] = {}
    context = _dates(today)
    for name in templates("workspace/specs"):
        files[PurePosixPath(name.removeprefix("workspace/"))] = render(name, **context)
    for name, place in PLACES.items():
        files[PurePosixPath(place)] = render(
            name, install=install.pip_command, requirements=Raw(json.dumps([install.requirement]))
        )
    for name, text in editor_schemas().items():
        files[EDITOR_SCHEMAS / name] = text
    files[VSCODE_SETTINGS] = vscode_settings()
    return files


def vscode_settings() -> str:
    """``.vscode/settings.json``: every editor schema mapped to the files of its kind (VS Code's YAML extension)."""
    mapping: dict[str, str | list[str]] = {}
    for kind in KINDS.values():
        schema = (EDITOR_SCHEMAS / kind.schema_name).as_posix()
        mapping[schema] = (
            [f"specs/{kind.folder}/*.yaml", f"specs/{kind.folder}/*.yml"] if kind.folder else "specs/product.yaml"
        )
    return json.dumps({"yaml.schemas": mapping}, indent=2) + "\n"


def init_workspace(target: Path, *, today: dt.date, install: Install) -> Outcome:
    """Write the example workspace into ``target`` (created when missing), unless a file is in the way."""
    files = plan(today, install)
    refused = obstacles(target, list(files))
    if refused:
        return Outcome([], refused)
    return Outcome(write_new(target, files), [])


def _dates(today: dt.date) -> dict[str, object]:
    """The template's dates: ``day(n)`` is ``n`` days from today; objectives run to the end of a half-year.

    The half-year is the one two months from now, so key results are never due in a few days.
    """
    ahead = today + dt.timedelta(days=60)
    first_half = ahead.month <= 6
    due = dt.date(ahead.year, 6, 30) if first_half else dt.date(ahead.year, 12, 31)
    return {
        "day": lambda n: today + dt.timedelta(days=n),
        "period": f"{ahead.year}-H{1 if first_half else 2}",
        "due": due,
    }
