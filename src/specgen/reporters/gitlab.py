"""``--format gitlab``: a GitLab Code Quality report, for ``artifacts: reports: codequality:``.

The fields GitLab reads ("Implement a custom tool", GitLab's Code Quality
documentation): an array of issues, each with ``description``,
``check_name``, ``fingerprint``, ``severity`` and ``location.path`` with
``location.lines.begin``; GitLab ignores the rest of the Code Climate format,
and refuses a byte order mark (``json.dumps`` writes none).

Severity: GitLab ranks ``info`` < ``minor`` < ``major`` < ``critical`` <
``blocker`` in the same widget as every other tool of the pipeline. An error
is ``major`` and a warning ``minor``, as linters' GitLab formats map them
(ESLint's among them), so that a broken spec ranks beside a broken build
step rather than above a security finding. An accepted finding (an ``ignore``
entry) stays in the report as ``info``, its reason in the description:
accepted, never hidden, and it ranks below everything that needs work.

Fingerprints are unique per issue (GitLab folds issues with one fingerprint
into one entry) and stable across commits: see
:attr:`specgen.reporters.common.Finding.fingerprint`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from specgen.diagnostics import Severity
from specgen.reporters.common import Finding, described, findings

if TYPE_CHECKING:
    from specgen.check import CheckResult

#: GitLab's severities, lowest first.
SEVERITIES = ("info", "minor", "major", "critical", "blocker")


def gitlab(result: CheckResult) -> str:
    """Every finding, accepted ones included, as a JSON array of Code Quality issues."""
    return json.dumps([_issue(found) for found in findings(result)], indent=2, ensure_ascii=False) + "\n"


def _issue(found: Finding) -> dict[str, Any]:
    d = found.diagnostic
    if found.accepted:
        severity, description = "info", f"{d.message} (accepted: {d.suppressed_by})"
    else:
        severity, description = ("major" if d.severity is Severity.ERROR else "minor"), described(d)
    return {
        "description": description,
        "check_name": d.code,
        "fingerprint": found.fingerprint,
        "severity": severity,
        # GitLab counts lines from 1; a finding about a whole file is placed on its first line.
        "location": {"path": d.path, "lines": {"begin": d.line if d.line > 0 else 1}},
    }
