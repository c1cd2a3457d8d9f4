"""Reporters: render a check's findings for people or machines.

Chosen by name from :data:`REPORTERS`; each takes the
:class:`~specgen.check.CheckResult` and returns text. Accepted findings
(warnings an ``ignore`` entry accepted, see :mod:`specgen.suppress`) are
always shown or counted, never dropped. Reporters never decide exit codes,
and no format changes one.

==========  =====================================================================
``text``    compiler-style lines for a terminal (:mod:`.text`)
``json``    specgen's own stable JSON (:mod:`.data`)
``github``  GitHub Actions annotations (:mod:`.github`)
``sarif``   SARIF 2.1.0, for GitHub code scanning and SARIF viewers (:mod:`.sarif`)
``gitlab``  a GitLab Code Quality report (:mod:`.gitlab`)
``junit``   JUnit XML, one test case per file checked (:mod:`.junit`)
==========  =====================================================================
"""

from __future__ import annotations

from specgen.reporters.common import Reporter, summary
from specgen.reporters.data import as_json
from specgen.reporters.github import github
from specgen.reporters.gitlab import gitlab
from specgen.reporters.junit import junit
from specgen.reporters.sarif import sarif
from specgen.reporters.text import text

REPORTERS: dict[str, Reporter] = {
    "text": text,
    "json": as_json,
    "github": github,
    "sarif": sarif,
    "gitlab": gitlab,
    "junit": junit,
}

__all__ = ["REPORTERS", "Reporter", "summary"]
