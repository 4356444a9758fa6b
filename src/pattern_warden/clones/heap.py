"""Keeping CPython's cyclic garbage collector out of the way of a clone search.

A warm search holds a whole tree's shapes: a hundred thousand small objects (shapes, units,
per-shape memos, the last call's matches) that live as long as the server or the CLI run.
The collector walks every tracked object on each full collection: 0.05 to 0.13 s on Django,
as much as the rest of a warm call, and a call allocates enough to trigger one every other
time. Nothing a search builds refers back to itself, so there is no cyclic garbage worth
collecting while it runs: the collector is paused for the search, and what a call leaves
behind for the long run is frozen (``gc.freeze``: moved out of the collector's sight, still
freed by reference counting when dropped).

The price: a frozen object that later becomes part of a garbage cycle is reclaimed only at
exit. Freezing happens only after a call that tokenized many files (a server's first call, a
branch switch), so that is the in-flight request of those calls, and a server's whole warm
state if the server is shut down inside a process that lives on (the speed benchmark, which
hosts servers in-process, grew by about 80 MB more than before once a stdlib server closed;
inferred from its children's peak RSS, not measured directly).
"""

from __future__ import annotations

import gc
from types import TracebackType


class CollectorPause:
    """``with CollectorPause() as pause:`` runs a search without cyclic collections.

    Set ``pause.freeze`` inside the block when the search built state meant to last (a first,
    cold call), and everything alive at the end is frozen. ``sweep`` collects first, so that a
    long-running server never freezes garbage; a one-shot CLI run skips that full pass.
    """

    def __init__(self, freeze: bool = False, sweep: bool = True) -> None:
        self.freeze = freeze
        self.sweep = sweep
        self._was_enabled = False

    def __enter__(self) -> CollectorPause:
        self._was_enabled = gc.isenabled()
        gc.disable()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.freeze and error is None:
            if self.sweep:
                gc.collect()
            gc.freeze()
        if self._was_enabled:  # concurrent calls: whoever paused an enabled collector resumes it
            gc.enable()
