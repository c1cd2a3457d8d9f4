"""``--format junit``: the check itself as a JUnit XML test report, for a CI system's test tab.

One ``<testsuite name="specgen check">``; one ``<testcase classname="specgen"
name="PATH">`` per file checked (every spec file, and every other file with a
finding: ``specgen.yaml``, ``mkdocs.yml``, a template). A clean file passes.

Every finding fails its file, warnings too: the test tab shows what is wrong,
and whether the run fails is the exit code's business (``--strict``), which
no format changes. A file with findings has one ``<failure>``, not one per
finding: Jenkins keeps only the first ``<failure>`` of a test case, and
GitLab's parser expects one. Its ``type`` lists the rule codes of the file's
findings (the code itself when there is one), its ``message`` is the first
finding's located text (``path:line:col: error[CODE]: message``) and says
how many more follow, and its text holds every finding, one a line. Accepted
findings (``ignore`` entries) fail nothing: they are listed, with their
reasons, in the test case's ``<system-out>``.

Spec text is hostile: the XML is built with :mod:`xml.etree.ElementTree`,
which escapes markup, and characters XML 1.0 cannot carry at all (control
characters, lone surrogates, U+FFFE) become U+FFFD.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import TYPE_CHECKING

from specgen.diagnostics import Diagnostic
from specgen.reporters.common import checked_paths

if TYPE_CHECKING:
    from specgen.check import CheckResult

SUITE = "specgen check"
CLASSNAME = "specgen"

#: What XML 1.0 forbids (its ``Char`` production, inverted).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """``value`` with every character XML 1.0 cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", value)


def junit(result: CheckResult) -> str:
    """A JUnit XML report with one test case per file checked."""
    standing: dict[str, list[Diagnostic]] = {path: [] for path in checked_paths(result)}
    accepted: dict[str, list[Diagnostic]] = {path: [] for path in standing}
    for d in result.diagnostics:
        standing[d.path].append(d)
    for d in result.suppressed:
        accepted[d.path].append(d)
    failed = sum(bool(found) for found in standing.values())
    counts = {"tests": str(len(standing)), "failures": str(failed), "errors": "0", "skipped": "0"}
    root = ET.Element("testsuites", {"name": CLASSNAME, **counts})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE, **counts})
    for path, found in standing.items():
        case = ET.SubElement(suite, "testcase", {"classname": CLASSNAME, "name": xml_text(path)})
        if found:
            _failure(case, found)
        if accepted[path]:
            out = ET.SubElement(case, "system-out")
            out.text = xml_text("".join(f"accepted: {d} (reason: {d.suppressed_by})\n" for d in accepted[path]))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _failure(case: ET.Element, found: Sequence[Diagnostic]) -> None:
    codes = list(dict.fromkeys(d.code for d in found))
    message = str(found[0]) + (f" (and {len(found) - 1} more)" if len(found) > 1 else "")
    failure = ET.SubElement(case, "failure", {"type": xml_text(" ".join(codes)), "message": xml_text(message)})
    failure.text = xml_text("".join(f"{d}\n" for d in found))
