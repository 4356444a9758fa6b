"""What every handler shares: the config, the sandbox, the library, and how engines are run.

The server's handlers are thin; the state they share and the one way they run engine work
live here, so that a time budget, client cancellation, call counting and the status report
apply to every tool alike instead of being repeated in each handler.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import anyio
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from pattern_warden import __version__
from pattern_warden.budget import Budget, running_under
from pattern_warden.config import Config
from pattern_warden.errors import WardenError
from pattern_warden.patterns.library import PatternLibrary
from pattern_warden.workspace import Workspace

log = logging.getLogger(__name__)
T = TypeVar("T")


class CacheStatus(BaseModel):
    """How full one in-memory cache is, against its bound."""

    entries: int
    bound: int


class ServerStatus(BaseModel):
    """What an operator checks on a long-running server: memory and cache sizes."""

    version: str
    root: str
    uptime_s: float
    calls: int
    running: int = Field(description="Engine calls still running in worker threads.")
    rss_bytes: int | None = Field(description="Resident memory now (Linux), or null where unknown.")
    caches: dict[str, CacheStatus]


class Warden:
    """What the handlers share: the config, the sandboxed workspace and the library."""

    def __init__(self, config: Config, library: PatternLibrary | None = None) -> None:
        self.config = config
        self.workspace = Workspace(config)
        self.library = library or PatternLibrary.load(config.pattern_dirs())
        self.started = time.monotonic()
        self.calls = 0
        #: Engine calls whose worker thread is still running (a cancelled call drops to zero soon).
        self.running = 0
        self._running_lock = threading.Lock()
        #: Each engine that keeps state registers a probe here, so the status shows its bound.
        self.caches: dict[str, Callable[[], CacheStatus]] = {
            "workspace.files": lambda: CacheStatus(
                entries=self.workspace.cache_size, bound=config.limits.cache_entries
            ),
            "workspace.bytes": lambda: CacheStatus(
                entries=self.workspace.cache_bytes, bound=config.limits.cache_bytes
            ),
        }
        for problem in self.library.problems:
            log.warning("pattern document refused: %s: %s %s", problem.file, problem.field, problem.message)

    async def run(self, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
        """Run engine work off the event loop within this server's time budget.

        Bad input (``WardenError``) becomes a tool error with the engine's message. When the
        budget runs out or the client cancels, the budget is cancelled too, so the worker
        thread (and any process pool it drives) stops at its next check instead of running on.
        """
        self.calls += 1
        seconds = self.config.limits.call_timeout_s
        budget = Budget(seconds)

        def work() -> T:
            with self._running_lock:
                self.running += 1
            try:
                with running_under(budget):
                    return fn(*args, **kwargs)
            finally:
                with self._running_lock:
                    self.running -= 1

        try:
            with anyio.fail_after(seconds):
                return await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
        except WardenError as exc:
            raise ToolError(str(exc)) from exc
        except TimeoutError:
            raise ToolError(
                f"The call took longer than its {seconds:g} s budget and was stopped. "
                "Narrow the paths, or raise limits.call-timeout-s in [tool.pattern-warden.limits]."
            ) from None
        finally:
            budget.cancel()

    def status(self) -> ServerStatus:
        """Uptime, calls, running work, memory and every registered cache against its bound."""
        return ServerStatus(
            version=__version__,
            root=str(self.config.root),
            uptime_s=round(time.monotonic() - self.started, 1),
            calls=self.calls,
            running=self.running,
            rss_bytes=_resident_bytes(),
            caches={name: probe() for name, probe in self.caches.items()},
        )


def _resident_bytes() -> int | None:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")
