"""What a running server keeps between clone searches, so that one changed file costs little."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

_Identity = tuple[str, str]  # (path, content hash): two identical files are still two files


@dataclass
class Previous:
    """What one search found: the files it read, and the runs and similar pairs among them."""

    files: set[_Identity]
    matches: list[tuple[_Identity, int, _Identity, int, int]]
    pairs: list[tuple[_Identity, int, int, _Identity, int, int, float]]
    #: The families found, with the files in the order they had: when a call reads exactly those
    #: files again (a warm review of an unchanged tree), this is the answer. Memory only.
    result: tuple[tuple[_Identity, ...], list[object]] | None = None


class DetectionMemo:
    """What a running server keeps between calls so that one changed file costs little.

    The runs and similar pairs found between two unchanged files are kept from the previous
    call with the same options; only those that involve a changed file are searched for again.
    A pair of unchanged files can still be affected by a change elsewhere only through the
    commonplace caps (a window or shingle that becomes too common stops seeding), so after more
    than ``REUSE_UP_TO`` of the files changed the search is done afresh.
    """

    REUSE_UP_TO = 0.1
    KEPT = 4  # option sets remembered

    def __init__(self) -> None:
        self._previous: OrderedDict[tuple[object, ...], Previous] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> Previous | None:
        """What the last call with these options found, if it is still remembered."""
        with self._lock:
            return self._previous.get(key)

    def put(self, key: tuple[object, ...], previous: Previous) -> None:
        """Remember a call's findings, forgetting the least recent option set beyond ``KEPT``."""
        with self._lock:
            self._previous[key] = previous
            self._previous.move_to_end(key)
            while len(self._previous) > self.KEPT:
                self._previous.popitem(last=False)

    def dump(self) -> list[object]:
        """Plain data for the CLI's cache."""
        with self._lock:
            return [(key, sorted(p.files), p.matches, p.pairs) for key, p in self._previous.items()]

    @classmethod
    def load(cls, data: object) -> DetectionMemo:
        """A memo from ``dump()``; anything malformed is dropped (the search is then done afresh)."""
        memo = cls()
        for entry in data if isinstance(data, list) else []:
            try:
                key, files, matches, pairs = entry
                memo._previous[tuple(key)] = Previous(
                    {(str(path), str(digest)) for path, digest in files},
                    [(tuple(a), int(la), tuple(b), int(lb), int(n)) for a, la, b, lb, n in matches],
                    [(tuple(a), int(af), int(al), tuple(b), int(bf), int(bl), float(sim))
                     for a, af, al, b, bf, bl, sim in pairs],
                )
            except (TypeError, ValueError):
                continue
        return memo
