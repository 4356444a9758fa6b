"""The server's background warm-up: indexes loaded or built before the first question.

Agents start a server per session and often ask "does this exist already?" first, so the
server starts, in one background thread, what the first calls would otherwise do cold: read
the persistent cache, then bring the similar-function index, the duplicate search and the rule
results up to date for the whole root, then save them for the next session.

- It never delays an answer: the thread starts when the session starts and the event loop
  keeps serving (``tools/list`` and every other request) while it works.
- A call that needs a part still being built waits for it instead of building it a second
  time, for as long as its own budget allows (``wait``).
- It yields to calls: before each part it waits until no call is running, and at each of the
  engines' budget checks (about once per file) it pauses while a call runs.
- It stops when the client goes away: the session's end cancels its budget, and the work
  unwinds at its next check, as a cancelled call does.
- After the warm-up, results that calls change are saved again once the server is idle.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from pattern_warden.budget import Budget, BudgetExceeded, running_under

log = logging.getLogger(__name__)

#: The parts in the order they are built: the search-before-writing index first.
PARTS = ("similar", "duplicates", "rules")
_IDLE_S = 1.0  # quiet time before results changed by calls are saved
_POLL_S = 0.05
_YIELD_S = 0.1  # longest pause at one check while a call runs (bounded: the warm-up may hold a lock a call needs)


class _YieldingBudget(Budget):
    """The warm-up's budget: at every check (about once per file) it first lets running calls
    have the interpreter, for up to ``_YIELD_S``, so a call runs nearly as fast as on an idle server."""

    def __init__(self, busy: Callable[[], bool]) -> None:
        super().__init__(365 * 24 * 3600.0)
        self._busy = busy

    def check(self) -> None:
        """Pause while calls run (bounded), then stop if the session ended."""
        paused = 0.0
        while paused < _YIELD_S and self._busy() and not self.cancelled:
            time.sleep(_POLL_S / 10)
            paused += _POLL_S / 10
        super().check()


class Warmup:
    """One background thread per server: the parts' readiness, progress and the saves."""

    def __init__(self, steps: dict[str, Callable[[], object]], save: Callable[[], None],
                 busy: Callable[[], bool]) -> None:
        self._steps = steps
        self._save = save
        self._busy = busy
        self._ready = {part: threading.Event() for part in PARTS}
        self.progress = {part: "not started" for part in PARTS}
        self.budget = _YieldingBudget(busy)
        self.started: float | None = None
        self.ready_s: float | None = None
        self.dirty = threading.Event()
        self._thread: threading.Thread | None = None
        for event in self._ready.values():
            event.set()  # until start(): nothing to wait for

    def start(self) -> None:
        """Begin warming up in the background (once)."""
        if self._thread is not None:
            return
        for part in PARTS:
            self._ready[part].clear()
            self.progress[part] = "pending"
        self.started = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="pattern-warden-warmup", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """The client went away: stop the work, save what is complete, and wait a little for it."""
        self.budget.cancel()
        if self._thread is not None:
            self._thread.join(timeout)

    def wait(self, part: str, budget: Budget) -> None:
        """Block until ``part`` is ready, or raise ``BudgetExceeded`` when ``budget`` says stop."""
        event = self._ready[part]
        while not event.wait(_POLL_S):
            budget.check()

    def _run(self) -> None:
        try:
            with running_under(self.budget):
                for part in PARTS:
                    self._build(part)
                self.ready_s = round(time.monotonic() - (self.started or 0.0), 2)
                self._save_quietly()
                self._keep_saving()
        except BudgetExceeded:
            for part in PARTS:
                if not self._ready[part].is_set():
                    self.progress[part] = "stopped"
        finally:
            for event in self._ready.values():
                event.set()
            if self.dirty.is_set():
                self._save_quietly()

    def _build(self, part: str) -> None:
        while self._busy():  # yield to calls already running
            self.budget.check()
            time.sleep(_POLL_S)
        self.progress[part] = "building"
        begun = time.monotonic()
        try:
            self._steps[part]()
        except BudgetExceeded:
            raise
        except Exception as exc:  # noqa: BLE001 - a failed warm-up must not take the server down
            log.warning("warm-up of %s failed (calls will build it themselves): %s", part, exc)
            self.progress[part] = f"failed: {exc}"
        else:
            self.progress[part] = f"ready in {time.monotonic() - begun:.2f} s"
        self._ready[part].set()

    def _keep_saving(self) -> None:
        """Save results that calls changed, once no call has run for ``_IDLE_S``."""
        while True:
            if not self.dirty.wait(_POLL_S * 10):
                self.budget.check()
                continue
            time.sleep(_IDLE_S)
            self.budget.check()
            if not self._busy():
                self._save_quietly()

    def _save_quietly(self) -> None:
        self.dirty.clear()
        try:
            self._save()
        except Exception as exc:  # noqa: BLE001 - a cache that cannot be saved is only a slower next session
            log.warning("cannot save the cache: %s", exc)
