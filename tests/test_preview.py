"""The incremental preview: after every edit it ends exactly as a full build would.

Real MkDocs, real files: each edit is applied to a copy of the ``basic``
workspace, the preview rebuilds (quick pass, then complete pass), and the
preview's site is compared, file by file, with a fresh ``specgen build``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import specgen
from specgen.check import resolve_settings
from specgen.model import build_workspace
from specgen.site.preview import Preview, Rebuild

from .test_schema import edit

NEW_FEATURE = """\
id: FEAT-3
title: Capacity planner
status: idea
owner: STK-1
horizon: later
problem: Teams overcommit.
"""


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built site except the search index, which is compared by its entries."""
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.name != "search_index.json"
    }


def search_entries(site: Path) -> list[str]:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return sorted(json.dumps(entry, sort_keys=True) for entry in index["docs"])


def settle(preview: Preview) -> list[Rebuild]:
    """Rebuild until no pass is pending, as ``specgen serve`` does."""
    passes = [preview.rebuild()]
    while passes[-1].pending:
        passes.append(preview.rebuild())
    assert len(passes) <= 2, "a quick pass is followed by one complete pass, no more"
    return passes


def settled_preview(workspace: Path, tmp_path: Path) -> Preview:
    """A preview of ``workspace`` after its first, full build."""
    settings, _ = resolve_settings(workspace)
    preview = Preview(settings, tmp_path / "preview")
    assert [(p.full, p.pending) for p in settle(preview)] == [(True, False)]
    return preview


def assert_same_as_full_build(workspace: Path, preview: Preview, tmp_path: Path) -> None:
    full = tmp_path / "full"
    result = specgen.build(workspace, site_dir=full)
    assert result.success, [str(d) for d in result.diagnostics]
    assert site_files(preview.site) == site_files(full)
    assert search_entries(preview.site) == search_entries(full)


def retitle(ws: Path) -> None:
    edit(ws / "specs/features/FEAT-1.yaml", "title: Timeline view", "title: Quarter timeline")


def rename_persona(ws: Path) -> None:
    edit(ws / "specs/personas/PER-1.yaml", "name: Pat, team lead", "name: Pat, engineering lead")


def add_feature(ws: Path) -> None:
    (ws / "specs/features/FEAT-3.yaml").write_text(NEW_FEATURE, encoding="utf-8")


def remove_feature(ws: Path) -> None:
    (ws / "specs/features/FEAT-2.yaml").unlink()


def override_template(ws: Path) -> None:
    (ws / "templates").mkdir(exist_ok=True)
    (ws / "templates/personas.md.j2").write_text("# Who we serve\n\n{{ ws.personas | length }} personas.\n")


def release_note(ws: Path) -> None:
    edit(ws / "specs/releases/REL-1.yaml", "name:", "name: Renamed")


EDITS: list[Callable[[Path], None]] = [retitle, rename_persona, add_feature, remove_feature, override_template]


@pytest.fixture
def reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    # The sitemap carries the build date; both builds must see the same one.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")


@pytest.mark.usefixtures("reproducible")
def test_preview_ends_as_a_full_build_after_each_edit(basic: Path, tmp_path: Path) -> None:
    preview = settled_preview(basic, tmp_path)
    assert_same_as_full_build(basic, preview, tmp_path)

    for change in EDITS:
        change(basic)
        passes = settle(preview)
        assert all(not p.full for p in passes), f"{change.__name__} should not need a full build"
        assert passes[-1].result.success, [str(d) for d in passes[-1].result.diagnostics]
        assert_same_as_full_build(basic, preview, tmp_path)

    assert not (preview.site / "features/FEAT-2").exists(), "a removed feature's page is gone"


@pytest.mark.usefixtures("reproducible")
def test_the_quick_pass_rebuilds_only_the_edited_page(basic: Path, tmp_path: Path) -> None:
    preview = settled_preview(basic, tmp_path)
    retitle(basic)

    quick = preview.rebuild()
    assert (quick.pending, quick.pages) == (True, 1)
    assert "Quarter timeline" in (preview.site / "features/FEAT-1/index.html").read_text(encoding="utf-8")

    complete = preview.rebuild()
    assert not complete.pending
    assert complete.pages > 1, "the pages that list the feature follow in the complete pass"
    assert "Quarter timeline" in (preview.site / "features/index.html").read_text(encoding="utf-8")

    nothing = preview.rebuild()
    assert (nothing.pending, nothing.pages, nothing.full) == (False, 0, False)


@pytest.mark.parametrize(
    ("spec", "old", "new", "page"),
    [
        ("specs/evidence/EVD-1.yaml", "Plans go stale", "Plans rot", "evidence/index.html"),
        ("specs/personas/PER-1.yaml", "Pat, team lead", "Pat, engineering lead", "personas/index.html"),
        ("specs/releases/REL-1.yaml", 'name: "1.0"', 'name: "1.0 Aurora"', "roadmap/index.html"),
        ("specs/product.yaml", "Acme Planner", "Acme Roadmapper", "index.html"),
    ],
)
def test_the_quick_pass_rebuilds_the_page_that_presents_the_edited_spec(
    basic: Path, tmp_path: Path, spec: str, old: str, new: str, page: str
) -> None:
    preview = settled_preview(basic, tmp_path)
    edit(basic / spec, old, new)
    quick = preview.rebuild()
    assert (quick.pending, quick.pages) == (True, 1)
    shown = new.split(": ")[-1].strip('"')
    assert shown in (preview.site / page).read_text(encoding="utf-8")


def test_a_broken_edit_keeps_the_preview_and_the_next_good_one_catches_up(basic: Path, tmp_path: Path) -> None:
    preview = settled_preview(basic, tmp_path)
    page = preview.site / "features/FEAT-1/index.html"
    before = page.read_bytes()

    edit(basic / "specs/features/FEAT-1.yaml", "status: planned", "status: plannd")
    broken = preview.rebuild()
    assert not broken.result.success
    assert page.read_bytes() == before

    edit(basic / "specs/features/FEAT-1.yaml", "status: plannd", "status: in_progress")
    settle(preview)
    assert "In progress" in page.read_text(encoding="utf-8")


def test_a_changed_mkdocs_configuration_rebuilds_everything(basic: Path, tmp_path: Path) -> None:
    preview = settled_preview(basic, tmp_path)
    config = basic / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("site_name:", "site_name: Renamed"))

    passes = settle(preview)
    assert [p.full for p in passes] == [True]
    assert "Renamed" in (preview.site / "features/FEAT-2/index.html").read_text(encoding="utf-8")


def test_a_removed_mkdocs_configuration_falls_back_to_specgens_default(basic: Path, tmp_path: Path) -> None:
    preview = settled_preview(basic, tmp_path)
    page = preview.site / "index.html"
    assert "<title>Basic</title>" in page.read_text(encoding="utf-8")
    (basic / "mkdocs.yml").unlink()

    rebuilt = preview.rebuild()

    assert rebuilt.result.success, [str(d) for d in rebuilt.result.diagnostics]
    # The built-in configuration names the site after the product.
    assert "<title>Acme Planner</title>" in page.read_text(encoding="utf-8")


def test_rebuilds_convert_only_the_edited_files_to_model_objects(basic: Path) -> None:
    persona = basic / "specs/personas/PER-2.yaml"
    persona.write_text(
        "id: PER-2\nname: Sam, analyst\nsegment: Enterprises\njobs_to_be_done: [Report]\npains: [Copying]\n",
        encoding="utf-8",
    )
    before = specgen.check(basic, cache=True)
    assert before.success, [str(d) for d in before.diagnostics]
    memo: dict[tuple[str, str], Any] = {}
    first = build_workspace(before.documents, memo)
    assert "PER-2" in first.personas
    edit(basic / "specs/features/FEAT-1.yaml", "title: Timeline view", "title: Quarter timeline")
    persona.unlink()
    result = specgen.check(basic, cache=True)
    assert result.success, [str(d) for d in result.diagnostics]
    second = build_workspace(result.documents, memo)

    assert second == result.workspace  # the same model as one built from scratch
    assert second.features["FEAT-2"] is first.features["FEAT-2"]  # unchanged: reused
    assert second.features["FEAT-1"].title == "Quarter timeline"
    assert "PER-2" not in second.personas
    assert {path for path, _ in memo} == {d.path for d in result.documents}  # nothing stale is kept


def test_a_broken_specgen_yaml_is_reported_and_keeps_the_preview(basic: Path, tmp_path: Path) -> None:
    preview = settled_preview(basic, tmp_path)
    page = preview.site / "features/FEAT-1/index.html"
    before = page.read_bytes()
    (basic / "specgen.yaml").write_text("strict: false\n# where the specs live\nspecs_dirr: specs\n")

    broken = preview.rebuild()

    assert not broken.result.success
    assert [(d.path, d.line, d.column, d.code) for d in broken.result.diagnostics] == [("specgen.yaml", 3, 1, "SG403")]
    assert "unknown setting 'specs_dirr'" in broken.result.diagnostics[0].message
    assert page.read_bytes() == before

    (basic / "specgen.yaml").unlink()
    assert settle(preview)[-1].result.success
