"""Accepting a finding on purpose: `ignore: [{code, reason}]` on a spec or an item."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from specgen import check
from specgen.cache import FileCache
from specgen.cli import main
from specgen.diagnostics import Diagnostic, Severity
from specgen.limits import Limits
from specgen.site import build

from .conftest import FIXTURES

ACCEPTED = FIXTURES / "valid" / "accepted-finding"
FEATURE = "specs/features/FEAT-1.yaml"
REASON = "Checked by hand before each release; print layouts resist automation."
ITEM_ENTRY = f"""    # The only warning of this workspace (SG307), accepted on purpose.
    ignore:
      - code: SG307
        reason: {REASON}
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A private copy of the accepted-finding workspace, safe to edit."""
    target = tmp_path / "ws"
    shutil.copytree(ACCEPTED, target)
    return target


def rewrite(workspace: Path, old: str, new: str) -> None:
    path = workspace / FEATURE
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def run(workspace: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", *args, "--workspace", str(workspace)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_an_item_entry_moves_its_warning_to_suppressed_with_the_reason() -> None:
    result = check(ACCEPTED, strict=True)

    assert result.diagnostics == []
    [accepted] = result.suppressed
    assert (accepted.code, accepted.path, accepted.pointer) == ("SG307", FEATURE, ("requirements", 1, "id"))
    assert accepted.severity is Severity.WARNING
    assert accepted.line == 14  # located like any finding: R2's id
    assert accepted.suppressed_by == REASON
    assert result.success


def test_without_the_entry_the_same_workspace_fails_strict(workspace: Path) -> None:
    rewrite(workspace, ITEM_ENTRY, "")

    code, output = run(workspace, "--strict")

    assert code == 1
    assert "specs/features/FEAT-1.yaml:14:9: warning[SG307]: Must requirement FEAT-1.R2" in output
    assert output.endswith("0 errors, 1 warning\n")


def test_text_summary_counts_suppressed_findings_and_strict_passes() -> None:
    code, output = run(ACCEPTED, "--strict")

    assert code == 0
    assert output == "6 spec files checked: 0 errors, 0 warnings, 1 suppressed\n"


def test_json_output_lists_each_suppressed_finding_with_its_reason() -> None:
    code, output = run(ACCEPTED, "--strict", "--format", "json")

    assert code == 0
    payload = json.loads(output)
    assert (payload["version"], payload["errors"], payload["warnings"], payload["diagnostics"]) == (1, 0, 0, [])
    assert payload["suppressed_count"] == 1
    assert payload["suppressed"] == [
        {
            "code": "SG307",
            "column": 9,
            "hint": "add a test case whose verifies lists it",
            "line": 14,
            "message": "Must requirement FEAT-1.R2 of a planned feature has no test case",
            "path": FEATURE,
            "pointer": "/requirements/1/id",
            "reason": REASON,
            "severity": "warning",
        }
    ]


def test_json_output_without_suppressions_says_so(workspace: Path) -> None:
    rewrite(workspace, ITEM_ENTRY, "")

    payload = json.loads(run(workspace, "--format", "json")[1])

    assert (payload["suppressed"], payload["suppressed_count"], payload["warnings"]) == ([], 0, 1)


def test_github_format_shows_a_suppressed_finding_as_a_notice() -> None:
    code, output = run(ACCEPTED, "--strict", "--format", "github")

    assert code == 0
    assert output.splitlines() == [
        f"::notice file={FEATURE},line=14,col=9,title=SG307 (suppressed)::"
        f"Must requirement FEAT-1.R2 of a planned feature has no test case (accepted: {REASON})",
        "6 spec files checked: 0 errors, 0 warnings, 1 suppressed",
    ]


def test_an_entry_on_the_spec_covers_the_whole_file(workspace: Path) -> None:
    rewrite(workspace, ITEM_ENTRY, "")
    rewrite(
        workspace, "objectives: [OBJ-1]\n", "objectives: [OBJ-1]\nignore:\n  - code: SG307\n    reason: Whole file.\n"
    )

    result = check(workspace, strict=True)

    assert result.diagnostics == []
    assert [(d.code, d.pointer, d.suppressed_by) for d in result.suppressed] == [
        ("SG307", ("requirements", 1, "id"), "Whole file.")
    ]


def test_an_entry_on_an_item_covers_only_that_item(workspace: Path) -> None:
    # The same entry moved from R2 (where the warning is) to R1 (which is tested).
    rewrite(workspace, ITEM_ENTRY, "")
    rewrite(workspace, "    priority: must\n  - id: R2", f"    priority: must\n{ITEM_ENTRY}  - id: R2")

    result = check(workspace, strict=True)

    assert result.suppressed == []
    assert [(d.code, d.pointer) for d in result.diagnostics] == [
        ("SG318", ("requirements", 0, "ignore", 0)),
        ("SG307", ("requirements", 1, "id")),
    ]
    assert "no SG307 finding in requirement R1" in result.diagnostics[0].message
    assert not result.success


def test_the_nearest_entry_claims_the_finding_and_a_redundant_one_is_unused(workspace: Path) -> None:
    rewrite(
        workspace, "objectives: [OBJ-1]\n", "objectives: [OBJ-1]\nignore:\n  - code: SG307\n    reason: Whole file.\n"
    )

    result = check(workspace)

    assert [d.suppressed_by for d in result.suppressed] == [REASON]
    assert [(d.code, d.pointer, d.line) for d in result.diagnostics] == [("SG318", ("ignore", 0), 11)]


def test_an_unused_entry_fails_strict_like_any_warning(workspace: Path) -> None:
    rewrite(workspace, "code: SG307", "code: SG308")

    code, output = run(workspace, "--strict")

    assert code == 1
    assert (
        "specs/features/FEAT-1.yaml:19:9: warning[SG318]: ignore: there is no SG308 finding in requirement R2 to accept"
    ) in output
    assert "warning[SG307]" in output  # the finding the entry was meant for still shows


def test_errors_are_never_suppressed(workspace: Path) -> None:
    rewrite(workspace, "personas: [PER-1]", "personas: [PER-9]")
    rewrite(workspace, "objectives: [OBJ-1]\n", "objectives: [OBJ-1]\nignore:\n  - code: SG303\n    reason: Try.\n")

    result = check(workspace)

    assert [d.code for d in result.errors] == ["SG303", "SG317"]
    assert result.errors[1].pointer == ("ignore", 0, "code")
    assert "errors cannot be accepted" in result.errors[1].message
    assert [d.code for d in result.suppressed] == ["SG307"]  # the item's entry still works beside the error


def test_a_file_with_errors_gets_no_unused_entry_warning(workspace: Path) -> None:
    # With a schema error some rules skip parts of the file: an entry may look unused only until it is fixed.
    rewrite(workspace, "code: SG307", "code: SG308")
    rewrite(workspace, "horizon: now", "horizon: soon")
    objective = workspace / "specs/objectives/OBJ-1.yaml"
    objective.write_text(objective.read_text() + "ignore:\n  - code: SG309\n    reason: Nothing to accept.\n")

    result = check(workspace)

    assert [(d.path, d.code) for d in result.diagnostics] == [
        (FEATURE, "SG204"),
        (FEATURE, "SG307"),
        ("specs/objectives/OBJ-1.yaml", "SG318"),  # a clean file's unused entry is still reported
    ]


def test_an_entry_the_schema_rejects_accepts_nothing(workspace: Path) -> None:
    rewrite(workspace, f"reason: {REASON}", "reason: TBD")
    rewrite(
        workspace, "objectives: [OBJ-1]\n", "objectives: [OBJ-1]\nignore:\n  - code: SG307\n    reason: Whole file.\n"
    )

    result = check(workspace)

    # The item's entry is nearer but has a placeholder reason (SG207): the spec's entry accepts the finding.
    assert [(d.code, d.suppressed_by) for d in result.suppressed] == [("SG307", "Whole file.")]
    assert [d.code for d in result.diagnostics] == ["SG207"]


def test_a_suppressed_diagnostic_survives_the_cache_round_trip() -> None:
    accepted = Diagnostic.of("SG308", FEATURE, "late", pointer=("depends_on", 0))
    accepted = Diagnostic(**{**accepted.__dict__, "suppressed_by": "known"})

    assert Diagnostic.from_data(accepted.to_data()) == accepted
    old = accepted.to_data()
    del old["suppressed_by"]  # written by a version before this field
    assert Diagnostic.from_data(old).suppressed_by is None


def test_findings_taken_from_the_cache_are_suppressed_too(workspace: Path) -> None:
    # SG311 (an ID in text that names nothing) comes from the per-file cache on a second run.
    rewrite(workspace, "ships when.", "ships when, unlike FEAT-99.")
    rewrite(workspace, "objectives: [OBJ-1]\n", "objectives: [OBJ-1]\nignore:\n  - code: SG311\n    reason: Kept.\n")
    files = FileCache(workspace.resolve(), Limits())
    first = check(workspace, cache=files)
    [feature] = [d for d in first.documents if d.path == FEATURE]
    assert files.rendered(FEATURE, feature.digest) is not None, "the first run keeps FEAT-1's texts"

    second = check(workspace, cache=files)

    assert [(d.code, d.suppressed_by) for d in second.suppressed] == [("SG311", "Kept."), ("SG307", REASON)]
    assert second.suppressed == first.suppressed and second.diagnostics == []


def test_a_site_builds_from_a_workspace_that_uses_ignore(tmp_path: Path) -> None:
    result = build(ACCEPTED, site_dir=tmp_path / "site", strict=True)

    assert result.success, [str(d) for d in result.diagnostics]
    page = (tmp_path / "site" / "features" / "FEAT-1" / "index.html").read_text(encoding="utf-8")
    assert "Print the timeline on one A4 page." in page


def test_a_blank_reason_is_refused_and_accepts_nothing(workspace: Path) -> None:
    rewrite(workspace, f"reason: {REASON}", 'reason: "   "')

    code, output = run(workspace, "--strict")

    assert code == 1
    assert f"{FEATURE}:20:17: error[SG317]: ignore: the reason for accepting SG307 is blank" in output, output
    assert "warning[SG307]" in output and "suppressed" not in output


def test_many_entries_beside_many_errors_in_one_file(workspace: Path) -> None:
    # Each entry used to be compared with every error of its file (2,000 of each took 8 s); now it is a
    # set lookup. This holds what the lookup must keep: errors elsewhere fault no entry, and nothing is
    # accepted that no entry names.
    n = 500
    entries = "".join(f"      - {{code: SG311, reason: accepted {i}}}\n" for i in range(n))
    cases = "".join(f"  - {{id: TC-X{i}, title: t, verifies: [R1], automation: sometimes}}\n" for i in range(n))
    rewrite(workspace, ITEM_ENTRY, f"    ignore:\n{entries}")
    path = workspace / FEATURE
    path.write_text(path.read_text(encoding="utf-8") + cases, encoding="utf-8")

    result = check(workspace)

    assert sum(d.code == "SG204" for d in result.diagnostics) == n  # automation: sometimes, once per case
    assert not result.suppressed  # the SG307 entry is gone, and nothing else is accepted
    assert not any(d.code == "SG318" for d in result.diagnostics)  # a file with errors gets no "unused" yet
