"""The files a clone search reads, each with its shape, read only through the workspace.

Shapes come from the ``ShapeCache`` when the content hash is known; the rest are tokenized,
across two processes when there are enough of them for the start-up cost to pay off.
"""

from __future__ import annotations

import logging
import os
import posixpath
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pattern_warden.clones.index import ShapeCache
from pattern_warden.clones.normalize import Shape, shape_of
from pattern_warden.codekind import NON_PRODUCT, path_kind
from pattern_warden.errors import WardenError
from pattern_warden.models import Note
from pattern_warden.source import SourceFile
from pattern_warden.workspace import Discovery, Skipped, Workspace

log = logging.getLogger(__name__)

UNTOKENIZABLE = "cannot be tokenized; left out"
#: Below this many files to tokenize, a second process costs more than it saves.
PARALLEL_FROM = 400
WORKERS = 2  # as pattern_warden.workers.WORKERS (not imported here: see _shape_all)


@dataclass
class Corpus:
    """Parallel lists: relative path, content hash and shape of each file read."""

    paths: list[str] = field(default_factory=list)
    digests: list[str] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    shaped: int = 0  # files tokenized by this call (the rest came from the shape cache)
    #: The root's own package name when the root is a package folder (``dupes PKG --root PKG``):
    #: its files import one another as ``PKG.module``.
    package: str = ""

    def folder(self, fid: int) -> str:
        """The folder of file ``fid``, as the summary groups duplication by it."""
        return posixpath.dirname(self.paths[fid]) or "."


def _shape_batch(texts: list[str]) -> list[Shape | None]:
    return [shape_of(text) for text in texts]


_Stamp = tuple[int, int, int]  # (st_mtime_ns, st_ctime_ns, st_size)


def _stamp(path: Path) -> _Stamp | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size)


@dataclass
class _Walk:
    found: Discovery
    folders: dict[Path, _Stamp | None]
    taken: float


class TreeState:
    """What a running server already knows about the tree, so a warm call touches only what changed.

    Walking a large tree with .gitignore rules costs far more than the 200 ms a search before
    writing may take, so the walk is kept and re-done only for folders whose stamp changed (a
    file added, removed or renamed in them), and in full every ``FULL_WALK_S`` seconds. A file
    whose stamp is unchanged keeps its content hash without being read again. Only metadata is
    read here; content still comes through ``Workspace.read``.
    """

    FULL_WALK_S = 60.0

    def __init__(self) -> None:
        self._walks: dict[tuple[str, ...], _Walk] = {}
        self._digests: dict[Path, tuple[_Stamp, str]] = {}
        self._relative: dict[tuple[Path, Path], str] = {}
        self._lock = threading.Lock()

    def discover(self, workspace: Workspace, paths: Sequence[str] | None) -> Discovery:
        """The files under ``paths``, re-walking only folders whose stamp changed since the last call."""
        key = tuple(paths or ["."])
        with self._lock:
            walk = self._walks.get(key)
            if walk is None or time.time() - walk.taken > self.FULL_WALK_S:
                walk = self._walk(workspace, paths)
            else:
                changed = sorted(d for d, stamp in walk.folders.items() if _stamp(d) != stamp)
                if changed:
                    walk = self._rewalk(workspace, paths, walk, changed)
            self._walks[key] = walk
            return walk.found

    def _walk(self, workspace: Workspace, paths: Sequence[str] | None) -> _Walk:
        found = workspace.discover(paths)
        tops = [workspace.resolve(p) for p in paths or ["."]]
        folders = {d for f in found.files for d in f.parents if any(d == t or t in d.parents for t in tops)}
        folders |= {t for t in tops if t.is_dir()}
        return _Walk(found, {d: _stamp(d) for d in folders}, time.time())

    def _rewalk(self, workspace: Workspace, paths: Sequence[str] | None, walk: _Walk, changed: list[Path]) -> _Walk:
        """Walk again only the folders that changed (the whole tree if a top folder did)."""
        tops = {workspace.resolve(p) for p in paths or ["."]}
        if tops & set(changed) or any(_stamp(d) is None for d in changed):
            return self._walk(workspace, paths)
        outermost = [d for d in changed if not any(o in d.parents for o in changed)]
        files = [f for f in walk.found.files if not any(d in f.parents for d in outermost)]
        folders = {d: s for d, s in walk.folders.items() if not any(d == o or o in d.parents for o in outermost)}
        for folder in outermost:
            sub = self._walk(workspace, [workspace.relative(folder)])
            files += sub.found.files
            folders.update(sub.folders)
        found = Discovery(sorted(set(files)), walk.found.skipped, walk.found.truncated)
        return _Walk(found, folders, walk.taken)

    def relative(self, workspace: Workspace, path: Path) -> str:
        """``Workspace.relative``, remembered: pathlib's parsing was a fifth of a warm call."""
        key = (workspace.root, path)
        rel = self._relative.get(key)
        if rel is None:
            rel = self._relative[key] = workspace.relative(path)
        return rel

    def known_digest(self, path: Path) -> str | None:
        """The content hash of ``path`` if its stamp has not changed since it was read."""
        entry = self._digests.get(path)
        return entry[1] if entry is not None and entry[0] == _stamp(path) else None

    def remember(self, path: Path, stamp: _Stamp | None, digest: str) -> None:
        """Note the hash of a file just read, so the next call can skip reading it while its stamp holds."""
        if stamp is not None:
            self._digests[path] = (stamp, digest)

    def dump(self, workspace: Workspace) -> dict[str, object]:
        """Plain data for the CLI's cache: paths relative to the root."""
        rel = workspace.relative
        walks = {
            "\0".join(key): ([rel(f) for f in w.found.files], [(s.path, s.reason) for s in w.found.skipped],
                             w.found.truncated, {rel(d): st for d, st in w.folders.items()}, w.taken)
            for key, w in self._walks.items()
        }
        return {"walks": walks, "digests": {rel(p): entry for p, entry in self._digests.items()}}

    @classmethod
    def load(cls, workspace: Workspace, data: object) -> TreeState:
        """A state from ``dump()``; every path goes through the sandbox again, and anything that
        no longer resolves inside the root (or is malformed) is dropped, never trusted."""
        state = cls()
        if not isinstance(data, dict):
            return state
        checked: dict[str, Path] = {}
        for key, walk in dict(data.get("walks") or {}).items():
            try:
                files, skipped, truncated, folders, taken = walk
                trusted = workspace.trusted_folders(folders)
                stamps = {trusted.get(d) or workspace.resolve(d): tuple(st) if st else None for d, st in folders.items()}
                found = Discovery([checked.setdefault(f, workspace.trusted_file(f, trusted)) for f in files],
                                  [Skipped(p, r) for p, r in skipped], bool(truncated))
                state._walks[tuple(str(key).split("\0"))] = _Walk(found, stamps, float(taken))
            except (WardenError, TypeError, ValueError, OSError):
                continue  # walked afresh
        for rel, entry in dict(data.get("digests") or {}).items():
            try:
                stamp, digest = entry
                path = checked.get(rel) or workspace.resolve(rel)
                state._digests[path] = (tuple(stamp), str(digest))
            except (WardenError, TypeError, ValueError):
                continue
        return state


def load_corpus(
    workspace: Workspace,
    paths: Sequence[str] | None,
    cache: ShapeCache,
    include_tests: bool = False,
    state: TreeState | None = None,
) -> Corpus:
    """Discover and shape the Python files under ``paths`` (non-product code left out unless asked for)."""
    found = state.discover(workspace, paths) if state is not None else workspace.discover(paths)
    corpus = Corpus(package=workspace.root.name if (workspace.root / "__init__.py").is_file() else "")
    corpus.notes += [Note(path=s.path, message=s.reason) for s in found.skipped]
    if found.truncated:
        corpus.notes.append(Note(message=f"Stopped at the {workspace.config.limits.max_files:,}-file limit."))
    relative = workspace.relative if state is None else lambda real: state.relative(workspace, real)
    files = [(real, relative(real)) for real in found.files]
    slots, pending = _read(workspace, [f for f in files if include_tests or _product(f[1])],
                           cache, state, corpus.notes)
    _shape_pending(slots, pending, cache, corpus.notes)
    corpus.shaped = len(pending)
    return _filled(corpus, slots)


def _product(rel: str) -> bool:
    """Compared by default: not tests, test support, fixtures, benchmarks, docs, examples or
    generated files, by the path kinds every engine shares (``codekind``)."""
    return path_kind(rel) not in NON_PRODUCT


def corpus_of(sources: Sequence[SourceFile], cache: ShapeCache, include_tests: bool = False) -> Corpus:
    """A corpus of file versions already in memory (a change's base blobs), under their names."""
    corpus = Corpus()
    slots: list[_Slot] = []
    pending: list[_Pending] = []
    for source in sources:
        if include_tests or _product(source.path):
            _slot(cache, source.path, source, slots, pending, corpus.notes)
    _shape_pending(slots, pending, cache, corpus.notes)
    corpus.shaped = len(pending)
    return _filled(corpus, slots)


def _filled(corpus: Corpus, slots: list[_Slot]) -> Corpus:
    for rel, digest, shape in slots:
        if shape is not None:
            corpus.paths.append(rel)
            corpus.digests.append(digest)
            corpus.shapes.append(shape)
    return corpus


_Slot = tuple[str, str, Shape | None]  # (relative path, content hash, shape once known)
_Pending = tuple[int, str, str]  # (slot, content hash, text) of a file whose shape is not cached


def _read(
    workspace: Workspace, files: list[tuple[Path, str]], cache: ShapeCache, state: TreeState | None, notes: list[Note]
) -> tuple[list[_Slot], list[_Pending]]:
    """A slot per file in order, with its shape when cached; the texts still to tokenize.

    Files whose stamp and shape a warm ``state`` already knows are not read at all.
    """
    slots: list[_Slot] = []
    pending: list[_Pending] = []
    budget = workspace.config.limits.max_total_bytes
    for real, rel in files:
        hit = _known(state, cache, real)
        if hit is not None:
            slots.append((rel, *hit))
            continue
        stamp = _stamp(real) if state is not None else None
        source = workspace.read(real)
        if isinstance(source, Skipped):
            notes.append(Note(path=source.path, message=source.reason))
            continue
        if state is not None:
            state.remember(real, stamp, source.digest)
        budget -= source.size
        if budget < 0:
            notes.append(Note(message="Stopped at the byte limit for one call; later files were not read."))
            break
        _slot(cache, rel, source, slots, pending, notes)
    return slots, pending


def _slot(cache: ShapeCache, rel: str, source: SourceFile, slots: list[_Slot], pending: list[_Pending],
          notes: list[Note]) -> None:
    """A slot for a file read: its shape when cached, pending when not, none when it is known
    not to tokenize."""
    shape = cache.get(source.digest)
    if shape is None and cache.failed(source.digest):
        notes.append(Note(path=rel, message=UNTOKENIZABLE))
        return
    if shape is None:
        pending.append((len(slots), source.digest, source.text))
    slots.append((rel, source.digest, shape))


def _known(state: TreeState | None, cache: ShapeCache, real: Path) -> tuple[str, Shape] | None:
    """The content hash and cached shape of a file unchanged since a warm ``state`` read it."""
    digest = state.known_digest(real) if state is not None else None
    shape = cache.get(digest) if digest is not None else None
    return (digest, shape) if digest is not None and shape is not None else None


def _shape_pending(slots: list[_Slot], pending: list[_Pending], cache: ShapeCache, notes: list[Note]) -> None:
    """Tokenize the files not in the cache (in parallel when many) and fill in their slots."""
    shaped = _shape_all([text for _, _, text in pending])
    for (slot, digest, _), shape in zip(pending, shaped):
        rel = slots[slot][0]
        if shape is None:
            notes.append(Note(path=rel, message=UNTOKENIZABLE))
            cache.put_failed(digest)
        else:
            cache.put(digest, shape)
        slots[slot] = (rel, digest, shape)


def _shape_all(texts: list[str]) -> list[Shape | None]:
    if len(texts) < PARALLEL_FROM:
        return _shape_batch(texts)
    from pattern_warden.workers import worker_pool  # multiprocessing costs a warm CLI run 5 ms to import

    size = max(1, len(texts) // (WORKERS * 4))
    batches = [texts[i : i + size] for i in range(0, len(texts), size)]
    try:
        with worker_pool() as pool:
            return [shape for batch in pool.map(_shape_batch, batches) for shape in batch]
    except (OSError, RuntimeError) as exc:  # no fork/spawn allowed here: do it in this process
        log.info("tokenizing in one process: %s", exc)
        return _shape_batch(texts)
