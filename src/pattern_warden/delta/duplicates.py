"""Duplicates a change introduced and eliminated, measured on both ends of the change.

*Introduced*: clone classes of the tree as it is now with a copy on an added row.
*Eliminated*: clone classes among the changed files at the base revision (their blobs read
through ``delta/git.py``, searched in memory under their names) that no longer exist: no clone
class now still holds two of their copies.
Copies are compared by content (``baseline.member_digest``), not by line, so a class that
merely moved is not counted as eliminated.
"""

from __future__ import annotations

import json
from collections import Counter, OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field

from pattern_warden.baseline import clone_identity, member_digest
from pattern_warden import __version__
from pattern_warden.clones.corpus import TreeState, corpus_of, load_corpus
from pattern_warden.clones.detect import Family, every_family
from pattern_warden.clones.memo import DetectionMemo
from pattern_warden.clones.persist import load_warm, save_warm
from pattern_warden.clones.index import ShapeCache
from pattern_warden.clones.models import CloneClass
from pattern_warden.clones.normalize import SHAPE_VERSION
from pattern_warden.diskcache import DiskCache, key
from pattern_warden.source import SourceFile
from pattern_warden.workspace import Skipped, Workspace

@dataclass(frozen=True)
class _Warm:
    """What the next review of a root reuses: shapes by content hash (base and head of an
    unchanged copy share one), the tree's walk and file stamps, and the runs and pairs found
    between unchanged files."""

    shapes: ShapeCache
    tree: TreeState
    memo: DetectionMemo


_WARM: OrderedDict[str, _Warm] = OrderedDict()  # by root
_ROOTS_KEPT = 4


@dataclass(frozen=True)
class DuplicateFigures:
    """Clone classes the change added and removed, and the added ones themselves."""

    introduced: int
    eliminated: int
    introduced_classes: list[Family] = field(default_factory=list)


_BASE_KIND = "delta-base-clones"
_BASES: OrderedDict[str, list[tuple[str, tuple[str, ...]]]] = OrderedDict()  # by ``_bases_key``
_BASES_KEPT = 16


def member_texts(clone: CloneClass | Family, lines_of: Callable[[str], list[str]]) -> list[str]:
    """The text of every copy of ``clone``; ``lines_of`` gives a file's lines."""
    return ["\n".join(lines_of(loc.path)[loc.start_line - 1 : loc.end_line]) for loc in clone.locations]


def _reader(workspace: Workspace) -> Callable[[str], list[str]]:
    cache: dict[str, list[str]] = {}

    def lines_of(rel: str) -> list[str]:
        if rel not in cache:
            source = workspace.read(workspace.root / rel)
            cache[rel] = [] if isinstance(source, Skipped) else source.lines
        return cache[rel]

    return lines_of


def class_identities(workspace: Workspace, clones: Sequence[CloneClass | Family]) -> list[str]:
    """``baseline.clone_identity`` of each class, reading its copies from ``workspace``."""
    lines_of = _reader(workspace)
    return [clone_identity(member_texts(c, lines_of)) for c in clones]


class DuplicateSearch:
    """A change's duplicates introduced and eliminated, started before its rule checks.

    The base versions' clone search is a pure function of their bytes: with a worker ``pool`` it
    goes to a worker at once, and this process shapes and searches the tree as it is now
    meanwhile. With ``disk``, file shapes and the base's clone classes persist between processes."""

    def __init__(self, workspace: Workspace, bases: Sequence[SourceFile], pool: Executor | None = None,
                 disk: DiskCache | None = None) -> None:
        self.workspace, self.bases, self.disk = workspace, bases, disk
        self.warm = _warm(workspace, disk)
        self._entry = key(__version__, SHAPE_VERSION, sorted((s.path, s.digest) for s in bases))
        self._before = _recalled(self._entry, disk) if bases else []
        self._future: Future[list[tuple[str, tuple[str, ...]]]] | None = None
        if self._before is None and pool is not None:
            self._future = pool.submit(_search_bases, [s.bare() for s in bases])

    def figures(self, touched: dict[str, set[int]], changed: Sequence[SourceFile] = ()) -> DuplicateFigures:
        """Introduced (classes with a copy whose lines are mostly ``touched`` rows: one the change
        wrote, not old parallel code it edited in both places) and eliminated (classes among the
        bases with fewer than two copies left in any class now). ``changed``: the new versions
        already read, shaped here first, so the tree's search reads them from the shape cache."""
        warm = self.warm
        for source in changed:
            if source.is_python:
                warm.shapes.shape(source.digest, source.text)

        def added_to(family: Family) -> bool:
            return any(loc.path in touched and not touched[loc.path].isdisjoint(range(loc.start_line,
                                                                                      loc.end_line + 1))
                       for loc in family.locations)

        def created(family: Family) -> bool:
            """The change wrote most of one copy: not old parallel code it edited in both places."""
            return any(2 * len(touched.get(loc.path, set()) & set(range(loc.start_line, loc.end_line + 1)))
                       > loc.end_line - loc.start_line + 1 for loc in family.locations)

        now = every_family(load_corpus(self.workspace, None, warm.shapes, state=warm.tree), memo=warm.memo,
                           judged=added_to) if touched or self.bases else []
        introduced = [c for c in now if created(c)]
        eliminated = _eliminated(self.workspace, now, self._base_classes()) if self.bases else []
        warm.shapes.save()
        if self.disk is not None:
            save_warm(self.disk, self.workspace, warm.tree, warm.memo)
        return DuplicateFigures(introduced=len(introduced), eliminated=len(eliminated),
                                introduced_classes=introduced)

    def _base_classes(self) -> list[tuple[str, tuple[str, ...]]]:
        found = self._before
        if found is None:
            found = self._future.result() if self._future is not None else _search_bases(self.bases, self.warm.shapes)
            if self.disk is not None:
                self.disk.put(_BASE_KIND, self._entry, json.dumps(found).encode())
        _BASES[self._entry] = found
        _BASES.move_to_end(self._entry)
        while len(_BASES) > _BASES_KEPT:
            _BASES.popitem(last=False)
        return found


def measure(workspace: Workspace, touched: dict[str, set[int]], bases: Sequence[SourceFile],
            disk: DiskCache | None = None) -> DuplicateFigures:
    """``DuplicateSearch`` in this process alone: for callers with no worker pool of their own."""
    return DuplicateSearch(workspace, bases, None, disk).figures(touched)


def _warm(workspace: Workspace, disk: DiskCache | None) -> _Warm:
    """The shape cache, tree state and memo of ``workspace``'s root, read from and saved to that
    root's own ``disk`` (the same entries ``dupes`` keeps, so either warms the other).

    Kept per root, not per process: a process that reviews two roots (tests, scripts) must never
    write one root's shapes into the other's cache folder."""
    root = str(workspace.root)
    state = _WARM.get(root)
    if state is None:
        tree, memo = load_warm(disk, workspace) if disk is not None else (TreeState(), DetectionMemo())
        state = _Warm(ShapeCache(20_000, disk=disk), tree, memo)
        if disk is not None:
            state.shapes.load()
        _WARM[root] = state
    _WARM.move_to_end(root)
    while len(_WARM) > _ROOTS_KEPT:
        _WARM.popitem(last=False)
    return state


def _eliminated(workspace: Workspace, now: Sequence[Family],
                before: Sequence[tuple[str, tuple[str, ...]]]) -> list[str]:
    lines_now = _reader(workspace)
    holders: dict[str, list[tuple[int, int]]] = {}  # copy digest -> (class of now, copies it holds)
    for number, clone in enumerate(now):
        for digest, copies in Counter(member_digest(t) for t in member_texts(clone, lines_now)).items():
            holders.setdefault(digest, []).append((number, copies))
    gone = []
    for identity, digests in before:
        kept: Counter[int] = Counter()
        for digest, copies in Counter(digests).items():
            for number, held in holders.get(digest, ()):
                kept[number] += min(copies, held)
        if not kept or max(kept.values()) < 2:  # no class now still holds two of its copies
            gone.append(identity)
    return gone


def _recalled(entry: str, disk: DiskCache | None) -> list[tuple[str, tuple[str, ...]]] | None:
    """The base's clone classes as this process or (through ``disk``) an earlier one found them."""
    found = _BASES.get(entry)
    return found if found is not None or disk is None else _decode(disk.get(_BASE_KIND, entry))


def _decode(payload: bytes | None) -> list[tuple[str, tuple[str, ...]]] | None:
    if payload is None:
        return None
    try:
        return [(str(identity), tuple(str(d) for d in digests)) for identity, digests in json.loads(payload)]
    except (ValueError, TypeError):  # a well-formed entry of another layout: search again
        return None


def _search_bases(bases: Sequence[SourceFile], shapes: ShapeCache | None = None) -> list[tuple[str, tuple[str, ...]]]:
    """Clone classes among the base versions: identity and copy digests of each. A pure function
    of the files' names and bytes (and the engine), hence kept in memory and on disk under a key
    of exactly those; it runs in a worker process, so it tokenizes in its own process."""
    shapes = shapes if shapes is not None else ShapeCache(len(bases) + 1)
    for source in bases:
        shapes.shape(source.digest, source.text)
    lines = {source.path: source.lines for source in bases}
    found = []
    for clone in every_family(corpus_of(bases, shapes)):
        texts = member_texts(clone, lines.__getitem__)
        found.append((clone_identity(texts), tuple(member_digest(t) for t in texts)))
    return found
