"""Editor schemas: draft-07 renderings of the rules, written into a workspace, and the warning when they drift."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft7Validator
from jsonschema.protocols import Validator
from jsonschema.validators import extend

from specgen import check, ecma
from specgen.check import resolve_settings
from specgen.cli import main
from specgen.kinds import KINDS
from specgen.loader import load_workspace
from specgen.schema import validators
from specgen.schema.editor import DRAFT_07, EDITOR_SCHEMAS, editor_schemas, write_workspace_schemas
from specgen.version import __version__
from specgen.vocabulary import modernized

from .conftest import FIXTURES, REPO

SCHEMAS = {name: json.loads(text) for name, text in editor_schemas().items()}

#: Every keyword draft-07 defines: the properties of its meta-schema.
DRAFT_07_KEYWORDS = frozenset(Draft7Validator.META_SCHEMA["properties"])
#: yaml-language-server's own keywords, which it reads for hover and completion.
EDITOR_KEYWORDS = frozenset({"markdownDescription", "defaultSnippets", "deprecationMessage"})
#: Keywords whose value is a mapping of names to schemas, of one schema, or of a list of schemas.
NAMED = ("properties", "patternProperties", "definitions", "dependencies")
ONE = ("items", "additionalItems", "additionalProperties", "contains", "propertyNames", "not", "if", "then", "else")
MANY = ("allOf", "anyOf", "oneOf")


def keywords(schema: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Every (place, keyword) of a schema, walking only the places that hold schemas (not property names, values)."""
    if not isinstance(schema, dict):
        return
    for key, value in schema.items():
        yield where, key
        if key in NAMED and isinstance(value, dict):
            for name, sub in value.items():
                yield from keywords(sub, f"{where}/{key}/{name}")
        elif key in ONE:
            for i, sub in enumerate(value if isinstance(value, list) else [value]):
                yield from keywords(sub, f"{where}/{key}/{i}")
        elif key in MANY:
            for i, sub in enumerate(value):
                yield from keywords(sub, f"{where}/{key}/{i}")


def test_one_editor_schema_per_kind_named_like_the_packaged_one() -> None:
    assert set(SCHEMAS) == {kind.schema_name for kind in KINDS.values()}
    assert EDITOR_SCHEMAS.as_posix() == ".specgen/schemas"


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_only_draft_07_keywords(name: str) -> None:
    unknown = [
        f"{where or '/'}: {key}"
        for where, key in keywords(SCHEMAS[name])
        if key not in DRAFT_07_KEYWORDS and key not in EDITOR_KEYWORDS and not key.startswith("x-")
    ]
    assert unknown == []
    assert SCHEMAS[name]["$schema"] == DRAFT_07
    assert "$ref" not in editor_schemas()[name], "self-contained: an editor resolves nothing"


def test_the_keyword_walk_finds_2020_12_keywords() -> None:
    """The walk above would catch a 2020-12 keyword anywhere, not only at the top."""
    planted = {"properties": {"a": {"items": {"anyOf": [{"prefixItems": []}]}}, "b": {"$defs": {}}}}
    found = {key for _, key in keywords(planted)}
    assert {"prefixItems", "$defs"} <= found - DRAFT_07_KEYWORDS


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_valid_against_the_draft_07_meta_schema(name: str) -> None:
    Draft7Validator.check_schema(SCHEMAS[name])


#: Draft-07 as an editor runs it: patterns are ECMA-262 regular expressions (JavaScript's, in VS Code).
EditorValidator: Any = extend(  # type: ignore[no-untyped-call]  # the stubs leave extend() untyped
    Draft7Validator, {"pattern": ecma.EcmaValidator.VALIDATORS["pattern"]}
)


def documents() -> Iterator[tuple[str, str, Any]]:
    """(label, kind, data) of every spec in specs/ and every fixture, as the real validator sees it."""
    workspaces = [REPO, *sorted((FIXTURES / "valid").iterdir()), *sorted((FIXTURES / "invalid").iterdir())]
    for workspace in workspaces:
        settings, _ = resolve_settings(workspace)
        if not settings.specs_dir.is_dir():
            continue
        loaded = modernized(load_workspace(settings.specs_dir, settings.workspace, settings.limits))
        for document in loaded.documents:
            yield f"{workspace.name}/{document.path}", document.kind.name, document.data


DOCUMENTS = list(documents())


def test_the_comparison_covers_valid_and_invalid_documents() -> None:
    verdicts = [validators()[kind].is_valid(data) for _, kind, data in DOCUMENTS]
    assert len(DOCUMENTS) > 150 and verdicts.count(False) > 30 and verdicts.count(True) > 100


def _formats(kind: str) -> Any:
    """The real validator's format checker (its own URI check, which refuses a final newline)."""
    real: Any = validators()[kind]
    return real.format_checker


def _editor(kind: str) -> Validator:
    validator: Validator = EditorValidator(SCHEMAS[KINDS[kind].schema_name], format_checker=_formats(kind))
    return validator


def test_editor_schemas_agree_with_the_real_validator_on_every_document() -> None:
    real = validators()
    editor = {kind: _editor(kind) for kind in KINDS}
    disagree = [
        f"{label}: check says {'valid' if real[kind].is_valid(data) else 'invalid'}"
        for label, kind, data in DOCUMENTS
        if real[kind].is_valid(data) != editor[kind].is_valid(data)
    ]
    assert disagree == []


def test_python_regular_expressions_differ_only_on_a_final_newline() -> None:
    """Stock Draft7Validator reads patterns with Python's re, where $ also matches before a final newline.

    That is the one disagreement: an editor runs JavaScript's regular expressions, which agree with check.
    """
    real = validators()
    disagree = set()
    for label, kind, data in DOCUMENTS:
        stock = Draft7Validator(SCHEMAS[KINDS[kind].schema_name], format_checker=_formats(kind))
        if real[kind].is_valid(data) != stock.is_valid(data):
            disagree.add(label.split("/")[0])
            assert not real[kind].is_valid(data) and stock.is_valid(data)
            assert any(isinstance(v, str) and v.endswith("\n") for v in _strings(data))
    assert disagree == {"id-with-final-newline"}


def _strings(data: Any) -> Iterator[Any]:
    if isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)
    else:
        yield data


def test_hover_answers_a_newcomers_questions() -> None:
    product = SCHEMAS["product.schema.json"]["properties"]
    vision = product["vision"]["markdownDescription"]
    assert all(f"`{key}`" in vision for key in ("statement", "problem", "for_whom", "why_now"))
    scoring = SCHEMAS["feature.schema.json"]["properties"]["scoring"]["properties"]
    rice = scoring["rice"]["properties"]
    assert "per quarter" in rice["reach"]["description"]
    assert "`0.25`" in rice["impact"]["markdownDescription"]
    assert "percent" in rice["confidence"]["description"] and "share" in rice["confidence"]["description"]
    assert "person-months" in rice["effort"]["description"]
    assert "1, 2, 3, 5, 8, 13, 20" in scoring["wsjf"]["description"]
    assert "each week" in scoring["cost_of_delay"]["description"]
    assert "currency" in scoring["cost_of_delay"]["description"]
    assert "weeks" in scoring["duration_weeks"]["description"]
    case = SCHEMAS["feature.schema.json"]["properties"]["test_cases"]["items"]["properties"]
    assert "by hand" in case["last_result"]["description"]
    assert "--results junit.xml" in case["last_result"]["description"]


def described(schema: Any) -> Iterator[dict[str, Any]]:
    """Every sub-schema with a description."""
    if isinstance(schema, dict):
        if isinstance(schema.get("description"), str):  # not a properties map with a key named description
            yield schema
        for key, value in schema.items():
            if key not in ("enum", "const", "examples", "required"):
                yield from described(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from described(value)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_description_has_a_markdown_one_with_markup_escaped(name: str) -> None:
    for schema in described(SCHEMAS[name]):
        hover = schema["markdownDescription"]
        assert "<" not in hover.replace("\\<", ""), hover  # <n> would vanish as an HTML tag
    assert "FEAT-\\<n\\>" in SCHEMAS["feature.schema.json"]["markdownDescription"]
    ignore = SCHEMAS["feature.schema.json"]["properties"]["ignore"]["markdownDescription"]
    assert '`ignore: [{code: SG308, reason: "..."}]`' in ignore, "a code span stays a code span"


# Writing them


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_write_workspace_schemas_writes_exactly_the_editor_schemas(tmp_path: Path) -> None:
    written = write_workspace_schemas(tmp_path)
    folder = tmp_path / ".specgen" / "schemas"
    assert sorted(written) == sorted(folder / name for name in editor_schemas())
    assert {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()} == editor_schemas()
    write_workspace_schemas(tmp_path)  # again: replaces, leaves no temporary file behind
    assert sorted(p.name for p in folder.iterdir()) == sorted(editor_schemas())


def test_schema_command_writes_workspace_and_out_or_both(tmp_path: Path) -> None:
    code, output = run("schema", "--workspace", str(tmp_path), "--out", str(tmp_path / "packaged"))
    assert code == 0
    assert (tmp_path / ".specgen/schemas/feature.schema.json").is_file()
    assert (tmp_path / "packaged/common.schema.json").is_file()
    assert len(output.splitlines()) == len(editor_schemas()) + len(list((tmp_path / "packaged").iterdir()))
    code, output = run("schema")
    assert code == 2 and "--workspace DIR" in output


def test_schema_command_refuses_a_missing_workspace(tmp_path: Path) -> None:
    code, output = run("schema", "--workspace", str(tmp_path / "missing"))
    assert code == 2 and "the workspace is not a folder" in output


@pytest.mark.parametrize("link", [".specgen", ".specgen/schemas", ".specgen/schemas/feature.schema.json"])
def test_schema_command_never_writes_through_a_link(tmp_path: Path, link: str) -> None:
    workspace, elsewhere = tmp_path / "ws", tmp_path / "elsewhere"
    workspace.mkdir()
    elsewhere.mkdir()
    victim = elsewhere / "feature.schema.json"
    victim.write_text("keep me")
    planted = workspace / link
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.symlink_to(victim if link.endswith(".json") else elsewhere)
    code, output = run("schema", "--workspace", str(workspace))
    assert code == 2
    assert "is a symbolic link" in output and link in output
    assert sorted(p.name for p in elsewhere.iterdir()) == ["feature.schema.json"] and victim.read_text() == "keep me"
    schemas = workspace / ".specgen/schemas"
    assert (
        schemas.is_symlink()
        or not schemas.exists()
        or sorted(p.name for p in schemas.iterdir()) == ["feature.schema.json"]
    ), "a refusal writes nothing, not even the other files"


def test_schema_command_reports_an_unwritable_workspace(tmp_path: Path) -> None:
    (tmp_path / ".specgen").write_text("a file where the folder goes")
    code, output = run("schema", "--workspace", str(tmp_path))
    assert code == 2 and "is not a folder" in output


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_schema_command_reports_a_read_only_folder(tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    try:
        code, output = run("schema", "--workspace", str(tmp_path))
    finally:
        tmp_path.chmod(0o700)
    assert code == 2 and "Permission denied" in output


# The drift warning


def sg321(workspace: Path, *, strict: bool = False) -> tuple[list[str], bool]:
    result = check(workspace, strict=strict)
    return [str(d) for d in result.diagnostics if d.code == "SG321"], result.success


def test_no_folder_no_warning(basic: Path) -> None:
    assert sg321(basic, strict=True) == ([], True)


def test_fresh_schemas_no_warning_even_with_crlf(basic: Path) -> None:
    write_workspace_schemas(basic)
    assert sg321(basic, strict=True) == ([], True)
    product = basic / ".specgen/schemas/product.schema.json"
    product.write_bytes(product.read_bytes().replace(b"\n", b"\r\n"))  # git's autocrlf on Windows
    assert sg321(basic, strict=True) == ([], True)


def test_one_warning_per_differing_or_missing_file_and_strict_fails(basic: Path) -> None:
    write_workspace_schemas(basic)
    folder = basic / ".specgen/schemas"
    feature = folder / "feature.schema.json"
    feature.write_text(feature.read_text().replace("person-months", "person-weeks"))
    (folder / "update.schema.json").unlink()
    (folder / "extra.schema.json").write_text("{}")  # not ours: not a warning
    found, success = sg321(basic, strict=True)
    assert found == [
        f".specgen/schemas/feature.schema.json:1:1: warning[SG321]: this editor schema differs from what specgen "
        f"{__version__} writes; run `specgen schema --workspace .`",
        f".specgen/schemas/update.schema.json:1:1: warning[SG321]: this editor schema is missing (specgen "
        f"{__version__} writes it); run `specgen schema --workspace .`",
    ]
    assert not success
    assert sg321(basic)[1], "a warning: without --strict the check passes"
    code, _ = run("schema", "--workspace", str(basic))
    assert code == 0 and sg321(basic, strict=True) == ([], True)


def test_links_and_odd_files_are_findings_not_crashes(basic: Path, tmp_path: Path) -> None:
    write_workspace_schemas(basic)
    folder = basic / ".specgen/schemas"
    secret = tmp_path / "secret.json"
    secret.write_text(editor_schemas()["release.schema.json"])  # even the right text, through a link
    (folder / "release.schema.json").unlink()
    (folder / "release.schema.json").symlink_to(secret)
    (folder / "persona.schema.json").unlink()
    os.mkfifo(folder / "persona.schema.json")  # would block a plain open() for ever
    (folder / "decision.schema.json").unlink()
    (folder / "decision.schema.json").mkdir()
    (folder / "objective.schema.json").write_bytes(b"x" * 50_000_000)  # read no further than it must
    found, _ = sg321(basic)
    assert [line.split(": warning[SG321]: ")[1] for line in found] == [
        "this editor schema is not a regular file, not what specgen writes (remove it, then run "
        "`specgen schema --workspace .`)",
        f"this editor schema differs from what specgen {__version__} writes; run `specgen schema --workspace .`",
        "this editor schema is not a regular file, not what specgen writes (remove it, then run "
        "`specgen schema --workspace .`)",
        "this editor schema is a symbolic link, not what specgen writes (remove it, then run "
        "`specgen schema --workspace .`)",
    ]
    assert [line.split(":")[0] for line in found] == [
        ".specgen/schemas/decision.schema.json",
        ".specgen/schemas/objective.schema.json",
        ".specgen/schemas/persona.schema.json",
        ".specgen/schemas/release.schema.json",
    ]


def test_a_linked_folder_is_one_finding(basic: Path, tmp_path: Path) -> None:
    write_workspace_schemas(tmp_path)
    (basic / ".specgen").symlink_to(tmp_path / ".specgen")
    found, _ = sg321(basic)
    assert found == [
        ".specgen:1:1: warning[SG321]: the editor schemas' folder is a symbolic link, not what specgen writes "
        "(remove it, then run `specgen schema --workspace .`)"
    ]
