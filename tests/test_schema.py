"""Schema validation: errors in the user's terms, at the right place, with hints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from specgen import check
from specgen.kinds import KINDS
from specgen.schema import schema_texts


def messages(workspace: Path) -> list[str]:
    return [str(d) for d in check(workspace).diagnostics]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_unknown_key_suggests_close_match(basic: Path) -> None:
    edit(basic / "specs/features/FEAT-1.yaml", "goals: [", "golas: [")
    assert messages(basic) == [
        "specs/features/FEAT-1.yaml:13:1: error[SG201]: unknown key 'golas' in feature (did you mean 'goals'?)"
    ]


def test_unknown_nested_key_names_its_place(basic: Path) -> None:
    edit(basic / "specs/features/FEAT-1.yaml", "    statement: Render", "    statment: Render")
    # One typo, one diagnostic: the missing 'statement' is the misspelt key.
    assert messages(basic) == [
        "specs/features/FEAT-1.yaml:41:5: error[SG201]: unknown key 'statment' in requirements[1] "
        "(did you mean 'statement'?)",
    ]


def test_enum_typo_suggests_value(basic: Path) -> None:
    edit(basic / "specs/objectives/OBJ-1.yaml", "health: at_risk", "health: at_rsik")
    assert messages(basic) == [
        "specs/objectives/OBJ-1.yaml:5:9: error[SG204]: health: 'at_rsik' is not one of on_track, at_risk, "
        "off_track, done, missed (did you mean 'at_risk'?)"
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "duration_weeks: 4",
            "duration_weeks: four",
            "specs/features/FEAT-1.yaml:26:19: error[SG203]: scoring.duration_weeks: expected a number, "
            "found text 'four'",
        ),
        (
            "duration_weeks: 4",
            "duration_weeks: 0",
            "specs/features/FEAT-1.yaml:26:19: error[SG206]: scoring.duration_weeks: 0 must be greater than 0",
        ),
        (
            "goals: [Plans read in under a minute]",
            "goals:",
            "specs/features/FEAT-1.yaml:13:7: error[SG203]: goals: expected a list, found null (an empty value)",
        ),
        (
            "release: REL-1",
            "release: 2026-01-01",
            "specs/features/FEAT-1.yaml:8:10: error[SG206]: release: '2026-01-01' does not have the expected form "
            "(expected an ID like REL-1)",
        ),
    ],
    ids=["text-for-number", "zero-divisor", "null-list", "bad-id"],
)
def test_type_and_constraint_errors(basic: Path, old: str, new: str, expected: str) -> None:
    edit(basic / "specs/features/FEAT-1.yaml", old, new)
    assert messages(basic) == [expected]


def test_impossible_date_and_placeholder(basic: Path) -> None:
    edit(basic / "specs/releases/REL-1.yaml", "target_date: 2027-01-15", "target_date: 2027-14-05")
    edit(basic / "specs/personas/PER-1.yaml", "segment: Mid-size software teams", "segment: TBD")
    assert messages(basic) == [
        "specs/personas/PER-1.yaml:3:10: error[SG207]: segment: 'TBD' is a placeholder "
        "(write the real value, or leave the key out until it is known)",
        "specs/releases/REL-1.yaml:4:14: error[SG205]: target_date: '2027-14-05' is not a valid date (YYYY-MM-DD)",
    ]


@pytest.mark.parametrize("name", sorted(schema_texts()))
def test_schemas_are_valid_documented_and_strict(name: str) -> None:
    schema = json.loads(schema_texts()[name])
    Draft202012Validator.check_schema(schema)

    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            if "properties" in node:
                assert node.get("additionalProperties") is False, f"{name}{path} is not strict"
                for key, sub in node["properties"].items():
                    assert "description" in sub, f"{name}{path}.{key} has no description"
            for key, value in node.items():
                walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]")

    walk(schema, "")


def test_every_kind_has_a_schema() -> None:
    assert {k.schema_name for k in KINDS.values()} <= set(schema_texts())


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "cost_of_delay: 5000",
            "cost_of_delay: .inf",
            "specs/features/FEAT-1.yaml:25:18: error[SG206]: scoring.cost_of_delay: inf is not a finite number",
        ),
        (
            "cost_of_delay: 5000",
            "cost_of_delay: .nan",
            "specs/features/FEAT-1.yaml:25:18: error[SG206]: scoring.cost_of_delay: nan is not a finite number",
        ),
        (
            "duration_weeks: 4",
            "duration_weeks: " + "9" * 300,
            "specs/features/FEAT-1.yaml:26:19: error[SG206]: scoring.duration_weeks: 1e+300 is larger than 1e+15",
        ),
        (
            "verifies: [R1]",
            "verifies: [R1, FEAT-1.R2, R1]",
            "specs/features/FEAT-1.yaml:47:31: error[SG206]: test_cases[0].verifies: 'R1' is listed twice "
            "(remove the second entry)",
        ),
        (
            "summary: See the quarter at a glance.",
            'summary: "bell\\a"',
            "specs/features/FEAT-1.yaml:3:10: error[SG206]: summary: contains the control character U+0007, which "
            "text cannot show (control characters are invisible: remove it)",
        ),
    ],
    ids=["inf", "nan", "huge", "duplicate-entry", "control-character"],
)
def test_values_that_cannot_be_computed_or_shown(basic: Path, old: str, new: str, expected: str) -> None:
    edit(basic / "specs/features/FEAT-1.yaml", old, new)
    assert messages(basic) == [expected]


def test_yaml_merge_keys_work(basic: Path) -> None:
    (basic / "specs/stakeholders/STK-3.yaml").write_text(
        "defaults: &defaults\n  role: Support lead\n  audience: support\n"
    )
    (basic / "specs/stakeholders/STK-3.yaml").write_text(
        "id: STK-3\nname: Sam\n<<: {role: Support lead, audience: support}\n"
    )
    assert messages(basic) == []
