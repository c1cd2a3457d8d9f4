"""The live preview: a real server, real edits, real requests and real signals.

Every server runs in a subprocess on 127.0.0.1 with its own temporary folder
(``TMPDIR``), so that a test sees exactly the preview folders it made. Every
wait is bounded.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from specgen.site.serve import LOCK_FILE, PREFIX, remove_dead_previews

from .conftest import FIXTURES
from .test_schema import edit


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def status_of(url: str) -> tuple[int, str]:
    """The HTTP status and body of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return int(error.code), error.read().decode("utf-8", "replace")


def ignoring(numbers: tuple[int, ...]) -> Callable[[], None]:
    """What makes a child ignore these signals, as ``nohup`` does; a child inherits what its caller ignores.

    The stop signals not named get their default action back, so that a test
    run itself started under ``nohup`` still sends the server a hang-up it hears.
    """

    def ignore() -> None:
        for number in (signal.SIGHUP, signal.SIGTERM, signal.SIGINT):
            signal.signal(number, signal.SIG_IGN if number in numbers else signal.SIG_DFL)
        for number in numbers:
            signal.signal(number, signal.SIG_IGN)

    return ignore


class Served:
    """``specgen serve`` in a subprocess, its output in a file that can be read while it runs."""

    def __init__(self, workspace: Path, tmp: Path, port: int | None = None, ignored: tuple[int, ...] = ()) -> None:
        self.port = port or free_port()
        self.tmp = tmp
        tmp.mkdir(exist_ok=True)
        self.log = tmp.parent / f"serve-{self.port}.log"
        self.url = f"http://127.0.0.1:{self.port}"
        address = f"127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "specgen", "serve", "-w", str(workspace), "--dev-addr", address]
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, "TMPDIR": str(tmp)},
                preexec_fn=ignoring(ignored),
            )

    @property
    def output(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def folders(self) -> list[Path]:
        return sorted(self.tmp.glob(f"{PREFIX}*"))

    def wait_until_serving(self) -> None:
        assert wait_for(lambda: "serving the preview on" in self.output or self.proc.poll() is not None, 60)
        assert self.proc.poll() is None, self.output
        # The line is printed once the address is bound: a connection is accepted at once.
        socket.create_connection(("127.0.0.1", self.port), timeout=2).close()

    def stop(self, signum: int = signal.SIGTERM) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signum)
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            raise


@pytest.fixture
def served(basic: Path, tmp_path: Path) -> Iterator[Callable[..., Served]]:
    started: list[Served] = []

    def start(workspace: Path = basic, port: int | None = None, ignored: tuple[int, ...] = ()) -> Served:
        started.append(Served(workspace, tmp_path / "tmp", port, ignored))
        return started[-1]

    yield start
    for server in started:
        if server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait(timeout=10)


def test_serve_rebuilds_on_spec_change(basic: Path, served: Callable[..., Served]) -> None:
    server = served()
    page = f"{server.url}/features/FEAT-1/"
    server.wait_until_serving()
    assert wait_for(lambda: "Timeline view" in fetch(page)), "the preview never came up"
    assert "livereload" in fetch(page)

    edit(basic / "specs/features/FEAT-1.yaml", "title: Timeline view", "title: Quarter timeline")
    assert wait_for(lambda: "Quarter timeline" in fetch(page)), "the edit never reached the preview"
    # The quick pass rebuilt the feature's page; the complete pass follows by itself.
    index = f"{server.url}/features/"
    assert wait_for(lambda: "Quarter timeline" in fetch(index)), "the pages that list the feature never followed"
    assert "Quarter timeline" in fetch(f"{server.url}/search/search_index.json")

    # A broken spec keeps the last good preview.
    edit(basic / "specs/features/FEAT-1.yaml", "status: planned", "status: plannd")
    assert wait_for(lambda: "error[SG204]" in server.output)
    assert "Quarter timeline" in fetch(page)
    assert server.stop() == 0
    assert "the edited pages rebuilt in" in server.output
    assert "Traceback" not in server.output
    assert not (basic / "site").exists(), "the preview must not touch the workspace's site/"


def test_serve_answers_400_to_a_path_no_file_has(served: Callable[..., Served]) -> None:
    server = served()
    server.wait_until_serving()
    assert wait_for(lambda: "Timeline view" in fetch(f"{server.url}/features/FEAT-1/"))
    for path in ("/%00", "/%00", "/features/%00/", "/index.html%00.png", "/a%0ab", "/%7f"):
        status, body = status_of(server.url + path)
        assert status == 400, path
        assert "Bad Request" in body
    # Odd but harmless paths keep their usual answers; traversal stays inside the site.
    assert status_of(f"{server.url}/{'a' * 5000}")[0] == 404
    assert status_of(f"{server.url}/../../../etc/passwd")[0] == 404
    assert status_of(f"{server.url}/features/FEAT-1/")[0] == 200
    assert server.stop() == 0
    assert "Traceback" not in server.output
    assert "code 500" not in server.output


def test_serve_follows_a_workspace_deleted_and_made_again(basic: Path, served: Callable[..., Served]) -> None:
    server = served()
    page = f"{server.url}/features/FEAT-1/"
    server.wait_until_serving()
    assert wait_for(lambda: "Timeline view" in fetch(page))

    shutil.rmtree(basic)
    # Long enough for the watcher's polls to find the folders gone, as after a branch switch or a fresh clone.
    time.sleep(2)
    assert "Timeline view" in fetch(page), "the preview keeps the last good build"
    shutil.copytree(FIXTURES / "valid" / "basic", basic, ignore=shutil.ignore_patterns("site"))
    edit(basic / "specs/features/FEAT-1.yaml", "title: Timeline view", "title: Timeline after the clone")
    assert wait_for(lambda: "Timeline after the clone" in fetch(page)), server.output
    assert "preview: specs, mkdocs.yml deleted" in server.output
    assert "preview: specs, mkdocs.yml made again: watching the new files" in server.output

    # A folder that did not exist when the preview started is watched once it is made.
    (basic / "templates").mkdir()
    (basic / "templates/home.md.j2").write_text("# {{ product.name }}\n\nA home page of our own.\n", encoding="utf-8")
    assert wait_for(lambda: "A home page of our own." in fetch(f"{server.url}/")), server.output
    assert "preview: now watching templates" in server.output

    # And the new files go on being followed.
    edit(basic / "specs/features/FEAT-1.yaml", "title: Timeline after the clone", "title: Timeline, edited later")
    assert wait_for(lambda: "Timeline, edited later" in fetch(page)), server.output
    assert server.stop() == 0
    assert "Traceback" not in server.output


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=lambda s: s.name)
def test_serve_removes_its_folder_when_stopped(signum: signal.Signals, served: Callable[..., Served]) -> None:
    server = served()
    server.wait_until_serving()
    assert len(server.folders()) == 1
    assert server.stop(signum) == 0
    assert server.folders() == []
    assert "stopped" in server.output
    assert "Traceback" not in server.output


def test_serve_keeps_a_signal_its_caller_ignores_ignored(served: Callable[..., Served]) -> None:
    server = served(ignored=(signal.SIGHUP,))
    server.wait_until_serving()
    server.proc.send_signal(signal.SIGHUP)
    time.sleep(1)
    assert server.proc.poll() is None, "`nohup specgen serve` must go on after a hang-up"
    assert status_of(f"{server.url}/features/FEAT-1/")[0] == 200
    assert server.stop(signal.SIGTERM) == 0
    assert server.folders() == []


def test_serve_removes_its_folder_when_stopped_during_the_first_build(served: Callable[..., Served]) -> None:
    server = served()
    assert wait_for(lambda: bool(server.folders()), 30)
    assert server.stop(signal.SIGTERM) == 0
    assert server.folders() == []
    assert "Traceback" not in server.output


def test_serve_removes_the_folder_of_a_killed_run_only(served: Callable[..., Served], tmp_path: Path) -> None:
    killed = served()
    killed.wait_until_serving()
    [dead] = killed.folders()
    killed.proc.kill()  # SIGKILL: no clean-up can run
    killed.proc.wait(timeout=10)
    assert dead.is_dir()

    tmp = tmp_path / "tmp"
    # A run that is alive holds the lock on its folder's lock file: this test holds it here.
    alive = tmp / f"{PREFIX}alive"
    alive.mkdir()
    holder = os.open(alive / LOCK_FILE, os.O_RDWR | os.O_CREAT)
    fcntl.flock(holder, fcntl.LOCK_EX)
    # A folder without a lock file (an older specgen's, or one being made) is not known to be dead.
    (tmp / f"{PREFIX}unknown").mkdir()
    try:
        server = served()
        server.wait_until_serving()
        names = {folder.name for folder in server.folders()}
        assert dead.name not in names
        assert {f"{PREFIX}alive", f"{PREFIX}unknown"} <= names
        assert len(names) == 3  # and the new run's own
        assert server.stop() == 0
        assert {folder.name for folder in server.folders()} == {f"{PREFIX}alive", f"{PREFIX}unknown"}
    finally:
        os.close(holder)


def test_remove_dead_previews_never_follows_a_link(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / LOCK_FILE).write_text("")
    (elsewhere / "precious").write_text("keep me")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    (tmp / f"{PREFIX}link").symlink_to(elsewhere, target_is_directory=True)
    dead = tmp / f"{PREFIX}dead"
    dead.mkdir()
    (dead / LOCK_FILE).write_text("")
    (tmp / f"{PREFIX}file").write_text("")
    assert remove_dead_previews(tmp) == [dead]
    assert (elsewhere / "precious").read_text() == "keep me"
    assert sorted(p.name for p in tmp.iterdir()) == [f"{PREFIX}file", f"{PREFIX}link"]


def test_serve_on_a_port_in_use_is_a_usage_error(basic: Path, tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-m", "specgen", "serve", "-w", str(basic), "--dev-addr", f"127.0.0.1:{port}"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
            env={**os.environ, "TMPDIR": str(tmp)},
        )
    assert proc.returncode == 2
    assert f"specgen: cannot serve on 127.0.0.1:{port}: Address already in use" in proc.stderr
    # The address is bound before the first build: nothing is built, nothing claims to be served.
    assert "serving the preview" not in proc.stderr
    assert "preview built" not in proc.stderr
    assert "Traceback" not in proc.stderr
    assert list(tmp.iterdir()) == []


def test_serve_rejects_a_bad_address(basic: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "specgen", "serve", "--workspace", str(basic), "--dev-addr", "nowhere"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    assert proc.returncode == 2
    assert "expected IP:PORT" in proc.stderr


def test_a_port_in_other_digits_is_a_usage_error() -> None:
    import click

    from specgen.site.serve import parse_address

    with pytest.raises(click.BadParameter):
        parse_address("127.0.0.1:²")


BANNER = '<section id="specgen-problems"'


def test_serve_shows_the_problems_on_every_page_until_they_are_fixed(
    basic: Path, served: Callable[..., Served]
) -> None:
    server = served()
    page = f"{server.url}/features/FEAT-1/"
    server.wait_until_serving()
    assert wait_for(lambda: "Timeline view" in fetch(page))
    assert "specgen-problems" not in fetch(page), "a clean preview has no banner"

    feature = basic / "specs/features/FEAT-1.yaml"
    good = feature.read_text(encoding="utf-8")
    # A typo'd key, and a value that would run if it were not escaped.
    feature.write_text(
        good.replace("summary:", "sumary:").replace("status: planned", 'status: "<script>alert(1)</script>"'),
        encoding="utf-8",
    )
    assert wait_for(lambda: BANNER in fetch(page)), server.output
    shown = fetch(page)
    banner = shown[shown.index(BANNER) :]
    assert (
        "<code>specs/features/FEAT-1.yaml:3:1</code>: error[<code>SG201</code>]: unknown key &#x27;sumary&#x27;"
        in banner
    )
    assert "<code>specs/features/FEAT-1.yaml:4:9</code>: error[<code>SG204</code>]: status: " in banner
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in banner
    assert "<script>alert(1)" not in shown
    assert "See the quarter at a glance." in shown, "the last good build stays underneath"
    assert "livereload(" in shown, "the page still reloads by itself"
    assert BANNER in fetch(f"{server.url}/"), "every page has it"
    # A page the last good build lacks shows the problems too, and reloads by itself.
    status, missing = status_of(f"{server.url}/features/FEAT-9/")
    assert status == 404
    assert "specs/features/FEAT-1.yaml:3:1" in missing and "livereload(" in missing
    assert status_of(f"{server.url}/assets/missing.js")[0] == 404
    assert "specgen-problems" not in status_of(f"{server.url}/assets/missing.js")[1]

    feature.write_text(good, encoding="utf-8")
    assert wait_for(lambda: "Timeline view" in fetch(page) and "specgen-problems" not in fetch(page)), server.output
    assert "specgen-problems" not in fetch(f"{server.url}/")

    # specgen.yaml's problems are shown as well, and go when it is fixed.
    (basic / "specgen.yaml").write_text("strcit: true\n", encoding="utf-8")
    assert wait_for(lambda: BANNER in fetch(page)), server.output
    assert "<code>specgen.yaml:1:1</code>: error[<code>SG403</code>]: unknown setting &#x27;strcit&#x27;" in fetch(page)
    (basic / "specgen.yaml").unlink()
    assert wait_for(lambda: "Timeline view" in fetch(page) and "specgen-problems" not in fetch(page)), server.output
    assert server.stop() == 0
    assert "Traceback" not in server.output


def test_serve_before_any_good_build_shows_the_problems_not_a_404(basic: Path, served: Callable[..., Served]) -> None:
    edit(basic / "specs/features/FEAT-1.yaml", "status: planned", "status: plannd")
    server = served()
    server.wait_until_serving()
    for path in ("/", "/features/FEAT-1/", "/roadmap/index.html"):
        status, body = status_of(server.url + path)
        assert status == 503, path
        assert "No preview yet" in body
        assert "<code>specs/features/FEAT-1.yaml:4:9</code>: error[<code>SG204</code>]" in body
        assert "livereload(" in body, "it reloads by itself once the specs are fixed"

    edit(basic / "specs/features/FEAT-1.yaml", "status: plannd", "status: planned")
    page = f"{server.url}/features/FEAT-1/"
    assert wait_for(lambda: "Timeline view" in fetch(page)), server.output
    assert "specgen-problems" not in fetch(page)
    assert server.stop() == 0
    assert "Traceback" not in server.output
