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
from pattern_warden.budget import Budget, BudgetExceeded, running_under
from pattern_warden.clones.corpus import TreeState
from pattern_warden.clones.memo import DetectionMemo
from pattern_warden.clones.detect import find_duplicates as duplicates_engine
from pattern_warden.clones.index import ShapeCache
from pattern_warden.clones.models import DuplicatesOptions
from pattern_warden.clones.persist import load_warm_into, save_warm
from pattern_warden.clones.similar import SimilarIndex
from pattern_warden.clones.similar import find_similar as similar_engine
from pattern_warden.config import Config
from pattern_warden.diskcache import DiskCache
from pattern_warden.errors import WardenError
from pattern_warden.patterns.library import PatternLibrary
from pattern_warden.model import ModelBuilder
from pattern_warden.rules.cache import DiskStore
from pattern_warden.rules.engine import CheckOptions, check_paths
from pattern_warden.warmup import Warmup
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
    stopped: int = Field(description="Engine calls whose work unwound early: budget spent or client cancelled.")
    rss_bytes: int | None = Field(description="Resident memory now (Linux), or null where unknown.")
    caches: dict[str, CacheStatus]
    cache_dir: str = Field(description="Where results persist between sessions: a folder, 'memory only' or 'off'.")
    warmup: dict[str, str] = Field(description="Each index's background warm-up: pending, building, ready in N s.")
    ready_s: float | None = Field(description="Seconds from start until every index was warm, or null until then.")


class Warden:
    """What the handlers share: the config, the sandbox, the library and the engines' warm state.

    The warm state (rule results, file shapes, the walk, the last duplicate search, the
    similar-function index) lives here rather than in each handler so that the background
    warm-up fills the very objects the handlers use, and saves them to the ``disk`` cache
    (off unless given: the ``serve`` command passes the root's cache).
    """

    def __init__(self, config: Config, library: PatternLibrary | None = None, disk: DiskCache | None = None) -> None:
        self.config = config
        self.workspace = Workspace(config)
        self.library = library or PatternLibrary.load(config.pattern_dirs())
        self.started = time.monotonic()
        self.calls = 0
        #: Engine calls whose worker thread is still running (a cancelled call drops to zero soon).
        self.running = 0
        #: Engine calls that stopped at a budget check (cancelled or out of time) rather than finishing.
        self.stopped = 0
        self._running_lock = threading.Lock()
        self.disk = disk or DiskCache(config.root, enabled=False)
        self.rule_store = DiskStore(self.disk, config.limits.cache_entries)
        self.models = ModelBuilder()
        self.shapes = ShapeCache(config.limits.cache_entries, disk=self.disk)
        self.tree = TreeState()
        self.memo = DetectionMemo()
        self.similar = SimilarIndex(self.shapes, self.tree, max_bytes=config.settings.cache.similar_bytes)
        self.warmup = Warmup(
            {"similar": self._warm_similar, "duplicates": self._warm_duplicates, "rules": self._warm_rules},
            save=self.save, busy=lambda: self.running > 0,
        )
        #: Engine entry points that use a warmed part: a call waits for that part, never builds it twice.
        self._gates: dict[object, str] = {similar_engine: "similar", duplicates_engine: "duplicates",
                                           check_paths: "rules"}
        #: Each engine that keeps state registers a probe here, so the status shows its bound.
        self.caches: dict[str, Callable[[], CacheStatus]] = {
            "workspace.files": lambda: CacheStatus(
                entries=self.workspace.cache_size, bound=config.limits.cache_entries
            ),
            "workspace.bytes": lambda: CacheStatus(
                entries=self.workspace.cache_bytes, bound=config.limits.cache_bytes
            ),
            "rules.results": lambda: CacheStatus(entries=len(self.rule_store), bound=self.rule_store.max_entries),
            "clones.shapes": lambda: CacheStatus(entries=len(self.shapes), bound=self.shapes.entries),
            "similar.bytes": lambda: CacheStatus(entries=self.similar.bytes, bound=self.similar.max_bytes),
            "disk.bytes": lambda: CacheStatus(entries=self.disk.usage(), bound=self.disk.max_bytes),
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
        part = self._gates.get(fn)

        def work() -> T:
            if part is not None:
                self.warmup.wait(part, budget)  # raises BudgetExceeded when the budget runs out first
            with self._running_lock:
                self.running += 1
            try:
                with running_under(budget):
                    return fn(*args, **kwargs)
            except BudgetExceeded:
                with self._running_lock:
                    self.stopped += 1
                raise
            finally:
                with self._running_lock:
                    self.running -= 1
                if part is not None:
                    self.warmup.dirty.set()

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
        """Uptime, calls, running work, memory, every registered cache against its bound, the warm-up."""
        return ServerStatus(
            version=__version__,
            root=str(self.config.root),
            uptime_s=round(time.monotonic() - self.started, 1),
            calls=self.calls,
            running=self.running,
            stopped=self.stopped,
            rss_bytes=_resident_bytes(),
            caches={name: probe() for name, probe in self.caches.items()},
            cache_dir=self.disk.where(),
            warmup=dict(self.warmup.progress),
            ready_s=self.warmup.ready_s,
        )

    def _warm_similar(self) -> None:
        """Read the saved shapes and walk, then index every function of the root."""
        self.shapes.load()
        load_warm_into(self.disk, self.workspace, self.tree, self.memo)
        self.similar.table(self.workspace, None)

    def _warm_duplicates(self) -> None:
        duplicates_engine(self.workspace, None, DuplicatesOptions(), self.shapes, self.tree, self.memo)

    def _warm_rules(self) -> None:
        check_paths(self.workspace, ["."], CheckOptions(store=self.rule_store, models=self.models, cache=self.disk))

    def save(self) -> None:
        """Write what calls and the warm-up learnt to the disk cache, for the next session."""
        if not self.disk.enabled:
            return
        self.shapes.save()
        save_warm(self.disk, self.workspace, self.tree, self.memo)
        self.rule_store.save()


def _resident_bytes() -> int | None:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")
