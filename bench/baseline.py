"""Compare the working tree with a base revision in one run: ``bench/run.py --baseline REV``.

The base revision is checked out into a temporary ``git worktree`` and run
from there with ``PYTHONPATH=<worktree>/src`` and the same virtual
environment's dependencies, so nothing is installed and ``.venv`` stays as it
is; the working tree is run the same way from ``src/``. Both measure the same
generated content (each side in the words its specgen reads), interleaved (base, head, base, head ...) for every
figure, so that a machine that slows down or speeds up during the run weighs
on both alike. Each side has its own cache folder and its own site folder.
The worktree is removed afterwards, also when a run fails or is interrupted
(Ctrl+C or SIGTERM).

Only the figures that depend on specgen's code are compared (check, build,
the preview's two passes); the floors are not, since they measure the
libraries underneath.

Unless ``--no-browser`` is given, the two sides' built sites are also served
and searched in Chromium, their runs interleaved, for the same word (see
``search.py``): the index's size, the worker's lunr build and the first query.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import search
from corpus import generate
from run import BENCH, PREVIEW, machine, measured, touch_one_feature

REPO = BENCH.parent
SIDES = ("base", "head")
#: A ratio head/base above this on a check or build figure is called out.
REGRESSION = 1.10

ROWS = (
    ("check_cold", "specgen check, cold"),
    ("check_edit", "specgen check after editing one file"),
    ("build_cold", "specgen build, cold"),
    ("rebuild_edit", "specgen build after editing one spec"),
    ("preview_quick", "specgen serve after editing one spec: its page rebuilt"),
    ("preview_complete", "specgen serve, then: every other page brought up to date"),
)

Figure = tuple[float, float]  # median seconds, peak MiB


def git(*args: str) -> str:
    """Run git in the repository; its output, stripped."""
    proc = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc.stdout.strip()


@contextlib.contextmanager
def worktree(revision: str, folder: Path) -> Iterator[Path]:
    """``revision`` checked out into a temporary worktree under ``folder``, removed on the way out."""
    commit = git("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    path = folder / f"base-{commit[:12]}"
    git("worktree", "add", "--detach", "--quiet", str(path), commit)
    try:
        yield path
    finally:
        # --force: the base's runs may have left files (caches, egg-info) in it.
        removed = subprocess.run(
            ["git", "-C", str(REPO), "worktree", "remove", "--force", str(path)], capture_output=True, check=False
        )
        if removed.returncode != 0:
            shutil.rmtree(path, ignore_errors=True)
            subprocess.run(["git", "-C", str(REPO), "worktree", "prune"], capture_output=True, check=False)


@contextlib.contextmanager
def exit_on_sigterm() -> Iterator[None]:
    """SIGTERM unwinds like Ctrl+C does, so that the worktree is removed."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def side_env(src: Path, cache: Path) -> dict[str, str]:
    """The environment that runs the specgen in ``src`` with its own cache."""
    env = {**os.environ, "PYTHONPATH": str(src), "SPECGEN_CACHE_DIR": str(cache)}
    env.pop("CI", None)  # measure what a person at a terminal gets
    return env


def speaks_new_words(env: dict[str, str]) -> bool:
    """Whether the specgen that ``env`` runs has :mod:`specgen.vocabulary` (``shipped`` rather than ``released``)."""
    code = "import importlib.util; print(importlib.util.find_spec('specgen.vocabulary') is not None)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return proc.stdout.strip() == "True"


def imported_from(env: dict[str, str]) -> Path:
    """Where ``import specgen`` finds the package in ``env``: proof that each side runs its own code."""
    code = "import specgen, pathlib; print(pathlib.Path(specgen.__file__).resolve().parent)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return Path(proc.stdout.strip())


def interleaved(
    repeat: int,
    commands: dict[str, list[str]],
    envs: dict[str, dict[str, str]],
    before: Callable[[str], None] | None = None,
) -> dict[str, Figure]:
    """Median seconds and peak MiB of each side, the runs taken base, head, base, head ..."""
    runs: dict[str, list[Figure]] = {side: [] for side in SIDES}
    for _ in range(repeat):
        for side in SIDES:
            if before is not None:
                before(side)
            seconds, peak, _ = measured(commands[side], envs[side])
            runs[side].append((seconds, peak))
    return {side: (statistics.median(r[0] for r in runs[side]), max(r[1] for r in runs[side])) for side in SIDES}


def compare_size(
    features: int, repeat: int, root: Path, envs: dict[str, dict[str, str]], *, browser: bool = True
) -> dict[str, dict[str, Any]]:
    """Every compared figure at one size: {measure: {side: figure}}; ``search`` holds search.py's figures."""
    # The same content for both sides, each in the words its specgen reads (specgen.vocabulary renamed some).
    workspaces = {side: root / f"ws-{features}-{side}" for side in SIDES}
    for side, workspace in workspaces.items():
        generate(workspace, features, old_words=not speaks_new_words(envs[side]))
    py = sys.executable
    edits = iter(range(1, 1_000_000))

    def edit(side: str) -> None:
        # A new title every time: each side's cache then sees one changed file since its own last run.
        touch_one_feature(workspaces[side], next(edits))

    checks = {s: [py, "-m", "specgen", "check", "--strict", "-w", str(workspaces[s])] for s in SIDES}
    results: dict[str, dict[str, Any]] = {}
    print(f"  {features:,} features: check", file=sys.stderr)
    results["check_cold"] = interleaved(repeat, {s: [*checks[s], "--no-cache"] for s in SIDES}, envs)
    for side in SIDES:
        measured(checks[side], envs[side])  # fill each side's cache once, as an earlier run would have
    results["check_edit"] = interleaved(repeat, checks, envs, edit)

    print(f"  {features:,} features: build", file=sys.stderr)
    build = {
        s: [py, "-m", "specgen", "build", "-w", str(workspaces[s]), "--site-dir", str(root / f"site-{s}")]
        for s in SIDES
    }
    results["build_cold"] = interleaved(
        repeat,
        {s: [*build[s], "--no-cache"] for s in SIDES},
        envs,
        lambda side: shutil.rmtree(root / f"site-{side}", ignore_errors=True),
    )
    results["rebuild_edit"] = interleaved(repeat, build, envs, edit)
    if browser:
        # Both sides' sites as the last build left them, queried for the same word, interleaved.
        print(f"  {features:,} features: first search query in Chromium", file=sys.stderr)
        results["search"] = search.measure_sites({s: root / f"site-{s}" for s in SIDES}, repeat=repeat)

    print(f"  {features:,} features: preview", file=sys.stderr)
    quick: dict[str, list[Figure]] = {side: [] for side in SIDES}
    complete: dict[str, list[Figure]] = {side: [] for side in SIDES}
    for run in range(repeat):
        for side in SIDES:
            # One preview process per run and side, each with its own folder, so the runs interleave too.
            folder = root / f"preview-{side}-{features}-{run}"
            command = [py, "-c", PREVIEW, str(workspaces[side]), str(folder), "1", str(BENCH)]
            _, peak, out = measured(command, envs[side])
            seconds = json.loads(out.strip().splitlines()[-1])
            quick[side].append((seconds[0], peak))
            complete[side].append((seconds[1], peak))
            shutil.rmtree(folder, ignore_errors=True)
    for key, runs in (("preview_quick", quick), ("preview_complete", complete)):
        results[key] = {s: (statistics.median(r[0] for r in runs[s]), max(r[1] for r in runs[s])) for s in SIDES}
    return results


def ratio_cell(key: str, figures: dict[str, Figure]) -> str:
    ratio = figures["head"][0] / figures["base"][0]
    slower = key.startswith(("check", "build", "rebuild")) and ratio > REGRESSION
    return f"{ratio:.2f}x" + (f" (more than {REGRESSION - 1:.0%} slower)" if slower else "")


def comparison_table(results: dict[str, dict[str, Any]], base_name: str) -> str:
    """One size's figures for both sides and the ratio head/base, as Markdown."""
    lines = [f"| Measure | base {base_name} | head (working tree) | head / base |", "|---|---:|---:|---:|"]
    for key, title in ROWS:
        figures = results[key]
        cells = [f"{figures[s][0]:.2f} s, {figures[s][1]:.0f} MiB" for s in SIDES]
        lines.append(f"| {title} | {cells[0]} | {cells[1]} | {ratio_cell(key, figures)} |")
    if "search" in results:
        lines += search_comparison(results["search"])
    return "\n".join(lines)


def search_comparison(figures: dict[str, dict[str, Any]]) -> list[str]:
    """Rows for the search index's size, the worker's build and the first query, both sides."""
    base, head = figures["base"], figures["head"]

    def built(f: dict[str, Any]) -> float:
        return float(f["steps"]["ready"] - f["steps"]["setup"])

    rows = (
        ("search index (search/search_index.json)", lambda f: f["bytes"] / 1e6, "{:.2f} MB"),
        ("search index, gzipped", lambda f: f["gzip_bytes"] / 1e6, "{:.2f} MB"),
        ("search: lunr index built in the browser's worker", built, "{:.2f} s"),
        (
            f"search: first query for {head['word']!r}, typed at the load event, until a result shows",
            lambda f: f["first_query"],
            "{:.2f} s",
        ),
    )
    lines = []
    for title, value, shown in rows:
        a, b = value(base), value(head)
        lines.append(f"| {title} | {shown.format(a)} | {shown.format(b)} | {b / a:.2f}x |")
    return lines


def compare(revision: str, sizes: list[int], repeat: int, *, browser: bool = True) -> str:
    """Measure ``revision`` against the working tree at each size; the report as Markdown."""
    try:
        commit = git("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except SystemExit:
        raise SystemExit(f"--baseline: {revision!r} names no commit in {REPO}") from None
    base_name = f"{revision} ({commit[:10]})" if not commit.startswith(revision) else commit[:10]
    dirty = " with uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else ""
    sections = []
    with exit_on_sigterm(), tempfile.TemporaryDirectory(prefix="specgen-bench-") as tmp:
        root = Path(tmp)
        with worktree(commit, root) as base:
            envs = {
                "base": side_env(base / "src", root / "cache-base"),
                "head": side_env(REPO / "src", root / "cache-head"),
            }
            for side, src in (("base", base / "src"), ("head", REPO / "src")):
                found = imported_from(envs[side])
                if found != (src / "specgen").resolve():
                    raise SystemExit(f"the {side} side imports specgen from {found}, not from {src}")
                print(f"  {side}: specgen from {found}", file=sys.stderr)
            for n in sizes:
                results = compare_size(n, repeat, root, envs, browser=browser)
                sections.append(f"### {n:,} features\n\n{comparison_table(results, base_name)}")
    head = f"HEAD ({git('rev-parse', 'HEAD')[:10]}){dirty}"
    return (
        f"Machine: {machine()}\n\nBase: {base_name}. Head: the working tree, {head}.\n\n"
        f"Median of {repeat} runs each, base and head interleaved.\n\n" + "\n\n".join(sections) + "\n"
    )
