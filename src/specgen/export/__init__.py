"""Export: the checked model in formats people outside git read.

One module per format, each a pure function of the model (nothing here reads
or writes files: :mod:`~specgen.export.write` does, for the command in
:mod:`~specgen.export.command`):

* ``csv``: the test cases, one row each, for test-management tools
  (:mod:`~specgen.export.csv_export`);
* ``json``: the whole model, versioned, described by ``model.schema.json``
  (:mod:`~specgen.export.json_export`);
* ``gherkin``: one ``.feature`` file per feature with acceptance criteria
  (:mod:`~specgen.export.gherkin_export`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from specgen.export import csv_export, gherkin_export, json_export
from specgen.model import Workspace


@dataclass(frozen=True)
class Exported:
    """What an export produced: file names and their bytes, never written by this package's API."""

    format: str
    #: File name (no folder) -> content. A stream format has exactly one.
    files: dict[str, bytes]
    #: One file that may go to standard output (csv, json); otherwise a folder of files (gherkin).
    stream: bool
    #: What was exported, for the command's last line ("3 test cases").
    summary: str


@dataclass(frozen=True)
class Format:
    name: str
    stream: bool
    make: Callable[[Workspace, bool], tuple[dict[str, bytes], str]]


def _csv(ws: Workspace, bom: bool) -> tuple[dict[str, bytes], str]:
    data, rows = csv_export.cases_csv(ws, bom=bom)
    return {csv_export.FILE_NAME: data}, f"{rows} test case{'s' if rows != 1 else ''}"


def _json(ws: Workspace, _bom: bool) -> tuple[dict[str, bytes], str]:
    return {json_export.FILE_NAME: json_export.model_json(ws).encode("utf-8")}, "the model"


def _gherkin(ws: Workspace, _bom: bool) -> tuple[dict[str, bytes], str]:
    files = {name: text.encode("utf-8") for name, text in gherkin_export.feature_files(ws).items()}
    return files, f"{len(files)} feature file{'s' if len(files) != 1 else ''}"


#: Every export format, by the name ``--format`` takes.
FORMATS: dict[str, Format] = {
    "csv": Format("csv", True, _csv),
    "json": Format("json", True, _json),
    "gherkin": Format("gherkin", False, _gherkin),
}


def export(workspace: Workspace, fmt: str, *, bom: bool = False) -> Exported:
    """Export a checked workspace as ``fmt`` (a key of :data:`FORMATS`); ``bom`` puts a UTF-8 BOM before CSV."""
    chosen = FORMATS[fmt]
    files, summary = chosen.make(workspace, bom)
    return Exported(fmt, files, chosen.stream, summary)


__all__ = ["FORMATS", "Exported", "export"]
