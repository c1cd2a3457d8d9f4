"""The test cases as CSV, one row each, with the columns test-management tools import.

The headings are the names TestRail, Xray and Zephyr Scale's CSV importers
let a PM map by hand (each asks which column is which): ``Title`` maps to
TestRail's *Title* and Xray's *Summary*; ``Preconditions``, ``Steps`` and
``Expected Result`` to TestRail's fields of the same names (the *Test Case
(Text)* template) and to Xray's step *Action* and *Result*; ``Priority`` and
``Type`` to their fields of the same names; ``Requirement IDs`` to TestRail's
*References* or Xray's requirement links; ``ID`` to Xray's *Test ID* (the
column that groups a test's rows) or a custom field. A test case is one row:
its steps are numbered lines in one cell (``1. Open the timeline``), and the
expected results numbered the same way in theirs, so the two line up.

The file is RFC 4180: ``\\r\\n`` between rows, every text cell in double quotes,
UTF-8. Quoting every text cell also keeps a cell whole where a spreadsheet
splits on ``;`` (Excel does in many locales), so no cell can start mid-text.

**Formula injection.** A text cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab, a carriage return, a line feed or a NUL is read as a formula by Excel,
LibreOffice or Google Sheets (``=cmd|' /C calc'!A0``, ``@SUM(1)``), and some
of them trim leading spaces first (`` =1+1``). Such a cell gets a
leading ``'``, as OWASP's CSV-injection advice and ASVS 1.2.10 say: the
spreadsheet shows the text, with the quote hidden. Numbers are written as
numbers and left alone (``-3`` is a number, not a formula). A tool that reads
the file as data sees the quote: that is the price of a file that is safe to
open.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from specgen.export.plain import plain
from specgen.kinds import natural_key
from specgen.model import TestCase, Workspace

FILE_NAME = "test-cases.csv"

HEADERS = (
    "ID",
    "Title",
    "Feature",
    "Feature Title",
    "Requirement IDs",
    "Preconditions",
    "Steps",
    "Expected Result",
    "Priority",
    "Type",
    "Automation",
    "Automation Ref",
    "Last Result",
    "Last Result Date",
)

#: What makes a spreadsheet read a cell as a formula when the cell starts with it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")

Cell = str | int | float


def neutralised(value: Cell) -> Cell:
    """A text cell that a spreadsheet would read as a formula, with a leading ``'``; numbers as they are."""
    if isinstance(value, str) and (value.startswith(FORMULA_STARTS) or value.lstrip(" ").startswith(FORMULA_STARTS)):
        return "'" + value
    return value


def _lines(items: Iterable[str], numbered: bool = False) -> str:
    texts = [plain(item) for item in items]
    return "\n".join(f"{i}. {t}" if numbered else t for i, t in enumerate(texts, start=1))


def row(case: TestCase, ws: Workspace) -> list[Cell]:
    """The cells of one test case, in :data:`HEADERS` order, before neutralising."""
    feature = ws.features.get(case.feature)
    result = case.last_result
    return [
        case.id,
        plain(case.title),
        case.feature,
        plain(feature.title) if feature else "",
        "; ".join(case.verifies),
        _lines(case.preconditions),
        _lines((s.action for s in case.steps), numbered=True),
        _lines((s.expected for s in case.steps), numbered=True),
        case.priority,
        case.kind,
        case.automation,
        case.automation_ref or "",
        result.status if result else "",
        (result.date or "") if result else "",
    ]


def cases_csv(ws: Workspace, *, bom: bool = False) -> tuple[bytes, int]:
    """Every test case as CSV (natural ID order) and the number of rows; ``bom`` starts it with a UTF-8 BOM.

    A BOM is what makes Excel read the file as UTF-8 when it is opened with a
    double click; importers and scripts do better without one, so it is asked for.
    """
    cases = sorted(ws.test_cases.values(), key=lambda c: natural_key(c.id))
    text = rows_csv([list(HEADERS), *(row(case, ws) for case in cases)])
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"), len(cases)


def rows_csv(rows: Iterable[Sequence[Cell]]) -> str:
    """Rows as RFC 4180 text: every cell neutralised, text quoted, numbers bare, ``\\r\\n`` after each row."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    for cells in rows:
        writer.writerow([neutralised(cell) for cell in cells])
    return out.getvalue()
