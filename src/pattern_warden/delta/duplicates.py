"""Duplicates a change introduced and eliminated, measured on both ends of the change.

*Introduced*: clone classes of the tree as it is now with a copy on an added row.
*Eliminated*: clone classes among the changed files at the base revision (their blobs read
through ``delta/git.py``, written to a scratch folder so the duplicate engine reads them as it
reads any tree) that no longer exist: no clone class now still holds two of their copies.
Copies are compared by content (``baseline.member_digest``), not by line, so a class that
merely moved is not counted as eliminated.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter, OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from pattern_warden.baseline import clone_identity, member_digest
from pattern_warden import __version__
from pattern_warden.clones.detect import DetectionMemo, every_class
from pattern_warden.clones.index import ShapeCache
from pattern_warden.clones.models import CloneClass
from pattern_warden.clones.normalize import SHAPE_VERSION
from pattern_warden.config import load_config
from pattern_warden.diskcache import DiskCache, key
from pattern_warden.source import SourceFile
from pattern_warden.workspace import Skipped, Workspace

#: Per root: shapes by content hash (base and head of an unchanged copy share one) and the working
#: tree's runs and pairs between unchanged files, kept warm for the next review of that root.
_WARM: OrderedDict[str, tuple[ShapeCache, DetectionMemo]] = OrderedDict()
_ROOTS_KEPT = 4


class DuplicateFigures(BaseModel):
    """Clone classes the change added and removed; the listed ones are a short sample."""

    introduced: int
    eliminated: int
    introduced_classes: list[CloneClass] = Field(default_factory=list, exclude=True)


_BASE_KIND = "delta-base-clones"
_BASES: OrderedDict[str, list[tuple[str, tuple[str, ...]]]] = OrderedDict()  # by ``_bases_key``
_BASES_KEPT = 16


def member_texts(clone: CloneClass, lines_of: Callable[[str], list[str]]) -> list[str]:
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


def class_identities(workspace: Workspace, clones: Sequence[CloneClass]) -> list[str]:
    """``baseline.clone_identity`` of each class, reading its copies from ``workspace``."""
    lines_of = _reader(workspace)
    return [clone_identity(member_texts(c, lines_of)) for c in clones]


def measure(workspace: Workspace, touched: dict[str, set[int]], bases: Sequence[SourceFile],
            disk: DiskCache | None = None) -> DuplicateFigures:
    """Introduced (classes with a copy on a touched row) and eliminated (classes among ``bases``,
    the changed files' base versions, with fewer than two copies left in any class now).

    With ``disk``, file shapes and the base's clone classes persist between processes."""
    shapes, memo = _warm(workspace, disk)
    now = every_class(workspace, cache=shapes, memo=memo) if touched or bases else []
    introduced = [
        c for c in now
        if any(loc.path in touched and not touched[loc.path].isdisjoint(range(loc.start_line, loc.end_line + 1))
               for loc in c.locations)
    ]
    eliminated = _eliminated(workspace, now, base_classes(bases, disk, shapes)) if bases else []
    shapes.save()
    return DuplicateFigures(introduced=len(introduced), eliminated=len(eliminated), introduced_classes=introduced)


def _warm(workspace: Workspace, disk: DiskCache | None) -> tuple[ShapeCache, DetectionMemo]:
    """The shape cache and memo of ``workspace``'s root, saving to that root's own ``disk``.

    Kept per root, not per process: a process that reviews two roots (tests, scripts) must never
    write one root's shapes into the other's cache folder."""
    root = str(workspace.root)
    state = _WARM.get(root)
    if state is None:
        state = (ShapeCache(20_000, disk=disk), DetectionMemo())
        if disk is not None:
            state[0].load()
        _WARM[root] = state
    _WARM.move_to_end(root)
    while len(_WARM) > _ROOTS_KEPT:
        _WARM.popitem(last=False)
    return state


def _eliminated(workspace: Workspace, now: Sequence[CloneClass],
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


def base_classes(bases: Sequence[SourceFile], disk: DiskCache | None = None,
                 shapes: ShapeCache | None = None) -> list[tuple[str, tuple[str, ...]]]:
    """Clone classes among the base versions: identity and copy digests of each.

    A pure function of the files' names and bytes (and of the engine), hence kept in memory and
    on ``disk`` under a key of exactly those: a repeated review, in this process or a new one,
    searches no base again."""
    entry = key(__version__, SHAPE_VERSION, sorted((s.path, s.digest) for s in bases))
    found = _BASES.get(entry)
    if found is None and disk is not None:
        found = _decode(disk.get(_BASE_KIND, entry))
    if found is None:
        found = _search_bases(bases, shapes or ShapeCache(20_000))
        if disk is not None:
            disk.put(_BASE_KIND, entry, json.dumps(found).encode())
    _BASES[entry] = found
    _BASES.move_to_end(entry)
    while len(_BASES) > _BASES_KEPT:
        _BASES.popitem(last=False)
    return found


def _decode(payload: bytes | None) -> list[tuple[str, tuple[str, ...]]] | None:
    if payload is None:
        return None
    try:
        return [(str(identity), tuple(str(d) for d in digests)) for identity, digests in json.loads(payload)]
    except (ValueError, TypeError):  # a well-formed entry of another layout: search again
        return None


def _search_bases(bases: Sequence[SourceFile], shapes: ShapeCache) -> list[tuple[str, tuple[str, ...]]]:
    with tempfile.TemporaryDirectory(prefix="pattern-warden-base-") as scratch:
        folder = Path(scratch)
        for source in bases:
            target = folder / source.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(source.text, encoding="utf-8")
        base = Workspace(load_config(folder))
        lines_before = _reader(base)
        found = []
        for clone in every_class(base, cache=shapes):
            texts = member_texts(clone, lines_before)
            found.append((clone_identity(texts), tuple(member_digest(t) for t in texts)))
    return found
