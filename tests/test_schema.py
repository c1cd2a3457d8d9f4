"""Schema validation: errors in the user's terms, at the right place, with hints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from specgen import check, ecma
from specgen.kinds import KINDS
from specgen.schema import schema_texts, validators


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


# --- values no spec may hold, in any field ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            '"Timeline\\x85view"',
            "summary: contains the control character U+0085, which text cannot show "
            "(control characters are invisible: remove it)",
        ),
        (
            '"Timeline\\u009bview"',
            "summary: contains the control character U+009B, which text cannot show "
            "(control characters are invisible: remove it)",
        ),
        (
            '"txt.exe\\u202egnp"',
            "summary: contains the bidirectional control U+202E (RIGHT-TO-LEFT OVERRIDE), which makes text read "
            "differently from what it says (remove it; right-to-left text needs at most the marks U+200E and "
            "U+200F or the isolates U+2066-U+2069)",
        ),
        (
            '"\\u202bembedded\\u202c"',
            "summary: contains the bidirectional control U+202B (RIGHT-TO-LEFT EMBEDDING), which makes text read "
            "differently from what it says (remove it; right-to-left text needs at most the marks U+200E and "
            "U+200F or the isolates U+2066-U+2069)",
        ),
    ],
    ids=["nel", "csi", "override", "embedding"],
)
def test_c1_controls_and_bidi_overrides_are_refused_at_the_value(basic: Path, value: str, expected: str) -> None:
    edit(basic / "specs/features/FEAT-1.yaml", "summary: See the quarter at a glance.", f"summary: {value}")
    assert messages(basic) == [f"specs/features/FEAT-1.yaml:3:10: error[SG206]: {expected}"]


def test_a_refused_character_is_reported_once_in_any_field(basic: Path) -> None:
    # An ID has a pattern, not the text pattern; the character is still the one finding (no SG302 either).
    edit(basic / "specs/evidence/EVD-1.yaml", "id: EVD-1", 'id: "EVD-1\\u202e"')
    found = [
        (d.path, d.code, d.line, d.column, d.message.split(",")[0])
        for d in check(basic).diagnostics
        if d.path.endswith("EVD-1.yaml")
    ]
    assert found == [
        (
            "specs/evidence/EVD-1.yaml",
            "SG206",
            1,
            5,
            "id: contains the bidirectional control U+202E (RIGHT-TO-LEFT OVERRIDE)",
        )
    ]


def test_marks_and_isolates_that_right_to_left_text_needs_are_allowed(basic: Path) -> None:
    edit(
        basic / "specs/features/FEAT-1.yaml",
        "summary: See the quarter at a glance.",
        'summary: "\\u05e9\\u05dc\\u05d5\\u05dd \\u200fmark\\u200e \\u2067isolated\\u2069 \\u2066x\\u2068y\\u2069"',
    )
    assert messages(basic) == []


def test_a_320_digit_number_is_a_located_error(basic: Path) -> None:
    # Once an internal error: the message formatted the number as a float.
    edit(basic / "specs/features/FEAT-1.yaml", "cost_of_delay: 5000", "cost_of_delay: " + "9" * 320)
    assert messages(basic) == [
        "specs/features/FEAT-1.yaml:25:18: error[SG206]: scoring.cost_of_delay: a number of 320 digits "
        "is larger than 1e+15"
    ]


def test_a_url_with_a_final_newline_is_not_a_url(basic: Path) -> None:
    edit(basic / "specs/evidence/EVD-1.yaml", "importance: 3", 'importance: 3\nurl: "https://example.com/x\\n"')
    assert messages(basic) == [
        "specs/evidence/EVD-1.yaml:8:6: error[SG205]: url: 'https://example.com/x\\n' is not a valid URL"
    ]


# --- patterns mean what JSON Schema says (ECMA-262), not what Python's re says ------------------------


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        ("^FEAT-[0-9]+$", "FEAT-1", True),
        ("^FEAT-[0-9]+$", "FEAT-1\n", False),  # Python's $ matches before a final newline
        (r"^\d+$", "123", True),
        (r"^\d+$", "\u0661\u0662", False),  # Arabic-Indic digits are \d to Python, not to ECMA-262
        (r"^\w+$", "caf\u00e9", False),
        (r"^\w+$", "snake_case_1", True),
        (r"^[\w-]+$", "a-b_c", True),
        (r"^\s$", "\ufeff", True),  # ECMA-262's \s includes U+FEFF; Python's does not
        (r"^\s$", "\x1c", False),  # ... and Python's includes U+001C-U+001F
        (r"^\S+$", "a\u00a0b", False),
        ("^.$", "\u2028", False),  # . stops at every ECMA-262 line terminator
        ("^.$", "\r", False),
        ("^.$", "\U0001f600", True),  # one code point (the u flag's meaning)
        ("^a.c$", "abc", True),
        (r"\bcat\b", "a cat!", True),
        (r"\bcaf", "\u00e9caf", True),  # \b is ASCII: é is no word character
        ("^[]$", "", False),  # [] matches nothing in ECMA-262
        ("^[^]$", "\n", True),  # [^] matches anything
        (r"^(?<x>a)\k<x>$", "aa", True),
        (r"^\u0041\x42\u{1F600}$", "AB\U0001f600", True),
        (r"^[\[\]|&~]+$", "[]|&~", True),
        (r"^\cJ$", "\n", True),
        ("^(https?|mailto):", "https://x", True),
    ],
)
def test_ecma_patterns(pattern: str, text: str, matches: bool) -> None:
    assert ecma.search(pattern, text) is matches


@pytest.mark.parametrize("pattern", [r"\p{L}", r"[^\S]", r"\A", "(?i)a", "[a", "a\\"])
def test_ecma_constructs_that_cannot_be_kept_are_refused(pattern: str) -> None:
    with pytest.raises(ValueError):
        ecma.compile_pattern(pattern)


def _patterns(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
        return own + [p for child in node.values() for p in _patterns(child)]
    if isinstance(node, list):
        return [p for child in node for p in _patterns(child)]
    return []


def test_every_packaged_pattern_is_read_as_ecma_262() -> None:
    patterns = {p for text in schema_texts().values() for p in _patterns(json.loads(text))}
    assert len(patterns) > 10
    for pattern in patterns:
        ecma.compile_pattern(pattern)  # no construct that would be read the Python way
    validator = validators()["feature"]
    assert not validator.is_valid({"id": "FEAT-1\n", "title": "t", "status": "idea", "owner": "STK-1", "problem": "p"})
    assert validator.is_valid({"id": "FEAT-1", "title": "t", "status": "idea", "owner": "STK-1", "problem": "p"})
