"""Findings stay independent: one file's schema error hides nothing it does not have to.

Two properties over random single mutations of a schema-valid workspace whose
cross-file rules have findings in many files (a cycle, an untested Must, a
late dependency, unaligned work, a shipped feature without a release note):

1. A file's diagnostics never shrink when an unrelated file (no reference
   either way, directly or through dependencies and releases) gains an error.
2. A schema error in a key that no cross-file rule reads (a title, a problem
   statement, risks, an unknown key) hides no cross-file finding, not even in
   the broken file itself: the rules run on its other, sound keys.

Each example runs the real :func:`specgen.check` on a workspace in a
temporary folder, with "today" pinned.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

import specgen
from specgen.cache import FileCache
from specgen.check import resolve_settings
from specgen.diagnostics import Severity
from specgen.loader import Document
from specgen.schema import check_document
from specgen.yamlio import make_yaml

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "specgen-hypothesis")

TODAY = date(2026, 6, 1)
#: The rules that span files and read the meaning of specs.
CROSS_FILE = ("SG305", "SG307", "SG308", "SG309", "SG312", "SG313")


def _feature(ident: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": ident,
        "title": f"Feature {ident}",
        "status": "idea",
        "owner": "STK-1",
        "problem": f"The problem {ident} solves.",
        **fields,
    }


def _must(*ids: str) -> list[dict[str, Any]]:
    return [{"id": rid, "statement": f"It does {rid}.", "priority": "must"} for rid in ids]


_RISKS = [{"description": "Slow on large plans", "likelihood": 3, "impact": 4}]

#: The workspace: path -> data. Every file is schema-valid; the rules find something in most of them.
WORKSPACE: dict[str, dict[str, Any]] = {
    "specs/product.yaml": {
        "name": "Acme Planner",
        "owner": "STK-1",
        "vision": {
            "statement": "Every team knows what ships next.",
            "problem": "Plans go stale.",
            "for_whom": ["PER-1"],
            "why_now": "Teams went remote.",
        },
    },
    "specs/personas/PER-1.yaml": {
        "id": "PER-1",
        "name": "Pat, team lead",
        "segment": "Software teams",
        "jobs_to_be_done": ["Plan the quarter"],
        "pains": ["Stale plans"],
    },
    "specs/stakeholders/STK-1.yaml": {"id": "STK-1", "name": "Ada Lovelace", "role": "Head", "audience": "exec"},
    "specs/releases/REL-1.yaml": {"id": "REL-1", "name": "1.0", "status": "planned", "target_date": "2026-09-01"},
    "specs/releases/REL-2.yaml": {"id": "REL-2", "name": "2.0", "status": "planned", "target_date": "2026-12-01"},
    # A cycle, and an untested Must in each of its features.
    "specs/features/FEAT-1.yaml": _feature(
        "FEAT-1", status="planned", depends_on=["FEAT-2"], risks=_RISKS, requirements=_must("R1")
    ),
    "specs/features/FEAT-2.yaml": _feature("FEAT-2", status="planned", depends_on=["FEAT-1"], requirements=_must("R1")),
    # Untested Musts, one tested.
    "specs/features/FEAT-3.yaml": _feature(
        "FEAT-3",
        status="in_progress",
        risks=_RISKS,
        requirements=_must("R1", "R2"),
        test_cases=[{"id": "TC-3", "title": "It works", "verifies": ["R1"]}],
    ),
    # A late dependency.
    "specs/features/FEAT-4.yaml": _feature("FEAT-4", release="REL-1", depends_on=["FEAT-5"], goals=["Be quick"]),
    "specs/features/FEAT-5.yaml": _feature("FEAT-5", release="REL-2"),
    # Now work linked to no objective, which customers see (no update addresses them).
    "specs/features/FEAT-6.yaml": _feature(
        "FEAT-6", status="planned", horizon="now", visibility="external", risks=_RISKS
    ),
    # Shipped without a release note.
    "specs/features/FEAT-7.yaml": _feature("FEAT-7", status="shipped", visibility="internal", goals=["Be seen"]),
}

#: Per kind, top-level keys that no cross-file rule reads (SG305, SG307-SG309, SG312, SG313, and the
#: identity and reference rules: these hold no ID).
UNREAD = {"feature": ("title", "problem", "goals", "risks"), "persona": ("segment", "pains"), "product": ("vision",)}


def _ids(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _ids(item)
    elif isinstance(value, list):
        for item in value:
            yield from _ids(item)
    elif isinstance(value, str):
        yield value


def _own_id(path: str, data: dict[str, Any]) -> str:
    return "product" if path == "specs/product.yaml" else str(data.get("id"))


def related(workspace: dict[str, dict[str, Any]], one: str, other: str) -> bool:
    """Whether two files reference each other, directly or through dependencies and releases.

    A feature is joined to the features it depends on and to its release; joined
    files stand as one, and two groups are related when one names the other.
    """
    group: dict[str, set[str]] = {}
    by_id = {_own_id(path, data): path for path, data in workspace.items()}
    for path, data in workspace.items():
        joined = {path}
        for key in ("depends_on", "release"):
            value = data.get(key) if path.startswith("specs/features/") else None
            for ident in _ids(value):
                if ident in by_id:
                    joined.add(by_id[ident])
        group[path] = joined
    changed = True
    while changed:  # the closure of "joined": a chain of dependencies and releases is one group
        changed = False
        for path, joined in group.items():
            wider = set().union(*(group[p] for p in joined))
            if wider != joined:
                group[path], changed = wider, True

    def names(files: set[str], targets: set[str]) -> bool:
        wanted = {_own_id(p, workspace[p]) for p in targets}
        return any(ident in wanted for p in files for ident in _ids(workspace[p]))

    first, second = group[one], group[other]
    return bool(first & second) or names(first, second) or names(second, first)


def _write(root: Path, workspace: dict[str, dict[str, Any]]) -> None:
    yaml = make_yaml()
    for path, data in workspace.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8") as out:
            yaml.dump(data, out)


def _findings(root: Path) -> dict[str, Counter[str]]:
    """Each file's diagnostics, as text, counted: where by pointer, since a mutation moves lines."""
    found: dict[str, Counter[str]] = {}
    for d in specgen.check(root, today=TODAY).diagnostics:
        where = "/".join(map(str, d.pointer))
        found.setdefault(d.path, Counter())[f"{where}: {d.severity.value}[{d.code}]: {d.message}"] += 1
    return found


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Counter[str]]]:
    root = tmp_path_factory.mktemp("independence")
    _write(root, WORKSPACE)
    found = _findings(root)
    # The workspace is schema-valid and its rules have something to say about many files.
    assert not [c for counts in found.values() for c in counts if "[SG2" in c], found
    assert {code for counts in found.values() for c in counts for code in CROSS_FILE if code in c} == set(CROSS_FILE)
    return root, found


#: A value of another type than the one a key holds.
def _wrong(value: Any) -> Any:
    return 7 if isinstance(value, str | list | dict) else "seven"


@st.composite
def mutations(draw: st.DrawFn, keys: dict[str, tuple[str, ...]] | None = None) -> tuple[str, str, Any]:
    """(file, top-level key, new value); the value ``None`` deletes the key."""
    paths = sorted(WORKSPACE)
    if keys is not None:
        paths = [p for p in paths if _kind(p) in keys]
    path = draw(st.sampled_from(paths), label="file")
    data = WORKSPACE[path]
    choices = sorted(data) if keys is None else [k for k in keys[_kind(path)] if k in data]
    key = draw(st.sampled_from([*choices, "tilte"]), label="key")
    if key not in data:
        return path, key, "TBD"  # an unknown key
    how = draw(st.sampled_from(["wrong type", "misspelt", "deleted"] if keys is None else ["wrong type"]), label="how")
    if how == "deleted":
        return path, key, None
    if how == "misspelt" and isinstance(data[key], str):
        return path, key, data[key] + "x"
    return path, key, _wrong(data[key])


def _kind(path: str) -> str:
    return "product" if path == "specs/product.yaml" else path.split("/")[1].removesuffix("s")


def _mutated(path: str, key: str, value: Any) -> dict[str, dict[str, Any]]:
    data = {k: v for k, v in WORKSPACE[path].items() if k != key}
    if value is not None:
        data[key] = value
    return {**WORKSPACE, path: data}


def _check_mutation(root: Path, path: str, key: str, value: Any) -> dict[str, Counter[str]]:
    changed = _mutated(path, key, value)
    _write(root, {path: changed[path]})
    try:
        return _findings(root)
    finally:
        _write(root, {path: WORKSPACE[path]})


_SETTINGS = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_SETTINGS
@given(mutation=mutations())
def test_an_error_in_one_file_takes_nothing_from_an_unrelated_file(
    mutation: tuple[str, str, Any], base: tuple[Path, dict[str, Counter[str]]]
) -> None:
    root, before = base
    path, key, value = mutation
    note(f"{path}: {key} = {value!r}")
    after = _check_mutation(root, path, key, value)
    assume(any("error[" in c for c in after.get(path, {})))  # the file really gained an error
    changed = _mutated(path, key, value)
    for other, found in before.items():
        if other == path or related(WORKSPACE, other, path) or related(changed, other, path):
            continue
        lost = found - after.get(other, Counter())
        assert not lost, f"{other} lost {sorted(lost)} when {path} gained an error"


@_SETTINGS
@given(mutation=mutations(UNREAD))
def test_an_error_in_a_key_no_rule_reads_hides_no_cross_file_finding(
    mutation: tuple[str, str, Any], base: tuple[Path, dict[str, Counter[str]]]
) -> None:
    root, before = base
    path, key, value = mutation
    note(f"{path}: {key} = {value!r}")
    after = _check_mutation(root, path, key, value)
    assert any("error[SG2" in c for c in after.get(path, {}))
    for file, found in before.items():
        lost = Counter({c: n for c, n in found.items() if any(code in c for code in CROSS_FILE)}) - after.get(
            file, Counter()
        )
        assert not lost, f"{file} lost {sorted(lost)} when {path}'s {key} broke"


def test_the_relation_follows_dependencies_and_releases() -> None:
    # FEAT-4 depends on FEAT-5, which is in REL-2: a change to REL-2 may change FEAT-4's findings.
    assert related(WORKSPACE, "specs/features/FEAT-4.yaml", "specs/releases/REL-2.yaml")
    assert related(WORKSPACE, "specs/features/FEAT-1.yaml", "specs/stakeholders/STK-1.yaml")
    assert not related(WORKSPACE, "specs/features/FEAT-6.yaml", "specs/features/FEAT-3.yaml")
    assert not related(WORKSPACE, "specs/features/FEAT-7.yaml", "specs/releases/REL-1.yaml")


def _feature_document(tmp_path: Path, text: str) -> Document:
    (tmp_path / "specs" / "features").mkdir(parents=True)
    (tmp_path / "specs" / "features" / "FEAT-1.yaml").write_text(text, encoding="utf-8")
    (document,) = specgen.check(tmp_path, today=TODAY).documents
    return document


def test_the_schema_check_names_the_broken_top_level_keys(tmp_path: Path) -> None:
    document = _feature_document(
        tmp_path,
        "id: FEAT-1\nstatus: planed\nowner: STK-1\nproblem: TBD\ntilte: Timeline\n"
        "risks:\n  - {description: Slow, likelihood: 9, impact: 4}\ndepends_on: [FEAT-2]\n",
    )
    problems, broken = check_document(document)
    # status (enum), risks (range below it), title (required, missing), tilte (unknown); a placeholder breaks nothing.
    assert broken == {"status", "risks", "title", "tilte"}
    assert [d.code for d in problems if d.pointer == ("problem",)] == ["SG207"]


def test_the_cache_keeps_the_broken_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path / "cache"))
    _write(tmp_path, {p: WORKSPACE[p] for p in ("specs/features/FEAT-1.yaml", "specs/features/FEAT-2.yaml")})
    feature = tmp_path / "specs/features/FEAT-1.yaml"
    feature.write_text(feature.read_text().replace("status: planned", "status: planed"))
    cold = specgen.check(tmp_path, today=TODAY, cache=True).diagnostics
    warm = specgen.check(tmp_path, today=TODAY, cache=True).diagnostics
    assert warm == cold
    assert {d.code for d in warm if d.path.endswith("FEAT-1.yaml")} >= {"SG204", "SG305"}
    settings_, _ = resolve_settings(tmp_path)
    cached = FileCache(settings_.workspace, settings_.limits)
    document = next(d for d in specgen.check(tmp_path, today=TODAY).documents if d.path.endswith("FEAT-1.yaml"))
    entry = cached.checked(document.path, document.digest)
    assert entry is not None and entry[1] == {"status"}
    assert any(d.severity is Severity.ERROR for d in entry[0])
