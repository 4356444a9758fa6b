"""Rule findings of the changed files, each marked new or existing.

A change is blamed only for what it introduced: a finding is *new* when no finding of the
base revision of the same file (or a baseline entry) has its identity. The identity is the
shared fingerprint (``pattern_warden.fingerprint``): rule, file, enclosing symbol and folded
statement text, so an edit above an old finding does not make it new.

The base side is a pure function of the blob's bytes (and the rule selection): that is what
lets it be cached in memory here, and persisted by blob id elsewhere.
"""

from __future__ import annotations

import gc
import json
import threading
from collections import OrderedDict
from collections.abc import Collection, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from pattern_warden import budget
from pattern_warden.config import Config
from pattern_warden.diskcache import DiskCache, key
from pattern_warden.delta.models import ReviewFinding
from pattern_warden.fingerprint import fingerprints
from pattern_warden.rules.engine import PARALLEL_MIN_FILES, Checker, CheckOptions
from pattern_warden.rules.results import Finding
from pattern_warden.source import SourceFile
from pattern_warden.workspace import Workspace

_SEVERITY = {"error": 0, "warning": 1, "info": 2}
_CACHE_ENTRIES = 4096


class _Memo:
    """Bounded memo of results keyed by (rule selection, path, content digest)."""

    def __init__(self) -> None:
        self._items: OrderedDict[tuple[str, str, str], object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, str]) -> object | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple[str, str, str], value: object) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > _CACHE_ENTRIES:
                self._items.popitem(last=False)


_FOUND = _Memo()


def checker_for(workspace: Workspace) -> Checker:
    """The project's rule selection (every finding, unpaginated)."""
    return Checker(workspace.config, CheckOptions())


def file_findings(checker: Checker, source: SourceFile, path: str | None = None) -> tuple[list[Finding], list[str]]:
    """The findings of one file version, sorted by line, and their fingerprints.

    ``path`` names the file as it is now (a renamed file's base version is checked under its
    new name so that both sides share identities). Memoised: a pure function of the bytes.
    """
    name = path or source.path
    key = (checker.fingerprint, name, source.digest)
    cached = _FOUND.get(key)
    if cached is None:
        found = sorted(checker.check(source), key=lambda f: (f.line, f.column, f.code))
        if name != source.path:
            found = [f.model_copy(update={"path": name}) for f in found]
        cached = (found, fingerprints(found, source))
        _FOUND.put(key, cached)
    return cached  # type: ignore[return-value]


def check_all(workspace: Workspace, checker: Checker, pairs: Sequence[tuple[SourceFile, SourceFile | None]],
              disk: DiskCache | None = None, workers: int = 2) -> None:
    """Check what a large change needs in worker processes and memoise it, so that
    ``review_findings`` then only matches identities.

    The new versions first; then the base version only of the files whose new version has
    findings (a file with none now can have no existing finding, and on a typical change most
    files have none). A result is a pure function of the file version's bytes and name, so the
    results are also read from and written to ``disk`` (one entry per rule selection, blobs
    inside keyed by content hash): the second review of a change, in a new process or a new
    server session, checks no file version again. Small changes are checked in this process,
    where they are cheaper."""
    persisted = _load(disk, checker)
    afters = [(after.path, after) for after, _ in pairs]
    _recall(checker, persisted, afters)
    _check_in_workers(workspace, checker, afters, workers)
    bases = [(after.path, before) for after, before in pairs if before is not None and file_findings(checker, after)[0]]
    _recall(checker, persisted, bases)
    _check_in_workers(workspace, checker, bases, workers)
    _save(disk, checker, persisted, afters + bases)


def _recall(checker: Checker, persisted: _Persisted, versions: Sequence[tuple[str, SourceFile]]) -> None:
    """Memoise what an earlier process saved for these file versions."""
    for name, source in versions:
        cached = persisted.get(_disk_name(name, source.digest))
        if cached is not None and _FOUND.get((checker.fingerprint, name, source.digest)) is None:
            _FOUND.put((checker.fingerprint, name, source.digest), cached)


def _check_in_workers(workspace: Workspace, checker: Checker, todo_pairs: Sequence[tuple[str, SourceFile]],
                      workers: int) -> None:
    todo = {(checker.fingerprint, name, source.digest): (name, source) for name, source in todo_pairs}
    todo = {key: item for key, item in todo.items() if _FOUND.get(key) is None}
    if len(todo) < PARALLEL_MIN_FILES:
        for name, source in todo.values():
            file_findings(checker, source, name)
        return
    items = [(name, source.path, source.text, source.digest) for name, source in todo.values()]
    chunks = [items[i::workers * 4] for i in range(workers * 4)]
    # As the rule engine does: fork from a single-threaded CLI, forkserver from the server's threads.
    method = "fork" if threading.active_count() == 1 else "forkserver"
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context(method)) as pool:
        futures = [pool.submit(_check_chunk, workspace.config, chunk) for chunk in chunks if chunk]
        for future in futures:
            for (name, _, _, digest), result in future.result():
                _FOUND.put((checker.fingerprint, name, digest), result)
            budget.check()


_DISK_KIND = "delta-findings"
_Persisted = dict[str, tuple[list[Finding], list[str]]]


def _disk_name(name: str, digest: str) -> str:
    return f"{name}\0{digest}"


def _load(disk: DiskCache | None, checker: Checker) -> _Persisted:
    """Findings an earlier process saved for this rule selection; {} when none or unreadable.
    The key is the checker's fingerprint (rule codes, settings, rules and package versions), so a
    changed rule or config never serves an old answer; inside, blobs are keyed by content hash."""
    payload = disk.get(_DISK_KIND, key(checker.fingerprint)) if disk is not None else None
    if payload is None:
        return {}
    try:
        data = json.loads(payload)
        return {name: ([Finding.model_validate(f) for f in found], [str(p) for p in prints])
                for name, (found, prints) in data.items()}
    except (ValueError, TypeError):  # a well-formed entry of an older layout: rebuild it
        return {}


def _save(disk: DiskCache | None, checker: Checker, persisted: _Persisted,
          versions: Sequence[tuple[str, SourceFile]]) -> None:
    """Write the findings this review used (the entry holds the latest change's file versions)."""
    if disk is None or not disk.enabled:
        return
    used = {_disk_name(name, source.digest): _FOUND.get((checker.fingerprint, name, source.digest))
            for name, source in versions}
    if used.keys() == persisted.keys() or any(v is None for v in used.values()):
        return
    payload = {name: [[f.model_dump(mode="json") for f in found], prints]
               for name, (found, prints) in used.items()}  # type: ignore[misc]
    disk.put(_DISK_KIND, key(checker.fingerprint), json.dumps(payload, separators=(",", ":")).encode())


def _check_chunk(config: Config, items: list[tuple[str, str, str, str]]) -> list[tuple[tuple[str, str, str, str],
                                                                                      tuple[list[Finding], list[str]]]]:
    """Worker-process entry: the same rule selection, checking texts sent by the parent."""
    gc.disable()  # syntax trees hold no cycles (see rules.engine._check_chunk)
    checker = Checker(config, CheckOptions())
    out = []
    for item in items:
        name, path, text, digest = item
        source = SourceFile(path=path, text=text, digest=digest, size=len(text))
        out.append((item, file_findings(checker, source, name)))
    return out


def review_findings(
    checker: Checker, after: SourceFile, before: SourceFile | None, known: Collection[str] = (),
) -> list[ReviewFinding]:
    """One changed file's findings; new unless ``before`` or ``known`` (a baseline) has the identity."""
    found, prints = file_findings(checker, after)
    if not found:
        return []
    old = set(file_findings(checker, before, after.path)[1]) if before is not None else set()
    return [
        ReviewFinding(code=f.code, severity=f.severity, path=f.path, line=f.line, message=f.message,
                      new=fp not in old and fp not in known, fix_hint=f.fix_hint, pattern_uri=f.pattern_uri,
                      fingerprint=fp)
        for f, fp in zip(found, prints, strict=True)
    ]


def ranked(findings: Sequence[ReviewFinding]) -> list[ReviewFinding]:
    """New before existing, then most severe first, then by place."""
    return sorted(findings, key=lambda f: (not f.new, _SEVERITY.get(f.severity, 3), f.path, f.line))
