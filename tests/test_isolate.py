"""Templates cannot hang a build or exhaust its memory; a full disk while pages are written is a finding.

Real processes, real MkDocs, real files: hostile workspace templates are
built under small limits (1 s per page, 64 MiB), set in ``specgen.yaml`` as a
pull request could, and each must end within seconds as a located SG401 with
the previous site untouched. Nothing here allocates more than the limit: the
child's address space is capped, so a runaway value fails as soon as it
passes 64 MiB.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from specgen.check import resolve_settings
from specgen.limits import Limits
from specgen.render import plan
from specgen.site import build
from specgen.site.isolate import Budget, ChildError, Overrun, run_bounded
from specgen.site.preview import Preview

from .conftest import FIXTURES
from .test_build import snapshot
from .test_preview import assert_same_as_full_build, settle, settled_preview

SMALL = Budget(seconds_per_step=1, seconds_total=3, memory_mb=64)


def small_limits(workspace: Path, total: int = 30, per_page: int = 1) -> None:
    """Limits a pull request may set in specgen.yaml: lower than the defaults."""
    (workspace / "specgen.yaml").write_text(
        f"limits:\n  render_seconds_per_page: {per_page}\n  render_seconds_total: {total}\n  render_memory_mb: 64\n",
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The basic workspace with small limits and a site built from it, once for the module."""
    workspace = tmp_path_factory.mktemp("built") / "basic"
    shutil.copytree(FIXTURES / "valid" / "basic", workspace, ignore=shutil.ignore_patterns("site"))
    small_limits(workspace)
    result = build(workspace)
    assert result.success, [str(d) for d in result.diagnostics]
    return workspace


@pytest.fixture
def rebuilt(built: Path, tmp_path: Path) -> Path:
    """A private copy of ``built``, its site included."""
    return Path(shutil.copytree(built, tmp_path / "basic", symlinks=True))


def override(workspace: Path, name: str, text: str) -> None:
    (workspace / "templates").mkdir(exist_ok=True)
    (workspace / "templates" / name).write_text(text, encoding="utf-8")


# --- the mechanism ----------------------------------------------------------


def test_a_bounded_job_returns_its_result_and_names_its_steps() -> None:
    def job(step: Any) -> Any:
        for name in ("a", "b"):
            step(name)
        return {"pid": os.getpid(), "steps": 2}

    result = run_bounded(job, SMALL)
    assert result["steps"] == 2
    assert result["pid"] != os.getpid(), "the job ran in a child process"


def test_a_step_that_takes_too_long_is_stopped_and_named() -> None:
    def job(step: Any) -> Any:
        step("quick")
        step("slow")
        time.sleep(60)
        return None

    started = time.monotonic()
    assert run_bounded(job, SMALL) == Overrun("step time", "slow")
    assert time.monotonic() - started < 3


def test_the_total_budget_bounds_many_steps_that_each_fit() -> None:
    def job(step: Any) -> Any:
        for n in range(100):
            step(n)
            time.sleep(0.5)
        return None

    overrun = run_bounded(job, SMALL)
    assert isinstance(overrun, Overrun) and overrun.reason == "total time"
    assert overrun.step in (4, 5, 6)


def test_one_long_c_call_is_stopped_too() -> None:
    # SIGALRM could not interrupt this: one C call that runs for minutes.
    def job(step: Any) -> Any:
        step("pow")
        return len(str(7**50_000_000))

    started = time.monotonic()
    assert run_bounded(job, SMALL) == Overrun("step time", "pow")
    assert time.monotonic() - started < 3


def test_memory_beyond_the_budget_is_an_overrun() -> None:
    def job(step: Any) -> Any:
        step("grow")
        return len(bytearray(200 * 1024 * 1024))

    assert run_bounded(job, SMALL) == Overrun("memory", "grow")


def test_a_child_that_dies_is_reported_and_a_failing_job_raises() -> None:
    def dies(step: Any) -> Any:
        step("die")
        os.kill(os.getpid(), signal.SIGKILL)

    assert run_bounded(dies, SMALL) == Overrun("died", "die", "killed by SIGKILL")

    def fails(step: Any) -> Any:
        raise KeyError("bug")

    with pytest.raises(ChildError, match="KeyError: 'bug'"):
        run_bounded(fails, SMALL)


# --- the build ----------------------------------------------------------------

LOOP = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n"

HOSTILE = {
    "nested loops": ("time", LOOP),
    "string times a number": ("memory", '{{ "x" * 800000000 }}\n'),
    "list times a number": ("memory", "{{ ([0] * 300000000) | length }}\n"),
    "ljust": ("memory", "{{ 'x'.ljust(10**9) }}\n"),
    "center": ("memory", "{{ 'x'.center(10**9) }}\n"),
    "str.format": ("memory", "{{ '{:>1000000000}'.format('x') }}\n"),
    "format filter": ("memory", '{{ "%1000000000s" | format("x") }}\n'),
    "replace chain": ("memory", '{% set s = "x" * 1000 %}{{ s.replace("x", s).replace("x", s) | length }}\n'),
    "set growth": (
        "memory",
        '{% set ns = namespace(s="x") %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}'
        "{{ ns.s | length }}\n",
    ),
}

MESSAGES = {
    "time": "templates/home.md.j2:1:1: error[SG401]: template took longer than 1 s while rendering index.md",
    "memory": "templates/home.md.j2:1:1: error[SG401]: template used more than 64 MiB while rendering index.md",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_template_is_a_located_error_within_seconds_and_the_site_stays(rebuilt: Path, name: str) -> None:
    before = snapshot(rebuilt / "site")
    kind, template = HOSTILE[name]
    override(rebuilt, "home.md.j2", template)

    started = time.monotonic()
    result = build(rebuilt)
    took = time.monotonic() - started

    assert not result.success
    assert [str(d).split(" (")[0] for d in result.diagnostics] == [MESSAGES[kind]]
    assert took < 6, f"{name} took {took:.1f} s"
    assert snapshot(rebuilt / "site") == before
    assert not any(p.name.startswith(".specgen-") for p in rebuilt.iterdir())


def test_the_total_budget_bounds_the_rendering_and_names_the_page(rebuilt: Path) -> None:
    # The per-step bound and the total bound of many steps are tested on the mechanism above.
    small_limits(rebuilt, total=1, per_page=60)
    before = snapshot(rebuilt / "site")
    override(rebuilt, "roadmap.md.j2", LOOP)
    started = time.monotonic()
    result = build(rebuilt)
    assert time.monotonic() - started < 6
    assert [str(d).split(" (")[0] for d in result.diagnostics] == [
        "templates/roadmap.md.j2:1:1: error[SG401]: templates took longer than 1 s in all; "
        "stopped while rendering roadmap.md"
    ]
    assert snapshot(rebuilt / "site") == before


def test_a_template_error_in_the_child_is_located_as_before(basic: Path) -> None:
    override(basic, "roadmap.md.j2", "line one\n{{ ws.nothing_here }}\n")
    result = build(basic)
    [problem] = result.diagnostics
    assert str(problem).startswith(
        "templates/roadmap.md.j2:2:1: error[SG401]: template error while rendering roadmap.md"
    )


def test_a_normal_build_fits_small_limits_and_renders_every_page(basic: Path) -> None:
    small_limits(basic)
    result = build(basic)
    assert result.success, [str(d) for d in result.diagnostics]
    assert result.check.workspace is not None
    assert result.pages == len(plan(result.check.workspace))
    assert "Acme Planner" in (basic / "site/index.html").read_text(encoding="utf-8")


def test_the_defaults_leave_room_for_large_workspaces() -> None:
    limits = Limits()
    # 10,000 features render in about 30 s and some hundreds of MiB.
    assert limits.render_seconds_total >= 600
    assert limits.render_seconds_per_page >= 60
    assert limits.render_memory_mb >= 2048


# --- the preview ------------------------------------------------------------------


def test_the_preview_refuses_a_looping_template_and_keeps_its_last_good_build(
    basic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    small_limits(basic)
    preview = settled_preview(basic, tmp_path)
    page = preview.site / "personas/index.html"
    before = snapshot(preview.site)

    override(basic, "personas.md.j2", LOOP)
    started = time.monotonic()
    refused = preview.rebuild()
    assert time.monotonic() - started < 6
    assert [str(d).split(" (")[0] for d in refused.result.diagnostics] == [
        "templates/personas.md.j2:1:1: error[SG401]: template took longer than 1 s while rendering personas.md"
    ]
    assert snapshot(preview.site) == before

    override(basic, "personas.md.j2", "# Who we serve\n\n{{ ws.personas | length }} personas.\n")
    assert settle(preview)[-1].result.success
    assert "Who we serve" in page.read_text(encoding="utf-8")
    assert_same_as_full_build(basic, preview, tmp_path)


def test_the_preview_first_build_is_bounded_too(basic: Path, tmp_path: Path) -> None:
    small_limits(basic)
    override(basic, "home.md.j2", '{{ "x" * 800000000 }}\n')
    settings, _ = resolve_settings(basic)
    preview = Preview(settings, tmp_path / "preview")
    refused = preview.rebuild()
    assert [d.code for d in refused.result.diagnostics] == ["SG401"]
    assert "used more than 64 MiB while rendering index.md" in refused.result.diagnostics[0].message
    assert not preview.site.exists()


# --- a full disk while the pages are written (issue 8, item 10) -------------------


def run_build_with_file_size_limit(workspace: Path, max_bytes: int) -> subprocess.CompletedProcess[str]:
    def small_files_only() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write with EFBIG instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return subprocess.run(
        [sys.executable, "-m", "specgen", "build", "--workspace", str(workspace)],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=small_files_only,
    )


def test_a_write_failure_while_the_pages_are_written_is_sg402_and_the_site_stays(rebuilt: Path) -> None:
    before = snapshot(rebuilt / "site")
    # The feature page's Markdown is larger than this; the pages are written before MkDocs runs.
    proc = run_build_with_file_size_limit(rebuilt, 1_000)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "mkdocs.yml:1:1: error[SG402]: cannot write the pages: [Errno 27] File too large" in output
    assert "Traceback" not in output and "internal error" not in output
    assert snapshot(rebuilt / "site") == before
    assert not any(p.name.startswith(".specgen-") for p in rebuilt.iterdir())


@pytest.fixture
def small_disk(tmp_path: Path) -> Any:
    """A real 24 MiB file system (tmpfs), when this process may mount one (root on Linux)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)], capture_output=True, check=False
    )
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_while_the_pages_are_written_is_sg402_and_the_site_stays(basic: Path, small_disk: Path) -> None:
    workspace = small_disk / "basic"
    subprocess.run(["cp", "-r", str(basic), str(workspace)], check=True)
    assert build(workspace).success
    before = snapshot(workspace / "site")
    # Fill the disk to the last byte: the next build has no room for its Markdown pages.
    with (small_disk / "filler").open("wb", buffering=0) as filler:
        for size in (1 << 16, 1 << 12, 1):
            with contextlib.suppress(OSError):
                while filler.write(b"\0" * size):
                    pass
    result = build(workspace)
    assert not result.success
    [problem] = result.diagnostics
    assert str(problem).startswith("mkdocs.yml:1:1: error[SG402]: ")
    assert "No space left on device" in problem.message
    assert snapshot(workspace / "site") == before
    assert not any(p.name.startswith(".specgen-") for p in workspace.iterdir())
