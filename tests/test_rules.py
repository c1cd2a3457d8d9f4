"""Cross-file rules: identity, references, cycles, coverage, release order."""

from __future__ import annotations

from pathlib import Path

from specgen import check

from .test_schema import edit, messages

FEATURE = """\
id: {id}
title: Feature {id}
status: idea
owner: STK-1
problem: A problem.
depends_on: [{deps}]
"""


def add_feature(workspace: Path, ident: str, deps: str = "") -> None:
    (workspace / f"specs/features/{ident}.yaml").write_text(FEATURE.format(id=ident, deps=deps))


def test_dangling_reference(basic: Path) -> None:
    edit(basic / "specs/features/FEAT-1.yaml", "personas: [PER-1]", "personas: [PER-1, PER-2]")
    edit(basic / "specs/decisions/DEC-1.yaml", "features: [FEAT-1]", "features: [FEAT-11]")
    assert messages(basic) == [
        "specs/decisions/DEC-1.yaml:7:12: error[SG303]: 'FEAT-11' names no known feature "
        "(the features are FEAT-1, FEAT-2)",
        "specs/features/FEAT-1.yaml:10:19: error[SG303]: 'PER-2' names no known persona (the only persona is PER-1)",
    ]


def test_requirement_references(basic: Path) -> None:
    edit(basic / "specs/features/FEAT-1.yaml", "verifies: [R1]", "verifies: [R3, FEAT-2.R1, FEAT-7.R1]")
    assert messages(basic) == [
        "specs/features/FEAT-1.yaml:32:9: warning[SG307]: Must requirement FEAT-1.R1 of a planned feature "
        "has no test case (add a test case whose verifies lists it)",
        "specs/features/FEAT-1.yaml:47:16: error[SG303]: 'R3' names no requirement of FEAT-1 (FEAT-1 has R1, R2)",
        "specs/features/FEAT-1.yaml:47:31: error[SG303]: 'FEAT-7.R1' names a requirement of 'FEAT-7', "
        "which is not a known feature",
    ]


def test_test_case_that_verifies_nothing(basic: Path) -> None:
    edit(basic / "specs/features/FEAT-1.yaml", "verifies: [R1]", "verifies: []")
    assert messages(basic) == [
        "specs/features/FEAT-1.yaml:32:9: warning[SG307]: Must requirement FEAT-1.R1 of a planned feature "
        "has no test case (add a test case whose verifies lists it)",
        "specs/features/FEAT-1.yaml:47:5: error[SG306]: test case 'TC-1' verifies nothing "
        "(list the requirements it verifies, e.g. verifies: [R1])",
    ]


def test_dependency_cycle(basic: Path) -> None:
    add_feature(basic, "FEAT-3", "FEAT-4")
    add_feature(basic, "FEAT-4", "FEAT-5")
    add_feature(basic, "FEAT-5", "FEAT-3")
    add_feature(basic, "FEAT-6", "FEAT-6")
    assert messages(basic) == [
        "specs/features/FEAT-3.yaml:6:14: error[SG305]: dependency cycle: FEAT-3 -> FEAT-4 -> FEAT-5 -> FEAT-3 "
        "(a feature cannot ship before itself; remove one of these dependencies)",
        "specs/features/FEAT-6.yaml:6:14: error[SG305]: dependency cycle: FEAT-6 -> FEAT-6 "
        "(a feature cannot ship before itself; remove one of these dependencies)",
    ]


def test_duplicate_ids(basic: Path) -> None:
    add_feature(basic, "FEAT-3")
    (basic / "specs/features/feat-3.yaml").write_text(FEATURE.format(id="FEAT-3", deps=""))
    edit(basic / "specs/features/FEAT-2.yaml", "id: FEAT-2", "id: FEAT-1")
    assert messages(basic) == [
        "specs/features/FEAT-2.yaml:1:5: error[SG301]: ID 'FEAT-1' is already used by specs/features/FEAT-1.yaml "
        "(IDs are never reused: pick a new one)",
        "specs/features/FEAT-2.yaml:1:5: error[SG302]: ID 'FEAT-1' does not match the file name 'FEAT-2' "
        "(change the ID to FEAT-2)",
        "specs/features/feat-3.yaml:1:5: error[SG301]: ID 'FEAT-3' is already used by specs/features/FEAT-3.yaml "
        "(IDs are never reused: pick a new one)",
        # feat-3 is no ID the schema accepts, so it is not offered as one.
        "specs/features/feat-3.yaml:1:5: error[SG302]: ID 'FEAT-3' does not match the file name 'feat-3' "
        "(pick a new ID, and name the file after it)",
    ]


def test_id_hints_offer_only_ids_the_schema_accepts(basic: Path) -> None:
    (basic / "specs/features/feat-9.yaml").write_text(FEATURE.format(id="FEAT-9", deps=""))
    (basic / "specs/features/FEAT-8.yaml").write_text(FEATURE.format(id="FEAT-7", deps=""))
    assert messages(basic) == [
        "specs/features/FEAT-8.yaml:1:5: error[SG302]: ID 'FEAT-7' does not match the file name 'FEAT-8' "
        "(rename the file to FEAT-7.yaml or the ID to FEAT-8)",
        "specs/features/feat-9.yaml:1:5: error[SG302]: ID 'FEAT-9' does not match the file name 'feat-9' "
        "(rename the file to FEAT-9.yaml)",
    ]


def test_an_id_with_a_final_newline_is_refused_once(basic: Path) -> None:
    # Python's "$" matches before a final newline; JSON Schema's (ECMA-262's) does not.
    edit(basic / "specs/features/FEAT-2.yaml", "id: FEAT-2", 'id: "FEAT-2\\n"')
    edit(basic / "specs/features/FEAT-1.yaml", "\nowner: STK-2", '\nowner: "STK-2\\n"')
    assert messages(basic) == [
        "specs/features/FEAT-1.yaml:5:8: error[SG206]: owner: 'STK-2\\n' does not have the expected form: "
        "it ends with a line break (write 'STK-2')",
        "specs/features/FEAT-2.yaml:1:5: error[SG206]: id: 'FEAT-2\\n' does not have the expected form: "
        "it ends with a line break (write 'FEAT-2')",
    ]


def add_test_case(feature: Path, ident: str) -> None:
    """Give a feature a test case ``ident`` that verifies its R1."""
    edit(feature, "requirements:", f"test_cases:\n  - id: {ident}\n    title: t\n    verifies: [R1]\nrequirements:")


def test_duplicate_test_case_and_requirement_ids(basic: Path) -> None:
    edit(basic / "specs/features/FEAT-1.yaml", "  - id: R2", "  - id: R1")
    add_test_case(basic / "specs/features/FEAT-2.yaml", "TC-1")
    assert messages(basic) == [
        "specs/features/FEAT-1.yaml:40:9: error[SG301]: requirement 'R1' appears twice in FEAT-1",
        "specs/features/FEAT-2.yaml:12:9: error[SG301]: test case ID 'TC-1' is already used in "
        "specs/features/FEAT-1.yaml",
    ]


def test_release_order_and_unaligned_work_are_warnings(basic: Path) -> None:
    (basic / "specs/releases/REL-2.yaml").write_text(
        "id: REL-2\nname: '2.0'\nstatus: planned\ntarget_date: 2027-06-01\n"
    )
    edit(basic / "specs/features/FEAT-2.yaml", "horizon: later", "horizon: next\nrelease: REL-1")
    edit(basic / "specs/features/FEAT-1.yaml", "release: REL-1", "release: REL-2")
    edit(basic / "specs/features/FEAT-2.yaml", "status: idea", "status: discovery")
    result = check(basic)
    assert result.success  # warnings only
    assert [str(d) for d in result.diagnostics] == [
        "specs/features/FEAT-2.yaml:9:14: warning[SG308]: depends on FEAT-1, planned for 2027-06-01, after this "
        "feature's release on 2027-01-15",
        "specs/features/FEAT-2.yaml:6:10: warning[SG309]: FEAT-2 is on the 'next' horizon but linked to no "
        "objective (add objectives: [OBJ-...] to say which goal it serves)",
    ][::-1]
    assert not check(basic, strict=True).success


def test_missing_product(basic: Path) -> None:
    (basic / "specs/product.yaml").unlink()
    assert messages(basic) == [
        "specs/product.yaml:1:1: error[SG310]: the workspace has no product spec "
        "(create specs/product.yaml with the product's name, vision and owner)"
    ]


def test_broken_file_does_not_cascade(basic: Path) -> None:
    (basic / "specs/stakeholders/STK-2.yaml").write_text("id: STK-2\nname: [\n")
    found = messages(basic)
    assert len(found) == 1 and "SG101" in found[0] and found[0].startswith("specs/stakeholders/STK-2.yaml")


def test_feature_without_id_has_no_follow_on_errors(basic: Path) -> None:
    edit(basic / "specs/features/FEAT-2.yaml", "id: FEAT-2\n", "")
    add_test_case(basic / "specs/features/FEAT-2.yaml", "TC-2")
    assert messages(basic) == [
        "specs/features/FEAT-2.yaml:1:1: error[SG202]: missing required key 'id' in feature "
        "(The feature's ID: `FEAT-` and a number, e.g. `FEAT-12` (letters and more hyphen-joined parts are "
        "allowed too). It must match the file name (specs/features/FEAT-12.yaml), and an ID is never reused, "
        "even after its spec is deleted.)"
    ]


def test_malformed_requirement_reference_is_reported_once(basic: Path) -> None:
    edit(basic / "specs/features/FEAT-1.yaml", "verifies: [R1]", "verifies: [R1, FEAT-1.r2]")
    assert messages(basic) == [
        "specs/features/FEAT-1.yaml:47:20: error[SG206]: test_cases[0].verifies[1]: 'FEAT-1.r2' does not have "
        "the expected form (a requirement looks like R2 (in the same feature) or FEAT-1.R2)"
    ]


def test_test_case_ids_differing_only_in_case_collide(basic: Path) -> None:
    edit(basic / "specs/features/FEAT-1.yaml", "id: TC-1", "id: TC-A")
    add_test_case(basic / "specs/features/FEAT-2.yaml", "TC-a")
    assert messages(basic) == [
        "specs/features/FEAT-2.yaml:12:9: error[SG301]: test case ID 'TC-a' differs only in case from 'TC-A' in "
        "specs/features/FEAT-1.yaml: the same test case spelled two ways (merge them, or give one a new ID: "
        "IDs that differ only in case share one anchor on the site)"
    ]


def test_customer_brief_without_a_status_update_is_a_located_warning(basic: Path) -> None:
    # UPD-2 is the only update customers may see; made internal, the customer brief has no headline.
    edit(basic / "specs/updates/UPD-2.yaml", "visibility: external", "visibility: internal")
    assert messages(basic) == [
        "specs/features/FEAT-1.yaml:6:1: warning[SG312]: customers see FEAT-1 in the customer brief, but no status "
        "update is visible to them, so the brief has no headline (add a status update under specs/updates/ with "
        "visibility: external, addressed to customer (or to every audience))",
    ]


def test_no_customer_warning_when_the_customer_brief_shows_no_feature(basic: Path) -> None:
    (basic / "specs/updates/UPD-2.yaml").unlink()
    edit(basic / "specs/features/FEAT-1.yaml", "visibility: external", "visibility: internal")
    assert messages(basic) == []


def test_internal_brief_left_out_of_the_updates_is_a_located_warning(basic: Path) -> None:
    # UPD-1 addressed every brief; now it reaches only the executives, and STK-2 reads the engineering brief.
    edit(basic / "specs/updates/UPD-1.yaml", "health: at_risk", "audiences: [exec]\nhealth: at_risk")
    assert messages(basic) == [
        "specs/stakeholders/STK-2.yaml:4:11: warning[SG312]: STK-2 reads the engineering brief, but no status "
        "update is addressed to engineering, so the brief has no headline (add a status update under "
        "specs/updates/ whose audiences include engineering (or that lists no audiences))",
    ]


def test_a_workspace_without_any_status_update_gets_no_update_warnings(basic: Path) -> None:
    (basic / "specs/updates/UPD-1.yaml").unlink()
    (basic / "specs/updates/UPD-2.yaml").unlink()
    edit(basic / "specs/features/FEAT-1.yaml", "visibility: external", "visibility: internal")
    assert messages(basic) == []


def test_shipped_features_without_a_release_note_are_located_warnings(basic: Path) -> None:
    edit(basic / "specs/features/FEAT-1.yaml", "status: planned", "status: shipped")
    edit(basic / "specs/releases/REL-1.yaml", "status: planned", "status: shipped")  # else SG314: not shipped yet
    add_feature(basic, "FEAT-3")
    edit(basic / "specs/features/FEAT-3.yaml", "status: idea", "status: beta")
    assert messages(basic) == [
        "specs/features/FEAT-1.yaml:6:1: warning[SG313]: FEAT-1 has shipped to customers without a release_note: "
        "the customer brief shows its summary, and the support brief cannot say what changed "
        "(add release_note: what customers and support are told about the change)",
        "specs/features/FEAT-3.yaml:3:1: warning[SG313]: FEAT-3 is beta but has no release_note, so the support "
        "brief cannot say what changed (add release_note: what support is told about the change)",
    ]


def test_a_release_note_silences_the_warning(basic: Path) -> None:
    edit(
        basic / "specs/features/FEAT-1.yaml",
        "status: planned",
        "status: shipped\nrelease_note: The timeline is live.",
    )
    edit(basic / "specs/releases/REL-1.yaml", "status: planned", "status: shipped")
    assert messages(basic) == []


def test_a_shipped_feature_without_summary_or_note_shows_only_its_title(basic: Path) -> None:
    edit(
        basic / "specs/features/FEAT-1.yaml",
        "summary: See the quarter at a glance.\nstatus: planned",
        "status: shipped",
    )
    edit(basic / "specs/releases/REL-1.yaml", "status: planned", "status: shipped")
    assert messages(basic) == [
        "specs/features/FEAT-1.yaml:5:1: warning[SG313]: FEAT-1 has shipped to customers without a release_note: "
        "the customer brief shows only its title, and the support brief cannot say what changed "
        "(add release_note: what customers and support are told about the change)",
    ]
