"""Step summary: every finding of a check in the GitHub Actions job summary.

GitHub shows at most 10 error and 10 warning annotations per step (50 per
job), so ``--format github`` alone hides the rest of a large run. When the
runner names a summary file in ``GITHUB_STEP_SUMMARY``, :func:`append` adds a
Markdown table of all findings to it, whatever the output format.

GitHub drops a step's summary entirely once it passes 1 MiB, so the table is
cut to fit, errors first, and says how many rows it left out. The summary is
a convenience beside the real output: a file that cannot be written costs
one warning on stderr, never a failed or crashed check.

Messages quote spec text, and spec text is hostile: every cell goes through
:func:`specgen.gfm.markdown`, as the diff's PR comment does: no HTML, no
table break, no link, mention or issue reference (entities would not do: GitHub
links text after it has turned them back into characters).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping, Sequence

from specgen.diagnostics import Diagnostic, Severity
from specgen.gfm import markdown
from specgen.reporters import summary

ENV = "GITHUB_STEP_SUMMARY"
#: GitHub drops a step's summary over this size (bytes of UTF-8).
GITHUB_LIMIT = 1024 * 1024
#: The most one check appends: the other half is left for what the step's other commands write.
OWN_LIMIT = 512 * 1024

_HEADER = "| File:line:col | Severity | Code | Message |\n| --- | --- | --- | --- |\n"


def append(
    diagnostics: Sequence[Diagnostic],
    suppressed: Sequence[Diagnostic],
    files: int,
    environ: Mapping[str, str] = os.environ,
) -> None:
    """Append a report of all findings to the file ``GITHUB_STEP_SUMMARY`` names, if it names one.

    The file is the runner's: it is opened for append as it is (no parent
    folder is made) and without blocking, so a FIFO nobody reads is a
    warning rather than a hung check.
    """
    target = environ.get(ENV)
    if not target:
        return
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
    try:
        with os.fdopen(os.open(target, flags, 0o666), "ab") as out:
            room = min(OWN_LIMIT, GITHUB_LIMIT - os.fstat(out.fileno()).st_size)
            report = render(diagnostics, suppressed, files, limit=room)
            if not report:
                _warn(target, "it is too full for even a line more (GitHub drops a summary over 1 MiB)")
                return
            out.write(report)
    except OSError as error:
        _warn(target, error.strerror or str(error))


def render(diagnostics: Sequence[Diagnostic], suppressed: Sequence[Diagnostic], files: int, *, limit: int) -> bytes:
    """The Markdown report as UTF-8, at most ``limit`` bytes; empty when not even its heading fits.

    Rows come errors first, then warnings, then the suppressed findings with
    their reasons, so a cut keeps what matters most.
    """
    total = len(diagnostics) + len(suppressed)
    if not total:
        clean = f"\n**specgen check**: no findings in {files} spec file{'s' if files != 1 else ''}.\n".encode()
        return clean if len(clean) <= limit else b""
    head = f"\n## specgen check\n\n{summary(diagnostics, files, suppressed)}\n\n{_HEADER}".encode()
    # Room for the longest note a cut can need, so that the rows kept always leave space for it.
    budget, reserve = limit - len(head), len(_left_out(total))
    if budget < reserve:
        return b""
    rows: list[bytes] = []
    used = keep = 0
    for row in _rows(diagnostics, suppressed):
        used += len(row)
        if used > budget:
            return head + b"".join(rows[:keep]) + _left_out(total - keep)
        rows.append(row)
        if used + reserve <= budget:
            keep = len(rows)
    return head + b"".join(rows)


def _rows(diagnostics: Sequence[Diagnostic], suppressed: Sequence[Diagnostic]) -> Iterator[bytes]:
    for severity in (Severity.ERROR, Severity.WARNING):
        for d in diagnostics:
            if d.severity is severity:
                yield _row(d, str(severity), d.message + (f" ({d.hint})" if d.hint else ""))
    for d in suppressed:
        yield _row(d, "suppressed", d.message, f"<br>Accepted: {_cell(d.suppressed_by or '')}")


def _row(d: Diagnostic, severity: str, message: str, extra: str = "") -> bytes:
    location = f"<code>{_cell(f'{d.path}:{d.line}:{d.column}')}</code>"
    return f"| {location} | {severity} | {_cell(d.code)} | {_cell(message)}{extra} |\n".encode()


def _cell(text: str) -> str:
    """Text shown literally on one line of a table cell, linking nobody and no issue (see :mod:`specgen.gfm`)."""
    # A file name that is not UTF-8 carries surrogates: shown as escapes rather than failing to encode.
    return markdown(text.encode("utf-8", "backslashreplace").decode("utf-8"))


def _left_out(count: int) -> bytes:
    findings = "finding was" if count == 1 else "findings were"
    return f"\n{count} more {findings} left out; run `specgen check` to see them all.\n".encode()


def _warn(target: str, reason: str) -> None:
    print(f"specgen: warning: cannot append to the step summary {target!r}: {reason}", file=sys.stderr)
