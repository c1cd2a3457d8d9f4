"""``--format sarif``: SARIF 2.1.0, for GitHub code scanning and any other SARIF viewer.

One run of one tool. Its rules are :data:`specgen.diagnostics.RULES`, all of
them (a result names its rule by ``ruleId`` and ``ruleIndex``), so that the
rule table reads the same in every upload. Beyond the SARIF schema, GitHub's
code scanning documents some properties as required ("SARIF support for code
scanning"): a rule's ``shortDescription``, ``fullDescription`` and ``help``
texts, and a result's region with start and end, its ``partialFingerprints``
and one location at least. All are given, none empty.

Locations: the URI is the diagnostic's path as it is shown (relative to the
workspace, forward slashes), percent-encoded and resolved against
``%SRCROOT%``; GitHub reads a relative URI against the repository's root,
so in CI run specgen from the root of the workspace's repository (as for
``--format github``). A finding about a whole file (line 0) is placed on its
first line, since code scanning needs a line of 1 or more; a located finding
marks the one character where its value starts, which is all a diagnostic
knows.

Fingerprints: ``specgenIdentity/v1`` is :func:`specgen.diagnostics.identity`,
the key ``specgen diff`` matches findings by. GitHub reads only
``primaryLocationLineHash`` (and, when it is missing, the upload action
computes one from the text around the line); it gets the same identity in the
``hash:occurrence`` form that key uses, so an alert follows its finding when
lines move or an item is inserted above it, whatever the checkout.

A suppressed finding (accepted by an ``ignore`` entry) is a result with an
``inSource`` suppression whose justification is the entry's reason.

No ``informationUri`` or ``helpUri``: specgen has no published home to point
at yet, and a made-up address would be worse than none.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from specgen.diagnostics import RULES, Diagnostic, Rule, Severity
from specgen.reporters.common import Finding, described, findings
from specgen.version import __version__

if TYPE_CHECKING:
    from specgen.check import CheckResult

#: The schema's own identifier, as the OASIS standard (errata 01) publishes it.
SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
VERSION = "2.1.0"
#: The key of :func:`specgen.diagnostics.identity` in ``partialFingerprints``; bump ``v1`` if the identity changes.
FINGERPRINT_KEY = "specgenIdentity/v1"
#: The base the relative URIs resolve against: the workspace folder.
SRCROOT = "%SRCROOT%"


def sarif(result: CheckResult) -> str:
    """The findings, accepted ones included, as a SARIF 2.1.0 log with one run."""
    codes = list(RULES)
    index = {code: n for n, code in enumerate(codes)}
    run = {
        "tool": {
            "driver": {
                "name": "specgen",
                "version": __version__,
                "rules": [_rule(RULES[code]) for code in codes],
            }
        },
        "originalUriBaseIds": {
            SRCROOT: {"description": {"text": "The workspace folder (--workspace): it holds specs/ and mkdocs.yml."}}
        },
        # Columns count characters as the YAML reader does, not UTF-16 units.
        "columnKind": "unicodeCodePoints",
        "results": [_result(found, index) for found in findings(result)],
    }
    log = {"$schema": SCHEMA_URI, "version": VERSION, "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def _rule(rule: Rule) -> dict[str, Any]:
    full = rule.summary
    if rule.gate:
        full += f" It fails --strict only with --fail-on {rule.gate}."
    if rule.severity is Severity.ERROR:
        help_text = f"{full} An error: fix it in the file at the location shown; errors cannot be accepted."
    elif rule.code == "SG318":  # no entry can accept it (see SG317): it would hide every stale entry
        help_text = f"{full} A warning: it fails the check only with --strict. Remove the entry, or fix its code."
    else:
        help_text = (
            f"{full} A warning: it fails the check only with --strict. A team can accept it on purpose with "
            f'an ignore entry on the spec or the item: ignore: [{{code: {rule.code}, reason: "..."}}].'
        )
    return {
        "id": rule.code,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": _level(rule.severity)},
        "properties": {"tags": ["specgen"], "problem.severity": _level(rule.severity)},
    }


def _result(found: Finding, index: dict[str, int]) -> dict[str, Any]:
    d = found.diagnostic
    result: dict[str, Any] = {"ruleId": d.code}
    if d.code in index:
        result["ruleIndex"] = index[d.code]
    result["level"] = _level(d.severity)
    result["message"] = {"text": described(d)}
    result["locations"] = [{"physicalLocation": {"artifactLocation": _artifact(d.path), "region": _region(d)}}]
    result["partialFingerprints"] = {
        FINGERPRINT_KEY: found.identity,
        "primaryLocationLineHash": f"{found.identity[:16]}:{found.occurrence}",
    }
    if d.suppressed_by is not None:
        result["suppressions"] = [{"kind": "inSource", "status": "accepted", "justification": d.suppressed_by}]
    return result


def _artifact(path: str) -> dict[str, str]:
    """A path as a URI reference: percent-encoded (spaces, ``:``, ``#``, non-ASCII), never a bare path."""
    if PurePath(path).is_absolute():  # a file outside the workspace, shown as it is
        absolute = PurePath(path).as_posix().lstrip("/")  # "/srv/x" and "C:/x" alike: file:///srv/x, file:///C:/x
        return {"uri": "file:///" + quote(absolute, safe="/:", errors="surrogateescape")}
    return {"uri": quote(path, errors="surrogateescape"), "uriBaseId": SRCROOT}


def _region(d: Diagnostic) -> dict[str, int]:
    line = d.line if d.line > 0 else 1
    column = d.column if d.line > 0 and d.column > 0 else 1
    return {"startLine": line, "startColumn": column, "endLine": line, "endColumn": column + 1}
