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

#: Worker processes (the machines we target have two cores or more).
WORKERS = 2


def start_method() -> str:
    """A single-threaded process (the CLI) forks, so the workers start with everything imported.
    The server works in threads, and forking a threaded process is unsafe: forkserver there."""
    return "fork" if threading.active_count() == 1 else "forkserver"


@contextmanager
def worker_pool(workers: int = WORKERS) -> Iterator[ProcessPoolExecutor]:
    """A pool whose unstarted tasks are cancelled when the block fails (a spent time budget, a
    cancelled call), so that an abandoned job stops after the tasks already running."""
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context(start_method()))
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
