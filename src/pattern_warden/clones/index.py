"""Candidate generation without comparing every pair: inverted indexes over shapes.

Two indexes, both linear in the size of the tree:

- **Seed windows** for exact and renamed clones: every run of ``k`` consecutive logical
  lines (in renamed form, depth changes included) is hashed into a dict of positions. Two
  positions sharing a window are the seed of a match, which is then extended line by line for
  as long as both sides agree, as CPD and jscpd do with token windows. A window found in more
  than ``cap`` places is a commonplace (``self.x = x`` three times over) and seeds nothing,
  which is what keeps the work from growing with the square of the tree.
- **Line shingles** for similar clones: each function's pairs of consecutive logical lines
  are posted to an inverted index; functions that share enough shingles become candidates,
  and only those are compared with rapidfuzz.

The ``ShapeCache`` keeps each file's shape by content hash (in memory, and on disk through
the shared ``DiskCache``), so a repeated run only tokenizes the files that changed.
"""

from __future__ import annotations

import marshal
import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from pattern_warden.clones.heap import CollectorPause
from pattern_warden.clones.normalize import SHAPE_VERSION, Shape, shape_of
from pattern_warden.diskcache import DiskCache, key

_DISK_KIND = "shapes"
_DISK_KEY = key(SHAPE_VERSION)


class ShapeCache:
    """File shapes keyed by content hash: bounded in memory, persisted through the ``DiskCache``.

    On disk they are one entry keyed by ``SHAPE_VERSION`` alone: a shape is a function of the
    file's bytes (its content hash is the key inside) and of the shape format, nothing else.
    The entry is ``marshal`` data. That is safe here because marshal builds only plain values
    (no constructor or ``__reduce__`` runs, unlike pickle; a code object it could build is never
    called), the entry's checksum is verified first so a torn or corrupt file never reaches it,
    the folder lies in the user's own root (whoever can write it can already edit the code we
    analyse), and ``Shape.load`` checks every value's shape and version again.
    """

    #: Share of the loaded entries that must be new or stale before ``save`` rewrites the entry.
    REWRITE_SHARE = 0.02

    def __init__(self, entries: int = 20_000, disk: DiskCache | None = None) -> None:
        self.entries = entries
        self.disk = disk
        self._shapes: OrderedDict[str, Shape] = OrderedDict()
        #: Content hashes that cannot be tokenized: asked again, they would be tokenized again.
        self._failed: set[str] = set()
        self._used: set[str] = set()  # digests asked for by this process: what is worth saving
        self._lock = threading.Lock()
        self._dirty = False
        self.hits = 0
        self.misses = 0
        self._loaded = 0  # entries read from disk (or last written)
        self._unsaved = 0  # shapes computed since then

    def __len__(self) -> int:
        return len(self._shapes)

    def get(self, digest: str) -> Shape | None:
        """The shape of a file with this content hash, if known (and marks it worth saving)."""
        with self._lock:
            shape = self._shapes.get(digest)
            if shape is not None:
                self._shapes.move_to_end(digest)
                self._used.add(digest)
                self.hits += 1
            return shape

    def put(self, digest: str, shape: Shape) -> None:
        """Keep a newly computed shape, dropping the least recently used beyond ``entries``."""
        with self._lock:
            self.misses += 1
            self._unsaved += 1
            self._shapes[digest] = shape
            self._used.add(digest)
            self._dirty = True
            while len(self._shapes) > self.entries:
                self._shapes.popitem(last=False)

    def put_failed(self, digest: str) -> None:
        """Remember that a file with this content hash cannot be tokenized."""
        with self._lock:
            self._failed.add(digest)
            self._used.add(digest)
            self._dirty = True
            self._unsaved += 1

    def failed(self, digest: str) -> bool:
        """Whether a file with this content hash is known not to tokenize (marks it worth saving)."""
        with self._lock:
            if digest in self._failed:
                self._used.add(digest)
                return True
            return False

    def load(self) -> int:
        """Read the shapes saved by an earlier process (kept alongside any already known); how many."""
        payload = self.disk.get(_DISK_KIND, _DISK_KEY) if self.disk is not None else None
        if payload is None:
            return 0
        try:
            data = marshal.loads(payload)
        except (EOFError, ValueError, TypeError):
            return 0
        if not isinstance(data, dict):
            return 0
        loaded = {}
        failed = {digest for digest, dumped in data.items() if isinstance(digest, str) and dumped is None}
        with CollectorPause(freeze=True, sweep=False):  # plain tuples, kept for the process's life
            for digest, dumped in data.items():
                shape = Shape.load(dumped)
                if isinstance(digest, str) and shape is not None:
                    loaded[digest] = shape
        with self._lock:
            for digest, shape in loaded.items():
                if digest not in self._shapes and len(self._shapes) < self.entries:
                    self._shapes[digest] = shape
            self._failed |= failed
            self._loaded = len(loaded) + len(failed)
        return len(loaded) + len(failed)

    def save(self) -> None:
        """Write the shapes this process used to disk: files since deleted or changed drop out.

        Only once enough of the entry is new or stale: re-tokenizing a few changed files on the
        next run takes a millisecond each, rewriting megabytes of shapes takes a tenth of a second.
        """
        with self._lock:
            stale = len(self._shapes) + len(self._failed) - len(self._used)
            if self.disk is None or not (self._dirty or stale):
                return
            if self._unsaved + stale < self.REWRITE_SHARE * self._loaded:
                return
            for digest in [d for d in self._shapes if d not in self._used]:
                del self._shapes[digest]  # files since deleted or changed: not worth memory either
            self._failed &= self._used
            items: dict[str, tuple | None] = {d: s.dump() for d, s in self._shapes.items()}
            items.update(dict.fromkeys(self._failed))
            self._dirty = False
            self._loaded = len(items)
            self._unsaved = 0
        self.disk.put(_DISK_KIND, _DISK_KEY, marshal.dumps(items))

    def shape(self, digest: str, text: str) -> Shape | None:
        """The cached shape for ``digest``, computing it from ``text`` on a miss."""
        cached = self.get(digest)
        if cached is not None:
            return cached
        if self.failed(digest):
            return None
        shape = shape_of(text)
        if shape is not None:
            self.put(digest, shape)
        else:
            self.put_failed(digest)
        return shape


@dataclass(frozen=True)
class Match:
    """Two runs of ``length`` logical lines that agree in renamed form: (file, first line) each."""

    file_a: int
    line_a: int
    file_b: int
    line_b: int
    length: int


@dataclass(slots=True)
class _Lines:
    """Every file's logical lines end to end, so one position names a line anywhere in the tree."""

    content: list[int]  # hash of the renamed line
    step: list[int]  # hash of the renamed line with its depth change
    delta: list[int]  # depth change before the line
    file_of: list[int]
    line_of: list[int]
    key_at: list[int | None]  # the window starting at each line (None near a file's end)
    windows: dict[int, list[int]]  # window key -> positions where it starts


def _concatenate(shapes: list[Shape], k: int, only: set[int] | None) -> _Lines:
    """Lay the files end to end and post their windows (with ``only``, just the ones it can use).

    With ``only``, every window that can seed or extend a run starts in one of those files,
    so just those keys are indexed (a run's earlier window is in the same file as the run).
    """
    lines = _Lines([], [], [], [], [], [], defaultdict(list))
    windows = lines.windows
    wanted = None if only is None else {key for fid in only for key in shapes[fid].window_hashes(k)[2]}
    for fid, shape in enumerate(shapes):
        base = len(lines.content)
        content, steps, keys = shape.window_hashes(k)
        lines.content += content
        lines.step += steps
        lines.delta += shape.deltas
        lines.file_of += [fid] * len(content)
        lines.line_of += range(len(content))
        lines.key_at += keys
        lines.key_at += [None] * (len(content) - len(keys))
        if wanted is None or not wanted.isdisjoint(keys):
            for offset, key in enumerate(keys):
                if wanted is None or key in wanted:
                    windows[key].append(base + offset)
    return lines


def _extent(lines: _Lines, p: int, q: int, k: int) -> int:
    """How many lines the run seeded at positions ``p`` < ``q`` extends to (a self-overlap is cut)."""
    file_of, step = lines.file_of, lines.step
    total = len(step)
    n = k
    while (q + n < total and file_of[p + n] == file_of[p] and file_of[q + n] == file_of[q]
           and step[p + n] == step[q + n]):
        n += 1
    if file_of[p] == file_of[q] and q < p + n:
        n = q - p  # a run overlapping itself: keep the part before the repeat
    return n


def seed_matches(shapes: list[Shape], k: int, cap: int = 64, only: set[int] | None = None) -> Iterator[Match]:
    """Maximal runs of equal logical lines between (or within) files, seeded by k-line windows.

    With ``only`` (file indices), just the runs that involve one of those files: a warm server
    passes the files that changed and keeps the runs between unchanged files from before.
    """
    lines = _concatenate(shapes, k, only)
    content, delta, file_of, line_of, key_at = lines.content, lines.delta, lines.file_of, lines.line_of, lines.key_at
    windows = lines.windows
    groups = [places for places in windows.values() if 2 <= len(places) <= cap]
    for places in groups:
        for x, p in enumerate(places):
            for q in places[x + 1 :]:
                if only is not None and file_of[p] not in only and file_of[q] not in only:
                    continue
                # Not the start of the run if the line before agrees too and seeded it already.
                before = key_at[p - 1] if p else None
                if (p and q and file_of[p - 1] == file_of[p] and file_of[q - 1] == file_of[q]
                        and content[p - 1] == content[q - 1] and delta[p] == delta[q]
                        and before is not None and 2 <= len(windows.get(before, ())) <= cap):
                    continue
                n = _extent(lines, p, q, k)
                if n >= k:
                    yield Match(file_of[p], line_of[p], file_of[q], line_of[q], n)


def shingles(shape: Shape, first: int, last: int) -> set[int]:
    """Pairs of consecutive logical lines (renamed, with the second's depth change) as hashes."""
    renamed, deltas = shape.renamed, shape.deltas
    if first == last:
        return {hash(renamed[first])}
    return {hash((renamed[i], deltas[i + 1], renamed[i + 1])) for i in range(first, last)}


def similar_candidates(
    unit_shingles: list[set[int]], share: float = 0.3, cap: int = 100, only: set[int] | None = None
) -> Iterator[tuple[int, int]]:
    """Pairs of units (i < j) sharing at least ``share`` of the smaller one's shingles.

    Shingles held by more than ``cap`` units say nothing about who copied whom and are not
    followed, so the work stays proportional to the tree rather than to its square. With
    ``only`` (unit indices), just the pairs that involve one of those units.
    """
    postings: dict[int, list[int]] = defaultdict(list)
    # With ``only``, just the shingles those units hold are ever looked up: post only those.
    wanted = None if only is None else set().union(*(unit_shingles[uid] for uid in only))
    for uid, grams in enumerate(unit_shingles):
        for gram in grams if wanted is None else grams & wanted:
            postings[gram].append(uid)
    done: set[tuple[int, int]] = set()
    for uid in sorted(only) if only is not None else range(len(unit_shingles)):
        grams = unit_shingles[uid]
        shared: Counter[int] = Counter()
        for gram in grams:
            holders = postings[gram]
            if len(holders) <= cap:
                shared.update(v for v in holders if v > uid or (only is not None and v != uid))
        size = len(grams)
        for other, count in shared.items():
            pair = (min(uid, other), max(uid, other))
            if count >= max(1.0, share * min(size, len(unit_shingles[other]))) and pair not in done:
                if only is not None:
                    done.add(pair)
                yield pair
