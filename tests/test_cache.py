"""The per-file cache: faster repeat checks that can never hide an error."""

from __future__ import annotations

import ast
import copy
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict
from importlib import metadata, resources
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from specgen import check
from specgen.cache import FileCache, digest, shard_of
from specgen.check import resolve_settings
from specgen.diagnostics import RULES, Diagnostic
from specgen.fingerprint import code_digest, environment, tree_digest
from specgen.loader import discover, kind_of

from .test_schema import edit


def cached(workspace: Path) -> list[str]:
    return [str(d) for d in check(workspace, cache=True).diagnostics]


def uncached(workspace: Path) -> list[str]:
    return [str(d) for d in check(workspace).diagnostics]


def test_cache_is_written_outside_the_workspace(basic: Path, _private_cache: Path) -> None:
    assert cached(basic) == []
    (folder,) = _private_cache.iterdir()  # one folder per workspace
    shards = list(folder.iterdir())
    assert shards and all(s.suffix == ".json" for s in shards)
    assert any("specs/features/FEAT-1.yaml" in s.read_text() for s in shards)
    assert not list(basic.rglob("*.json"))


def test_an_edit_rewrites_only_the_edited_file_shard(basic: Path, _private_cache: Path) -> None:
    assert cached(basic) == []
    (folder,) = _private_cache.iterdir()
    before = {s.name: s.stat().st_mtime_ns for s in folder.iterdir()}
    edited = f"{shard_of('specs/features/FEAT-1.yaml'):02d}.json"
    for shard in folder.iterdir():  # make any rewrite visible, whatever the clock's resolution
        os.utime(shard, ns=(1, 1))
    edit(basic / "specs/features/FEAT-1.yaml", "title: Timeline view", "title: Quarter timeline")

    assert cached(basic) == []

    after = {s.name: s.stat().st_mtime_ns for s in folder.iterdir()}
    assert after.keys() == before.keys()
    assert [name for name, mtime in after.items() if mtime != 1] == [edited]
    assert "Quarter timeline" in (folder / edited).read_text()


def test_stale_cache_cannot_mask_a_new_dangling_reference(basic: Path) -> None:
    assert cached(basic) == []  # every file is now cached
    (basic / "specs/stakeholders/STK-2.yaml").unlink()  # FEAT-1 is unchanged, so its results come from the cache

    found = cached(basic)

    assert found == uncached(basic)
    assert [f.split(": error")[0] for f in found] == [
        "specs/decisions/DEC-1.yaml:5:19",
        "specs/features/FEAT-1.yaml:5:8",
        "specs/features/FEAT-1.yaml:23:12",
    ]
    assert all("error[SG303]: 'STK-2' names no known stakeholder" in f for f in found)


def test_a_changed_file_is_checked_again(basic: Path) -> None:
    assert cached(basic) == []
    edit(basic / "specs/features/FEAT-1.yaml", "status: planned", "status: plannd")
    found = cached(basic)
    assert found == uncached(basic)
    assert len(found) == 1 and "error[SG204]" in found[0]
    edit(basic / "specs/features/FEAT-1.yaml", "status: plannd", "status: planned")
    assert cached(basic) == []


def test_broken_files_are_cached_as_broken(basic: Path) -> None:
    (basic / "specs/personas/PER-2.yaml").write_text("id: PER-2\nname: [\n")
    first = cached(basic)
    assert first == cached(basic) == uncached(basic)
    assert len(first) == 1 and "error[SG101]" in first[0]


def test_a_corrupt_or_foreign_cache_is_ignored(basic: Path, _private_cache: Path) -> None:
    assert cached(basic) == []
    (folder,) = _private_cache.iterdir()
    edit(basic / "specs/features/FEAT-1.yaml", "status: planned", "status: plannd")
    for garbage in ("not json", "[]", '{"key": "other version", "files": {}}', '{"files": 3}'):
        for shard in folder.iterdir():
            shard.write_text(garbage)
        assert cached(basic) == uncached(basic) != []


def test_ci_runs_write_no_cache(basic: Path, _private_cache: Path) -> None:
    env = {**os.environ, "CI": "true", "SPECGEN_CACHE_DIR": str(_private_cache)}
    proc = subprocess.run(
        [sys.executable, "-m", "specgen", "check", "--workspace", str(basic)], env=env, capture_output=True, check=False
    )
    assert proc.returncode == 0
    assert list(_private_cache.iterdir()) == []
    env.pop("CI")
    subprocess.run(
        [sys.executable, "-m", "specgen", "check", "--no-cache", "--workspace", str(basic)], env=env, check=True
    )
    assert list(_private_cache.iterdir()) == []
    subprocess.run([sys.executable, "-m", "specgen", "check", "--workspace", str(basic)], env=env, check=True)
    assert len(list(_private_cache.iterdir())) == 1


def test_a_cache_kept_in_memory_across_checks_hides_nothing(basic: Path) -> None:
    settings, _ = resolve_settings(basic)
    kept = FileCache(settings.workspace, settings.limits)  # as the preview keeps one
    assert check(basic, cache=kept).diagnostics == []
    edit(basic / "specs/features/FEAT-1.yaml", "status: planned", "status: plannd")
    assert [str(d) for d in check(basic, cache=kept).diagnostics] == uncached(basic) != []
    edit(basic / "specs/features/FEAT-1.yaml", "status: plannd", "status: planned")
    (basic / "specs/stakeholders/STK-2.yaml").unlink()
    assert [str(d) for d in check(basic, cache=kept).diagnostics] == uncached(basic) != []
    # What it wrote to disk serves a later process as well.
    assert cached(basic) == uncached(basic)


# What the key covers (issue 8 item 7) ----------------------------------------------------------------------------

FEATURE = "specs/features/FEAT-1.yaml"
BROKEN = "specs/personas/PER-2.yaml"


def _shard(cache: Path, path: str) -> Path:
    (folder,) = cache.iterdir()
    return folder / f"{shard_of(path):02d}.json"


def _poison(cache: Path, path: str) -> str:
    """Add a well-formed but made-up finding to ``path``'s cached entry; return the shard's key.

    A check that shows the finding took the file's results from the cache.
    """
    shard = _shard(cache, path)
    payload = json.loads(shard.read_text())
    stale = Diagnostic.of("SG201", path, "stale result from the cache", line=1, column=1)
    payload["files"][path]["checked"][0].append({**asdict(stale), "severity": "error"})
    shard.write_text(json.dumps(payload))
    return str(payload["key"])


def _cli_check(workspace: Path, cache: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTHONPATH", "PYTHONINTMAXSTRDIGITS")}
    environ.update(SPECGEN_CACHE_DIR=str(cache), **env)
    return subprocess.run(
        [sys.executable, "-m", "specgen", "check", "--workspace", str(workspace)],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _copied_package(target: Path) -> Path:
    """A copy of the installed specgen package in ``target``, importable with PYTHONPATH=target."""
    source = Path(str(resources.files("specgen")))
    shutil.copytree(source, target / "specgen", ignore=shutil.ignore_patterns("__pycache__"))
    return target


# Each change makes a run that differs from the baseline run (the same copy of specgen, PYTHONPATH=baseline) in one way.


def _change_code(tmp_path: Path, baseline: Path) -> dict[str, str]:
    root = _copied_package(tmp_path / "changed")
    with (root / "specgen" / "version.py").open("a") as out:
        out.write("\n")  # one byte, in a file no check reads: any change to the code counts
    return {"PYTHONPATH": str(root)}


def _change_dependency_version(tmp_path: Path, baseline: Path) -> dict[str, str]:
    # What importlib.metadata finds first on sys.path: this Python now has jsonschema 0.0.1 installed.
    shadow = tmp_path / "shadow" / "jsonschema-0.0.1.dist-info"
    shadow.mkdir(parents=True)
    (shadow / "METADATA").write_text("Metadata-Version: 2.1\nName: jsonschema\nVersion: 0.0.1\n")
    return {"PYTHONPATH": f"{shadow.parent}{os.pathsep}{baseline}"}


def _change_python_int_limit(tmp_path: Path, baseline: Path) -> dict[str, str]:
    # Decides whether a long number in a spec parses at all.
    return {"PYTHONPATH": str(baseline), "PYTHONINTMAXSTRDIGITS": "640"}


@pytest.mark.parametrize("change", [_change_code, _change_dependency_version, _change_python_int_limit])
def test_a_changed_specgen_library_or_python_makes_a_new_key(
    change: Callable[[Path, Path], dict[str, str]], basic: Path, _private_cache: Path, tmp_path: Path
) -> None:
    baseline = _copied_package(tmp_path / "same")
    assert _cli_check(basic, _private_cache, PYTHONPATH=str(baseline)).returncode == 0
    old_key = _poison(_private_cache, FEATURE)
    control = _cli_check(basic, _private_cache, PYTHONPATH=str(baseline))
    assert "stale result from the cache" in control.stdout, "the unchanged run must take FEAT-1 from the cache"

    changed = _cli_check(basic, _private_cache, **change(tmp_path, baseline))

    assert (changed.returncode, changed.stderr) == (0, ""), changed.stdout
    assert "stale result" not in changed.stdout
    rewritten = json.loads(_shard(_private_cache, FEATURE).read_text())
    assert rewritten["key"] != old_key
    assert "stale result" not in json.dumps(rewritten)


def test_the_key_names_python_and_every_checking_library() -> None:
    described = environment()
    assert sys.version in described and f"int_max_str_digits={sys.get_int_max_str_digits()}" in described
    for name in ("jsonschema", "ruamel-yaml", "ruamel-yaml-clib", "rfc3986-validator"):
        assert f"{name}={metadata.version(name)}" in described
    # What jsonschema itself requires is followed, and an optional format library is named even when absent.
    for name in ("referencing", "jsonschema-specifications", "rpds-py", "attrs"):
        assert f"{name}={metadata.version(name)}" in described
    assert "rfc3987=" in described


def test_the_code_digest_covers_every_code_and_schema_file(tmp_path: Path) -> None:
    root = _copied_package(tmp_path) / "specgen"
    before = tree_digest(root)
    assert before == tree_digest(resources.files("specgen"))  # the same files as the installed package's
    assert len(code_digest()) == 40
    (root / "__pycache__").mkdir(exist_ok=True)
    (root / "__pycache__" / "x.pyc").write_bytes(b"compiled")
    (root / "templates" / "home.md.j2").write_text("rendering is never cached")
    assert tree_digest(root) == before
    for changed in (root / "schemas" / "feature.schema.json", root / "limits.py"):
        original = changed.read_bytes()
        changed.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
        assert tree_digest(root) != before, changed.name
        changed.write_bytes(original)
    (root / "newmodule.py").write_text("")
    assert tree_digest(root) != before


# Entries of the wrong shape (issue 8 item 8) --------------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], object]


def _problem(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry's first diagnostic: a broken file's parse problem, or a feature's schema problem."""
    problems: list[dict[str, Any]] = entry["parsed"][1] or entry["checked"][0]
    return problems[0]


def _with_problem(change: Callable[[dict[str, Any]], None]) -> Mutation:
    def mutate(entry: dict[str, Any]) -> object:
        change(_problem(entry))
        return entry

    return mutate


def _set(container: Callable[[dict[str, Any]], Any], key: Any, value: object) -> Mutation:
    def mutate(entry: dict[str, Any]) -> object:
        container(entry)[key] = value
        return entry

    return mutate


def _parsed(entry: dict[str, Any]) -> Any:
    return entry["parsed"]


def _checked(entry: dict[str, Any]) -> Any:
    return entry["checked"]


def _entry(entry: dict[str, Any]) -> Any:
    return entry


#: Wrong shapes of any file's entry (a broken file's entry holds only its parse problem).
MUTATIONS: dict[str, Mutation] = {
    "entry is a list": lambda e: [e],
    "entry is a string": lambda e: "garbage",
    "entry is its digest and a number": lambda e: {"digest": e["digest"], "parsed": 3},
    "unknown key in the entry": _set(_entry, "extra", 1),
    "parsed is a string": _set(_entry, "parsed", "data"),
    "parsed is nested once more": lambda e: {**e, "parsed": [e["parsed"]]},
    "parsed has three items": lambda e: {**e, "parsed": [*e["parsed"], []]},
    "parsed data is a list": lambda e: {**e, "parsed": [["id", "FEAT-1"], []]},
    "parsed data is a number": lambda e: {**e, "parsed": [7, []]},
    "no data and no problems": lambda e: {**e, "parsed": [None, []]},
    "data and problems at once": lambda e: {**e, "parsed": [{"id": "X"}, [_problem(e)]]},
    "problems are a mapping": _set(_parsed, 1, {}),
    "a parse problem is a string": lambda e: {**e, "parsed": [None, ["SG101 somewhere"]]},
    "a parse problem nested in a list": lambda e: {**e, "parsed": [None, [[_problem(e)]]]},
    "unknown code": _with_problem(lambda p: p.update(code="SG999")),
    "code is a mapping": _with_problem(lambda p: p.update(code={"SG101": 1})),
    "unknown severity": _with_problem(lambda p: p.update(severity="fatal")),
    "severity is a list": _with_problem(lambda p: p.update(severity=["error"])),
    "message is missing": _with_problem(lambda p: p.pop("message")),
    "message is a number": _with_problem(lambda p: p.update(message=3)),
    "unknown diagnostic field": _with_problem(lambda p: p.update(colour="red")),
    "line is negative": _with_problem(lambda p: p.update(line=-1)),
    "line is a boolean": _with_problem(lambda p: p.update(line=True)),
    "column is text": _with_problem(lambda p: p.update(column="1")),
    "pointer is text": _with_problem(lambda p: p.update(pointer="status")),
    "pointer holds a number with a fraction": _with_problem(lambda p: p.update(pointer=[1.5])),
    "pointer holds null": _with_problem(lambda p: p.update(pointer=[None])),
    "hint is a list": _with_problem(lambda p: p.update(hint=["did you mean"])),
    "at_key is null": _with_problem(lambda p: p.update(at_key=None)),
    "diagnostic of another file": _with_problem(lambda p: p.update(path="specs/product.yaml")),
}

#: Wrong shapes of the schema check's part, which only a readable file's entry has.
CHECKED_MUTATIONS: dict[str, Mutation] = {
    "checked is a mapping": _set(_entry, "checked", {"valid": True}),
    "checked is null": _set(_entry, "checked", None),
    "a schema problem is a string": _set(_checked, 0, ["SG201 somewhere"]),
    "a schema problem nested in a list": lambda e: {**e, "checked": [[_checked(e)[0]], _checked(e)[1]]},
    "checked valid is a string": _set(_checked, 1, "yes"),
    "checked valid is a number": _set(_checked, 1, 1),
    "checked has one item": lambda e: {**e, "checked": [_checked(e)[0]]},
}

CASES = [
    *((name, path) for name in MUTATIONS for path in (FEATURE, BROKEN)),
    *((name, FEATURE) for name in CHECKED_MUTATIONS),
]


class Warm(NamedTuple):
    workspace: Path
    #: What check finds without a cache.
    expected: list[str]
    #: The cached entries of FEATURE and BROKEN.
    entries: dict[str, Any]


@pytest.fixture
def warm(basic: Path, _private_cache: Path) -> Warm:
    """``basic`` with a broken persona and a feature with a schema problem, all cached."""
    (basic / BROKEN).write_text("id: PER-2\nname: [\n")
    edit(basic / FEATURE, "status: planned", "status: plannd")
    expected = uncached(basic)
    assert cached(basic) == expected and len(expected) == 2
    entries = {path: json.loads(_shard(_private_cache, path).read_text())["files"][path] for path in (FEATURE, BROKEN)}
    return Warm(basic, expected, entries)


def _replace_entry(cache: Path, path: str, mutate: Mutation) -> dict[str, Any]:
    """Write ``mutate(entry)`` in place of ``path``'s cached entry (the key stays valid); return the original."""
    shard = _shard(cache, path)
    payload = json.loads(shard.read_text())
    original = payload["files"][path]
    payload["files"][path] = mutate(copy.deepcopy(original))
    shard.write_text(json.dumps(payload))
    return dict(original)


@pytest.mark.parametrize(("mutation", "path"), CASES)
def test_a_wrong_shaped_entry_is_ignored_and_rewritten(
    mutation: str, path: str, warm: Warm, _private_cache: Path
) -> None:
    workspace, expected, _ = warm
    original = _replace_entry(_private_cache, path, {**MUTATIONS, **CHECKED_MUTATIONS}[mutation])

    assert cached(workspace) == expected

    assert json.loads(_shard(_private_cache, path).read_text())["files"][path] == original


_json: st.SearchStrategy[object] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def _places(entry: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Every place in an entry's structure: the entry, its parts, each problem and each of its fields."""
    places: list[tuple[Any, ...]] = [(), ("digest",)]
    for part, problems_at in (("parsed", 1), ("checked", 0)):
        if part in entry:
            places += [(part,), (part, 0), (part, 1)]
            for index, problem in enumerate(entry[part][problems_at]):
                places.append((part, problems_at, index))
                places += [(part, problems_at, index, name) for name in problem]
    return places


def _json_type(value: object) -> type:
    return type(value)  # bool and int differ, as they must for line, column and valid


#: Values of the right type that are still wrong, by diagnostic field.
_WRONG_VALUES: dict[str, st.SearchStrategy[object]] = {
    "code": st.text(max_size=6).filter(lambda code: code not in RULES),
    "severity": st.text(max_size=8).filter(lambda severity: severity not in ("error", "warning")),
    "line": st.integers(max_value=-1),
    "column": st.integers(max_value=-1),
    "path": st.text(max_size=30).filter(lambda path: path not in (FEATURE, BROKEN)),
}


def _garbage(data: st.DataObject, entry: dict[str, Any]) -> object:
    """A copy of ``entry`` made wrong in one place: replaced by a value of another type, wrapped or removed."""
    place = data.draw(st.sampled_from(_places(entry)), label="place")
    if not place:
        return data.draw(_json.filter(lambda v: not isinstance(v, dict)), label="entry")
    garbage = copy.deepcopy(entry)
    *up, last = place
    parent: Any = garbage
    for part in up:
        parent = parent[part]
    old = parent[last]
    # A hint may be text or null; the data may be null only with problems that say why.
    allowed = {str, type(None)} if last == "hint" else {_json_type(old)}
    hows = ["replace", "wrap"]
    if isinstance(parent, dict) and (len(place) == 4 or last == "digest"):
        hows.append("delete")  # every field of a diagnostic is required, and so is the digest
    if last in _WRONG_VALUES and len(place) == 4:
        hows.append("wrong value")
    how = data.draw(st.sampled_from(hows), label="how")
    if how == "delete":
        del parent[last]
    elif how == "wrap":
        parent[last] = [old]
    elif how == "wrong value":
        parent[last] = data.draw(_WRONG_VALUES[last], label="value")
    else:
        parent[last] = data.draw(_json.filter(lambda v: _json_type(v) not in allowed), label="value")
    return garbage


@settings(max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_garbage_anywhere_in_an_entry_is_ignored_and_rewritten(
    data: st.DataObject, warm: Warm, _private_cache: Path
) -> None:
    workspace, expected, entries = warm
    path = data.draw(st.sampled_from([FEATURE, BROKEN]), label="file")
    entry = entries[path]
    garbage = _garbage(data, entry)
    note(f"garbage: {garbage!r}")
    _replace_entry(_private_cache, path, lambda _: garbage)  # in place of the well-formed entry, same key

    assert cached(workspace) == expected

    assert json.loads(_shard(_private_cache, path).read_text())["files"][path] == entry


def test_a_warm_check_takes_every_result_from_the_cache(warm: Warm) -> None:
    workspace = warm.workspace
    settings_, _ = resolve_settings(workspace)
    kept = FileCache(settings_.workspace, settings_.limits)
    files = list(discover(settings_.specs_dir))
    assert len(files) > 10
    for file in files:
        shown = file.relative_to(workspace).as_posix()
        key = digest(kind_of(file.relative_to(settings_.specs_dir)).name, file.read_text())  # type: ignore[union-attr]
        assert kept.parsed(shown, key) is not None, shown
        if shown != BROKEN:
            assert kept.checked(shown, key) is not None, shown


# The import graph ------------------------------------------------------------------------------------------------


def _imports() -> dict[str, set[str]]:
    """Which specgen modules each module imports, lazy imports inside functions included."""
    root = Path(str(resources.files("specgen")))
    modules = {p.stem for p in root.glob("*.py")} - {"__init__"}
    graph: dict[str, set[str]] = {}
    for module in modules:
        found: set[str] = set()
        for node in ast.walk(ast.parse((root / f"{module}.py").read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "specgen":
                named = node.module.split(".")[1:2] or [a.name for a in node.names]
                found.update(n for n in named if n in modules)
            elif isinstance(node, ast.Import):
                found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("specgen."))
        graph[module] = found - {module}
    return graph


def test_the_cache_imports_no_stage_that_feeds_it() -> None:
    graph = _imports()
    reached: set[str] = set()
    pending = ["cache"]
    while pending:
        for module in graph[pending.pop()] - reached:
            reached.add(module)
            pending.append(module)
    assert "cache" not in reached  # no cycle through the cache
    assert not reached & {"loader", "schema", "check", "config"}, reached
    assert "cache" in graph["loader"]  # the one direction: the loader uses the cache
