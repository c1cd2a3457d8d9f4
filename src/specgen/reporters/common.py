"""What every report format shares: the reporter's shape, the summary line, the files and the findings.

A reporter takes the whole :class:`~specgen.check.CheckResult`: the machine
formats need more than the diagnostics (the parsed documents, for a
fingerprint that list insertions do not change; the files checked, for a test
report in which a clean file passes).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from specgen.diagnostics import Diagnostic, Severity, identity

if TYPE_CHECKING:  # the check imports nothing from here; only the types are needed
    from specgen.check import CheckResult


class Reporter(Protocol):
    """Renders a check's findings, accepted ones included, as text; never decides an exit code."""

    def __call__(self, result: CheckResult) -> str: ...


def summary(diagnostics: Sequence[Diagnostic], files: int, suppressed: Sequence[Diagnostic] = ()) -> str:
    """The last line: files checked, errors, warnings and, when there are any, suppressed findings."""
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    line = (
        f"{files} spec file{'s' if files != 1 else ''} checked: "
        f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    )
    return line + (f", {len(suppressed)} suppressed" if suppressed else "")


def described(d: Diagnostic) -> str:
    """The message with its hint, as the annotations show it: the one line a reader of a report sees."""
    return d.message + (f" ({d.hint})" if d.hint else "")


@dataclass(frozen=True)
class Finding:
    """A diagnostic of the report with its stable identity (see :func:`specgen.diagnostics.identity`)."""

    diagnostic: Diagnostic
    #: The same for the same finding from one commit to the next, whatever lines moved.
    identity: str
    #: 1 for the first finding with this identity in the report, 2 for the next one, and so on.
    occurrence: int

    @property
    def fingerprint(self) -> str:
        """Unique in the report: the identity, or for a second finding just like one before it, a hash of both.

        A tool that shows one entry per fingerprint (GitLab's merge request
        widget does) would otherwise fold the second finding into the first.
        """
        if self.occurrence == 1:
            return self.identity
        key = f"{self.identity}:{self.occurrence}".encode()
        return hashlib.blake2b(key, digest_size=16).hexdigest()

    @property
    def accepted(self) -> bool:
        """An ``ignore`` entry accepted this warning (its reason is ``diagnostic.suppressed_by``)."""
        return self.diagnostic.suppressed_by is not None


def findings(result: CheckResult) -> list[Finding]:
    """The findings that stand, then the accepted ones, each with its identity and occurrence.

    The identity reads each file's parsed data so that a list index becomes
    the item's ID. After a build has let the documents go
    (:meth:`~specgen.check.CheckResult.without_documents`), the identity is
    made from the plain pointer.
    """
    data = {document.path: document.data for document in result.documents}
    seen: Counter[str] = Counter()
    found = []
    for d in [*result.diagnostics, *result.suppressed]:
        key = identity(d, None, data.get(d.path))
        seen[key] += 1
        found.append(Finding(d, key, seen[key]))
    return found


def checked_paths(result: CheckResult) -> list[str]:
    """Every file the check read or found a problem in, sorted: spec files, broken ones, configuration, templates.

    The parsed documents name the spec files that loaded; after a build has
    let them go, the model's specs still name their source files. Broken
    files have no document but always a finding.
    """
    paths = {document.path for document in result.documents}
    if not paths:  # a lean result keeps its model; with no documents at all there is nothing to build
        paths = _sources(result.workspace)
    paths.update(d.path for d in [*result.diagnostics, *result.suppressed])
    return sorted(paths)


def _sources(workspace: object) -> set[str]:
    if workspace is None or not dataclasses.is_dataclass(workspace):
        return set()
    sources: set[str] = set()
    for spec_field in dataclasses.fields(workspace):
        value = getattr(workspace, spec_field.name)
        for spec in value.values() if isinstance(value, dict) else [value]:
            source = getattr(spec, "source", None)
            if isinstance(source, str) and source:
                sources.add(source)
    return sources
