"""Cooperative stopping for engine work: a time budget and client cancellation.

A worker thread cannot be killed, so the server cannot simply abandon a call that ran too
long or that the client cancelled: the thread would go on reading and parsing for nothing.
Instead each call runs under a ``Budget`` held in a context variable (anyio copies the
context into its worker threads), and the places every engine passes through often (reading
a file, walking a folder, collecting a worker process's chunk) call ``check()``. Once the
budget is cancelled or past its deadline, the next check raises ``BudgetExceeded`` and the
work unwinds within one file's time; pending chunks in process pools are cancelled with it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from pattern_warden.errors import WardenError


class BudgetExceeded(WardenError):
    """The call ran past its time budget or was cancelled by the client."""


class Budget:
    """A deadline and a cancel flag that engine loops consult."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        """Ask the work to stop at its next check (the client went away or the call timed out)."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        """True once ``cancel`` was called."""
        return self._cancelled.is_set()

    def check(self) -> None:
        """Raise ``BudgetExceeded`` when the work should stop."""
        if self._cancelled.is_set():
            raise BudgetExceeded("The call was cancelled.", "")
        if time.monotonic() > self.deadline:
            raise BudgetExceeded(
                f"The call took longer than its {self.seconds:g} s budget and was stopped.",
                "Narrow the paths, or raise limits.call-timeout-s in [tool.pattern-warden.limits].",
            )


_current: ContextVar[Budget | None] = ContextVar("pattern_warden_budget", default=None)


@contextmanager
def running_under(budget: Budget) -> Iterator[Budget]:
    """Make ``budget`` the one ``check()`` consults in this context (and threads started from it)."""
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)


def check() -> None:
    """Stop the current work if its budget says so; free when no budget is set (the CLI)."""
    budget = _current.get()
    if budget is not None:
        budget.check()
