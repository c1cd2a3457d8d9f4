"""Serve: a live preview that rebuilds when a spec or a template changes.

The preview is built into a temporary folder, never into the workspace's
``site/``, by a :class:`~specgen.site.preview.Preview`: a full build first, then
only the pages an edit changed. While the specs have errors, the browser keeps
showing the last good preview, and every page it is sent carries a banner
listing the diagnostics (see :mod:`specgen.site.overlay`), as the terminal
does; a page no good build has yet is a page of the diagnostics instead of a
``404``. MkDocs' live-reload server watches the files and tells the browser to
reload after each rebuild.

The server's own life is guarded here:

* the address is bound before the first build, so a port in use is a usage
  error at once, and "serving the preview on ..." is printed only once the
  server accepts connections;
* a request path that no file can have (a NUL or another control character)
  is a plain ``400``, never a traceback;
* a watched path that is deleted, made again or made later is noticed and
  watched again (watchdog's polling emitter stops for good once its folder
  is gone);
* the preview folder is removed on a normal exit, Ctrl+C, SIGTERM and SIGHUP,
  and the folder of an earlier run that was killed outright is removed by the
  next run: each run holds a lock on a file in its folder for as long as it
  lives, and the kernel lets go of it however the process ends.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import FrameType
from typing import Any

import click
from mkdocs.livereload import LiveReloadServer

from specgen.check import resolve_settings
from specgen.config import CONFIG_FILE
from specgen.site.overlay import Shown, inject, problem_page
from specgen.site.preview import Preview

try:
    import fcntl
except ImportError:  # pragma: no cover  # not on Windows: there, killed runs leave their folder
    fcntl = None  # type: ignore[assignment]

PREFIX = "specgen-preview-"
#: The file in a preview folder that its run keeps locked while it lives.
LOCK_FILE = "owner.lock"
#: How often the watched paths are checked for having been deleted or replaced.
WATCH_INTERVAL = 0.5


def parse_address(dev_addr: str) -> tuple[str, int]:
    """``IP:PORT`` into its parts; a bad address is a usage error."""
    host, _, port = dev_addr.rpartition(":")
    if not host or not (port.isascii() and port.isdigit()) or not 0 < int(port) < 65536:
        raise click.BadParameter(f"expected IP:PORT, got {dev_addr!r}", param_hint="--dev-addr")
    return host.strip("[]"), int(port)


class _Stopped(BaseException):
    """Raised in the main thread by SIGTERM or SIGHUP.

    A BaseException, like KeyboardInterrupt, so that MkDocs' rebuild loop,
    which reports any Exception and carries on, lets it through.
    """


def serve(
    workspace: Path | str = ".", *, dev_addr: str = "127.0.0.1:8000", trust_mkdocs_config: bool | None = None
) -> int:
    """Serve a live preview until interrupted; returns the exit code.

    ``trust_mkdocs_config`` lets MkDocs read ``mkdocs.yml`` as it is (see
    :mod:`specgen.siteconfig`); when ``None``, the environment decides.
    """
    host, port = parse_address(dev_addr)
    settings, _ = resolve_settings(workspace, trust_mkdocs_config=trust_mkdocs_config)
    remove_dead_previews()
    try:
        root, lock = _make_preview_folder()
    except OSError as error:
        click.echo(f"specgen: cannot make the preview folder in {tempfile.gettempdir()}: {error}", err=True)
        return 2
    stopping = threading.Event()
    restore = _stop_on_signals(stopping)
    server: _Server | None = None
    watcher: _Watcher | None = None
    try:
        preview = Preview(settings, root)
        site = preview.site
        # Touched after a quick pass: the server sees the change, reloads the
        # browsers with the quick pass and calls rebuild() again for the complete one.
        pending = root / "pending"
        pending.touch()

        def rebuild() -> None:
            started = time.perf_counter()
            rebuilt = preview.rebuild()
            result = rebuilt.result
            for diagnostic in result.diagnostics:
                click.echo(str(diagnostic), err=True)
            took = f"{time.perf_counter() - started:.1f} s"
            if result.success and rebuilt.pending:
                click.echo(f"preview: the edited pages rebuilt in {took}; now the pages that gather them", err=True)
                pending.write_text(str(started), encoding="utf-8")
            elif result.success:
                what = "built" if rebuilt.full else f"rebuilt {rebuilt.pages} of {result.pages} pages"
                click.echo(f"preview {what} in {took}", err=True)
            else:
                click.echo("the specs have problems: the preview shows the last good build", err=True)
            # Set before the server lets the waiting requests go on (it does once this returns).
            live.shown = Shown.of(result.diagnostics, success=result.success)

        server = live = _Server(builder=rebuild, host=host, port=port, root=str(site))
        try:
            server.bind()
        except OSError as error:
            click.echo(f"specgen: cannot serve on {dev_addr}: {error.strerror or error}", err=True)
            return 2
        rebuild()
        watched = [settings.specs_dir, settings.templates_dir, settings.mkdocs_config, settings.workspace / CONFIG_FILE]
        server.watch(str(pending))
        watcher = _Watcher(server, watched, settings.workspace, lambda: _touch(pending))
        watcher.start()
        click.echo(f"serving the preview on {server.url} (Ctrl+C to stop)", err=True)
        server.serve()  # type: ignore[no-untyped-call]  # MkDocs does not annotate it
    except (KeyboardInterrupt, _Stopped):
        click.echo("stopped", err=True)
    finally:
        stopping.set()  # a second signal during the clean-up must not cut it short
        if watcher is not None:
            watcher.stop()
        if server is not None:
            server.shutdown()
        shutil.rmtree(root, ignore_errors=True)
        os.close(lock)
        restore()
    return 0


class _Server(LiveReloadServer):
    """MkDocs' live-reload server, bound before the first build, refusing paths no file has.

    Every HTML page it answers carries what :attr:`shown` calls for: the
    banner of a failed rebuild, or the note of warnings.
    """

    _bound = False
    #: The last rebuild's findings: replaced whole by the builder, read by the request threads.
    shown = Shown()

    def bind(self) -> None:
        """Bind and listen now; ``serve()`` then uses this socket."""
        super().server_bind()
        super().server_activate()
        self._bound = True

    def server_bind(self) -> None:
        if not self._bound:
            super().server_bind()

    def server_activate(self) -> None:
        if not self._bound:
            super().server_activate()

    def serve_request(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Answer ``400`` to a path with a control character, which no site file has.

        MkDocs passes such a path to ``open()``, and a NUL makes that raise
        ValueError: a ``500`` and a traceback in the terminal on every request.
        """
        path = str(environ.get("PATH_INFO", ""))
        if any(ord(c) < 0x20 or ord(c) == 0x7F for c in path):
            start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"400 Bad Request: no file has such a path"]
        return super().serve_request(environ, start_response)

    def _serve_request(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes] | None:
        """MkDocs' answer, or, for a page the site lacks while the specs have problems, a page of them.

        The page that the first build would have made, or that the failed
        rebuild would have added, shows what stops it rather than a bare 404,
        and reloads by itself like any other page.
        """
        # _serve_request and _inject_js_into_html are MkDocs' own (1.6): the serve tests fail if they change.
        answer = super()._serve_request(environ, start_response)
        shown = self.shown
        path = str(environ.get("PATH_INFO", ""))
        if answer is not None or not shown.stale or not _is_page(path):
            return answer
        built = (Path(self.root) / "index.html").is_file()
        status, title = (
            ("404 Not Found", "This page is not in the last good build")
            if built
            else ("503 Service Unavailable", "No preview yet: fix the problems below")
        )
        with self._epoch_cond:
            epoch = self._visible_epoch
        # Through MkDocs' own injection only: the page is the list, it needs no banner on top.
        content: bytes = super()._inject_js_into_html(problem_page(shown, title=title), epoch)  # type: ignore[no-untyped-call]
        start_response(status, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(content)))])
        return [content]

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        """MkDocs' reload script, and the banner or note of the last rebuild (at serve time: no built file has it)."""
        injected: bytes = super()._inject_js_into_html(inject(content, self.shown), epoch)  # type: ignore[no-untyped-call]
        return injected


def _is_page(path: str) -> bool:
    """Whether a request path names a page (a folder or an ``.html`` file), not an asset."""
    name = posixpath.basename(path)
    return path.endswith("/") or name.endswith(".html") or "." not in name


class _Watcher:
    """Keeps MkDocs watching the workspace's paths when they are deleted, made again or made later.

    MkDocs watches a path with watchdog's polling emitter, which stops for good
    when a poll finds its path gone: a workspace deleted and made again, or a
    ``templates/`` folder replaced, would stop the preview without a word. This
    thread looks at each path twice a second, says when one is gone, and
    watches it again once it is back or when its emitter has stopped.
    """

    def __init__(self, server: _Server, paths: list[Path], workspace: Path, rebuild: Callable[[], None]) -> None:
        self.server = server
        self.workspace = workspace
        self.rebuild = rebuild
        # Keyed by the text that MkDocs and watchdog know each path by (the settings' paths are resolved).
        self._paths = {str(path): path for path in paths}
        self._watched: set[str] = set()
        self._gone: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="specgen-watch", daemon=True)
        for key, path in self._paths.items():
            if path.exists():
                self.server.watch(key)
                self._watched.add(key)

    def start(self) -> None:
        """Start looking after the watches."""
        self._thread.start()

    def stop(self) -> None:
        """Stop looking after the watches; returns when the thread has ended."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(WATCH_INTERVAL):
            self.check()

    def check(self) -> None:
        """One look at every path: say what was deleted, watch again what is back or was made."""
        if not self.server.observer.is_alive():
            return  # not serving yet, or stopping: no emitter runs
        # watchdog 7 watches a file through its folder: the path it was asked for is then raw_path.
        alive = {
            getattr(emitter.watch, "raw_path", emitter.watch.path)
            for emitter in self.server.observer.emitters
            if emitter.is_alive()
        }
        gone, back, renewed, made = [], [], [], []
        for key, path in self._paths.items():
            exists = path.exists()
            if key in self._watched and (not exists or key not in alive):
                self.server.unwatch(key)
                self._watched.discard(key)
                if not exists:
                    self._gone.add(key)
                    gone.append(path)
                    continue
                renewed.append(path)  # deleted and made again between two looks
            if exists and key not in self._watched:
                self.server.watch(key)
                self._watched.add(key)
                if key in self._gone:
                    self._gone.discard(key)
                    back.append(path)
                elif path not in renewed:
                    made.append(path)
        if gone:
            click.echo(
                f"preview: {self._names(gone)} deleted: the preview keeps the last good build "
                "and picks the files up again when they are back",
                err=True,
            )
        if back or renewed:
            click.echo(f"preview: {self._names(back + renewed)} made again: watching the new files", err=True)
        if made:
            click.echo(f"preview: now watching {self._names(made)}", err=True)
        if gone or back or renewed or made:
            self.rebuild()

    def _names(self, paths: list[Path]) -> str:
        names = []
        for path in paths:
            try:
                names.append(path.relative_to(self.workspace).as_posix())
            except ValueError:
                names.append(str(path))
        return ", ".join(names)


def _touch(path: Path) -> None:
    """Change a watched file, so that the server rebuilds."""
    path.write_text(str(time.time()), encoding="utf-8")


def _stop_on_signals(stopping: threading.Event) -> Callable[[], None]:
    """Make SIGTERM and SIGHUP stop the server as Ctrl+C does; returns what restores the old handlers."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # only the main thread can set handlers; the caller stops the server itself

    def handler(signum: int, frame: FrameType | None) -> None:
        if stopping.is_set():
            return
        stopping.set()
        raise _Stopped(signum)

    def interrupt(signum: int, frame: FrameType | None) -> None:
        if not stopping.is_set():
            raise KeyboardInterrupt

    previous = {}
    for number, new in ((signal.SIGTERM, handler), (signal.SIGHUP, handler), (signal.SIGINT, interrupt)):
        # A signal the caller ignores stays ignored: `nohup specgen serve` goes on after a hang-up.
        if signal.getsignal(number) is not signal.SIG_IGN:
            previous[number] = signal.signal(number, new)

    def restore() -> None:
        for number, old in previous.items():
            signal.signal(number, old)

    return restore


def _make_preview_folder() -> tuple[Path, int]:
    """A fresh preview folder and the descriptor of its lock, held for the run's life."""
    root = Path(tempfile.mkdtemp(prefix=PREFIX))
    lock = -1
    try:
        # Locked under a temporary name first and renamed after: a run looking for
        # dead folders never sees this one's lock file unlocked.
        draft = root / f"{LOCK_FILE}.new"
        lock = os.open(draft, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        draft.rename(root / LOCK_FILE)
        os.write(lock, f"{os.getpid()}\n".encode())
    except OSError:
        if lock >= 0:
            os.close(lock)
        shutil.rmtree(root, ignore_errors=True)
        raise
    return root, lock


def remove_dead_previews(folder: Path | None = None) -> list[Path]:
    """Remove the preview folders of this user's earlier runs that have ended; returns them.

    A folder is removed only when it is a real folder of this user, named like
    a preview folder, holding a lock file that no live process holds. A folder
    without a lock file (an older specgen's, or one being made) is left alone.
    """
    if fcntl is None:
        return []
    removed = []
    try:
        candidates = sorted(Path(folder or tempfile.gettempdir()).glob(f"{PREFIX}*"))
    except OSError:
        return []
    for candidate in candidates:
        if _remove_if_dead(candidate):
            removed.append(candidate)
    return removed


def _remove_if_dead(candidate: Path) -> bool:
    """Remove ``candidate`` if its run has ended; True if it was removed."""
    assert fcntl is not None
    try:
        status = candidate.lstat()  # a link is never followed, to a folder or to anything else
        if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.getuid():
            return False
        lock = os.open(candidate / LOCK_FILE, os.O_RDWR | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # its run is alive
    else:
        # Removed while holding the lock, so that two runs starting at once do not both try.
        shutil.rmtree(candidate, ignore_errors=True)
        return True
    finally:
        os.close(lock)
