"""Diagnostics: every problem specgen finds, as data.

A diagnostic names a file and, where one is known, the place inside it: a JSON
path into the document (``pointer``) that :mod:`specgen.locate` turns into a
line and a column only for the files that have problems, so the fast path
never pays for locations it does not need.

Every rule has one home here, in :data:`RULES`, with a stable code, a default
severity and a one-line summary; the site's rule reference is rendered from it.
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from specgen import suggest
from specgen.gfm import plain

Pointer = tuple[str | int, ...]


class Severity(enum.Enum):
    """How serious a finding is. ``--strict`` treats warnings as errors."""

    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Rule:
    """A check with a stable code, a default severity and a summary."""

    code: str
    severity: Severity
    summary: str
    #: For a warning that can appear without any commit (time passed) or that
    #: an upgrade brings (an old spelling): the ``--fail-on`` group it belongs
    #: to. Such a warning fails ``--strict`` only when its group is asked for.
    gate: str | None = None


def _rules(*rules: Rule) -> dict[str, Rule]:
    return {rule.code: rule for rule in rules}


E, W = Severity.ERROR, Severity.WARNING

#: The ``--fail-on`` groups: warnings that do not fail ``--strict`` unless asked.
#: ``history``: the git history a build reads is missing, a fact of the checkout rather than of the specs.
#: ``unmatched``: imported results that no test case names; not every test needs a test case.
STALE, DEPRECATED, HISTORY, UNMATCHED = "stale", "deprecated", "history", "unmatched"
GATES = (STALE, DEPRECATED, HISTORY, UNMATCHED)

#: Every rule specgen applies, by code. Codes are stable: never reuse one.
RULES: dict[str, Rule] = _rules(
    # SG1xx: reading files
    Rule("SG101", E, "The file is not valid YAML."),
    Rule("SG102", E, "A mapping has the same key twice."),
    Rule("SG103", E, "The file is empty or holds only comments."),
    Rule("SG104", E, "The file is not UTF-8 text."),
    Rule("SG105", E, "The document is not a mapping of keys to values."),
    Rule("SG106", E, "The file is larger than the configured limit."),
    Rule("SG107", E, "The file holds more than one YAML document."),
    Rule("SG108", E, "A YAML file in the specs folder is not where any kind of spec lives."),
    Rule("SG109", E, "The document is nested deeper, or uses more aliases, than the limits allow."),
    Rule(
        "SG110",
        E,
        "The path is a link out of its folder (specs, templates, assets) or into `.git/`, or is not a regular file.",
    ),
    Rule("SG111", W, "A ` #` after plain text starts a YAML comment and cuts the text short."),
    # SG2xx: JSON Schema
    Rule("SG201", E, "A key is not allowed here."),
    Rule("SG202", E, "A required key is missing."),
    Rule("SG203", E, "A value has the wrong type."),
    Rule("SG204", E, "A value is not one of the allowed values."),
    Rule("SG205", E, "A value is not in the expected format (date, URL, ...)."),
    Rule("SG206", E, "A value breaks a schema constraint (pattern, range, length, ...)."),
    Rule(
        "SG207", E, "A value is a placeholder (TBD, `<name>`, STK-TBD, 0.0, a template's title ...), not real content."
    ),
    Rule("SG208", W, "A key or value uses an old spelling; `specgen migrate` writes the new one.", DEPRECATED),
    # SG3xx: across files
    Rule("SG301", E, "Two specs have the same ID."),
    Rule("SG302", E, "The ID does not match the file name."),
    Rule("SG303", E, "A reference names no known spec."),
    Rule("SG304", E, "A reference names a spec of the wrong kind."),
    Rule("SG305", E, "Features depend on each other in a cycle."),
    Rule("SG306", E, "A test case verifies no existing requirement."),
    Rule("SG307", W, "A Must requirement of a planned-or-later feature has no test case."),
    Rule("SG308", W, "A dependency is planned to ship after the feature that needs it."),
    Rule("SG309", W, "Now or Next work is not linked to any objective."),
    Rule("SG310", E, "The workspace has no product spec."),
    Rule("SG311", W, "A spec ID written in Markdown text names no known spec."),
    Rule("SG312", W, "A brief that has readers has no status update addressed to them."),
    Rule("SG313", W, "A shipped feature has no release note, so the briefs cannot say what changed."),
    Rule("SG314", E, "A feature marked shipped is in a release that is planned, slipped or cancelled."),
    Rule("SG315", E, "A feature that is an idea, in discovery, planned or in progress is in a release marked shipped."),
    Rule("SG316", W, "A release is past its target date and has neither shipped nor been cancelled.", STALE),
    Rule("SG317", E, "An `ignore` entry cannot apply: an unknown code, an error's code, SG318, or a blank reason."),
    Rule("SG318", W, "An `ignore` entry matches no finding."),
    Rule("SG319", E, "A key result's history disagrees with its current value or its date."),
    Rule("SG320", W, "A value is still a prompt that `specgen new` or `specgen init` wrote, waiting for real content."),
    Rule("SG321", W, "The editor schemas in the workspace differ from what `specgen schema --workspace` writes now."),
    Rule(
        "SG322",
        W,
        "An automated test case names no `automation_ref`; this becomes an error in the next release.",
        DEPRECATED,
    ),
    Rule("SG323", W, "A release's features need more effort (`effort_weeks`) than its `capacity_weeks`."),
    Rule("SG324", W, "Features whose requirements are all Must take more than 60% of a release's capacity."),
    Rule(
        "SG325", E, "A decision's `superseded_by` and its status disagree, or decisions supersede each other in a loop."
    ),
    Rule("SG326", E, "A feature's `team` is not one of the `teams` that specgen.yaml lists."),
    # SG4xx: building
    Rule("SG401", E, "A template failed to render."),
    Rule("SG402", E, "MkDocs failed to build the site."),
    Rule("SG403", E, "The workspace configuration is invalid."),
    Rule(
        "SG409",
        W,
        "The git history `since` needs is missing (a shallow clone, no git, an unknown revision): "
        "the briefs leave out what changed.",
        HISTORY,
    ),
    # SG41x: test results imported with --results
    Rule("SG410", E, "A test-results file given with `--results` cannot be read as JUnit XML."),
    Rule("SG411", W, "A test result imported with `--results` matches no test case's `automation_ref`.", UNMATCHED),
    Rule("SG412", W, "An automated test case's `automation_ref` matches no result imported with `--results`."),
    Rule("SG413", W, "A shipped or beta feature has a test case whose latest result failed."),
)


@dataclass(frozen=True, order=False)
class Diagnostic:
    """One finding, located in a file.

    ``line`` and ``column`` are 1-based; 0 means "unknown" (the whole file).
    ``pointer`` is the JSON path inside the document, kept so that locations
    can be resolved late and so that machine-readable output can name the
    exact value.
    """

    path: str
    code: str
    message: str
    severity: Severity = Severity.ERROR
    line: int = 0
    column: int = 0
    pointer: Pointer = ()
    hint: str | None = None
    #: Point at the key of the last pointer element rather than its value.
    at_key: bool = field(default=False, compare=False)
    #: The reason of the ``ignore`` entry that accepted this warning; ``None``
    #: for a finding that stands (see :mod:`specgen.suppress`).
    suppressed_by: str | None = None

    @classmethod
    def of(
        cls,
        code: str,
        path: str,
        message: str,
        *,
        pointer: Pointer = (),
        hint: str | None = None,
        line: int = 0,
        column: int = 0,
        at_key: bool = False,
    ) -> Diagnostic:
        """Build a diagnostic with the rule's default severity."""
        return cls(
            path=path,
            code=code,
            message=message,
            severity=RULES[code].severity,
            line=line,
            column=column,
            pointer=pointer,
            hint=hint,
            at_key=at_key,
        )

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.code, self.message)

    def to_data(self) -> dict[str, Any]:
        """This diagnostic as JSON-like data (for the cache, and for what a bounded child sends back)."""
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Diagnostic:
        """The diagnostic that :meth:`to_data` gave ``data`` for."""
        return cls(**{**data, "severity": Severity(data["severity"]), "pointer": tuple(data["pointer"])})

    def located(self, line: int, column: int) -> Diagnostic:
        return replace(self, line=line, column=column)

    def __str__(self) -> str:
        """One line, ``path:line:col: severity[CODE]: message (hint)``, that shows what it holds and does nothing.

        Paths and messages carry PR input (a file name, a results file's
        test names): a line break in one would forge a line of its own (a
        ``::error`` command in a CI log) and an escape sequence would drive
        the terminal, so both are made visible (:func:`specgen.gfm.plain`).
        """
        text = f"{self.path}:{self.line}:{self.column}: {self.severity}[{self.code}]: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return plain(text)


_LINE_NUMBERS = re.compile(r"\b(lines?|columns?) [0-9][0-9,]*")


def identity(d: Diagnostic, path: str | None = None, data: Any = None) -> str:
    """A finding's identity, which edits elsewhere in its file do not change.

    It is made of the file's path (``path`` overrides it: a renamed file's
    findings keep their identity), the rule's code, the JSON pointer of the
    value and the message with every line and column number masked ("first
    on line 3" moves with the lines): not the location. With the document's
    ``data``, a list index in the pointer is replaced by what the item is
    (its ``id``, or the value itself), so a requirement inserted above
    another does not make the other's findings new. ``specgen diff`` compares
    findings by it, and report formats use it as a fingerprint.
    """
    pointer = json.dumps(_stable_pointer(d.pointer, data), ensure_ascii=False)
    message = _LINE_NUMBERS.sub(r"\1 #", d.message)
    key = "\0".join((path or d.path, d.code, pointer, message))
    return hashlib.blake2b(key.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def _stable_pointer(pointer: Pointer, data: Any) -> list[str | int]:
    """``pointer`` with each list index that ``data`` can name by an ID or a plain value named so."""
    stable: list[str | int] = []
    node = data
    for part in pointer:
        if isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):
            node = node[part]
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                stable.append(f"id={node['id']}")
            elif isinstance(node, str | int | float) and not isinstance(node, bool):
                stable.append(f"={node}")
            else:
                stable.append(part)
            continue
        stable.append(part)
        node = node.get(part) if isinstance(node, dict) and isinstance(part, str) else None
    return stable


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sort by file, line, column; drop exact duplicates."""
    return sorted(set(diagnostics), key=lambda d: d.sort_key)


def did_you_mean(word: str, candidates: Sequence[str] | Iterable[str]) -> str | None:
    """A "did you mean ..." hint when one candidate is likely what ``word`` meant (:mod:`specgen.suggest`)."""
    return suggest.did_you_mean(word, candidates)


def pointer_text(pointer: Pointer) -> str:
    """A readable path such as ``requirements[2].priority``."""
    text = ""
    for part in pointer:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or "(document)"
