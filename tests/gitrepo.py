"""Real git repositories for tests: made with the ``git`` command, isolated from the machine's git config."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"

#: Git without the machine's or the user's configuration, with fixed names and dates.
ENV = {
    **os.environ,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Pat PM",
    "GIT_AUTHOR_EMAIL": "pat@example.com",
    "GIT_COMMITTER_NAME": "Pat PM",
    "GIT_COMMITTER_EMAIL": "pat@example.com",
}


def git(repo: Path, *args: str, date: str = "2026-11-20T12:00:00Z") -> str:
    """Run git in ``repo``; its output. ``date`` is the author and committer date of any commit it makes."""
    env = {**ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    done = subprocess.run(["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True)
    return done.stdout


def commit_all(repo: Path, message: str, date: str = "2026-11-20T12:00:00Z") -> str:
    """Stage everything and commit it; the new commit's ID."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD").strip()


def repository(target: Path, fixture: str = "basic") -> Path:
    """A new repository on branch ``main`` whose first commit is a copy of a valid fixture workspace."""
    shutil.copytree(FIXTURES / "valid" / fixture, target, ignore=shutil.ignore_patterns("site"))
    git(target, "init", "-q", "-b", "main")
    commit_all(target, "Start the specs", date="2026-11-01T09:00:00Z")
    return target


def edit(file: Path, old: str, new: str) -> None:
    """Replace ``old`` (which must be there, once) by ``new`` in a text file."""
    text = file.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is in {file} {text.count(old)} times"
    file.write_text(text.replace(old, new), encoding="utf-8")


def git_calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[str]]:
    """Put a git on PATH that logs each run's arguments, then runs the real one; the runs logged so far."""
    calls = tmp_path / "calls.log"
    wrapper = tmp_path / "bin/git"
    wrapper.parent.mkdir()
    real = shlex.quote(str(shutil.which("git")))
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> {shlex.quote(str(calls))}\nexec {real} "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}")
    return lambda: calls.read_text(encoding="utf-8").splitlines() if calls.exists() else []
