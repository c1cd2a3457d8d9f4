"""MkDocs cannot hang a build either, and what templates write is bounded in all.

Python-Markdown is quadratic on some text a template can write (20,000 ``![``
take hours), so MkDocs runs in a bounded child process like the templates do.
Real MkDocs, real files, limits set in ``specgen.yaml`` as a pull request
could: each case ends within seconds as a located error and the previous site
stays. Nothing here allocates more than the small limits allow.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from specgen.limits import Limits
from specgen.site import build
from specgen.site.preview import Preview

from .conftest import FIXTURES
from .test_build import snapshot
from .test_preview import assert_same_as_full_build, settle, settled_preview

#: Quadratic in Python-Markdown: unclosed image brackets (40 KB of Markdown, hours of CPU unbounded).
BRACKETS = "{% for i in range(20000) %}![{% endfor %}\n"
#: 15 MB of indented code: quick to render and to convert, but it takes MkDocs well over 64 MiB.
BIG_CODE = '{% for i in range(50000) %}    {{ "x" * 300 }}\n{% endfor %}\n'


def limits(workspace: Path, **values: int) -> None:
    """Small limits, as a pull request may set them in specgen.yaml (lower than the defaults)."""
    chosen = {
        "render_seconds_per_page": 2,
        "render_seconds_total": 30,
        "render_memory_mb": 128,
        "build_seconds_total": 60,
        "build_memory_mb": 256,
    } | values
    text = "limits:\n" + "".join(f"  {name}: {value}\n" for name, value in chosen.items())
    (workspace / "specgen.yaml").write_text(text, encoding="utf-8")


def override(workspace: Path, name: str, text: str) -> None:
    (workspace / "templates").mkdir(exist_ok=True)
    (workspace / "templates" / name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The basic workspace with small limits and a site built from it, once for the module."""
    workspace = tmp_path_factory.mktemp("built") / "basic"
    shutil.copytree(FIXTURES / "valid" / "basic", workspace, ignore=shutil.ignore_patterns("site"))
    limits(workspace)
    result = build(workspace)
    assert result.success, [str(d) for d in result.diagnostics]
    return workspace


@pytest.fixture
def rebuilt(built: Path, tmp_path: Path) -> Path:
    """A private copy of ``built``, its site included."""
    return Path(shutil.copytree(built, tmp_path / "basic", symlinks=True))


def shown(result_diagnostics: list[object]) -> list[str]:
    """Diagnostics as printed, without their hints."""
    return [str(d).split(" (")[0] for d in result_diagnostics]


def refused_within_seconds(workspace: Path, seconds: float) -> list[str]:
    """Build ``workspace``, which must fail within ``seconds`` leaving its site and no staging behind."""
    before = snapshot(workspace / "site")
    started = time.monotonic()
    result = build(workspace)
    took = time.monotonic() - started
    assert not result.success
    assert took < seconds, f"took {took:.1f} s"
    assert snapshot(workspace / "site") == before
    assert not any(p.name.startswith(".specgen-") for p in workspace.iterdir())
    return shown(result.diagnostics)


# --- MkDocs runs bounded ----------------------------------------------------------


def test_markdown_that_is_slow_to_convert_is_a_located_error_within_seconds(rebuilt: Path) -> None:
    override(rebuilt, "home.md.j2", BRACKETS)
    assert refused_within_seconds(rebuilt, 10) == [
        "templates/home.md.j2:1:1: error[SG401]: MkDocs took longer than 2 s converting index.md, "
        "which this template wrote"
    ]


def test_the_page_that_overran_is_named_with_its_own_template(rebuilt: Path) -> None:
    # Every feature page comes from one template; the one that overran is named.
    override(rebuilt, "feature.md.j2", "{% if feature.id == 'FEAT-2' %}" + BRACKETS + "{% endif %}# {{ feature.id }}\n")
    assert refused_within_seconds(rebuilt, 10) == [
        "templates/feature.md.j2:1:1: error[SG401]: MkDocs took longer than 2 s converting features/FEAT-2.md, "
        "which this template wrote"
    ]


def test_the_total_budget_bounds_the_mkdocs_build(rebuilt: Path) -> None:
    limits(rebuilt, render_seconds_per_page=60, build_seconds_total=3)
    override(rebuilt, "home.md.j2", BRACKETS)
    assert refused_within_seconds(rebuilt, 10) == [
        "templates/home.md.j2:1:1: error[SG401]: MkDocs took longer than 3 s in all; stopped converting index.md, "
        "which this template wrote"
    ]


def test_memory_beyond_the_build_budget_is_a_located_error(rebuilt: Path) -> None:
    limits(rebuilt, render_seconds_per_page=20, build_memory_mb=64)
    override(rebuilt, "home.md.j2", BIG_CODE)
    found = refused_within_seconds(rebuilt, 15)
    # Python raises MemoryError, which is named as such; a C library may abort instead, and then
    # only the child's death is known: either way the build stops, located at the template.
    assert found in (
        [
            "templates/home.md.j2:1:1: error[SG401]: MkDocs used more than 64 MiB converting index.md, "
            "which this template wrote"
        ],
        ["templates/home.md.j2:1:1: error[SG401]: MkDocs stopped"],
    ), found


def test_a_normal_build_fits_small_mkdocs_limits(basic: Path) -> None:
    limits(basic, build_seconds_total=30, build_memory_mb=256)
    result = build(basic)
    assert result.success, [str(d) for d in result.diagnostics]
    assert "Acme Planner" in (basic / "site/index.html").read_text(encoding="utf-8")


def test_mkdocs_messages_come_back_bounded_in_number(basic: Path) -> None:
    # A template can make MkDocs warn once per link; only a short summary crosses the pipe.
    override(basic, "home.md.j2", "{% for i in range(300) %}[x](missing-{{ i }}.md) {% endfor %}\n")
    result = build(basic)
    assert result.success, "missing links are warnings"
    messages = [d.message for d in result.build_diagnostics]
    assert len(messages) == 201
    assert all("missing-" in m for m in messages[:200])
    assert messages[-1] == "and 100 more messages from MkDocs"


# --- what templates write is bounded in all -----------------------------------------


def test_pages_that_add_up_past_the_output_cap_are_a_located_error(rebuilt: Path) -> None:
    limits(rebuilt, render_output_mb=1)
    # Each feature page is 600 KB: the second one crosses 1 MiB.
    override(rebuilt, "feature.md.j2", '{{ "x" * 600000 }}\n')
    assert refused_within_seconds(rebuilt, 10) == [
        "templates/feature.md.j2:1:1: error[SG401]: templates wrote more than 1 MiB of Markdown in all; "
        "stopped at features/FEAT-2.md"
    ]


def test_the_defaults_leave_room_for_large_workspaces() -> None:
    limits = Limits()
    # 10,000 features write about 150 MB of Markdown, and MkDocs builds them in about 300 s and 1.2 GiB.
    assert limits.render_output_mb >= 2048
    assert limits.build_seconds_total >= 1800
    assert limits.build_memory_mb >= 4096


# --- the preview ------------------------------------------------------------------------


def test_the_preview_refuses_slow_markdown_and_keeps_its_last_good_page(
    basic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    limits(basic)
    preview = settled_preview(basic, tmp_path)
    page = preview.site / "personas/index.html"
    before = snapshot(preview.site)

    override(basic, "personas.md.j2", BRACKETS)
    started = time.monotonic()
    refused = preview.rebuild()
    assert time.monotonic() - started < 10
    assert shown(refused.result.diagnostics) == [
        "templates/personas.md.j2:1:1: error[SG401]: MkDocs took longer than 2 s converting personas.md, "
        "which this template wrote"
    ]
    assert snapshot(preview.site) == before, "the dirty build stopped before it wrote anything"

    override(basic, "personas.md.j2", "# Who we serve\n\n{{ ws.personas | length }} personas.\n")
    assert settle(preview)[-1].result.success
    assert "Who we serve" in page.read_text(encoding="utf-8")
    assert_same_as_full_build(basic, preview, tmp_path)


def test_the_preview_first_build_is_bounded_too(basic: Path, tmp_path: Path) -> None:
    from specgen.check import resolve_settings

    limits(basic)
    override(basic, "home.md.j2", BRACKETS)
    settings, _ = resolve_settings(basic)
    preview = Preview(settings, tmp_path / "preview")
    refused = preview.rebuild()
    assert [d.code for d in refused.result.diagnostics] == ["SG401"]
    assert "MkDocs took longer than 2 s converting index.md" in refused.result.diagnostics[0].message
    assert not preview.site.exists()
