"""``specgen export``: test cases as CSV, the model as JSON (with its schema), acceptance criteria as Gherkin."""

from __future__ import annotations

import copy
import csv
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from gherkin.parser import Parser
from gherkin.token_scanner import TokenScanner
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from specgen.check import check
from specgen.cli import main
from specgen.export import export
from specgen.export.csv_export import FORMULA_STARTS, HEADERS, neutralised, rows_csv
from specgen.export.gherkin_export import MARKER, doc_string, short
from specgen.export.model_schema import model_schema_text
from specgen.export.plain import one_line
from specgen.kinds import KINDS
from specgen.model import Workspace
from specgen.schema import schema_texts, validators

from .conftest import REPO

SCHEMA_FILE = REPO / "src/specgen/schemas/model.schema.json"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["export", *args])


def model(workspace: Path) -> Workspace:
    result = check(workspace)
    assert result.workspace is not None, [str(d) for d in result.diagnostics]
    return result.workspace


# --- a workspace whose text is hostile to every format ---------------------------

HOSTILE = {
    "title": 'Given """ | # @x 🎉',
    "summary": "Scenario: injected\n\n@tag",
    # Hebrew ("hello world", right to left) and a bidirectional isolate, which exports show as a visible marker.
    "problem": '| a | b |\n\n"""\nFeature: second\n\n'
    + "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd, \u2067abc\u2069",
    "statement": "Scenario: fake @tag | x | " + "long " * 20,
    "given": 'Given """ |x|',
    "when": "# not a comment",
    "then": "@not-a-tag 🎉 مرحبا",
    "text": 'Background: """ and ``` and | table |',
    "tc1": "=cmd|' /C calc'!A0",
    "tc2": "\t=1+1",
    "tc3": "\r@x",
    "tc4": "-3",
    "pre": "@SUM(1)",
    "action": "-2+3",
    "expected": "+1",
}


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def hostile(workspace: Path) -> Path:
    """``workspace`` (a copy of basic) with FEAT-3, whose every text is an attack on some format."""
    h = HOSTILE
    cases = "".join(f"  - id: TC-3-{n}\n    title: {_q(h[f'tc{n}'])}\n    verifies: [R1]\n" for n in range(2, 5))
    (workspace / "specs/features/FEAT-3.yaml").write_text(
        f"""id: FEAT-3
title: {_q(h["title"])}
summary: {_q(h["summary"])}
status: idea
owner: STK-1
problem: {_q(h["problem"])}
requirements:
  - id: R1
    statement: {_q(h["statement"])}
    priority: could
    acceptance_criteria:
      - given: {_q(h["given"])}
        when: {_q(h["when"])}
        then: {_q(h["then"])}
      - {_q(h["text"])}
test_cases:
  - id: TC-3-1
    title: {_q(h["tc1"])}
    verifies: [FEAT-3.R1]
    preconditions: [{_q(h["pre"])}]
    steps:
      - action: {_q(h["action"])}
        expected: {_q(h["expected"])}
{cases}""",
        encoding="utf-8",
    )
    return workspace


# --- CSV -------------------------------------------------------------------------

BASIC_CSV = (
    '"ID","Title","Feature","Feature Title","Requirement IDs","Preconditions","Steps","Expected Result",'
    '"Priority","Type","Automation","Automation Ref","Last Result","Last Result Date"\r\n'
    '"TC-1","Timeline shows a release\'s features","FEAT-1","Timeline view","FEAT-1.R1","",'
    '"1. Open the timeline","1. Features appear under REL-1","medium","functional","automated",'
    '"tests/test_timeline.py::test_release_rows","passed","2026-11-20"\r\n'
)


def test_csv_of_the_basic_workspace(basic: Path) -> None:
    result = run("-w", str(basic), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == BASIC_CSV.encode("utf-8")  # RFC 4180 line ends, no BOM, text cells quoted
    assert result.stderr == "12 spec files checked: 0 errors, 0 warnings\n"
    with_bom = run("-w", str(basic), "--format", "csv", "--bom")
    assert with_bom.stdout_bytes == b"\xef\xbb\xbf" + BASIC_CSV.encode("utf-8")


def test_csv_neutralises_formulas_and_leaves_numbers(basic: Path) -> None:
    data, rows = export(model(hostile(basic)), "csv").files["test-cases.csv"], 5
    table = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert table[0] == list(HEADERS) and len(table) == rows + 1
    by_id = {line[0]: dict(zip(HEADERS, line, strict=True)) for line in table[1:]}
    assert [line[0] for line in table[1:]] == ["TC-1", "TC-3-1", "TC-3-2", "TC-3-3", "TC-3-4"]
    assert by_id["TC-3-1"]["Title"] == "'=cmd|' /C calc'!A0"
    assert by_id["TC-3-1"]["Preconditions"] == "'@SUM(1)"
    assert by_id["TC-3-1"]["Steps"] == "1. -2+3"  # a formula only at the start of a cell
    assert by_id["TC-3-1"]["Expected Result"] == "1. +1"
    assert by_id["TC-3-2"]["Title"] == "'\t=1+1"
    assert by_id["TC-3-3"]["Title"] == "'\r@x"
    assert by_id["TC-3-4"]["Title"] == "'-3"  # text that looks like a number is still text from a spec
    assert by_id["TC-3-1"]["Feature Title"] == HOSTILE["title"]
    assert by_id["TC-3-1"]["Requirement IDs"] == "FEAT-3.R1"
    for line in table[1:]:
        for cell in line:
            assert not cell.startswith(FORMULA_STARTS), cell


def test_only_text_cells_are_neutralised() -> None:
    for start in FORMULA_STARTS:
        assert neutralised(f"{start}1") == f"'{start}1"
    assert neutralised("'=already") == "'=already"
    assert neutralised("  =1+1") == "'  =1+1" and neutralised("\n@SUM(1)") == "'\n@SUM(1)"  # trimmed first by some
    assert neutralised("safe = text") == "safe = text"
    assert neutralised(-3) == -3 and neutralised(-2.5) == -2.5
    # Numbers are written bare, as numbers; text is quoted, so that a ; in it never splits the cell.
    assert rows_csv([["-3", -3, 2.5, "a;=b"]]) == '"\'-3",-3,2.5,"a;=b"\r\n'


# --- JSON ------------------------------------------------------------------------


def model_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_texts()["model.schema.json"])
    return schema


def test_the_committed_model_schema_is_made_from_the_model(update_goldens: bool) -> None:
    """``model.schema.json`` is generated; refresh it with ``pytest tests/test_export.py --update-goldens``."""
    made = model_schema_text()
    if update_goldens:
        SCHEMA_FILE.write_text(made, encoding="utf-8")
    assert SCHEMA_FILE.read_text(encoding="utf-8") == made, "run pytest tests/test_export.py --update-goldens"


def test_json_of_basic_is_versioned_sorted_deterministic_and_valid(basic: Path) -> None:
    result = run("-w", str(basic), "--format", "json")
    assert result.exit_code == 0, result.output
    text = result.stdout
    data = json.loads(text)
    assert (data["format"], data["version"]) == ("specgen-model", 1)
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert run("-w", str(basic), "--format", "json").stdout == text
    Draft202012Validator(model_schema()).validate(data)
    feature = data["features"][0]
    assert feature["id"] == "FEAT-1" and feature["source"] == "specs/features/FEAT-1.yaml"
    assert feature["problem"] == "Leads cannot see {{ what }} ships when | <b>bold</b>"  # Markdown source, as written
    assert feature["requirements"][0]["uid"] == "FEAT-1.R1"
    assert feature["requirements"][1]["acceptance_criteria"] == []
    assert feature["test_cases"][0]["verifies"] == ["FEAT-1.R1"]
    assert [s["id"] for s in data["stakeholders"]] == ["STK-1", "STK-2"]
    assert data["product"]["name"] and data["objectives"][0]["key_results"]
    cd3 = next(r for r in data["analysis"]["rankings"] if r["framework"] == "cd3")
    assert cd3["ranked"] == [{"feature": "FEAT-1", "rank": 1, "score": 1250.0}]
    assert cd3["unscorable"] == [{"feature": "FEAT-2", "missing": ["duration_weeks"]}]
    assert data["analysis"]["coverage"]["requirements"] == 3


def test_json_of_hostile_text_and_of_the_repository_specs_validates(basic: Path) -> None:
    validator = Draft202012Validator(model_schema())
    data = json.loads(export(model(hostile(basic)), "json").files["model.json"])
    validator.validate(data)
    assert data["features"][2]["requirements"][0]["acceptance_criteria"][1]["text"] == HOSTILE["text"]
    own = json.loads(export(model(REPO), "json").files["model.json"])
    validator.validate(own)
    assert len(own["features"]) > 3 and own["product"]["name"] == "specgen"


def test_the_model_schema_is_strict_enough_to_catch_drift(basic: Path) -> None:
    validator = Draft202012Validator(model_schema())
    data = json.loads(export(model(basic), "json").files["model.json"])
    assert validator.is_valid(data)
    for change in (
        lambda d: d["features"][0].pop("title"),  # a field the exporter stopped writing
        lambda d: d["features"][0].update(new_field=1),  # a field the schema does not list
        lambda d: d["features"][0]["requirements"][0].update(uid=3),  # a wrong type
        lambda d: d["features"][0].update(status="finished"),  # a value the kind's schema does not allow
        lambda d: d["analysis"]["coverage"].pop("percent"),
        lambda d: d.update(version=2),
    ):
        changed = copy.deepcopy(data)
        change(changed)
        assert not validator.is_valid(changed)


def test_the_model_schema_ships_with_the_others_and_confuses_no_validator(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["schema", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "model.schema.json").read_text(encoding="utf-8") == schema_texts()["model.schema.json"]
    assert set(validators()) == set(KINDS)  # the kinds' validators are picked by kind name, not by folder


# --- Gherkin ---------------------------------------------------------------------

BASIC_FEATURE = """\
# language: en
# Exported by specgen from specs/features/FEAT-1.yaml: regenerate it rather than edit it.
@FEAT-1
Feature: Timeline view
  Summary: See the quarter at a glance.
  Problem: Leads cannot see {{ what }} ships when | <b>bold</b>

  @FEAT-1.R1 @must
  Scenario: R1 AC1 Show features on a time axis by release.
    Given a release with two features
    When the timeline opens
    Then both features appear under the release
"""


def parse(text: str) -> dict[str, Any]:
    document: dict[str, Any] = Parser().parse(TokenScanner(text))
    return document


def test_gherkin_of_basic_one_file_per_feature_with_criteria(basic: Path) -> None:
    out = basic / "features"
    result = run("-w", str(basic), "--format", "gherkin", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["FEAT-1.feature"]  # FEAT-2 has no acceptance criteria
    text = (out / "FEAT-1.feature").read_text(encoding="utf-8")
    assert text == BASIC_FEATURE
    assert parse(text)["feature"]["children"][0]["scenario"]["steps"][2]["text"] == (
        "both features appear under the release"
    )


def test_hostile_text_stays_text_in_gherkin(basic: Path) -> None:
    out = basic / "features"
    assert run("-w", str(hostile(basic)), "--format", "gherkin", "--out", str(out)).exit_code == 0
    ws = model(basic)
    for path in sorted(out.iterdir()):
        parse(path.read_text(encoding="utf-8"))  # every file the official parser reads
    document = parse((out / "FEAT-3.feature").read_text(encoding="utf-8"))
    feature = document["feature"]
    assert feature["name"] == HOSTILE["title"]
    assert [t["name"] for t in feature["tags"]] == ["@FEAT-3"]
    assert feature["description"].split("\n") == [
        f"  Summary: {one_line(ws.features['FEAT-3'].summary or '')}",
        f"  Problem: {one_line(ws.features['FEAT-3'].problem)}",
    ]
    first, second = (child["scenario"] for child in feature["children"])
    statement = one_line(ws.requirements["FEAT-3.R1"].statement)
    assert first["name"] == f"R1 AC1 {short(statement)}" and len(short(statement)) <= 80
    assert first["description"] == f"    Requirement: {statement}"
    assert [t["name"] for t in first["tags"]] == ["@FEAT-3.R1", "@could"]
    assert [(s["keyword"], s["text"]) for s in first["steps"]] == [
        ("Given ", HOSTILE["given"]),
        ("When ", HOSTILE["when"]),
        ("Then ", HOSTILE["then"]),
    ]
    assert [s["keyword"] for s in second["steps"]] == ["Then "]
    assert second["steps"][0]["docString"]["content"] == HOSTILE["text"]
    assert document["comments"] == [
        {
            "location": {"line": 2, "column": 1},
            "text": f"{MARKER[15:]} from specs/features/FEAT-3.yaml: regenerate it rather than edit it.",
        }
    ]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                '"""',
                "```",
                '\\"\\"\\"',
                "\\`\\`\\`",
                "#",
                "|",
                "@",
                "Scenario:",
                "Given ",
                "\n",
                " ",
                "x",
                "é",
                "🎉",
                "\\",
            ]
        ),
        max_size=12,
    )
)
def test_doc_strings_read_back_as_written(parts: list[str]) -> None:
    text = "".join(parts).strip("\n")
    if '\\"\\"\\"' in text and ("```" in text or "\\`\\`\\`" in text):
        return  # the one text neither delimiter can carry as is (documented in gherkin_export)
    lines = ["Feature: f", "  Scenario: s", "    Then this:", *doc_string(text, "      ")]
    step = parse("\n".join(lines) + "\n")["feature"]["children"][0]["scenario"]["steps"][0]
    assert step["docString"]["content"] == text


# --- the command: checks first, writes safely -------------------------------------


def test_findings_in_the_specs_export_nothing(basic: Path) -> None:
    feature = basic / "specs/features/FEAT-1.yaml"
    feature.write_text(feature.read_text(encoding="utf-8").replace("owner: STK-2", "owner: STK-99"), "utf-8")
    out = basic / "cases.csv"
    result = run("-w", str(basic), "--format", "csv", "--out", str(out))
    assert result.exit_code == 1
    assert "error[" in result.stderr and "export stopped: nothing was written" in result.stderr
    assert result.stdout == "" and not out.exists()


def test_usage_errors_exit_2(basic: Path) -> None:
    assert run("-w", str(basic), "--format", "gherkin").exit_code == 2  # a folder is needed
    assert run("-w", str(basic), "--format", "json", "--bom").exit_code == 2
    blocker = basic / "a-file"
    blocker.write_text("x", encoding="utf-8")
    result = run("-w", str(basic), "--format", "csv", "--out", str(blocker / "cases.csv"))
    assert result.exit_code == 2 and "cannot write to" in result.stderr


def test_a_link_in_the_way_is_refused_and_not_written_through(basic: Path, tmp_path: Path) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me", encoding="utf-8")
    out = basic / "features"
    out.mkdir()
    (out / "FEAT-1.feature").symlink_to(precious)
    result = run("-w", str(basic), "--format", "gherkin", "--out", str(out))
    assert result.exit_code == 2 and "is a link" in result.stderr
    assert precious.read_text(encoding="utf-8") == "keep me"
    (basic / "cases.csv").symlink_to(precious)
    assert run("-w", str(basic), "--format", "csv", "--out", str(basic / "cases.csv")).exit_code == 2
    assert precious.read_text(encoding="utf-8") == "keep me"
    linked = basic / "linked"
    linked.symlink_to(tmp_path, target_is_directory=True)
    assert run("-w", str(basic), "--format", "gherkin", "--out", str(linked)).exit_code == 2
    assert not (tmp_path / "FEAT-1.feature").exists()


def test_a_folder_export_removes_only_its_own_stale_files(basic: Path) -> None:
    out = basic / "features"
    out.mkdir()
    (out / "FEAT-9.feature").write_text(f"{MARKER} from specs/features/FEAT-9.yaml\nFeature: gone\n", "utf-8")
    (out / "handwritten.feature").write_text("Feature: mine\n", encoding="utf-8")
    (out / "notes.txt").write_text(MARKER, encoding="utf-8")
    result = run("-w", str(basic), "--format", "gherkin", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "removed 1 stale: FEAT-9.feature" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["FEAT-1.feature", "handwritten.feature", "notes.txt"]


def test_a_failed_write_leaves_the_previous_file(basic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = basic / "cases.csv"
    out.write_text("previous", encoding="utf-8")

    def disk_full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)  # the one failure a test cannot cause for real
    result = run("-w", str(basic), "--format", "csv", "--out", str(out))
    assert result.exit_code == 2 and "No space left on device" in result.stderr
    assert out.read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in basic.iterdir() if p.name.endswith(".tmp")) == []
    monkeypatch.undo()
    assert run("-w", str(basic), "--format", "csv", "--out", str(out)).exit_code == 0
    assert out.read_bytes() == BASIC_CSV.encode("utf-8")


def test_a_free_text_criterion_keeps_its_lines_in_the_doc_string(basic: Path) -> None:
    feature = basic / "specs/features/FEAT-1.yaml"
    listed = "Works when:\n\n- the list **has** items\n- and `code`"
    criterion = "      - |\n" + "".join(f"        {line}\n" if line else "\n" for line in listed.split("\n"))
    feature.write_text(feature.read_text().replace("  - id: R2\n", criterion + "  - id: R2\n", 1))
    out = basic / "features"
    result = run("-w", str(basic), "--format", "gherkin", "--out", str(out))
    assert result.exit_code == 0, result.output
    scenarios = parse((out / "FEAT-1.feature").read_text(encoding="utf-8"))["feature"]["children"]
    assert scenarios[1]["scenario"]["steps"][0]["docString"]["content"] == listed  # as written, not one line
