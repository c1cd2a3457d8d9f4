"""The live preview: a real server, a real edit, a real rebuild."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

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


def test_serve_rebuilds_on_spec_change(basic: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "specgen", "serve", "--workspace", str(basic), "--dev-addr", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    page = f"http://127.0.0.1:{port}/features/FEAT-1/"
    try:
        assert wait_for(lambda: "Timeline view" in fetch(page)), "the preview never came up"
        assert "livereload" in fetch(page)

        edit(basic / "specs/features/FEAT-1.yaml", "title: Timeline view", "title: Quarter timeline")
        assert wait_for(lambda: "Quarter timeline" in fetch(page)), "the edit never reached the preview"
        # The quick pass rebuilt the feature's page; the complete pass follows by itself.
        index = f"http://127.0.0.1:{port}/features/"
        assert wait_for(lambda: "Quarter timeline" in fetch(index)), "the pages that list the feature never followed"
        search = f"http://127.0.0.1:{port}/search/search_index.json"
        assert "Quarter timeline" in fetch(search)

        # A broken spec keeps the last good preview.
        edit(basic / "specs/features/FEAT-1.yaml", "status: planned", "status: plannd")
        time.sleep(2)
        assert "Quarter timeline" in fetch(page)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)
    assert "the edited pages rebuilt in" in output
    assert "error[SG204]" in output
    assert "Traceback" not in output
    assert not (basic / "site").exists(), "the preview must not touch the workspace's site/"


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
