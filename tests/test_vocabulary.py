"""One word per meaning: old spellings keep working with a warning, and `specgen migrate` writes the new ones."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from specgen import check
from specgen.cli import main
from specgen.kinds import KINDS
from specgen.schema import validators
from specgen.vocabulary import RENAMED_KEYS, RENAMED_VALUES
from specgen.vocabulary.migrate import _replace

from .conftest import REPO

#: The basic workspace's files as specgen 0.1 wrote them: every renamed word, with comments and odd layout.
OLD_FEATURE = """\
# A feature spec, in the words of specgen 0.1.
id: FEAT-2
title: "Export"   # quoted, with a comment
status: 'released'
owner: STK-1
problem: People cannot take the plan with them.
release: REL-2
release_note: Plans export to CSV.
requirements:
  - id: R1
    statement: Export a CSV.
    priority: must
test_cases:
  - id: TC-9
    title: Export works
    verifies: [R1]
    type: regression        # the kind of test
    last_result: &ran {status: pass, date: 2026-11-20}
  - id: TC-10
    title: Export again
    verifies: [R1]
    type: functional
    last_result: *ran
  - {id: TC-11, title: Export fails, verifies: [R1], last_result: {status: "fail"}}
ignore:
  - {code: SG413, reason: The export bug is known and tracked}
"""


def _write(workspace: Path, relative: str, text: str, *, newline: str = "\n", bom: bool = False) -> Path:
    path = workspace / "specs" / relative
    data = (b"\xef\xbb\xbf" if bom else b"") + text.replace("\n", newline).encode()
    path.write_bytes(data)
    return path


def _old_workspace(basic: Path) -> Path:
    _write(basic, "features/FEAT-2.yaml", OLD_FEATURE)
    _write(
        basic,
        "updates/UPD-2.yaml",
        "id: UPD-2\ndate: 2026-11-21\naudiences: [customer]\nvisibility: external\n"
        "health: green\nheadline: All good.\n",
        newline="\r\n",
        bom=True,
    )
    _write(
        basic,
        "decisions/DEC-1.yaml",
        (basic / "specs/decisions/DEC-1.yaml").read_text().replace("  - title: Web first", "  - name: Web first"),
    )
    objective = basic / "specs/objectives/OBJ-1.yaml"
    objective.write_text(objective.read_text() + "description: Why the **timeline** matters.\n")
    return basic


def _release_shipped(basic: Path) -> None:
    # A shipped feature belongs in a shipped release (SG314); the basic fixture's REL-1 is planned.
    (basic / "specs/releases/REL-2.yaml").write_text(
        'id: REL-2\nname: "0.9"\nstatus: shipped\ntarget_date: 2026-11-15\n'
    )


def test_every_new_word_is_the_schema_and_no_old_word_is(basic: Path) -> None:
    """The tables and the schemas agree: a renamed key or value is the schema's word, the old one is not."""
    for rename in RENAMED_KEYS:
        schema = validators()[rename.kind].schema
        text = json.dumps(schema)
        assert f'"{rename.new}"' in text, rename
    feature = validators()["feature"].schema["properties"]
    assert "shipped" in feature["status"]["enum"] and "released" not in feature["status"]["enum"]
    results = feature["test_cases"]["items"]["properties"]["last_result"]["properties"]["status"]["enum"]
    assert results == ["passed", "failed", "skipped", "error", "not_run"]
    update = validators()["update"].schema["properties"]["health"]["enum"]
    assert update == ["on_track", "at_risk", "off_track"]
    assert {v.kind for v in RENAMED_VALUES} <= set(KINDS)


def test_old_words_still_work_with_a_located_warning_that_does_not_fail_strict(basic: Path) -> None:
    _release_shipped(_old_workspace(basic))

    result = CliRunner().invoke(main, ["check", "--strict", "--workspace", str(basic)])

    lines = [line for line in result.output.splitlines() if "SG208" in line]
    assert result.exit_code == 0, result.output
    assert any(
        "specs/features/FEAT-2.yaml:4:9: warning[SG208]: status: 'released' is now spelled 'shipped'" in line
        for line in lines
    )
    assert any(
        line.startswith("specs/features/FEAT-2.yaml:17:5: warning[SG208]: test_cases[0]: the key 'type'")
        for line in lines
    )
    assert any(
        line.startswith("specs/features/FEAT-2.yaml:18:32: warning[SG208]: test_cases[0].last_result.status: 'pass'")
        for line in lines
    )
    assert any(
        line.startswith("specs/features/FEAT-2.yaml:24:76: warning[SG208]: test_cases[2].last_result.status: 'fail'")
        for line in lines
    )
    assert any(
        "specs/updates/UPD-2.yaml:5:9: warning[SG208]: health: 'green' is now spelled 'on_track'" in line
        for line in lines
    )
    assert any(
        "specs/decisions/DEC-1.yaml:9:5: warning[SG208]: options[0]: the key 'name' is now called 'title'" in line
        for line in lines
    )
    assert any(
        "specs/objectives/OBJ-1.yaml" in line and "'description' is now called 'summary'" in line for line in lines
    )
    assert all("`specgen migrate` writes the new word" in line for line in lines)

    strict = CliRunner().invoke(main, ["check", "--strict", "--fail-on", "deprecated", "--workspace", str(basic)])
    assert strict.exit_code == 1, strict.output


def test_the_site_shows_the_new_words_for_old_spellings(basic: Path, tmp_path: Path) -> None:
    _release_shipped(_old_workspace(basic))
    site = tmp_path / "site"

    result = CliRunner().invoke(main, ["build", "--workspace", str(basic), "--site-dir", str(site)])

    assert result.exit_code == 0, result.output
    decisions = (site / "decisions" / "index.html").read_text()
    assert "Web first" in decisions
    objectives = (site / "objectives" / "index.html").read_text()
    assert "<strong>timeline</strong>" in objectives
    assert "🟢 on track: All good." in (site / "briefs" / "customer" / "index.html").read_text()


def test_a_finding_about_a_renamed_key_lands_on_the_old_word(basic: Path) -> None:
    decision = basic / "specs/decisions/DEC-1.yaml"
    decision.write_text(decision.read_text().replace("  - title: Web first", '  - name: ""'))

    result = check(basic)

    empty = [d for d in result.diagnostics if d.code == "SG206"]
    assert [(d.line, d.column, d.pointer) for d in empty] == [(9, 11, ("options", 0, "title"))], result.diagnostics


def test_an_old_key_beside_its_new_one_is_left_for_the_schema_to_report(basic: Path) -> None:
    decision = basic / "specs/decisions/DEC-1.yaml"
    decision.write_text(decision.read_text().replace("  - title: Web first", "  - title: Web first\n    name: Web"))

    result = check(basic)

    assert [d.code for d in result.diagnostics if d.path.endswith("DEC-1.yaml")] == ["SG201"], result.diagnostics


def test_migrate_writes_the_new_words_and_nothing_else(basic: Path) -> None:
    _release_shipped(_old_workspace(basic))
    feature = basic / "specs/features/FEAT-2.yaml"
    update = basic / "specs/updates/UPD-2.yaml"
    update_before = update.read_bytes()

    result = CliRunner().invoke(main, ["migrate", "--workspace", str(basic)])

    assert result.exit_code == 0, result.output
    assert (
        "specs/features/FEAT-2.yaml: rewrote 2 x type -> kind, released -> shipped, 2 x pass -> passed, fail -> failed"
        in result.output
    )
    # Byte for byte the old file, but for the words: comments, quotes, flow style, the anchor and its alias stay.
    assert feature.read_text() == (
        OLD_FEATURE.replace("'released'", "'shipped'")
        .replace("    type: regression", "    kind: regression")
        .replace("    type: functional", "    kind: functional")
        .replace("{status: pass,", "{status: passed,")
        .replace('{status: "fail"}', '{status: "failed"}')
    )
    # CRLF line endings and the byte order mark are kept.
    assert update.read_bytes() == update_before.replace(b"health: green", b"health: on_track")
    after = CliRunner().invoke(main, ["check", "--strict", "--fail-on", "deprecated", "--workspace", str(basic)])
    assert after.exit_code == 0, after.output
    again = CliRunner().invoke(main, ["migrate", "--check", "--workspace", str(basic)])
    assert again.exit_code == 0 and "0 files would be rewritten" in again.output


def test_migrate_check_writes_nothing_and_fails_while_old_words_remain(basic: Path) -> None:
    _old_workspace(basic)
    before = {p: p.read_bytes() for p in (basic / "specs").rglob("*.yaml")}

    result = CliRunner().invoke(main, ["migrate", "--check", "--workspace", str(basic)])

    assert result.exit_code == 1
    assert "specs/updates/UPD-2.yaml: would rewrite green -> on_track" in result.output
    assert {p: p.read_bytes() for p in (basic / "specs").rglob("*.yaml")} == before


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_migrate_never_writes_through_a_link(basic: Path) -> None:
    inside = basic / "specs/updates/UPD-0.yaml"  # read before the file it links to
    inside.symlink_to(basic / "specs/updates/UPD-1.yaml")
    (basic / "specs/updates/UPD-1.yaml").write_text("id: UPD-1\ndate: 2026-11-21\nhealth: red\nheadline: Real.\n")
    before = (basic / "specs/updates/UPD-1.yaml").read_text()

    result = CliRunner().invoke(main, ["migrate", "--workspace", str(basic)])

    assert "specs/updates/UPD-0.yaml: not rewritten: the file is a link" in result.output, result.output
    assert inside.is_symlink()
    assert result.exit_code == 1
    assert (basic / "specs/updates/UPD-1.yaml").read_text() == before.replace("health: red", "health: off_track")


def test_migrate_leaves_a_word_it_cannot_rewrite_exactly_to_a_hand_edit(basic: Path) -> None:
    # The old word comes from an anchor on a key that is not renamed: rewriting it would change that key too.
    _write(
        basic,
        "updates/UPD-2.yaml",
        "id: UPD-2\ndate: 2026-11-21\nheadline: &h green\nhealth: *h\n",
    )
    before = (basic / "specs/updates/UPD-2.yaml").read_text()

    result = CliRunner().invoke(main, ["migrate", "--workspace", str(basic)])

    assert result.exit_code == 1
    assert (
        "specs/updates/UPD-2.yaml: not rewritten: an old word is not written plainly (an alias or a merge)"
        in result.output
    )
    assert (basic / "specs/updates/UPD-2.yaml").read_text() == before


def test_the_dogfood_specs_speak_the_new_words() -> None:
    result = CliRunner().invoke(main, ["migrate", "--check", "--workspace", str(REPO)])

    assert result.exit_code == 0, result.output


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
@pytest.mark.parametrize("where", ["outside", "git"])
def test_migrate_never_writes_where_check_would_not_read(basic: Path, tmp_path: Path, where: str) -> None:
    _old_workspace(basic)
    if where == "outside":
        target = tmp_path / "elsewhere"
        shutil.move(basic / "specs", target)
        (basic / "specs").symlink_to(target)
    else:
        target = basic / ".git" / "sp"
        target.parent.mkdir()
        shutil.move(basic / "specs", target)
        (basic / "specgen.yaml").write_text("specs: .git/sp\n")
    before = {p: p.read_bytes() for p in target.rglob("*.yaml")}

    result = CliRunner().invoke(main, ["migrate", "--workspace", str(basic)])

    assert result.exit_code == 1, result.output
    assert "error[SG110]" in result.output and "rewrote" not in result.output
    assert {p: p.read_bytes() for p in target.rglob("*.yaml")} == before


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_a_folder_swapped_for_a_link_or_a_file_edited_after_reading_is_not_written(basic: Path, tmp_path: Path) -> None:
    features = basic / "specs/features"
    feature = features / "FEAT-2.yaml"
    feature.write_text(OLD_FEATURE)
    read = feature.stat(follow_symlinks=False)
    bound = (basic / "specs").resolve()
    # The folder is swapped for a link to a place outside, holding a file of the same name.
    elsewhere = tmp_path / "evil"
    shutil.copytree(features, elsewhere)
    shutil.move(features, tmp_path / "moved")
    features.symlink_to(elsewhere)
    victim = (elsewhere / "FEAT-2.yaml").read_bytes()

    assert not _replace(feature, "id: FEAT-2\n", bound, read)
    assert (elsewhere / "FEAT-2.yaml").read_bytes() == victim

    # Back in place, but the file was edited since it was read (an editor saved it).
    features.unlink()
    shutil.move(tmp_path / "moved", features)
    feature.write_text(OLD_FEATURE + "# saved meanwhile\n")
    assert not _replace(feature, "id: FEAT-2\n", bound, read)
    assert feature.read_text().endswith("# saved meanwhile\n")

    # Unchanged since read: written, its mode kept.
    feature.chmod(0o640)
    read = feature.stat(follow_symlinks=False)
    assert _replace(feature, "id: FEAT-2\n", bound, read)
    assert feature.read_text() == "id: FEAT-2\n" and feature.stat().st_mode & 0o777 == 0o640
    assert not list(features.glob(".FEAT-2.yaml.*"))
