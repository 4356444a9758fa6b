"""The worker processes a large job spreads over, started once and shared by its stages.

A review tokenizes and checks both ends of every changed file. Each stage starting its own
pool paid for the processes again and left the parent idle while they ran; one pool, fed the
tokenizing first, lets the parent search for clones while the workers go on checking rules.

No process outlives the one that started the pool. A worker blocked on the pool's queue never
notices that its parent was killed (Claude Code stops a server after its health check, a
client hangs up mid-review), and a forkserver's worker holds the forkserver, and so the
resource tracker, alive: every killed server left three or more processes behind. So each
worker watches its parent and exits with it, and the console script shuts open pools down
before it exits.
"""

from __future__ import annotations

import os
import select
import threading
import time
import weakref
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context
from multiprocessing.context import ForkServerContext

#: Worker processes (the machines we target have two cores or more).
WORKERS = 2
#: What a forkserver imports once, so that each pool's workers fork with the engines loaded
#: (otherwise every pool a server starts spends about 0.3 s importing them again).
_PRELOAD = ["pattern_warden.rules.engine", "pattern_warden.delta.findings", "pattern_warden.delta.duplicates"]


def start_method() -> str:
    """A single-threaded process (the CLI) forks, so the workers start with everything imported.
    The server works in threads, and forking a threaded process is unsafe: forkserver there."""
    return "fork" if threading.active_count() == 1 else "forkserver"


@contextmanager
def worker_pool(workers: int = WORKERS, alongside: bool = False, wait: bool = True) -> Iterator[ProcessPoolExecutor]:
    """A pool whose unstarted tasks are cancelled when the block fails (a spent time budget, a
    cancelled call), so that an abandoned job stops after the tasks already running.
    ``alongside``: other pools run at the same time, whose threads make forking unsafe, so the
    workers come from the fork server. ``wait=False``: leaving the block does not wait for a task
    still running either (work read ahead that nobody asked for); its worker ends with this process."""
    context = get_context("forkserver" if alongside else start_method())
    if isinstance(context, ForkServerContext):
        context.set_forkserver_preload(_PRELOAD)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_exit_with_parent,
                               initargs=(os.getpid(),))
    _OPEN.add(pool)
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        _OPEN.discard(pool)
    pool.shutdown(wait=wait, cancel_futures=not wait)


_OPEN: weakref.WeakSet[ProcessPoolExecutor] = weakref.WeakSet()


def shutdown_pools() -> None:
    """Cancel what the open pools have not started and let their workers go (without waiting:
    the process is about to exit, and each worker also exits when its parent is gone)."""
    for pool in list(_OPEN):
        pool.shutdown(wait=False, cancel_futures=True)


def _exit_with_parent(parent: int) -> None:
    """A worker's initializer: a daemon thread that ends this worker when ``parent`` ends.

    Linux's pidfd wakes it the moment the parent exits; elsewhere it polls twice a second."""
    try:
        handle: int | None = os.pidfd_open(parent)
    except (AttributeError, OSError):  # not Linux, or an old kernel
        handle = None

    def watch() -> None:
        if handle is not None:
            select.select([handle], [], [])
        else:
            while _alive(parent):
                time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="pattern-warden-exit-with-parent", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process took the number: ours is gone
        return False
    return True
