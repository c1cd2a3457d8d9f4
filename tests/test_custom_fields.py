"""Custom fields declared in specgen.yaml: checked like built-in ones, in the editor schemas, on the page, exported.

Every test runs the real check (or build, or CLI) on a copy of the basic fixture.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from specgen import check
from specgen.cache import FileCache, cache_key
from specgen.cli import main
from specgen.config import custom_fields
from specgen.diagnostics import Severity
from specgen.limits import Limits
from specgen.schema import schema_texts
from specgen.schema.custom import NO_FIELDS
from specgen.schema.declare import declare

from .test_schema import edit

DECLARED = """\
fields:
  feature:
    squad:
      enum: [payments, growth]
      description: The squad that builds it.
    jira_epic:
      type: string
      pattern: "^[A-Z]+-[0-9]+$"
      description: The Jira epic, e.g. PAY-12.
    points: {type: integer, minimum: 1, maximum: 13}
    tags: {type: array, items: {type: string, enum: [mobile, web]}}
    note: {type: string}
    launched_on: {type: string, format: date}
  release:
    codename: {type: string}
"""

FEATURE = "specs/features/FEAT-1.yaml"


def declare_in(workspace: Path, text: str = DECLARED) -> None:
    (workspace / "specgen.yaml").write_text(text, encoding="utf-8")


def add(workspace: Path, path: str, lines: str) -> int:
    """Append top-level keys to a spec; returns the line number of the first one."""
    file = workspace / path
    text = file.read_text(encoding="utf-8")
    file.write_text(text + lines, encoding="utf-8")
    return text.count("\n") + 1


def found(workspace: Path) -> list[str]:
    return [str(d) for d in check(workspace).diagnostics]


def test_declared_fields_pass_and_reach_the_model(basic: Path) -> None:
    declare_in(basic)
    add(basic, FEATURE, "squad: payments\njira_epic: PAY-12\npoints: 3\ntags: [web]\nlaunched_on: 2026-05-01\n")
    add(basic, "specs/releases/REL-1.yaml", "codename: Aurora\n")
    result = check(basic)
    assert result.diagnostics == []
    assert result.workspace is not None
    assert result.workspace.features["FEAT-1"].custom == {
        "squad": "payments",
        "jira_epic": "PAY-12",
        "points": 3,
        "tags": ["web"],
        "launched_on": "2026-05-01",
    }
    assert result.workspace.features["FEAT-2"].custom == {}
    assert result.workspace.releases["REL-1"].custom == {"codename": "Aurora"}


def test_an_undeclared_key_is_still_an_error_and_the_declared_ones_are_suggested(basic: Path) -> None:
    declare_in(basic)
    line = add(basic, FEATURE, "sqaud: payments\ncolour: red\n")
    messages = found(basic)
    assert f"{FEATURE}:{line}:1: error[SG201]: unknown key 'sqaud' in feature (did you mean 'squad'?)" in messages
    colour = next(m for m in messages if "'colour'" in m)
    assert colour.startswith(f"{FEATURE}:{line + 1}:1: error[SG201]: unknown key 'colour' in feature (allowed keys: ")
    assert "squad, jira_epic, points, tags, note, launched_on)" in colour
    # Without the declaration, squad itself is unknown: nothing is accepted that no one declared.
    (basic / "specgen.yaml").unlink()
    edit(basic / FEATURE, "sqaud: payments\ncolour: red\n", "squad: payments\n")
    (unknown,) = found(basic)
    assert unknown.startswith(f"{FEATURE}:{line}:1: error[SG201]: unknown key 'squad' in feature (allowed keys: id, ")
    assert "squad" not in unknown.partition("allowed keys")[2]


def test_wrong_types_and_values_get_the_built_in_codes(basic: Path) -> None:
    declare_in(basic)
    line = add(
        basic, FEATURE, "squad: paymnets\npoints: three\njira_epic: pay-12\ntags: [web, tv]\nlaunched_on: soon\n"
    )
    assert found(basic) == [
        f"{FEATURE}:{line}:8: error[SG204]: squad: 'paymnets' is not one of payments, growth "
        "(did you mean 'payments'?)",
        f"{FEATURE}:{line + 1}:9: error[SG203]: points: expected a whole number, found text 'three'",
        f"{FEATURE}:{line + 2}:12: error[SG206]: jira_epic: 'pay-12' does not have the expected form "
        "(The Jira epic, e.g. PAY-12.)",
        f"{FEATURE}:{line + 3}:13: error[SG204]: tags[1]: 'tv' is not one of mobile, web",
        f"{FEATURE}:{line + 4}:14: error[SG205]: launched_on: 'soon' is not a valid date (YYYY-MM-DD)",
    ]


def test_bounds_and_the_end_of_text_are_kept(basic: Path) -> None:
    declare_in(basic)
    line = add(basic, FEATURE, 'points: 21\njira_epic: "PAY-1\\n"\n')
    assert found(basic) == [
        f"{FEATURE}:{line}:9: error[SG206]: points: 21 is above the maximum 13",
        # RE2's $ ends the text, as ECMA-262's does: Python's re would accept the final line break.
        f"{FEATURE}:{line + 1}:12: error[SG206]: jira_epic: 'PAY-1\\n' does not have the expected form: "
        "it ends with a line break (write 'PAY-1')",
    ]


def test_a_declared_field_may_not_shadow_a_built_in_one(basic: Path) -> None:
    declare_in(basic, "fields:\n  feature:\n    status: {type: string}\n    squad: {enum: [payments]}\n")
    add(basic, FEATURE, "squad: payments\n")
    assert found(basic) == [
        "specgen.yaml:3:5: error[SG403]: fields.feature.status shadows the built-in field 'status' of a feature "
        "(a custom field cannot change a built-in one; choose another name, e.g. feature_status)"
    ]


@pytest.mark.parametrize(
    ("declaration", "expected"),
    [
        (
            "squad: {enum: [a], patern: x}",
            "specgen.yaml:3:24: error[SG403]: fields.feature.squad: unknown keyword 'patern' (did you mean 'pattern'?)",
        ),
        (
            "squad: {type: text}",
            "specgen.yaml:3:19: error[SG403]: fields.feature.squad.type: 'text' is not a type a custom field may have "
            "(did you mean 'string'?)",
        ),
        (
            "squad: {type: string, pattern: '^(?=a)b'}",
            "specgen.yaml:3:36: error[SG403]: fields.feature.squad.pattern uses lookaround ((?=, (?!, (?<=, (?<!), "
            "which RE2 does not support: it matches in linear time",
        ),
        (
            "squad: {type: string, pattern: '(a)\\1'}",
            "specgen.yaml:3:36: error[SG403]: fields.feature.squad.pattern uses a backreference (\\1, \\k<name>), "
            "which RE2 does not support: it matches in linear time",
        ),
        (
            "squad: {type: string, pattern: '(?i)pay'}",
            "specgen.yaml:3:36: error[SG403]: fields.feature.squad.pattern uses flags such as (?i), which editors "
            "(ECMA-262) read differently; write it another way",
        ),
        (
            "squad: {type: string, pattern: '(.?){1000}b'}",
            "specgen.yaml:3:36: error[SG403]: fields.feature.squad.pattern compiles to 11,005 instructions, more "
            "than the 1,000 a declared pattern may take (a large repeat such as {1000} makes matching slow); "
            "write it more simply",
        ),
        (
            "squad: {type: string, pattern: '[a-'}",
            "specgen.yaml:3:36: error[SG403]: fields.feature.squad.pattern is not a pattern RE2 can read "
            "(missing ]: [a-)",
        ),
        (
            "squad: {type: integer, pattern: '^1$'}",
            "specgen.yaml:3:37: error[SG403]: fields.feature.squad.pattern applies to text (add type: string)",
        ),
        (
            "squad: {type: integer, enum: [1, two]}",
            "specgen.yaml:3:34: error[SG403]: fields.feature.squad.enum [1]: 'two' is not a integer value",
        ),
        (
            "Squad: {type: string}",
            "specgen.yaml:3:5: error[SG403]: fields.feature: 'Squad' is no field name (a name is lowercase letters, "
            "digits and _, starting with a letter, e.g. jira_epic)",
        ),
        (
            "squad: {type: array, items: {type: integer}}",
            "specgen.yaml:3:40: error[SG403]: fields.feature.squad.items: a custom list holds text only "
            "(write items: {type: string})",
        ),
        (
            'squad: {enum: [a], description: "red \\e[31m"}',
            "specgen.yaml:3:37: error[SG403]: fields.feature.squad.description may not hold a line break, "
            "a control character or a bidi control",
        ),
        (
            "squad: text",
            "specgen.yaml:3:12: error[SG403]: fields.feature.squad must be a mapping of schema keywords "
            "(e.g. {type: string} or {enum: [a, b]})",
        ),
    ],
)
def test_a_bad_declaration_is_a_located_error(basic: Path, declaration: str, expected: str) -> None:
    declare_in(basic, f"fields:\n  feature:\n    {declaration}\n")
    result = CliRunner().invoke(main, ["check", "--workspace", str(basic)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert expected in result.output, result.output


def test_an_unknown_kind_is_a_located_error(basic: Path) -> None:
    declare_in(basic, "fields:\n  features:\n    squad: {type: string}\n")
    assert found(basic) == [
        "specgen.yaml:2:3: error[SG403]: fields: 'features' is not a kind of spec (did you mean 'feature'?)"
    ]


def test_a_catastrophic_pattern_cannot_hang_check(basic: Path) -> None:
    """``(a+)+$`` backtracks exponentially in Python's re; RE2 runs it in linear time.

    The timeout is the guard, not a measurement: with a backtracking engine the
    61-character value alone (tried once, then twice per character for the
    "which character" hint) would not finish in a lifetime.
    """
    declare_in(basic, 'fields:\n  feature:\n    code: {type: string, pattern: "^(a+)+$"}\n')
    short = "a" * 60 + "!"
    line = add(basic, FEATURE, f"code: {short}\n")
    add(basic, "specs/features/FEAT-2.yaml", f"code: {'a' * 20_000}b\n")
    run = subprocess.run(
        [sys.executable, "-m", "specgen", "check", "--workspace", str(basic)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    assert (
        f"{FEATURE}:{line}:7: error[SG206]: code: {short!r} does not have the expected form: "
        f"'!' (character 61) does not belong (write {'a' * 60!r})"
    ) in run.stdout
    assert "specs/features/FEAT-2.yaml:15:7: error[SG206]: code: " in run.stdout
    assert "Traceback" not in run.stderr


def test_custom_fields_are_shown_on_the_feature_page(basic: Path) -> None:
    from specgen.site import build

    declare_in(basic)
    hostile = "<script>alert(1)</script> | {{ x }} *not bold*"
    add(basic, FEATURE, f"squad: growth\npoints: 5\ntags: [mobile, web]\nnote: '{hostile}'\n")
    result = build(basic, strict=True)
    assert result.success, [str(d) for d in result.diagnostics]
    page = (basic / "site/features/FEAT-1/index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page
    head = page.index("<th>More</th>")
    table = page[page.rindex("<table", 0, head) : page.index("</table>", head)]
    rows = [
        html.unescape(re.sub(r"<[^>]+>", "", row)).split("\n") for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]
    cells = [[c for c in row if c.strip()] for row in rows]
    assert cells == [
        ["More", "Value"],
        ["note", hostile],
        ["points", "5"],
        ["squad", "growth"],
        ["tags", "mobile, web"],
    ]
    assert ">More<" not in (basic / "site/features/FEAT-2/index.html").read_text(encoding="utf-8")


def test_the_editor_schemas_hold_the_custom_fields_and_a_changed_declaration_is_drift(basic: Path) -> None:
    declare_in(basic)
    written = CliRunner().invoke(main, ["schema", "--workspace", str(basic)])
    assert written.exit_code == 0, written.output
    folder = basic / ".specgen/schemas"
    feature = json.loads((folder / "feature.schema.json").read_text(encoding="utf-8"))
    assert feature["$schema"] == "http://json-schema.org/draft-07/schema#"
    squad = feature["properties"]["squad"]
    assert squad == {
        "enum": ["payments", "growth"],
        "description": "The squad that builds it.",
        "markdownDescription": "The squad that builds it.\n\nAllowed: `payments`, `growth`",
    }
    assert feature["properties"]["jira_epic"]["pattern"] == "^[A-Z]+-[0-9]+$"  # as declared: editors run ECMA-262
    assert feature["properties"]["note"]["description"] == "A custom field of this workspace, declared in specgen.yaml."
    assert feature["additionalProperties"] is False
    release = json.loads((folder / "release.schema.json").read_text(encoding="utf-8"))
    assert "codename" in release["properties"] and "squad" not in release["properties"]
    assert not any(d.code == "SG321" for d in check(basic).diagnostics)

    declare_in(basic, DECLARED.replace("[payments, growth]", "[payments, growth, risk]"))
    stale = [str(d) for d in check(basic).diagnostics if d.code == "SG321"]
    assert stale == [
        ".specgen/schemas/feature.schema.json:1:1: warning[SG321]: this editor schema differs from what "
        f"specgen {_version()} writes; run `specgen schema --workspace .`"
    ]


def _version() -> str:
    from specgen.version import __version__

    return __version__


def test_a_changed_declaration_invalidates_the_cache(basic: Path) -> None:
    declare_in(basic)
    add(basic, FEATURE, "squad: growth\n")
    assert check(basic, cache=True).diagnostics == []
    assert check(basic, cache=True).diagnostics == []  # from the cache now
    declare_in(basic, DECLARED.replace("[payments, growth]", "[payments]"))
    assert [d.code for d in check(basic, cache=True).diagnostics] == ["SG204"]
    declare_in(basic)
    assert check(basic, cache=True).diagnostics == []


def test_the_cache_key_names_the_declaration() -> None:
    first, _ = declare({"feature": {"squad": {"enum": ["payments"]}}}, "specgen.yaml")
    second, _ = declare({"feature": {"squad": {"enum": ["payments", "growth"]}}}, "specgen.yaml")
    limits = Limits()
    assert NO_FIELDS.digest == "" and FileCache(None, limits, NO_FIELDS.digest).key == cache_key(limits)
    keys = {FileCache(None, limits, c.digest).key for c in (NO_FIELDS, first, second)}
    assert len(keys) == 3


def test_custom_fields_are_exported_as_json(basic: Path) -> None:
    declare_in(basic)
    add(basic, FEATURE, "squad: growth\ntags: [web]\n")
    result = CliRunner().invoke(main, ["export", "-w", str(basic), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["features"][0]["custom"] == {"squad": "growth", "tags": ["web"]}
    assert data["features"][1]["custom"] == {}
    Draft202012Validator(json.loads(schema_texts()["model.schema.json"])).validate(data)


def test_explain_lists_a_workspaces_custom_fields(basic: Path) -> None:
    declare_in(basic)
    plain = CliRunner().invoke(main, ["explain", "feature"])
    assert "squad" not in plain.output
    shown = CliRunner().invoke(main, ["explain", "feature", "-w", str(basic)])
    assert shown.exit_code == 0, shown.output
    assert "squad  (text, custom field from specgen.yaml)\n    The squad that builds it.\n" in shown.output
    assert "    Allowed: one of payments, growth\n" in shown.output
    assert "jira_epic  (text, custom field from specgen.yaml)" in shown.output


def test_a_broken_declaration_keeps_the_sound_fields(basic: Path) -> None:
    declare_in(basic, "fields:\n  feature:\n    squad: {enum: [payments]}\n    bad: {type: texte}\n")
    assert list(custom_fields(basic).of("feature")) == ["squad"]
    add(basic, FEATURE, "squad: payments\n")
    result = check(basic)
    assert [(d.path, d.code, d.severity) for d in result.diagnostics] == [("specgen.yaml", "SG403", Severity.ERROR)]


def test_schema_workspace_dot_writes_the_custom_fields_too(basic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The command SG321 tells people to run, from the workspace itself: a relative path once read as none.
    declare_in(basic, 'fields:\n  feature:\n    jira_epic: {type: string, pattern: "^[A-Z]+-[0-9]+$"}\n')
    monkeypatch.chdir(basic)
    assert CliRunner().invoke(main, ["schema", "--workspace", "."]).exit_code == 0
    feature = json.loads((basic / ".specgen/schemas/feature.schema.json").read_text(encoding="utf-8"))
    assert "jira_epic" in feature["properties"]
    assert not [d for d in check(basic).diagnostics if d.code == "SG321"]


def test_true_and_1_are_two_values_of_an_enum(basic: Path) -> None:
    declare_in(basic, "fields:\n  feature:\n    tier: {enum: [gold, 1, true]}\n")
    assert not [d for d in check(basic).diagnostics if d.path == "specgen.yaml"]
    declare_in(basic, "fields:\n  feature:\n    tier: {enum: [gold, 1, 1.0]}\n")
    assert any("is listed twice" in d.message for d in check(basic).diagnostics)
