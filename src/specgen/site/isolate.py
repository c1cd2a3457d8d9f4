"""Isolate: run a function in a child process that cannot outrun its budget.

Workspace templates arrive in pull requests. Jinja's sandbox keeps them away
from Python's internals, but not from loops whose product runs for hours or
from values that grow to gigabytes (``"x" * 10**9``, ``'x'.ljust(10**9)``, a
``{% set %}`` doubled in a loop). Its hooks cannot bound all of that, and
``SIGALRM`` works only in the main thread and cannot interrupt one long C
call. A process boundary can: :func:`run_bounded` forks, the child limits its
own address space (``RLIMIT_AS``) and runs the job, and the parent enforces the
wall clock, killing the child when a step or the whole job takes too long.

The child reports the start of each step (a page, say) to the parent over a
pipe, one short JSON line each, so the parent can name the step that overran;
at the end it sends the job's result, also as JSON. Anything large (rendered
pages) is written by the child itself, never sent back.

Linux is the target. Where ``os.fork`` is unavailable (Windows), the job runs
in the calling process with no bound at all; where the address space cannot
be limited (``/proc`` or ``RLIMIT_AS`` missing, as on macOS), only the time
bounds hold.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import select
import signal
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

#: The job of a child: called with a function that announces the start of each step.
Job = Callable[[Callable[[Any], None]], Any]

#: The child's exit status after a MemoryError: sending a message then might fail too.
_MEMORY_EXIT = 3


@dataclass(frozen=True)
class Budget:
    """What a bounded job may cost: seconds per step, seconds in all, and memory."""

    seconds_per_step: float
    seconds_total: float
    #: Address space the child may add to what it shares with the parent, in MiB.
    memory_mb: int


@dataclass(frozen=True)
class Overrun:
    """Why a child was stopped before it finished, and in which step."""

    reason: Literal["step time", "total time", "memory", "died"]
    #: The step the child last announced (``None`` before the first).
    step: Any
    #: For ``died``: how the child ended.
    detail: str = ""


class ChildError(RuntimeError):
    """The job raised an exception in the child: a bug in the job, with the child's traceback."""


def run_bounded(job: Job, budget: Budget) -> Any:
    """Run ``job`` in a forked child within ``budget``: its JSON result, or an :class:`Overrun`.

    ``job(step)`` calls ``step(value)`` (any small JSON value) when it starts
    each step; its return value must be JSON. An exception it raises is
    re-raised here as :class:`ChildError`, except ``MemoryError``, which is an
    overrun of the memory budget.
    """
    if not hasattr(os, "fork"):
        return job(lambda _value: None)
    read_end, write_end = os.pipe()
    # Frozen objects are not scanned by the child's garbage collector, so the
    # child does not write to (and copy) every page of the parent's objects.
    # They stay frozen in the child for its whole life: only the parent thaws.
    gc.freeze()
    try:
        with warnings.catch_warnings():
            # Python 3.12 warns when a process with threads forks (the preview
            # server has some). The child only renders and writes files: it
            # takes no lock another thread may hold, and the parent's clock
            # bounds it whatever happens.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except BaseException:
        gc.unfreeze()
        raise
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        os.close(read_end)
        _child(job, write_end, budget.memory_mb)
    gc.unfreeze()
    os.close(write_end)
    try:
        return _watch(pid, read_end, budget)
    finally:
        os.close(read_end)
        _reap(pid)


def _child(job: Job, out: int, memory_mb: int) -> None:  # pragma: no cover - runs in the child
    """Run the job and report to the parent; never returns."""
    status = 1
    try:
        _limit_memory(memory_mb)
        result = job(lambda value: _send(out, {"step": value}))
        _send(out, {"result": result})
        status = 0
    except MemoryError:
        status = _MEMORY_EXIT
    except BaseException as error:  # whatever it is, the parent must hear of it
        # Libraries wrap errors (MkDocs turns a plugin's failure into its own), and
        # reporting one needs memory too: out of memory, either way, is a memory overrun.
        status = _MEMORY_EXIT if _out_of_memory(error) else 1
        if status == 1:
            try:
                _send(out, {"raised": "".join(traceback.format_exception(error))})
            except MemoryError:
                status = _MEMORY_EXIT
            except BaseException:  # nothing more can be said; the exit status tells the parent
                pass
    finally:
        # Never run the parent's cleanup (atexit, buffered output, test fixtures) a second time.
        os._exit(status)


def _out_of_memory(error: BaseException) -> bool:  # pragma: no cover - runs in the child
    """Whether ``error`` is, or was raised while handling or because of, a MemoryError."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, MemoryError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _limit_memory(memory_mb: int) -> None:  # pragma: no cover - runs in the child
    """Let the address space grow by at most ``memory_mb`` beyond what the child starts with.

    The child starts with the parent's whole address space (the model it
    renders, shared copy-on-write), so the budget is what it may add.
    """
    try:
        import resource

        pages = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[0])
        size = pages * os.sysconf("SC_PAGE_SIZE")
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = size + memory_mb * 1024 * 1024
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):
        pass  # no /proc or no RLIMIT_AS here: the time bounds still hold


def _send(out: int, message: dict[str, Any]) -> None:
    data = (json.dumps(message, separators=(",", ":")) + "\n").encode("utf-8")
    while data:
        data = data[os.write(out, data) :]


def _watch(pid: int, messages: int, budget: Budget) -> Any:
    """Read the child's messages until it ends or overruns; kill it when it overruns."""
    now = time.monotonic()
    total_deadline = now + budget.seconds_total
    step_deadline = now + budget.seconds_per_step
    step: Any = None
    outcome: dict[str, Any] = {}
    pending = bytearray()
    poller = select.poll()
    poller.register(messages, select.POLLIN)
    while True:
        now = time.monotonic()
        deadline = min(step_deadline, total_deadline)
        if now >= deadline:
            _kill(pid)
            return Overrun("total time" if total_deadline <= step_deadline else "step time", step)
        if not poller.poll(max(1, int((deadline - now) * 1000) + 1)):
            continue
        chunk = os.read(messages, 1 << 16)
        if not chunk:
            break
        pending += chunk
        *lines, rest = pending.split(b"\n")
        pending = bytearray(rest)
        for line in lines:
            message = json.loads(line)
            if "step" in message:
                step = message["step"]
                step_deadline = time.monotonic() + budget.seconds_per_step
            else:
                outcome = message
    status = _exit_status(pid, min(step_deadline, total_deadline))
    if "result" in outcome and status == 0:
        return outcome["result"]
    if "raised" in outcome:
        raise ChildError(f"the bounded job failed:\n{outcome['raised']}")
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == _MEMORY_EXIT:
        return Overrun("memory", step)
    if os.WIFSIGNALED(status):
        return Overrun("died", step, f"killed by {signal.Signals(os.WTERMSIG(status)).name}")
    return Overrun("died", step, f"exit status {os.waitstatus_to_exitcode(status)}")


def _exit_status(pid: int, deadline: float) -> int:
    """The child's wait status once it has closed its end of the pipe (it is exiting)."""
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        if time.monotonic() >= deadline:
            _kill(pid)
        time.sleep(0.002)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _reap(pid: int) -> int:
    """Wait for the child (killing it first if it still runs); its wait status, 0 once reaped."""
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            _kill(pid)
            done, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return 0  # reaped already
    return status
