"""The repository's own specs: valid, strict, and honest about their tests."""

from __future__ import annotations

import ast

from specgen import check

from .conftest import REPO


def test_own_specs_pass_strict_check() -> None:
    result = check(REPO, strict=True)
    assert result.success, [str(d) for d in result.diagnostics]
    ws = result.workspace
    assert ws is not None
    assert len(ws.features) >= 10 and len(ws.objectives) >= 3 and len(ws.personas) >= 4
    assert {a for s in ws.stakeholders.values() for a in s.audience} == {
        "exec",
        "engineering",
        "sales_marketing",
        "support",
        "customer",
    }


def test_automation_refs_name_real_tests() -> None:
    ws = check(REPO).workspace
    assert ws is not None
    refs = {t.automation_ref for t in ws.test_cases.values() if t.automation_ref}
    assert refs, "the specs should point at automated tests"
    for ref in sorted(refs):
        path, _, name = ref.partition("::")
        file = REPO / path
        assert file.is_file(), f"{ref}: no such file"
        defined = {n.name for n in ast.walk(ast.parse(file.read_text())) if isinstance(n, ast.FunctionDef)}
        assert name.split("[")[0] in defined, f"{ref}: no such test"
