"""Step one: read from git, once, everything a review or a scorecard needs to know.

The change (``count.py``), the names defined at the base (for reuse) and the code size at the
base (for the maturity tier) are read here and nowhere after: the later steps (findings,
duplicates, score, verdict, render) only compute. The answer says what it covers: a range,
the last commit when the working tree holds no change (a newcomer's first run then shows
something real), or the whole tree outside git. Input that cannot be reviewed (a path that
does not exist, a reference git does not know, base/head outside git) is an error that says
what to pass.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pattern_warden.delta import git
from pattern_warden.delta.count import (
    EMPTY_TREE,
    WORKING_TREE,
    LocDelta,
    Range,
    count_git,
    path_filter,
    resolve_range,
    selected,
)
from pattern_warden.delta.scan import scan
from pattern_warden.errors import WardenError
from pattern_warden.models import quantity
from pattern_warden.source import SourceFile
from pattern_warden.workspace import Skipped, Workspace

TIER_LIMITS = (1_000, 10_000)  # code lines: foundation below the first, mature above the second
_DEF_TEXT = re.compile(r"(?:def|class)\s+([A-Za-z_][A-Za-z0-9_]*)")
_READ_CHUNK = 200


@dataclass(frozen=True)
class BaseFacts:
    """What the project was before the change: its definitions by file (None without a git
    base) and its Python code size (counting stops once the top tier is certain)."""

    definitions: dict[str, set[str]] | None
    code_lines: int
    counted_all: bool


@dataclass
class Facts:
    """The files to review (new version, base version) and a sentence saying what they are."""

    in_git: bool
    reviewed: str
    delta: LocDelta | None = None
    before: BaseFacts | None = None
    files: list[tuple[SourceFile, SourceFile | None]] = field(default_factory=list)


def read_facts(workspace: Workspace, path: str | None, base: str | None, head: str | None) -> Facts:
    """The change under ``path`` from ``base`` to ``head`` (defaults: merge-base..working tree)."""
    root = workspace.root
    real = workspace.resolve(path) if path else root  # refuses a path outside the root
    paths = [path] if path and path != "." else None
    if git.toplevel(root) is None:
        if base is not None or head is not None:
            raise WardenError(f"base/head need a git checkout, and {root} is not inside a git repository.",
                              "Omit base and head to review the whole tree.")
        if not real.exists():
            raise WardenError(f"The path {path!r} does not exist under the root {root}.",
                              "Pass an existing file or folder relative to the root, or omit it.")
        found = workspace.discover(paths)
        files = [(s, None) for p in found.files if isinstance(s := workspace.read(p), SourceFile)]
        return Facts(False, f"the whole tree under {path or '.'} ({quantity(len(files), 'Python file')}): not a git checkout, "
                            "so every finding not in the baseline counts as new", files=files)
    delta, before = read_range(workspace, base, head, paths)
    compared = (delta.base or "")[:12]
    reviewed = f"the change {compared} -> {(delta.head or WORKING_TREE)[:12]} ({quantity(len(delta.files), 'file')})"
    last = git.head_commit(root) if not delta.files and base is None and head is None else None
    if last is not None:
        delta, before = read_range(workspace, None, None, paths, _last_commit(root, last[0]))
        reviewed = (f"no change against {compared}, so the last commit {last[0][:12]} \"{last[1]}\" "
                    f"({quantity(len(delta.files), 'file')}); pass base/head (--base/--head) to review another range")
    files = [(f.after, f.before) for f in delta.files if f.kind == "python" and f.after is not None]
    return Facts(True, reviewed, delta, before, files)


def read_range(workspace: Workspace, base: str | None, head: str | None, paths: Sequence[str] | None,
               span: Range | None = None) -> tuple[LocDelta, BaseFacts]:
    """The counted change and the base's facts; the base's definitions come from a ``git grep``
    that runs beside the diff."""
    span = span or resolve_range(workspace.root, base, head)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="delta-defs") as pool:
        defs = pool.submit(definitions_at, workspace.root, span.base)
        delta = count_git(workspace, paths=paths, span=span)
        check_paths_exist(workspace, paths, delta)
        lines, complete = _code_size_at(workspace, span.base, TIER_LIMITS[1])
        return delta, BaseFacts(defs.result(), lines, complete)


def base_facts(workspace: Workspace, base: str | None) -> BaseFacts:
    """The facts of ``base``; without one (sources, a diff), the size of the working tree."""
    if base is not None:
        lines, complete = _code_size_at(workspace, base, TIER_LIMITS[1])
        return BaseFacts(definitions_at(workspace.root, base), lines, complete)
    lines, complete = _code_size_on_disk(workspace, TIER_LIMITS[1])
    return BaseFacts(None, lines, complete)


def _last_commit(root: Path, sha: str) -> Range:
    try:
        parent = git.rev_parse(root, "HEAD~1")
    except git.GitError:  # the first commit: everything in it is new
        parent = EMPTY_TREE
    return Range(parent, sha)


def check_paths_exist(workspace: Workspace, paths: Sequence[str] | None, delta: LocDelta) -> None:
    """A path that is neither on disk nor in the change is a mistake, not an empty change."""
    for raw, rel in zip(paths or [], path_filter(workspace, paths) or [], strict=False):
        if not os.path.exists(workspace.root / rel) and not any(selected(f.path, [rel]) for f in delta.files):
            raise WardenError(f"The path {raw!r} does not exist under the root {workspace.root} and the change "
                              "touches no file there.", "Pass files or folders relative to the root, or omit paths.")


def _code_lines(source: SourceFile | Skipped) -> int:
    return scan(source).code_count if isinstance(source, SourceFile) and source.is_python else 0


@lru_cache(maxsize=64)
def _code_size_at(workspace: Workspace, rev: str, stop: int) -> tuple[int, bool]:
    """Python code lines at ``rev``; counting stops once past ``stop`` (the tier is then certain).
    Cached: ``rev`` is a commit id, whose content never changes."""
    if rev == EMPTY_TREE:
        return 0, True
    files = [(sha, path) for sha, path in git.tree_blobs(workspace.root, rev) if path.endswith((".py", ".pyi"))]
    total = 0
    for i in range(0, len(files), _READ_CHUNK):
        chunk = files[i : i + _READ_CHUNK]
        blobs = git.read_blobs(workspace.root, [sha for sha, _ in chunk])
        for sha, path in chunk:
            total += _code_lines(workspace.from_bytes(path, blobs.get(sha, b"")))
            if total > stop:
                return total, False
    return total, True


def _code_size_on_disk(workspace: Workspace, stop: int) -> tuple[int, bool]:
    total = 0
    for path in workspace.discover(["."]).files:
        total += _code_lines(workspace.read(path))
        if total > stop:
            return total, False
    return total, True


@lru_cache(maxsize=64)
def definitions_at(root: Path, rev: str) -> dict[str, set[str]]:
    """Names defined (``def``/``class``) in each Python file at ``rev``: one ``git grep`` over
    the revision, which is several times faster than reading and parsing every file. Cached:
    ``rev`` is a commit id, whose content never changes (callers must not modify the result)."""
    if rev == EMPTY_TREE:
        return {}
    try:
        hits = git.grep(root, r"^\s*(?:async\s+)?(?:def|class)\s+\w+", rev, perl=True)
    except git.GitError:  # a git built without PCRE
        hits = git.grep(root, r"^[[:space:]]*(async[[:space:]]+)?(def|class)[[:space:]]+[A-Za-z_][A-Za-z0-9_]*", rev)
    found: dict[str, set[str]] = {}
    for path, text in hits:
        match = _DEF_TEXT.search(text)
        if match and path.endswith((".py", ".pyi")):
            found.setdefault(path, set()).add(match.group(1))
    return found
