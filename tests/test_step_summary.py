"""The step summary: all findings, escaped, capped, on real files (and one FIFO)."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from specgen import step_summary
from specgen.diagnostics import Diagnostic, Severity
from specgen.gfm import JOINER

HOSTILE = "a | b\n<script>alert(1)</script> `tick` @octocat @org/team #12 &#35;3 <img src=x>"


def finding(
    n: int, severity: Severity = Severity.ERROR, message: str = "A value is not one of the allowed values."
) -> Diagnostic:
    return Diagnostic(
        path=f"specs/features/FEAT-{n}.yaml", code="SG204", message=message, severity=severity, line=n, column=3
    )


def accepted(n: int, reason: str) -> Diagnostic:
    return Diagnostic(
        path=f"specs/features/FEAT-{n}.yaml",
        code="SG308",
        message="FEAT-2 ships after FEAT-1, which needs it.",
        severity=Severity.WARNING,
        line=1,
        column=1,
        suppressed_by=reason,
    )


class _Table(HTMLParser):
    """The rows of the rendered Markdown's tables, as cell texts, and every tag it holds."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data.replace(JOINER, ""))  # the invisible joiner that unlinks mentions


def rendered(markdown: str) -> _Table:
    """Markdown as GitHub reads it: GFM tables, inline HTML allowed (so an escape that fails would show)."""
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    table = _Table()
    table.feed(html)
    return table


def run(target: Path, diagnostics: Sequence[Diagnostic], suppressed: Sequence[Diagnostic] = (), files: int = 3) -> None:
    step_summary.append(diagnostics, suppressed, files, environ={step_summary.ENV: str(target)})


def test_nothing_is_written_without_the_variable(tmp_path: Path) -> None:
    step_summary.append([finding(1)], [], 1, environ={})
    step_summary.append([finding(1)], [], 1, environ={step_summary.ENV: ""})
    assert list(tmp_path.iterdir()) == []


def test_a_clean_run_appends_one_line_after_what_was_there(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    target.write_text("## Earlier step\n", encoding="utf-8")
    run(target, [], files=12)
    earlier, ours = target.read_text(encoding="utf-8").split("\n", 1)
    assert earlier == "## Earlier step"
    assert [line for line in ours.splitlines() if line] == ["**specgen check**: no findings in 12 spec files."]


def test_every_finding_is_a_row_errors_first_then_the_suppressed_with_their_reason(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    warning = finding(7, Severity.WARNING, "A Must requirement has no test case.")
    run(target, [warning, finding(2), finding(3)], [accepted(4, "Ships together with FEAT-1")], files=5)
    text = target.read_text(encoding="utf-8")
    assert "5 spec files checked: 2 errors, 1 warning, 1 suppressed" in text
    rows = rendered(text).rows
    assert rows[0] == ["File:line:col", "Severity", "Code", "Message"]
    assert [row[:3] for row in rows[1:]] == [
        ["specs/features/FEAT-2.yaml:2:3", "error", "SG204"],
        ["specs/features/FEAT-3.yaml:3:3", "error", "SG204"],
        ["specs/features/FEAT-7.yaml:7:3", "warning", "SG204"],
        ["specs/features/FEAT-4.yaml:1:1", "suppressed", "SG308"],
    ]
    assert rows[4][3] == "FEAT-2 ships after FEAT-1, which needs it.\nAccepted: Ships together with FEAT-1"
    assert "more findings were left out" not in text


def test_spec_text_in_a_message_stays_text_in_its_cell(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    hostile = Diagnostic(path="specs/a|`b`<i>.yaml", code="SG204", message=HOSTILE, hint="use @admin", line=1)
    run(target, [hostile], [accepted(1, HOSTILE)])
    text = target.read_text(encoding="utf-8")
    table = rendered(text)
    assert table.tags == {"h2", "p", "table", "thead", "tbody", "tr", "th", "td", "code", "br"}
    assert [len(row) for row in table.rows] == [4, 4, 4]
    one_line = HOSTILE.replace("\n", " ")  # a line break in a message would end the row: it is a space
    assert table.rows[1] == ["specs/a|`b`<i>.yaml:1:0", "error", "SG204", f"{one_line} (use @admin)"]
    assert table.rows[2][3].endswith(f"\nAccepted: {one_line}")
    # A joiner splits each mention and issue reference: GitHub links neither (entities would not do).
    assert re.search(r"@[\w-]", text) is None
    assert re.search(r"(?<!&)#[0-9]", text) is None  # entities the escaping wrote (&#124;) aside


def test_a_file_name_that_is_not_utf8_is_shown_not_fatal(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    run(target, [Diagnostic(path="specs/\udcff.yaml", code="SG104", message="The file is not UTF-8 text.")])
    assert rendered(target.read_text(encoding="utf-8")).rows[1][0] == "specs/\\udcff.yaml:0:0"


def test_ten_thousand_findings_are_cut_to_fit_and_say_how_many_were_left_out(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    warnings = [finding(n, Severity.WARNING, f"Warning {n}: " + "é" * 40) for n in range(5000)]
    errors = [finding(n, Severity.ERROR, f"Error {n}: " + " ".join(["word"] * 20)) for n in range(5000, 10_000)]
    run(target, warnings + errors, [accepted(n, "Known") for n in range(10)], files=10_000)
    data = target.read_bytes()
    assert len(data) <= step_summary.OWN_LIMIT
    rows = rendered(data.decode("utf-8")).rows[1:]
    left_out = 10_010 - len(rows)
    assert 0 < len(rows) < 10_010
    assert data.decode("utf-8").endswith(
        f"\n{left_out} more findings were left out; run `specgen check` to see them all.\n"
    )
    # The cut keeps the errors, which come first, in order; the room left was too small for one more row.
    assert [row[3] for row in rows] == [d.message for d in errors[: len(rows)]]
    assert len(data) > step_summary.OWN_LIMIT - 500


def test_the_cap_leaves_room_for_what_earlier_steps_wrote(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    earlier = b"x" * (step_summary.GITHUB_LIMIT - 100_000)
    target.write_bytes(earlier)
    run(target, [finding(n, message="m" * 200) for n in range(1000)])
    data = target.read_bytes()
    assert data.startswith(earlier)
    assert step_summary.GITHUB_LIMIT - 1000 < len(data) <= step_summary.GITHUB_LIMIT
    assert data.endswith(b"more findings were left out; run `specgen check` to see them all.\n")


def test_a_full_summary_gets_nothing_and_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "summary.md"
    target.write_bytes(b"x" * step_summary.GITHUB_LIMIT)
    run(target, [finding(1)])
    assert target.stat().st_size == step_summary.GITHUB_LIMIT
    assert "too full" in capsys.readouterr().err


@pytest.mark.parametrize("where", ["folder", "missing/summary.md"])
def test_a_path_that_cannot_be_written_is_one_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    (tmp_path / "folder").mkdir()
    run(tmp_path / where, [finding(1)])
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("specgen: warning: cannot append to the step summary")
    assert not (tmp_path / "missing").exists()


def test_a_fifo_nobody_reads_does_not_hang_the_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "summary"
    os.mkfifo(fifo)
    done = threading.Event()

    def append() -> None:
        run(fifo, [finding(1)])
        done.set()

    threading.Thread(target=append, daemon=True).start()
    assert done.wait(10), "append blocked on a FIFO without a reader"
    assert "cannot append to the step summary" in capsys.readouterr().err
