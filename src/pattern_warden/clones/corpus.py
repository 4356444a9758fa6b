"""The files a clone search reads, each with its shape, read only through the workspace.

Shapes come from the ``ShapeCache`` when the content hash is known; the rest are tokenized,
across two processes when there are enough of them for the start-up cost to pay off.
"""

from __future__ import annotations

import logging
import posixpath
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from pattern_warden.clones.index import ShapeCache
from pattern_warden.clones.normalize import Shape, shape_of
from pattern_warden.models import Note
from pattern_warden.workspace import Skipped, Workspace

log = logging.getLogger(__name__)

#: Below this many files to tokenize, a second process costs more than it saves.
PARALLEL_FROM = 400
WORKERS = 2
_TEST_DIRS = frozenset({"test", "tests", "testing"})


def is_test_path(rel: str) -> bool:
    """Test code by the usual conventions: a tests/ folder, test_*.py, *_test.py, conftest.py."""
    parts = rel.split("/")
    name = parts[-1]
    return (
        any(part in _TEST_DIRS for part in parts[:-1])
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
    )


@dataclass
class Corpus:
    """Parallel lists: relative path, content hash and shape of each file read."""

    paths: list[str] = field(default_factory=list)
    digests: list[str] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def folder(self, fid: int) -> str:
        return posixpath.dirname(self.paths[fid]) or "."


def _shape_batch(texts: list[str]) -> list[Shape | None]:
    return [shape_of(text) for text in texts]


def load_corpus(
    workspace: Workspace, paths: Sequence[str] | None, cache: ShapeCache, include_tests: bool = False
) -> Corpus:
    """Discover and shape the Python files under ``paths`` (tests left out unless asked for)."""
    found = workspace.discover(paths)
    corpus = Corpus()
    corpus.notes += [Note(path=s.path, message=s.reason) for s in found.skipped]
    if found.truncated:
        corpus.notes.append(Note(message=f"Stopped at the {workspace.config.limits.max_files:,}-file limit."))
    pending: list[tuple[int, str, str]] = []  # (slot, digest, text) of files not in the cache
    slots: list[tuple[str, str, Shape | None]] = []
    budget = workspace.config.limits.max_total_bytes
    for real in found.files:
        rel = workspace.relative(real)
        if not include_tests and is_test_path(rel):
            continue
        source = workspace.read(real)
        if isinstance(source, Skipped):
            corpus.notes.append(Note(path=source.path, message=source.reason))
            continue
        budget -= source.size
        if budget < 0:
            corpus.notes.append(Note(message="Stopped at the byte limit for one call; later files were not read."))
            break
        shape = cache.get(source.digest)
        if shape is None:
            pending.append((len(slots), source.digest, source.text))
        slots.append((rel, source.digest, shape))
    shaped = _shape_all([text for _, _, text in pending])
    for (slot, digest, _), shape in zip(pending, shaped):
        rel = slots[slot][0]
        if shape is None:
            corpus.notes.append(Note(path=rel, message="does not parse; left out"))
        else:
            cache.put(digest, shape)
        slots[slot] = (rel, digest, shape)
    for rel, digest, shape in slots:
        if shape is not None:
            corpus.paths.append(rel)
            corpus.digests.append(digest)
            corpus.shapes.append(shape)
    return corpus


def _shape_all(texts: list[str]) -> list[Shape | None]:
    if len(texts) < PARALLEL_FROM:
        return _shape_batch(texts)
    size = max(1, len(texts) // (WORKERS * 4))
    batches = [texts[i : i + size] for i in range(0, len(texts), size)]
    try:
        with ProcessPoolExecutor(WORKERS) as pool:
            return [shape for batch in pool.map(_shape_batch, batches) for shape in batch]
    except (OSError, RuntimeError) as exc:  # no fork/spawn allowed here: do it in this process
        log.info("tokenizing in one process: %s", exc)
        return _shape_batch(texts)
