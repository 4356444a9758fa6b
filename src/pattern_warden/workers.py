"""The worker processes a large job spreads over, started once and shared by its stages.

A review tokenizes and checks both ends of every changed file. Each stage starting its own
pool paid for the processes again and left the parent idle while they ran; one pool, fed the
tokenizing first, lets the parent search for clones while the workers go on checking rules.
"""

from __future__ import annotations

import threading
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
def worker_pool(workers: int = WORKERS, alongside: bool = False) -> Iterator[ProcessPoolExecutor]:
    """A pool whose unstarted tasks are cancelled when the block fails (a spent time budget, a
    cancelled call), so that an abandoned job stops after the tasks already running.
    ``alongside``: other pools run at the same time, whose threads make forking unsafe, so the
    workers come from the fork server."""
    context = get_context("forkserver" if alongside else start_method())
    if isinstance(context, ForkServerContext):
        context.set_forkserver_preload(_PRELOAD)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
