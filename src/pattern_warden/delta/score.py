"""The change scorecard: net LOC impact, reuse, consolidation, duplicates, coverage, verdict.

Agents are asked to report these figures and, left alone, make them up. Every figure here is
measured from the repository or marked unknown with the reason; none is estimated. This module
aggregates: it takes the counted change (``count.py``) and the duplicate figures
(``duplicates.py``), measures what needs the base revision, and hands the figures to
``verdict.py``; ``render.py`` turns the result into text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

from pattern_warden.delta import git
from pattern_warden.delta.calls import module_index, resolved_calls
from pattern_warden.delta.count import (
    EMPTY_TREE,
    FileDelta,
    LocDelta,
    count_git,
    count_sources,
    path_filter,
    resolve_range,
    selected,
)
from pattern_warden.delta.coverage import measure
from pattern_warden.delta.duplicates import DuplicateFigures
from pattern_warden.delta.duplicates import measure as measure_duplicates
from pattern_warden.delta.models import (
    PATTERN_URI,
    SAMPLE,
    Consolidated,
    Consolidation,
    Maturity,
    Reuse,
    Scorecard,
    Threshold,
    Tier,
)
from pattern_warden.delta.patch import count_diff
from pattern_warden.delta.scan import scan
from pattern_warden.delta.verdict import change_thresholds, passed, verdict
from pattern_warden.errors import WardenError
from pattern_warden.models import Note, check_range, paginate
from pattern_warden.source import SourceFile
from pattern_warden.workspace import Skipped, Workspace

__all__ = ["PATTERN_URI", "Scorecard", "score_change", "scorecard"]

_TIER_LIMITS = (1_000, 10_000)
_DEF_TEXT = re.compile(r"(?:def|class)\s+([A-Za-z_][A-Za-z0-9_]*)")
_READ_CHUNK = 200
_SYMBOLS_SHOWN = 3  # per file on a page; the totals count every one


def score_change(
    workspace: Workspace,
    base: str | None = None,
    head: str | None = None,
    paths: Sequence[str] | None = None,
    *,
    before: str | None = None,
    after: str | None = None,
    diff: str | None = None,
    path_name: str = "snippet.py",
    cursor: str | None = None,
    limit: int = 15,
) -> Scorecard:
    """Score a git range (default: merge-base..working tree), two sources, or a diff's text."""
    check_range("limit", limit, 1, 1_000_000)
    if (before is not None or after is not None) + (diff is not None) + (base is not None or head is not None) > 1:
        raise WardenError("Give one input: a git range (base/head), before/after sources, or a diff.",
                          "Drop the others.")
    if (before is None) != (after is None):
        given, missing = ("before", "after") if after is None else ("after", "before")
        raise WardenError(f"`{given}` was given without `{missing}`.",
                          f"Pass both `before` and `after` (\"\" for a file that was added or deleted).")
    if before is not None and after is not None:
        delta = count_sources(workspace, before, after, path=path_name)
    elif diff is not None:
        delta = count_diff(workspace, diff, paths)
    else:
        span = resolve_range(workspace.root, base, head)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="delta-defs") as pool:
            # The base's definitions (for reuse) come from a git grep that can run beside the diff.
            defs = pool.submit(definitions_at, workspace.root, span.base)
            delta = count_git(workspace, paths=paths, span=span)
            check_paths_exist(workspace, paths, delta)
            return scorecard(workspace, delta, cursor=cursor, limit=limit, base_defs=defs.result())
    return scorecard(workspace, delta, cursor=cursor, limit=limit)


def check_paths_exist(workspace: Workspace, paths: Sequence[str] | None, delta: LocDelta) -> None:
    """A path that is neither on disk nor in the change is a mistake, not an empty change."""
    for raw, rel in zip(paths or [], path_filter(workspace, paths) or [], strict=False):
        if not os.path.exists(workspace.root / rel) and not any(selected(f.path, [rel]) for f in delta.files):
            raise WardenError(f"The path {raw!r} does not exist under the root {workspace.root} and the change "
                              "touches no file there.", "Pass files or folders relative to the root, or omit paths.")


def scorecard(workspace: Workspace, delta: LocDelta, *, cursor: str | None = None, limit: int = 15,
              duplicates: DuplicateFigures | None = None, base_defs: dict[str, set[str]] | None = None,
              extra: Sequence[Threshold] = ()) -> Scorecard:
    """Aggregate the counted change into the scorecard, then ask ``verdict.py`` for the decision.

    ``duplicates`` are measured here when the caller has not already (the review has);
    ``extra`` are thresholds decided elsewhere (the review's rule thresholds)."""
    root = workspace.root
    in_git = delta.source == "git"
    notes = list(delta.notes)
    maturity = _maturity(workspace, delta.base if in_git else None)
    if maturity.set_in_config is False and not in_git:
        notes.append(Note(message="Code size measured on the working tree (no git base)."))
    if base_defs is None and in_git and delta.base:
        base_defs = definitions_at(root, delta.base)
    defined_before = set().union(*base_defs.values()) if base_defs is not None else None
    reuse = _reuse(delta, base_defs)
    consolidation = _duplicate_figures(workspace, delta, duplicates)
    consolidation.functions_consolidated = _consolidated(delta.files, defined_before)
    coverage = measure(workspace, delta.files)
    t = delta.totals
    decided = verdict(maturity, t)
    limits = workspace.config.settings.review
    thresholds = change_thresholds(limits, t, reuse.rate, consolidation.duplicates_introduced) + list(extra)
    ok = passed(decided.status, thresholds, limits.fail_on_warning)
    failed = (["verdict"] if not passed(decided.status, [], limits.fail_on_warning) else []) + \
        [x.name for x in thresholds if not x.passed]
    files, page = paginate(delta.files, cursor, limit)
    return Scorecard(
        summary=f"net {t.net_code:+} code lines (+{t.code_added}/-{t.code_removed}) in {t.files} files; "
                f"verdict {decided.status}; {'passed' if ok else 'FAILED: ' + ', '.join(failed)}",
        source=delta.source, base=delta.base, head=delta.head,
        net_loc=f"+{t.code_added}/-{t.code_removed}", totals=t, reuse=reuse, consolidation=consolidation,
        coverage=coverage, maturity=maturity, verdict=decided, thresholds=thresholds, passed=ok, failed=failed,
        files=[_lean(f) for f in files], page=page, notes=notes,
    )


def _lean(f: FileDelta) -> FileDelta:
    """A file for a page: at most ``_SYMBOLS_SHOWN`` symbol changes (a new module can hold hundreds)."""
    if len(f.symbols) <= _SYMBOLS_SHOWN:
        return f
    lean = f.model_copy(update={"symbols": f.symbols[:_SYMBOLS_SHOWN]})
    lean.note = f"{(f.note + '; ') if f.note else ''}{len(f.symbols) - _SYMBOLS_SHOWN} more symbol changes"
    return lean


def _duplicate_figures(workspace: Workspace, delta: LocDelta, figures: DuplicateFigures | None) -> Consolidation:
    if delta.source != "git":
        return Consolidation(duplicates_reason="needs a git range: without the base revision duplicates "
                                               "introduced and eliminated cannot be measured")
    if figures is None:
        figures = measure_duplicates(workspace, touched_rows(delta), base_sources(delta))
    return Consolidation(duplicates_introduced=figures.introduced, duplicates_eliminated=figures.eliminated)


def touched_rows(delta: LocDelta) -> dict[str, set[int]]:
    """The added rows of every file that has some."""
    return {f.path: set(f.added_rows) for f in delta.files if f.added_rows}


def base_sources(delta: LocDelta) -> list[SourceFile]:
    """The base versions of the changed Python files (for duplicates eliminated)."""
    return [f.before for f in delta.files if f.before is not None]


# -- maturity ---------------------------------------------------------------------------


def _maturity(workspace: Workspace, base: str | None) -> Maturity:
    configured = workspace.config.settings.maturity
    top = _TIER_LIMITS[1]
    if base is not None:
        lines, complete = _code_size_at(workspace, base, top)
    else:
        lines, complete = _code_size_on_disk(workspace, top)
    if configured != "auto":
        return Maturity(tier=configured, code_lines_before=lines, counted_all=complete, set_in_config=True)
    tier: Tier = "foundation" if lines < _TIER_LIMITS[0] else "growing" if lines <= top else "mature"
    return Maturity(tier=tier, code_lines_before=lines, counted_all=complete)


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


# -- reuse and consolidation ---------------------------------------------------------------


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


def _reuse(delta: LocDelta, base_defs: dict[str, set[str]] | None) -> Reuse:
    """Calls in the added code (syntax, not text) resolved through imports to project definitions;
    each is existing (defined at the base) or new (defined only now)."""
    if base_defs is None:
        return Reuse(reason="needs a git range: without the code as it was, 'existed before' cannot be measured")
    now = {f.path: {n.rsplit(".", 1)[-1] for n in scan(f.after).units}
           for f in delta.files if f.after is not None and f.kind == "python"}
    gone = {f.path for f in delta.files if f.status == "deleted"}
    modules = module_index((set(base_defs) - gone) | set(now))
    existing: set[str] = set()
    new: set[str] = set()
    calls = 0
    for f in delta.files:
        if f.after is None or f.kind != "python" or not f.added_rows:
            continue
        rows = set(f.added_rows)
        for call in resolved_calls(f.after.tree, f.path, modules, rows.__contains__):
            calls += 1
            short = call.target.name.rsplit(".", 1)[-1]
            if short in base_defs.get(call.target.path, ()):
                existing.add(call.target.name)
            elif short in now.get(call.target.path, ()):
                new.add(call.target.name)
    if not calls:
        return Reuse(reason="the added code calls none of the project's own functions or classes")
    if not existing and not new:
        return Reuse(reason="the added code's calls resolve to no function or class the project defines")
    return Reuse(rate=round(len(existing) / (len(existing) + len(new)), 3), existing_count=len(existing),
                 new_count=len(new), existing=sorted(existing)[:SAMPLE], new=sorted(new)[:SAMPLE])


def _consolidated(files: Sequence[FileDelta], defined_before: set[str] | None) -> list[Consolidated]:
    """Removed functions whose former callers (same unit, same file) now call an older function."""
    if defined_before is None:
        return []
    removed = {s.name.rsplit(".", 1)[-1]: f for f in files for s in f.symbols
               if s.change == "removed" and s.kind == "function"}
    former: dict[str, list[tuple[str, str, set[str]]]] = {}  # removed name -> (path, scope, calls there now)
    for f in files:
        if f.before is None or f.after is None:
            continue
        new_calls = f.added_calls
        for scope, names in scan(f.before).calls(f.removed_rows).items():
            for name in names & removed.keys():
                former.setdefault(name, []).append((f.path, scope, new_calls.get(scope, set())))
    out: list[Consolidated] = []
    for name, sites in sorted(former.items()):
        replaced: set[str] = set()
        callers: list[str] = []
        for path, scope, now_calls in sites:
            now = {n for n in now_calls if n in defined_before and n not in removed}
            if now:
                replaced |= now
                callers.append(f"{path}:{scope}")
        if replaced:
            out.append(Consolidated(removed=name, path=removed[name].path, replaced_by=sorted(replaced),
                                    callers=callers))
    return out
