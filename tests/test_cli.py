"""The specgen command: exit codes, output formats, the schema command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from specgen.cli import main


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_check_clean_workspace_exits_zero(basic: Path) -> None:
    code, output = run("check", "--workspace", str(basic))
    assert code == 0
    assert output == "12 spec files checked: 0 errors, 0 warnings\n"


def test_check_reports_every_problem_sorted(basic: Path) -> None:
    feature = basic / "specs/features/FEAT-1.yaml"
    text = feature.read_text()
    text = text.replace("title: Timeline view", "tilte: Timeline view")
    text = text.replace("status: planned", "status: plannd")
    feature.write_text(text)
    (basic / "specs/personas/PER-1.yaml").write_text("id: PER-1\nname: [oops\n")
    (basic / "specs/features/FEAT-2.yaml").write_text(
        (basic / "specs/features/FEAT-2.yaml").read_text().replace("owner: STK-1", "owner: STK-9")
    )

    code, output = run("check", "--workspace", str(basic))

    lines = output.splitlines()
    assert code == 1
    assert lines[:-1] == [
        "specs/features/FEAT-1.yaml:2:1: error[SG201]: unknown key 'tilte' in feature (did you mean 'title'?)",
        "specs/features/FEAT-1.yaml:4:9: error[SG204]: status: 'plannd' is not one of idea, discovery, "
        "planned, in_progress, beta, shipped, wont_do (did you mean 'planned'?)",
        "specs/features/FEAT-2.yaml:4:8: error[SG303]: 'STK-9' names no known stakeholder "
        "(the stakeholders are STK-1, STK-2)",
        "specs/personas/PER-1.yaml:3:1: error[SG101]: did not find expected ',' or ']' "
        "(while parsing a flow sequence that starts on line 2) "
        "(a value that starts with [ is a list to YAML; quote the whole text, e.g. name: '[oops')",
    ]
    assert lines[-1] == "12 spec files checked: 4 errors, 0 warnings"


def test_check_json_format(basic: Path) -> None:
    feature = basic / "specs/features/FEAT-1.yaml"
    feature.write_text(feature.read_text().replace("owner: STK-2", "owner: STK-3", 1))

    code, output = run("check", "--format", "json", "--workspace", str(basic))

    payload = json.loads(output)
    assert code == 1
    assert payload["errors"] == 1 and payload["warnings"] == 0 and payload["files"] == 12
    assert payload["diagnostics"] == [
        {
            "path": "specs/features/FEAT-1.yaml",
            "line": 5,
            "column": 8,
            "severity": "error",
            "code": "SG303",
            "message": "'STK-3' names no known stakeholder",
            "hint": "the stakeholders are STK-1, STK-2",
            "pointer": "/owner",
        }
    ]


def test_strict_turns_warnings_into_failures(basic: Path) -> None:
    feature = basic / "specs/features/FEAT-1.yaml"
    # Drop the only test case: the Must requirement R1 of a planned feature is untested.
    text = feature.read_text()
    feature.write_text(text[: text.index("test_cases:")])

    code, output = run("check", "--workspace", str(basic))
    assert code == 0
    assert "warning[SG307]: Must requirement FEAT-1.R1 of a planned feature has no test case" in output

    strict_code, strict_output = run("check", "--strict", "--workspace", str(basic))
    assert strict_code == 1
    assert strict_output == output


def test_github_format_annotates_lines(basic: Path) -> None:
    feature = basic / "specs/features/FEAT-1.yaml"
    feature.write_text(feature.read_text().replace("owner: STK-2", "owner: STK-3", 1))
    code, output = run("check", "--format", "github", "--workspace", str(basic))
    assert code == 1
    assert output.splitlines()[0] == (
        "::error file=specs/features/FEAT-1.yaml,line=5,col=8,title=SG303::"
        "'STK-3' names no known stakeholder (the stakeholders are STK-1, STK-2)"
    )


def test_schema_command_writes_schemas(tmp_path: Path) -> None:
    code, output = run("schema", "--out", str(tmp_path / "schemas"))
    assert code == 0
    written = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert "feature.schema.json" in written and "common.schema.json" in written
    assert len(output.splitlines()) == len(written)
    feature = json.loads((tmp_path / "schemas/feature.schema.json").read_text())
    assert feature["additionalProperties"] is False
    assert all("description" in spec for spec in feature["properties"].values())


def test_usage_errors_exit_two(tmp_path: Path) -> None:
    code, _ = run("check", "--format", "xml", "--workspace", str(tmp_path))
    assert code == 2
    code, output = run("check", "--workspace", str(tmp_path / "missing"))
    assert code == 2
    assert "is not a folder" in output


def test_console_script_has_no_traceback_on_bad_input(tmp_path: Path) -> None:
    specs = tmp_path / "specs" / "features"
    specs.mkdir(parents=True)
    (specs / "FEAT-1.yaml").write_bytes(b"id: FEAT-1\n\tbad: [\n\xff")
    proc = subprocess.run(
        [sys.executable, "-m", "specgen", "check", "--workspace", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "specs/features/FEAT-1.yaml:3:1: error[SG104]: byte 0xff is not valid UTF-8" in proc.stdout


def test_readme_lists_every_rule() -> None:
    from specgen.diagnostics import RULES

    from .conftest import REPO

    readme = (REPO / "README.md").read_text()
    rows = [f"| {r.code} | {r.severity}{f' ({r.gate})' if r.gate else ''} | {r.summary} |" for r in RULES.values()]
    assert "\n".join(rows) in readme


def test_readme_example_output_is_real(basic: Path) -> None:
    from .conftest import REPO

    edit = [
        ("specs/features/FEAT-1.yaml", "title: Timeline view", "tilte: Timeline view"),
        ("specs/features/FEAT-1.yaml", "status: planned", "status: plannd"),
        ("specs/features/FEAT-2.yaml", "owner: STK-1", "owner: STK-9"),
    ]
    for name, old, new in edit:
        path = basic / name
        path.write_text(path.read_text().replace(old, new, 1))
    _, output = run("check", "--workspace", str(basic))
    assert output in (REPO / "README.md").read_text()


def test_ci_runs_the_readme_test_command() -> None:
    from .conftest import REPO

    readme = (REPO / "README.md").read_text()
    command = readme.split("Install the test dependencies", 1)[1].split("```sh\n", 1)[1].split("\n", 1)[0]
    assert command in (REPO / ".ci/run").read_text().splitlines()


def test_schema_command_reports_an_unwritable_folder(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    code, output = run("schema", "--out", str(tmp_path / "file" / "schemas"))
    assert code == 2
    assert "cannot write to" in output


def _run_in_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run the command with a real pseudo-terminal as its output; return what it wrote."""
    import os
    import pty

    controller, terminal = pty.openpty()
    proc = subprocess.Popen(args, stdin=terminal, stdout=terminal, stderr=terminal, env=env, close_fds=True)
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed: the command has ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=60)
    os.close(controller)
    return b"".join(chunks).decode()


def test_progress_shows_on_a_terminal_only(tmp_path: Path) -> None:
    import os

    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    from corpus import generate  # type: ignore[import-not-found]

    generate(tmp_path, 150)  # more than 200 spec files
    command = [sys.executable, "-m", "specgen", "check", "--workspace", str(tmp_path)]
    env = {k: v for k, v in os.environ.items() if k != "CI"}

    on_terminal = _run_in_terminal(command, env)
    assert "\rreading 227/227 (100%)" in on_terminal and "\rchecking " in on_terminal
    assert on_terminal.rstrip().endswith("227 spec files checked: 0 errors, 0 warnings")

    in_ci = _run_in_terminal(command, {**env, "CI": "true"})
    assert "reading" not in in_ci
    piped = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert "reading" not in piped.stdout + piped.stderr
    assert piped.stdout == "227 spec files checked: 0 errors, 0 warnings\n"
