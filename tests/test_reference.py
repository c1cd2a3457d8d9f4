"""The field reference (docs/fields.md) and `specgen explain`, both generated from the schemas."""

from __future__ import annotations

import re
from typing import Any

import pytest
from click.testing import CliRunner

from specgen.cli import main
from specgen.diagnostics import RULES
from specgen.kinds import KINDS
from specgen.schema import validators
from specgen.schema.reference import fields, markdown

from .conftest import REPO, compare_golden


def test_docs_fields_md_is_what_the_schemas_say(update_goldens: bool) -> None:
    """Refresh with: pytest tests/test_reference.py --update-goldens"""
    compare_golden(REPO / "docs" / "fields.md", markdown(), update_goldens)


def paths(schema: Any, prefix: str = "") -> list[str]:
    """Every key path of a schema, walked independently of the reference's own walk."""
    found: list[str] = []
    for key, sub in schema.get("properties", {}).items():
        found.append(prefix + key)
        found += paths(sub, f"{prefix}{key}.")
        items = sub.get("items", {})
        for shape in [items, *items.get("anyOf", [])]:
            found += paths(shape, f"{prefix}{key}[].")
    return found


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_key_of_every_kind_is_in_the_reference(kind: str) -> None:
    listed = fields(kind)
    schema: Any = validators()[kind].schema
    assert [f.path for f in listed] == paths(schema)
    assert all(f.description for f in listed)
    required = set(schema["required"])
    assert {f.path for f in listed if f.required and "." not in f.path and "[]" not in f.path} == required


def test_rows_say_type_values_requirement_and_example() -> None:
    rows = {f.path: f for f in fields("feature")}
    impact = rows["scoring.rice.impact"]
    assert (impact.type, impact.allowed, impact.required) == ("number", ("one of 3, 2, 1, 0.5, 0.25",), True)
    assert rows["personas"].type == "list of persona IDs" and rows["personas"].allowed == ("no repeats",)
    assert rows["personas"].examples == ("[PER-1]",)
    assert rows["id"].allowed == ("matches ^FEAT-[A-Za-z0-9]+(-[A-Za-z0-9]+)*$",)
    assert rows["requirements[].acceptance_criteria"].type == "list of items, each one-line Markdown or mapping"
    assert rows["requirements[].acceptance_criteria[].given"].required
    assert rows["scoring.duration_weeks"].allowed == ("more than 0",)
    assert rows["risks[].likelihood"].allowed == ("1 to 5",)
    assert rows["test_cases[].last_result.date"].type == "date"
    assert rows["title"].examples == ("Export the roadmap as CSV",)


def test_markdown_tables_have_six_cells_in_every_row() -> None:
    for line in markdown().splitlines():
        if line.startswith("| `"):
            cells = re.split(r"(?<!\\)\|", line)
            assert len(cells) == 8, line  # six cells between seven pipes
    assert "`^[0-9]{4}(-(Q[1-4]\\|H[12]\\|[0-9]{2}))?$`" in markdown(), "a | inside a code span is escaped"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_explain_lists_the_kinds() -> None:
    code, output = run("explain")
    assert code == 0
    for name, kind in KINDS.items():
        assert re.search(rf"^  {name} +specs/{kind.folder or 'product'}", output, re.MULTILINE), name


def test_explain_kind_prints_its_fields() -> None:
    code, output = run("explain", "feature")
    assert code == 0
    assert output.startswith("Feature: specs/features/FEAT-<n>.yaml\n")
    assert "\nscoring.rice.impact  (number, required)\n" in output
    assert "    Allowed: one of 3, 2, 1, 0.5, 0.25\n" in output
    assert all(f"\n{f.path}  (" in output for f in fields("feature"))
    assert run("explain", "FEATURE")[1] == output


@pytest.mark.parametrize(("typed", "hint"), [("features", "feature"), ("persnoa", "persona"), ("SG2001", None)])
def test_explain_unknown_is_a_usage_error_with_a_suggestion(typed: str, hint: str | None) -> None:
    code, output = run("explain", typed)
    assert code == 2
    assert output.startswith(f"unknown kind or rule {typed!r}")
    assert (f"did you mean {hint!r}?" in output) == (hint is not None)
    assert "the kinds are product, objective" in output


def test_explain_rule_code() -> None:
    code, output = run("explain", "sg201")
    assert (code, output) == (0, f"SG201 (error): {RULES['SG201'].summary}\n")
    code, output = run("explain", "SG208")
    assert code == 0 and "--fail-on deprecated" in output
