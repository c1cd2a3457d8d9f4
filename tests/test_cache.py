"""The per-file cache: faster repeat checks that can never hide an error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from specgen import check
from specgen.cache import FileCache, shard_of
from specgen.check import resolve_settings

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
