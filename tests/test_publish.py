"""Publishing a site: the swap survives a kill at every step, dead runs' folders go, live ones stay.

Faults are real: the swap runs in a forked child process that ends itself
with ``os._exit`` at the chosen step (no cleanup, no ``finally``), exactly
as a kill would leave things; the parent then looks at the folders.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest

from specgen.site import build
from specgen.site import swap as publish
from specgen.site.swap import BUILD_PREFIX, DOCS_PREFIX, SITE_MARKER, make_staging, recover, remove_staging, swap_in

from .conftest import FIXTURES
from .test_build import snapshot
from .test_schema import edit

KILLED = 17
EXCHANGE_STEPS = ["staged", "exchanged", "old-removed"]
JOURNAL_STEPS = ["staged", "journal-written", "old-moved", "new-placed", "journal-removed", "old-removed"]
#: Where the kill happens before the site changes: the old site must stay.
BEFORE_THE_SWAP = {"staged", "journal-written"}

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork, flock and renameat2 are Linux's")


def in_child(work: Callable[[], None]) -> int:
    """Run ``work`` in a forked child process; its exit code (0 when ``work`` returns)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child: it must never return into pytest
        code = 0
        try:
            work()
        except BaseException:
            traceback.print_exc()
            code = 99
        finally:
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def stop_at(step: str) -> Callable[[str], None]:
    """A step hook that ends the process, as a kill would, once ``step`` is done."""

    def hook(name: str) -> None:
        if name == step:
            os._exit(KILLED)

    return hook


def workspace(tmp: Path) -> Path:
    target = tmp / "basic"
    shutil.copytree(FIXTURES / "valid" / "basic", target, ignore=shutil.ignore_patterns("site"))
    return target


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two real, different sites built by MkDocs: the old one and the new one."""
    root = tmp_path_factory.mktemp("sites")
    ws = workspace(root)
    assert build(ws, site_dir=root / "old").success
    edit(ws / "specs/features/FEAT-1.yaml", "title: Timeline view", "title: Timeline view, revised")
    assert build(ws, site_dir=root / "new").success
    return root / "old", root / "new"


def which(site_dir: Path, old: Path, new: Path) -> str | None:
    """``"old"`` or ``"new"`` when ``site_dir`` holds that complete site, file for file; else ``None``."""
    if not site_dir.is_dir() or not (site_dir / SITE_MARKER).is_file():
        return None
    found = snapshot(site_dir)
    return "old" if found == snapshot(old) else "new" if found == snapshot(new) else None


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".specgen-"))


@linux_only
def test_rename_exchange_works_on_this_filesystem(tmp_path: Path) -> None:
    """Measured, not assumed: renameat2(RENAME_EXCHANGE) swaps two folders here."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "a").write_text("first")
    (second / "b").write_text("second")
    assert publish.exchange(first, second), "renameat2 with RENAME_EXCHANGE is not available here"
    assert [p.name for p in first.iterdir()] == ["b"] and [p.name for p in second.iterdir()] == ["a"]


@linux_only
@pytest.mark.parametrize(
    ("atomic", "step"),
    [(True, s) for s in EXCHANGE_STEPS] + [(False, s) for s in JOURNAL_STEPS],
    ids=[f"exchange-{s}" for s in EXCHANGE_STEPS] + [f"journal-{s}" for s in JOURNAL_STEPS],
)
def test_a_kill_at_each_step_of_the_swap_leaves_one_complete_site(
    sites: tuple[Path, Path], tmp_path: Path, atomic: bool, step: str
) -> None:
    old, new = sites
    parent = tmp_path / "ws"
    parent.mkdir()
    site_dir = parent / "site"
    shutil.copytree(old, site_dir)

    def swap() -> None:
        hook = stop_at(step)
        folder = make_staging(parent, BUILD_PREFIX)
        shutil.copytree(new, folder / "site")
        hook("staged")
        swap_in(folder / "site", site_dir, step=hook, atomic=atomic)
        remove_staging(folder)

    assert in_child(swap) == KILLED, "the fault was not reached"
    found = which(site_dir, old, new)
    if atomic or step != "old-moved":
        # A reader finds a complete site at every moment, the old one until the swap took place.
        assert found == ("old" if step in BEFORE_THE_SWAP else "new")
    else:
        assert found is None  # between the two renames: the journal is what puts this right
        names = leftovers(parent)
        assert ".specgen-swap-site.json" in names and any(n.startswith(BUILD_PREFIX) for n in names)

    recover(site_dir)  # what the next build does first

    assert which(site_dir, old, new) == ("old" if step in BEFORE_THE_SWAP else "new")
    assert leftovers(parent) == [], "a killed run's folders (and the old site in them) must not stay"
    assert [p.name for p in parent.iterdir()] == ["site"]


@linux_only
@pytest.mark.parametrize("atomic", [True, False], ids=["exchange", "journal"])
def test_a_failing_swap_puts_the_old_site_back(sites: tuple[Path, Path], tmp_path: Path, atomic: bool) -> None:
    old, new = sites
    site_dir = tmp_path / "site"
    shutil.copytree(old, site_dir)
    folder = make_staging(tmp_path, BUILD_PREFIX)
    try:
        with pytest.raises(OSError):
            swap_in(folder / "site", site_dir, atomic=atomic)  # no new site there: the last step fails
    finally:
        remove_staging(folder)
    assert which(site_dir, old, new) == "old"
    assert leftovers(tmp_path) == []


@linux_only
@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "journal"])
def test_a_kill_between_the_two_renames_of_a_build_keeps_a_complete_site(tmp_path: Path, exchange: bool) -> None:
    """The whole build in a child that dies right after the first rename that moves the site."""
    ws = workspace(tmp_path)
    site_dir = ws / "site"
    assert build(ws).success
    before = snapshot(site_dir)
    edit(ws / "specs/features/FEAT-1.yaml", "title: Timeline view", "title: Timeline view, revised")

    def killed_build() -> None:
        if not exchange:
            publish._renameat2 = None  # this child only: as on a system without renameat2
        rename = os.rename

        def rename_then_die(src: object, dst: object, *args: object, **kwargs: object) -> None:
            rename(src, dst, *args, **kwargs)  # type: ignore[arg-type]
            if site_dir in (Path(str(src)), Path(str(dst))):
                os._exit(KILLED)

        os.rename = rename_then_die  # type: ignore[assignment]
        assert build(ws).success

    code = in_child(killed_build)
    revised = "Timeline view, revised"
    if exchange:  # never a rename of the site: it was exchanged whole
        assert (site_dir / SITE_MARKER).is_file(), "no site left after a kill between the renames"
        assert code == 0 and revised in (site_dir / "features/FEAT-1/index.html").read_text()
    else:
        assert code == KILLED and not site_dir.exists()
        recover(site_dir)
        assert (site_dir / SITE_MARKER).is_file() and revised in (site_dir / "features/FEAT-1/index.html").read_text()
    assert snapshot(site_dir) != before
    assert leftovers(ws) == []

    # The next command, as a user runs it, builds over it cleanly and leaves nothing behind.
    proc = subprocess.run(
        [sys.executable, "-m", "specgen", "build", "--workspace", str(ws)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert leftovers(ws) == []


def test_an_orphaned_old_site_of_an_earlier_version_is_put_back(sites: tuple[Path, Path], tmp_path: Path) -> None:
    """What specgen 0.1 left when killed between its renames: no site, the old one in a hidden folder."""
    old, new = sites
    orphan = tmp_path / ".specgen-build-k1ll3d"
    shutil.copytree(old, orphan / "previous")
    site_dir = tmp_path / "site"
    recover(site_dir)
    assert which(site_dir, old, new) == "old"
    assert leftovers(tmp_path) == []


HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from specgen.site.swap import make_staging
    parent = Path(sys.argv[1])
    for prefix in sys.argv[2:]:
        (make_staging(parent, prefix) / "page.md").write_text("work in progress")
    print("ready", flush=True)
    sys.stdin.read()
    """
)


def hold_staging(parent: Path, *prefixes: str) -> subprocess.Popen[str]:
    """A real process that makes working folders in ``parent`` and keeps them until its stdin closes."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(parent), *prefixes], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline() == "ready\n"
    return process


@linux_only
def test_a_live_run_s_folders_stay_and_a_dead_run_s_go(tmp_path: Path) -> None:
    with hold_staging(tmp_path, BUILD_PREFIX, DOCS_PREFIX) as live:
        with hold_staging(tmp_path, BUILD_PREFIX, DOCS_PREFIX) as dead:
            dead.kill()
        assert len(leftovers(tmp_path)) == 4
        recover(tmp_path / "site")
        kept = leftovers(tmp_path)
        assert len(kept) == 2 and sorted(name.startswith(BUILD_PREFIX) for name in kept) == [False, True]
        assert any(name.startswith(DOCS_PREFIX) for name in kept)
        assert all((tmp_path / name / "page.md").read_text() == "work in progress" for name in kept)
        live.kill()
    recover(tmp_path / "site")  # now that run is dead too
    assert leftovers(tmp_path) == []


@linux_only
def test_cleaning_never_follows_a_symlink_or_trusts_a_journal(tmp_path: Path) -> None:
    """Both could come from a pull request: ``.specgen-*`` names in the workspace are not proof of anything."""
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("keep")
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / ".specgen-build-evil").symlink_to(precious)
    (ws / ".specgen-swap-site.json").write_text(json.dumps({"site": "site", "new": "../precious", "old": "/etc"}))
    (ws / ".specgen-swap-docs.json").write_text('{"site": "do')  # cut short by a kill while written
    recover(ws / "site")
    assert (precious / "keep.txt").read_text() == "keep"
    assert not (ws / "site").exists()
    assert leftovers(ws) == [".specgen-build-evil"]  # not ours: a symlink is never followed, nor removed


@linux_only
def test_readers_always_find_a_complete_site_while_it_is_swapped(sites: tuple[Path, Path], tmp_path: Path) -> None:
    old, new = sites
    site_dir = tmp_path / "site"
    shutil.copytree(old, site_dir)
    rounds = 20

    def swap_many() -> None:
        for n in range(rounds):
            folder = make_staging(tmp_path, BUILD_PREFIX)
            shutil.copytree(new if n % 2 == 0 else old, folder / "site")
            swap_in(folder / "site", site_dir)
            remove_staging(folder)

    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            swap_many()
        except BaseException:
            traceback.print_exc()
            code = 99
        finally:
            os._exit(code)
    looks = misses = 0
    while os.waitpid(pid, os.WNOHANG) == (0, 0):
        looks += 1
        misses += not (site_dir / SITE_MARKER).is_file() or not (site_dir / "index.html").is_file()
    assert looks > rounds and misses == 0
    assert which(site_dir, old, new) == "old" and leftovers(tmp_path) == []


@linux_only
@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "journal"])
def test_two_builds_at_once_both_succeed(tmp_path: Path, exchange: bool) -> None:
    ws = workspace(tmp_path)
    script = textwrap.dedent(
        f"""
        import sys
        from specgen.cli import main
        if not {exchange}:
            from specgen.site import swap as publish
            publish._renameat2 = None  # as on a system without renameat2
        main(["build", "--workspace", sys.argv[1]])
        """
    )
    builds = [
        subprocess.Popen([sys.executable, "-c", script, str(ws)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(2)
    ]
    outputs = [b.communicate(timeout=300)[0].decode() for b in builds]
    assert [b.returncode for b in builds] == [0, 0], outputs
    assert (ws / "site" / SITE_MARKER).is_file() and (ws / "site/features/FEAT-1/index.html").is_file()
    assert leftovers(ws) == []
