"""Side: one revision of a workspace, checked and modelled, as a diff reads it.

A side's model holds every spec whose file loaded and passed its own schema:
a file broken on one side leaves only its own specs out (the comparisons say
so), never the rest of the diff.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from specgen.analysis import Analysis
from specgen.check import CheckResult
from specgen.diagnostics import Diagnostic, Severity
from specgen.kinds import PRODUCT_ID
from specgen.loader import Document
from specgen.model import Workspace, build_workspace

#: Codes of the per-file stages (reading, parsing, the schema): an error among them keeps a file out of the model.
_PER_FILE = ("SG1", "SG2")


@dataclass(frozen=True)
class Side:
    """BASE or HEAD: what was checked, and the model of its sound specs."""

    #: ``"base"`` or ``"head"``.
    name: str
    #: How reports name the revision: ``main (1a2b3c4)``, ``the working tree``.
    label: str
    result: CheckResult
    #: The full commit ID; ``None`` for the working tree.
    commit: str | None = None
    #: Model objects by (path, digest), shared with the other side so that an unchanged spec is built once.
    memo: dict[tuple[str, str], Any] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def broken(self) -> dict[str, Diagnostic]:
        """Spec files that did not load or broke their schema, by path: the first error of each."""
        first: dict[str, Diagnostic] = {}
        for d in self.result.diagnostics:
            if d.severity is Severity.ERROR and d.code.startswith(_PER_FILE) and d.path not in first:
                first[d.path] = d
        return first

    @cached_property
    def documents(self) -> list[Document]:
        """The documents that make up the model: loaded, sound by their own schema, one per ID.

        When several files define one ID (SG301), the one named after it
        stands for it (else the first): a copy under another name must not
        make a real change to the spec invisible. :attr:`duplicates` names them.
        """
        sound = [d for d in self.result.documents if d.path not in self.broken]
        chosen: dict[str, Document] = {}
        for document in sound:
            ident = spec_id(document)
            if ident not in chosen or (document.stem == ident and chosen[ident].stem != ident):
                chosen[ident] = document
        return [d for d in sound if chosen[spec_id(d)] is d]

    @cached_property
    def by_id(self) -> dict[str, Document]:
        """:attr:`documents` by the ID each defines."""
        return {spec_id(d): d for d in self.documents}

    @cached_property
    def duplicates(self) -> dict[str, list[str]]:
        """The IDs that several sound files define, with every such file's path (SG301 reports them too)."""
        paths: dict[str, list[str]] = {}
        for document in self.result.documents:
            if document.path not in self.broken:
                paths.setdefault(spec_id(document), []).append(document.path)
        return {ident: found for ident, found in paths.items() if len(found) > 1}

    @cached_property
    def ws(self) -> Workspace:
        return build_workspace(self.documents, self.memo)

    @cached_property
    def analysis(self) -> Analysis:
        return Analysis(self.ws)

    @cached_property
    def paths(self) -> dict[str, str]:
        """The spec file of every ID on this side, broken files included (by their file name)."""
        found = {spec_id(d): d.path for d in self.result.documents}
        for path in self.broken:
            stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            found.setdefault(PRODUCT_ID if stem == "product" else stem, path)
        return found

    @cached_property
    def broken_ids(self) -> dict[str, Diagnostic]:
        """The IDs whose file is broken on this side, with the error that broke it."""
        by_path = {path: spec for spec, path in self.paths.items()}
        return {by_path[path]: error for path, error in self.broken.items() if path in by_path}


def spec_id(document: Document) -> str:
    """The ID a document defines: its ``id``, or the product's fixed one."""
    value = document.data.get("id")
    return value if isinstance(value, str) else (PRODUCT_ID if document.kind.name == "product" else document.stem)
