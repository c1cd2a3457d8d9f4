"""Loading: YAML becomes JSON-like data; broken files become located diagnostics."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from specgen import check
from specgen.diagnostics import Diagnostic
from specgen.limits import Limits
from specgen.loader import Document, load_workspace


def load_one(
    tmp_path: Path, text: str | bytes, where: str = "features/FEAT-1.yaml", limits: Limits | None = None
) -> tuple[list[Document], list[Diagnostic]]:
    file = tmp_path / "specs" / where
    file.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        file.write_bytes(text)
    else:
        file.write_text(text, encoding="utf-8")
    result = load_workspace(tmp_path / "specs", tmp_path, limits or Limits())
    return result.documents, result.diagnostics


def test_dates_stay_strings(tmp_path: Path) -> None:
    docs, problems = load_one(tmp_path, "id: REL-1\ntarget_date: 2026-01-02\nwhen: 2026-14-05\nyes_key: yes\n")
    assert problems == []
    assert docs[0].data == {"id": "REL-1", "target_date": "2026-01-02", "when": "2026-14-05", "yes_key": "yes"}


def test_keys_are_strings(tmp_path: Path) -> None:
    docs, _ = load_one(tmp_path, "1: one\ntrue: two\n")
    assert docs[0].data == {"1": "one", "true": "two"}


def test_duplicate_keys_are_errors(tmp_path: Path) -> None:
    _, problems = load_one(tmp_path, "id: FEAT-1\ntitle: a\nowner: STK-1\ntitle: b\n")
    assert [str(p) for p in problems] == [
        "specs/features/FEAT-1.yaml:4:1: error[SG102]: duplicate key 'title': each key may appear once in a mapping"
    ]


def test_syntax_error_is_located(tmp_path: Path) -> None:
    _, problems = load_one(tmp_path, "id: FEAT-1\ntitle: [unclosed\nowner: STK-1\n")
    assert len(problems) == 1
    assert str(problems[0]) == (
        "specs/features/FEAT-1.yaml:3:6: error[SG101]: did not find expected ',' or ']' "
        "(while parsing a flow sequence that starts on line 2) "
        "(a value that starts with [ is a list to YAML; quote the whole text, e.g. title: '[unclosed')"
    )


@pytest.mark.parametrize(
    ("line", "hint"),
    [
        (
            "title: [WIP] Export the orders",
            "a list to YAML; quote the whole text, e.g. title: '[WIP] Export the orders'",
        ),
        ('title: "Export" orders', "a quoted text to YAML; quote the whole text, e.g. title: '\"Export\" orders'"),
        ("title: {x} y", "a mapping to YAML; quote the whole text, e.g. title: '{x} y'"),
        ("criteria:\n  - [draft] it's done", "e.g. - '[draft] it''s done'"),
    ],
)
def test_text_that_yaml_reads_as_a_list_or_a_quote_gets_a_hint(tmp_path: Path, line: str, hint: str) -> None:
    _, problems = load_one(tmp_path, f"id: FEAT-1\n{line}\nowner: STK-1\n")
    (problem,) = problems
    assert problem.code == "SG101" and problem.hint and problem.hint.endswith(hint), problem.hint


@pytest.mark.parametrize(
    ("content", "code", "line", "column"),
    [
        (b"", "SG103", 0, 0),
        (b"# just a comment\n", "SG103", 0, 0),
        (b"id: FEAT-1\ntitle: caf\xe9\n", "SG104", 2, 11),
        (b"\x00\x01\x02binary", "SG104", 0, 0),
        (b"- a\n- b\n", "SG105", 1, 1),
        (b"id: a\n---\nid: b\n", "SG107", 2, 1),
        (b"id: FEAT-1\n\ttitle: x\n", "SG101", 2, 1),
    ],
    ids=["empty", "comments-only", "latin-1", "binary", "list", "two-documents", "tab"],
)
def test_broken_files_become_diagnostics(tmp_path: Path, content: bytes, code: str, line: int, column: int) -> None:
    docs, problems = load_one(tmp_path, content)
    assert docs == []
    assert [(p.code, p.line, p.column) for p in problems] == [(code, line, column)]


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    docs, problems = load_one(tmp_path, "\ufeffid: FEAT-1\n".encode())
    assert problems == [] and docs[0].data == {"id": "FEAT-1"}


def test_one_broken_file_does_not_stop_the_others(tmp_path: Path) -> None:
    load_one(tmp_path, "id: [", where="features/FEAT-1.yaml")
    docs, problems = load_one(tmp_path, "id: FEAT-2\n", where="features/FEAT-2.yaml")
    assert [d.data["id"] for d in docs] == ["FEAT-2"]
    assert [p.path for p in problems] == ["specs/features/FEAT-1.yaml"]


def test_limits_reject_huge_files_and_alias_bombs(tmp_path: Path) -> None:
    _, problems = load_one(tmp_path, "id: FEAT-1\nx: " + "a" * 200 + "\n", limits=Limits(max_file_bytes=100))
    assert [p.code for p in problems] == ["SG106"]

    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(6)
    )
    _, problems = load_one(tmp_path, bomb, where="features/FEAT-2.yaml")
    assert [p.code for p in problems if p.path.endswith("FEAT-2.yaml")] == ["SG109"]


def test_files_outside_known_folders_are_flagged(tmp_path: Path) -> None:
    docs, problems = load_one(tmp_path, "id: FEAT-1\n", where="featurs/FEAT-1.yaml")
    assert docs == []
    assert [(p.code, p.hint) for p in problems] == [("SG108", "did you mean 'features'?")]


def test_symlink_out_of_workspace_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("id: FEAT-1\n")
    workspace = tmp_path / "ws"
    (workspace / "specs" / "features").mkdir(parents=True)
    (workspace / "specs" / "features" / "FEAT-1.yaml").symlink_to(outside)
    result = load_workspace(workspace / "specs", workspace, Limits())
    assert result.documents == []
    assert [p.code for p in result.diagnostics] == ["SG110"]


def test_symlink_loop_is_a_diagnostic(tmp_path: Path) -> None:
    folder = tmp_path / "specs" / "features"
    folder.mkdir(parents=True)
    (folder / "FEAT-8.yaml").symlink_to(folder / "FEAT-9.yaml")
    (folder / "FEAT-9.yaml").symlink_to(folder / "FEAT-8.yaml")
    result = load_workspace(tmp_path / "specs", tmp_path, Limits())
    assert [(p.code, p.path) for p in result.diagnostics] == [
        ("SG110", "specs/features/FEAT-8.yaml"),
        ("SG110", "specs/features/FEAT-9.yaml"),
    ]


def test_upper_case_suffixes_and_product_yml_are_read(tmp_path: Path) -> None:
    docs, problems = load_one(tmp_path, "id: PER-1\n", where="personas/PER-1.YAML")
    assert problems == [] and [d.kind.name for d in docs] == ["persona"]
    docs, _ = load_one(tmp_path, "name: x\n", where="product.yml")
    assert sorted(d.kind.name for d in docs) == ["persona", "product"]


@pytest.mark.parametrize("text", ["? [a, b]\n: c\n", "[a]: b\n", "x: &k [1]\n*k : 2\n"])
def test_non_text_keys_are_located_errors(tmp_path: Path, text: str) -> None:
    docs, problems = load_one(tmp_path, text)
    assert docs == []
    assert [(p.code, p.message) for p in problems] == [("SG101", "a key must be plain text, not a list or a mapping")]
    assert problems[0].line >= 1


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [("id: FEAT-1\na: !!int\n", 2, 4), ("id: FEAT-1\nb: !!bool maybe\n", 2, 4), ("a: !!float x\n", 1, 4)],
)
def test_values_that_do_not_fit_their_tag(tmp_path: Path, text: str, line: int, column: int) -> None:
    _, problems = load_one(tmp_path, text)
    assert [(p.code, p.line, p.column) for p in problems] == [("SG101", line, column)]
    assert "YAML type tag" in problems[0].message


def test_very_deep_nesting_is_refused_without_crashing(tmp_path: Path) -> None:
    # Tens of thousands of levels crash ruamel's C parser; specgen must report them.
    for text in ("- " * 30_000, "title: " + "[" * 30_000):
        _, problems = load_one(tmp_path, text)
        assert [p.code for p in problems] == ["SG109"]


def test_reused_anchor_is_a_located_error(tmp_path: Path) -> None:
    _, problems = load_one(tmp_path, "id: FEAT-1\na: &x one\nb: &x two\nc: *x\n")
    assert [str(p) for p in problems] == [
        "specs/features/FEAT-1.yaml:3:4: error[SG101]: an anchor (&name) is defined twice; first on line 2"
    ]


def test_a_20_megabyte_file_is_refused_quickly(tmp_path: Path) -> None:
    line = "# " + "x" * 97 + "\n"
    _, problems = load_one(tmp_path, "id: FEAT-1\n" + line * 200_000)
    assert [(p.code, p.message) for p in problems] == [
        ("SG106", "the file has 20,000,011 bytes; the limit is 1,000,000 (split the spec into smaller files)")
    ]


# --- links, folders and odd entries: a spec's real path stays inside the specs folder ---------


def workspace_with_feature(tmp_path: Path) -> Path:
    """A workspace with one valid feature file; returns the workspace."""
    workspace = tmp_path / "ws"
    (workspace / "specs" / "features").mkdir(parents=True)
    (workspace / "specs" / "features" / "FEAT-1.yaml").write_text("id: FEAT-1\n")
    return workspace


def load(workspace: Path) -> list[str]:
    result = load_workspace(workspace / "specs", workspace, Limits())
    return [f"{p.path} {p.code} {p.message}" for p in result.diagnostics]


def test_a_spec_linked_into_git_is_refused_without_quoting_it(tmp_path: Path) -> None:
    workspace = workspace_with_feature(tmp_path)
    (workspace / ".git").mkdir()
    # What actions/checkout leaves there: YAML-ish text that, parsed, would be quoted in errors.
    (workspace / ".git" / "config").write_text('[http]\n\textraheader = "AUTHORIZATION: basic c2VjcmV0"\n')
    (workspace / ".git" / "token.yaml").write_text("ghp_SECRET123: x\n")
    (workspace / "specs" / "features" / "FEAT-2.yaml").symlink_to(workspace / ".git" / "config")
    (workspace / "specs" / "features" / "FEAT-3.yaml").symlink_to("../../.git/token.yaml")

    found = load(workspace)
    assert found == [
        "specs/features/FEAT-2.yaml SG110 the file is a link to a place outside the specs folder",
        "specs/features/FEAT-3.yaml SG110 the file is a link to a place outside the specs folder",
    ]
    # Nor does a full check quote it anywhere (the schema would name the unknown key).
    (workspace / "specs" / "features" / "FEAT-4.yaml").symlink_to("../../.git/token.yaml")
    shown = "\n".join(f"{d} {d.hint}" for d in check(workspace).diagnostics)
    assert "SECRET" not in shown and "c2VjcmV0" not in shown and "extraheader" not in shown


def test_a_spec_linked_to_another_workspace_file_is_refused(tmp_path: Path) -> None:
    workspace = workspace_with_feature(tmp_path)
    (workspace / ".env").write_text("TOKEN: abc\n")
    (workspace / "specs" / "features" / "FEAT-2.yaml").symlink_to(workspace / ".env")
    (workspace / "specs" / "features" / "FEAT-3.yaml").symlink_to("/proc/self/environ")
    assert load(workspace) == [
        "specs/features/FEAT-2.yaml SG110 the file is a link to a place outside the specs folder",
        "specs/features/FEAT-3.yaml SG110 the file is a link to a place outside the specs folder",
    ]


def test_a_link_that_stays_inside_the_specs_folder_is_read(tmp_path: Path) -> None:
    workspace = workspace_with_feature(tmp_path)
    drafts = workspace / "specs" / ".drafts"
    drafts.mkdir()
    (drafts / "FEAT-2.yaml").write_text("id: FEAT-2\n")
    (workspace / "specs" / "features" / "FEAT-2.yaml").symlink_to("../.drafts/FEAT-2.yaml")
    result = load_workspace(workspace / "specs", workspace, Limits())
    assert result.diagnostics == []
    assert [d.data["id"] for d in result.documents] == ["FEAT-1", "FEAT-2"]


def test_a_specs_folder_linked_out_of_the_workspace_is_one_error(tmp_path: Path) -> None:
    elsewhere = workspace_with_feature(tmp_path / "elsewhere") / "specs"
    for n in range(2, 6):
        (elsewhere / "features" / f"FEAT-{n}.yaml").write_text(f"id: FEAT-{n}\n")
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "specs").symlink_to(elsewhere)
    assert load(workspace) == ["specs SG110 the specs folder is a link to a place outside the workspace"]
    # ... and the check adds no "no product spec" to it.
    assert [(d.path, d.code, d.line) for d in check(workspace).diagnostics] == [("specs", "SG110", 1)]


def test_a_specs_folder_inside_git_is_refused(tmp_path: Path) -> None:
    workspace = workspace_with_feature(tmp_path)
    (workspace / ".git").mkdir()
    (workspace / "specs").rename(workspace / ".git" / "specs")
    (workspace / "specs").symlink_to(".git/specs")
    assert load(workspace) == ["specs SG110 the specs folder is in a .git folder, which specgen never reads"]


def test_a_folder_named_like_a_spec_file_is_reported(tmp_path: Path) -> None:
    workspace = workspace_with_feature(tmp_path)
    (workspace / "specs" / "features" / "FEAT-99.yaml").mkdir()
    assert load(workspace) == ["specs/features/FEAT-99.yaml SG110 a folder, not a spec file"]


def test_links_to_folders_are_reported_not_skipped(tmp_path: Path) -> None:
    workspace = workspace_with_feature(tmp_path)
    (workspace / "more-personas").mkdir()
    (workspace / "more-personas" / "PER-1.yaml").write_text("id: PER-1\n")
    (workspace / "specs" / "personas").symlink_to(workspace / "more-personas")
    (workspace / "specs" / "features" / "FEAT-2.yaml").symlink_to(workspace / "more-personas")
    message = "a link to a folder: specgen reads only real folders inside the specs folder"
    assert load(workspace) == [
        f"specs/features/FEAT-2.yaml SG110 {message}",
        f"specs/personas SG110 {message}",
    ]


def test_a_pipe_is_not_read(tmp_path: Path) -> None:
    workspace = workspace_with_feature(tmp_path)
    os.mkfifo(workspace / "specs" / "features" / "FEAT-2.yaml")  # opening it to read would block forever
    assert load(workspace) == ["specs/features/FEAT-2.yaml SG110 not a regular file"]


# --- odd input: located errors, never a crash ------------------------------------------------------


def test_a_5000_digit_number_is_a_located_error_at_the_value(tmp_path: Path) -> None:
    # Python's int() stops at 4,300 digits (a ValueError that used to read "does not fit its type tag" at 1:1).
    _, problems = load_one(tmp_path, "id: FEAT-1\nscoring:\n  cost_of_delay: " + "9" * 5000 + "\n")
    assert [str(p) for p in problems] == [
        "specs/features/FEAT-1.yaml:3:18: error[SG206]: a number of 5,000 digits is larger than 1e+15"
    ]
    _, problems = load_one(tmp_path, "id: FEAT-1\nx: [1, 0x" + "f" * 3000 + "]\n")
    assert [(p.code, p.line, p.column) for p in problems] == [("SG206", 2, 8)]


def test_a_value_that_does_not_fit_its_tag_is_located_at_the_value(tmp_path: Path) -> None:
    # Not at the first "!!" in the file, which is inside a string here.
    _, problems = load_one(tmp_path, 'id: FEAT-1\ntitle: "a !!str b"\nscoring:\n  cost_of_delay: !!int lots\n')
    assert [(p.code, p.line, p.column) for p in problems] == [("SG101", 4, 18)]


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\x85", "the control character U+0085"),
        ("\x9b", "the control character U+009B"),
        ("\x1b", "the control character U+001B"),
        ("\u202e", "the bidirectional control U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("\u202a", "the bidirectional control U+202A (LEFT-TO-RIGHT EMBEDDING)"),
    ],
)
def test_raw_refused_characters_are_located_and_named(tmp_path: Path, char: str, name: str) -> None:
    _, problems = load_one(tmp_path, f"id: FEAT-1\ntitle: Time{char}line\nproblem: x\n")
    assert [(p.code, p.line, p.column) for p in problems] == [("SG206", 2, 12)]
    assert problems[0].message.startswith(f"contains {name}")


def test_raw_line_separators_do_not_shift_line_numbers(tmp_path: Path) -> None:
    # YAML's C parser breaks lines at U+2028 and U+2029; editors and GitHub count only LF.
    text = 'id: FEAT-1\ntitle: "Time\u2028line"\nsummary: a\u2029b\nowner: STK-1\nowner: STK-2\n'
    _, problems = load_one(tmp_path, text)
    assert [(p.code, p.line, p.column) for p in problems] == [("SG102", 5, 1)]
    docs, problems = load_one(tmp_path, text.replace("owner: STK-2\n", ""))
    assert problems == []
    assert docs[0].data["title"] == "Time\u2028line" and docs[0].data["summary"] == "a\u2029b"


def test_schema_errors_after_a_line_separator_are_located_by_lf(basic: Path) -> None:
    feature = basic / "specs" / "features" / "FEAT-1.yaml"
    text = feature.read_text(encoding="utf-8")
    text = text.replace("title: Timeline view", "title: Time\u2028line\u2029view").replace(
        "status: planned", "status: plannd"
    )
    feature.write_text(text, encoding="utf-8")
    line = text.split("\n").index("status: plannd") + 1
    assert [(d.code, d.line, d.column) for d in check(basic).errors] == [("SG204", line, 9)]


def test_an_unreadable_character_is_located(tmp_path: Path) -> None:
    _, problems = load_one(tmp_path, "id: FEAT-1\ntitle: a\ufffeb\n")
    assert [(p.code, p.line, p.column) for p in problems] == [("SG101", 2, 9)]


def test_specgen_yaml_linked_into_git_is_refused(tmp_path: Path) -> None:
    # read_text is bounded by the folder it is given: the workspace, for specgen.yaml.
    workspace = workspace_with_feature(tmp_path)
    (workspace / ".git").mkdir()
    (workspace / ".git" / "config").write_text("ghp_SECRET123: x\n")
    (workspace / "specgen.yaml").symlink_to(".git/config")
    diagnostics = check(workspace).diagnostics
    found = [(d.code, d.message) for d in diagnostics if d.path == "specgen.yaml"]
    assert found == [("SG110", "the file is in a .git folder or links into one, and specgen never reads those")]
    assert not any("SECRET" in str(d) for d in diagnostics)
