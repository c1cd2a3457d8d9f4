"""JUnit XML: the test results CI writes, parsed safely into plain records.

One reader for the shapes the common producers write:

- pytest ``--junitxml``: ``<testsuites><testsuite name="pytest">``, classname
  ``tests.test_x`` (or ``tests.test_x.TestC``), name ``test_y[param]``; xunit1
  adds ``file``;
- Maven Surefire and Gradle: one bare ``<testsuite>`` per class, name
  ``testBar`` (Gradle on JUnit 5: ``testBar()``); Surefire's reruns
  (``flakyFailure``, ``rerunFailure``) count by their final verdict;
- JUnit 5's ConsoleLauncher (``--reports-dir``, the legacy XML): one
  ``<testsuite name="JUnit Jupiter">`` holding every class, name
  ``testBar()``, ``testBar(int)[2]`` for an invocation;
- jest-junit: ``<testsuites>`` of one suite per file, classname and name
  ``{describe blocks} {title}`` by default, ``file`` when configured;
- go-junit-report (v2): one suite per package, classname the import path,
  name ``TestFoo`` and ``TestFoo/sub`` for subtests.

Suites may nest, and any attribute may be missing. The file is CI output
that a pull request can shape, so it is parsed by :mod:`defusedxml` with no
DTD at all (no external entities, no entity expansion: the billion laughs
stop at the doctype), after its size was checked (:mod:`specgen.results.files`).
A file that is not such XML is one located :class:`Diagnostic` (SG410).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as safe_xml

from specgen.diagnostics import Diagnostic
from specgen.reading import byte_position

#: Statuses a result can have, worst first: combining results keeps the worst (see :func:`worst`).
ORDER = ("error", "failed", "passed", "skipped")
#: Child elements of ``<testcase>`` that give its verdict; a case with none passed.
_VERDICTS = {"error": "error", "failure": "failed", "skipped": "skipped"}
#: How much of a failure message pages keep: the first lines of a stack trace say what broke.
MESSAGE_LIMIT = 300
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Case:
    """One ``<testcase>`` of a results file, as plain data."""

    suite: str
    classname: str
    name: str
    #: The ``file`` attribute (pytest xunit1, jest-junit with ``addFileAttribute``), else ``None``.
    file: str | None
    #: passed, failed, error or skipped.
    status: str
    #: Seconds, from the ``time`` attribute.
    duration: float | None
    #: The failure, error or skip message, plain and shortened (:data:`MESSAGE_LIMIT`).
    message: str | None
    #: When it ran: the case's or its suite's ``timestamp``, normalised (see :func:`timestamp`).
    timestamp: str | None
    #: The results file, as given.
    source: str

    @property
    def label(self) -> str:
        """How messages name it: ``classname::name``."""
        return f"{self.classname}::{self.name}" if self.classname else self.name


def worst(statuses: list[str]) -> str:
    """The status that wins when results combine: error > failed > passed > skipped."""
    return min(statuses, key=ORDER.index)


def parse(raw: bytes, shown: str, fallback_time: str | None = None) -> tuple[list[Case], Diagnostic | None]:
    """The test cases of a JUnit XML document, or the SG410 that says why it is none.

    ``fallback_time`` is when the file was written, for producers that write
    no ``timestamp`` (Surefire).
    """
    try:
        root = safe_xml.fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except ParseError as error:
        line, column = error.position
        return [], _refused(shown, f"not well-formed XML: {_expat_message(error)}", line, column + 1)
    except defusedxml.DefusedXmlException as error:
        # Raised at the doctype: JUnit XML has none, and one is how entity tricks start.
        at = raw.find(b"<!DOCTYPE")
        line, column = byte_position(raw, at) if at >= 0 else (0, 0)
        return [], _refused(
            shown, f"the file declares a DTD ({type(error).__name__}); JUnit XML has none", line, column
        )
    except (ValueError, LookupError) as error:  # an encoding the parser does not know, for one
        return [], _refused(shown, f"cannot be read as XML: {error}")
    if _tag(root) not in ("testsuites", "testsuite"):
        message = f"the root element is <{_tag(root)}>, not <testsuites> or <testsuite>: not JUnit XML"
        return [], _refused(shown, message, 1, 1)
    return list(_cases(root, shown, fallback_time)), None


def _refused(shown: str, message: str, line: int = 0, column: int = 0) -> Diagnostic:
    return Diagnostic.of("SG410", shown, message, line=line, column=column)


def _expat_message(error: ParseError) -> str:
    """Expat's reason without the position it appends (the diagnostic carries it)."""
    return re.sub(r": line \d+, column \d+$", "", str(error))


def _tag(element: Element) -> str:
    """The tag without a namespace: a few producers write one."""
    return element.tag.rpartition("}")[2] if isinstance(element.tag, str) else ""


def _cases(root: Element, shown: str, fallback_time: str | None) -> list[Case]:
    """Every ``<testcase>`` below ``root``, each with the name and time of its nearest suite.

    A stack rather than recursion: suites may nest as deep as a file likes.
    """
    found: list[Case] = []
    stack: list[tuple[Element, str, str | None, str | None]] = [(root, "", None, None)]
    while stack:
        element, suite, stamp, file = stack.pop()
        tag = _tag(element)
        if tag == "testcase":
            case = _case(element, suite, stamp or fallback_time, file, shown)
            if case is not None:
                found.append(case)
            continue
        if tag in ("testsuite", "testsuites"):
            suite = element.get("name") or suite
            stamp = timestamp(element.get("timestamp")) or stamp
            file = element.get("file") or file
            stack.extend((child, suite, stamp, file) for child in reversed(list(element)))
    return found


def _case(element: Element, suite: str, stamp: str | None, file: str | None, shown: str) -> Case | None:
    name = _clean(element.get("name") or "")
    if not name:  # nothing could ever name it
        return None
    verdicts = [(status, child) for child in element if (status := _VERDICTS.get(_tag(child)))]
    status = worst([s for s, _ in verdicts]) if verdicts else "passed"
    decisive = next((child for s, child in verdicts if s == status), None)
    return Case(
        suite=_clean(suite),
        classname=_clean(element.get("classname") or ""),
        name=name,
        file=_clean(element.get("file") or file or "") or None,
        status=status,
        duration=_seconds(element.get("time")),
        message=None if decisive is None else _message(decisive),
        timestamp=timestamp(element.get("timestamp")) or stamp,
        source=shown,
    )


def _clean(text: str) -> str:
    """An attribute as one line of text: control characters out, runs of space as one."""
    return _SPACE.sub(" ", _CONTROL.sub("", text)).strip()


def _message(verdict: Element) -> str | None:
    """A verdict's message attribute, else the start of its text (a stack trace), plain and shortened."""
    text = verdict.get("message") or verdict.text or ""
    text = _clean(text)
    if not text:
        return None
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1].rstrip() + "…"


def _seconds(value: str | None) -> float | None:
    """The ``time`` attribute in seconds; Surefire once wrote thousands separators (``1,234.5``)."""
    if not value:
        return None
    try:
        seconds = float(value.replace(",", ""))
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def timestamp(value: str | None) -> str | None:
    """An ISO 8601 time as ``YYYY-MM-DDTHH:MM:SS``, in UTC with a ``Z`` when it names a zone; else ``None``.

    Producers differ: pytest writes the local time with its offset, Gradle
    and jest the local time without one. A time without a zone is kept as
    written, since the zone of the CI machine is not known.
    """
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.isoformat(timespec="seconds")
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
