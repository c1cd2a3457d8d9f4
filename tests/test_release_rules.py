"""Features and their releases: statuses that contradict each other (SG314, SG315), releases past their date (SG316).

The exact lines of each rule are pinned by the invalid fixtures
feature-shipped-in-future-release, unfinished-feature-in-shipped-release and
release-past-its-date; these tests cover the cases those do not, the CLI's
exit codes, and "overdue since" on the roadmap of a real build and preview.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

import specgen
from specgen import check
from specgen.check import resolve_settings
from specgen.cli import main
from specgen.config import today as the_clock
from specgen.render import render_site
from specgen.rules.releases import overdue_since, release_rules
from specgen.site.preview import Preview

from .conftest import FIXTURES, REPO
from .test_schema import edit

INVALID = FIXTURES / "invalid"


def workspace_of(case: str, tmp_path: Path) -> Path:
    """A private copy of an invalid fixture's workspace, safe to edit."""
    target = tmp_path / case
    shutil.copytree(INVALID / case, target, ignore=shutil.ignore_patterns("expected.txt", "args.txt"))
    return target


def codes(workspace: Path, day: date) -> list[tuple[str, str]]:
    """(file, code) of every finding of a check of ``workspace`` on ``day``."""
    return [(d.path, d.code) for d in check(workspace, today=day).diagnostics]


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


JUNE = date(2026, 6, 1)


def test_a_slipped_release_contradicts_a_shipped_feature_and_one_in_progress_does_not(tmp_path: Path) -> None:
    ws = workspace_of("feature-shipped-in-future-release", tmp_path)
    assert codes(ws, JUNE) == [
        ("specs/features/FEAT-1.yaml", "SG314"),  # planned, a year away
        ("specs/features/FEAT-2.yaml", "SG314"),  # cancelled
    ]  # FEAT-3 is shipped in REL-3, in progress: a milestone whose features reach users one by one
    edit(ws / "specs/releases/REL-3.yaml", "status: in_progress", "status: slipped")
    found = check(ws, today=JUNE).diagnostics
    assert [str(d) for d in found if d.path.endswith("FEAT-3.yaml")] == [
        "specs/features/FEAT-3.yaml:6:10: error[SG314]: FEAT-3 is marked shipped, but its release REL-3 (0.8) has "
        "slipped past 2026-07-15 and has not shipped (if it shipped in another release, set release: to that one; "
        "if it has not reached users yet, set its status to in_progress or beta; if REL-3 has in fact shipped, "
        "set status: shipped in REL-3)"
    ]
    # Both ways out clear it: the release ships, or the feature moves.
    edit(ws / "specs/releases/REL-1.yaml", "status: planned", "status: shipped")
    edit(ws / "specs/features/FEAT-2.yaml", "release: REL-2", "release: REL-1")
    edit(ws / "specs/features/FEAT-3.yaml", "status: shipped", "status: beta")
    assert codes(ws, JUNE) == []


def test_a_pr_moving_a_planned_feature_into_a_shipped_release_is_an_error(tmp_path: Path) -> None:
    ws = workspace_of("unfinished-feature-in-shipped-release", tmp_path)
    # Before the pull request: the unfinished features sit in the release still to come.
    edit(ws / "specs/features/FEAT-1.yaml", "release: REL-1", "release: REL-2")
    edit(ws / "specs/features/FEAT-4.yaml", "release: REL-1", "release: REL-2")
    assert cli("check", "--strict", "--today", "2026-06-01", "--workspace", str(ws))[0] == 0
    # The pull request moves FEAT-4 (an idea) into 0.1, which shipped in March.
    edit(ws / "specs/features/FEAT-4.yaml", "release: REL-2", "release: REL-1")
    status, output = cli("check", "--today", "2026-06-01", "--workspace", str(ws))
    assert status == 1
    assert "specs/features/FEAT-4.yaml:6:10: error[SG315]: FEAT-4 is only an idea, but its release REL-1 (0.1) " in (
        output
    )


@pytest.mark.parametrize(
    ("status", "words"), [("discovery", "still in discovery"), ("planned", "only planned"), ("beta", None)]
)
def test_which_feature_statuses_a_shipped_release_contradicts(tmp_path: Path, status: str, words: str | None) -> None:
    ws = workspace_of("unfinished-feature-in-shipped-release", tmp_path)
    for ident in ("FEAT-1", "FEAT-4"):  # leave FEAT-2 (beta) and FEAT-3 (wont_do) alone in the shipped release
        edit(ws / f"specs/features/{ident}.yaml", "release: REL-1", "release: REL-2")
    edit(ws / "specs/features/FEAT-2.yaml", "status: beta", f"status: {status}")
    found = [str(d) for d in check(ws, today=JUNE).diagnostics]
    if words is None:
        assert found == []  # a release can ship a feature as a beta; a wont_do one was cut from it
    else:
        assert len(found) == 1 and f"error[SG315]: FEAT-2 is {words}, but its release REL-1 (0.1)" in found[0]


def test_no_release_still_to_come_and_an_unknown_release(tmp_path: Path) -> None:
    ws = workspace_of("unfinished-feature-in-shipped-release", tmp_path)
    (ws / "specs/releases/REL-2.yaml").unlink()
    edit(ws / "specs/features/FEAT-4.yaml", "release: REL-1", "release: REL-9")
    found = check(ws, today=JUNE).diagnostics
    assert [(d.path, d.code) for d in found] == [
        ("specs/features/FEAT-1.yaml", "SG315"),
        ("specs/features/FEAT-4.yaml", "SG303"),  # an unknown release is only a dangling reference
    ]
    assert found[0].hint == (
        "move it to a later release; or, if it did reach users in REL-1, set its status to shipped or beta"
    )


def test_a_stale_release_fails_strict_only_when_asked() -> None:
    ws = str(INVALID / "release-past-its-date")
    status, output = cli("check", "--strict", "--today", "2026-06-01", "--workspace", ws)
    assert status == 0, output
    assert output.count("warning[SG316]") == 2
    status, output = cli("check", "--strict", "--fail-on", "stale", "--today", "2026-06-01", "--workspace", ws)
    assert status == 1, output
    assert output.count("warning[SG316]") == 2
    # On its target date a release is not yet late (strictly before today); the shipped and cancelled never are.
    status, output = cli("check", "--strict", "--fail-on", "stale", "--today", "2026-02-27", "--workspace", ws)
    assert (status, output.count("SG316")) == (0, 0), output


@pytest.mark.parametrize(
    ("day", "late"),
    [
        (date(2026, 2, 28), "1 day past"),
        (date(2026, 4, 13), "45 days (about 1 month) past"),
        (date(2028, 3, 1), "733 days (about 2 years) past"),
    ],
)
def test_how_late_reads(day: date, late: str) -> None:
    found = check(INVALID / "release-past-its-date", today=day).diagnostics
    assert f"release REL-1 (0.1) is {late} its target date of 2026-02-27" in str(found[0])


def test_the_rules_tolerate_documents_cut_down_to_their_sound_keys() -> None:
    # A document counted as valid may lack a key whose value the schema rejected (see specgen.rules.valid).
    documents = check(INVALID / "release-past-its-date", today=JUNE).documents
    for key in ("status", "target_date", "release", "name", "id"):
        cut = [replace(d, data={k: v for k, v in d.data.items() if k != key}) for d in documents]
        found = release_rules(cut, JUNE)
        assert all(d.code == "SG316" for d in found)
    assert overdue_since("planned", "2026-02-30", JUNE) is None  # the schema's to report
    assert overdue_since("planned", 20260227, JUNE) is None
    assert overdue_since("planned", "2026-02-27", JUNE) == date(2026, 2, 27)


def test_the_roadmap_says_a_release_is_overdue(basic: Path) -> None:
    ws = check(basic).workspace
    assert ws is not None
    late = render_site(ws, None, today=date(2027, 1, 16))[0]["roadmap.md"]
    assert "\n**Planned** · target 2027-01-15 (medium confidence) · **overdue since 2027-01-15**\n" in late
    on_time = render_site(ws, None, today=date(2027, 1, 15))[0]["roadmap.md"]
    assert "overdue" not in on_time
    edit(basic / "specs/releases/REL-1.yaml", "status: planned", "status: cancelled")
    cancelled = check(basic).workspace
    assert cancelled is not None
    assert "overdue" not in render_site(cancelled, None, today=date(2030, 1, 1))[0]["roadmap.md"]


def test_a_build_and_the_preview_use_the_runs_today(basic: Path, tmp_path: Path) -> None:
    status, output = cli(
        "build", "--today", "2027-02-01", "--workspace", str(basic), "--site-dir", str(tmp_path / "site")
    )
    assert status == 0, output
    assert "warning[SG316]" in output
    assert "overdue since 2027-01-15" in (tmp_path / "site/roadmap/index.html").read_text(encoding="utf-8")

    settings, _ = resolve_settings(basic, today=date(2027, 2, 1))
    preview = Preview(settings, tmp_path / "preview")
    assert preview.rebuild().result.success
    assert "overdue since 2027-01-15" in (preview.site / "roadmap/index.html").read_text(encoding="utf-8")

    on_time = specgen.build(basic, site_dir=tmp_path / "on-time", today=date(2027, 1, 1))
    assert on_time.success
    assert "overdue" not in (tmp_path / "on-time/roadmap/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "day",
    [date(2028, 1, 29), the_clock() + timedelta(days=366)],
    ids=["a year past the planned 0.2", "a year from now"],
)
def test_own_specs_pass_strict_a_year_ahead(day: date) -> None:
    status, output = cli("check", "--strict", "--today", day.isoformat(), "--workspace", str(REPO))
    assert status == 0, output
    if day == date(2028, 1, 29):
        assert "specs/releases/REL-2.yaml" in output and "warning[SG316]" in output
