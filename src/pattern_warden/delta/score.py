"""The change scorecard: net LOC impact, reuse, consolidation, duplicates, coverage, verdict.

Agents are asked to report these figures and, left alone, make them up. Every figure here is
measured from the repository or marked unknown with the reason; none is estimated. This module
aggregates: it takes the counted change (``count.py``) and the duplicate figures
(``duplicates.py``), measures what needs the base revision, and hands the figures to
``verdict.py``; ``render.py`` turns the result into text.
"""

from __future__ import annotations

from collections.abc import Sequence

from pattern_warden.delta.count import FileDelta, LocDelta, count_sources
from pattern_warden.delta.coverage import measure
from pattern_warden.delta.duplicates import DuplicateFigures
from pattern_warden.delta.duplicates import measure as measure_duplicates
from pattern_warden.delta.facts import TIER_LIMITS, BaseFacts, base_facts, read_range
from pattern_warden.delta.models import (
    PATTERN_URI,
    Consolidated,
    Consolidation,
    Maturity,
    Reuse,
    Scorecard,
    Threshold,
    Tier,
)
from pattern_warden.delta.patch import count_diff
from pattern_warden.delta.reuse import measure_reuse
from pattern_warden.delta.scan import scan
from pattern_warden.delta.verdict import change_thresholds, passed, verdict
from pattern_warden.diskcache import DiskCache
from pattern_warden.errors import WardenError
from pattern_warden.models import Note, check_range, paginate, quantity
from pattern_warden.source import SourceFile
from pattern_warden.workspace import Workspace

__all__ = ["PATTERN_URI", "Scorecard", "score_change", "scorecard"]

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
    disk: DiskCache | None = None,
) -> Scorecard:
    """Score a git range (default: merge-base..working tree), two sources, or a diff's text.

    ``disk`` (the shared persistent cache) keeps the duplicate search's shapes and base classes."""
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
        delta, before_facts = read_range(workspace, base, head, paths)
        return scorecard(workspace, delta, before_facts, cursor=cursor, limit=limit, disk=disk)
    return scorecard(workspace, delta, base_facts(workspace, None), cursor=cursor, limit=limit, disk=disk)


def scorecard(workspace: Workspace, delta: LocDelta, before: BaseFacts, *, cursor: str | None = None,
              limit: int = 15, duplicates: DuplicateFigures | None = None, reuse: Reuse | None = None,
              extra: Sequence[Threshold] = (), disk: DiskCache | None = None) -> Scorecard:
    """Aggregate the counted change into the scorecard, then ask ``verdict.py`` for the decision.

    ``duplicates`` and ``reuse`` are measured here when the caller has not already (the review
    measures them while its workers check rules); ``extra`` are thresholds decided elsewhere
    (the review's rule thresholds)."""
    in_git = delta.source == "git"
    notes = list(delta.notes)
    maturity = _maturity(workspace, before)
    if maturity.set_in_config is False and not in_git:
        notes.append(Note(message="Code size measured on the working tree (no git base)."))
    base_defs = before.definitions
    defined_before = set().union(*base_defs.values()) if base_defs is not None else None
    reuse = reuse or measure_reuse(delta, before)
    consolidation = _duplicate_figures(workspace, delta, duplicates, disk)
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
        summary=f"Net LOC impact: +{t.code_added}/-{t.code_removed} code lines (net {t.net_code:+}) in "
                f"{quantity(t.files, 'file')}; "
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


def _duplicate_figures(workspace: Workspace, delta: LocDelta, figures: DuplicateFigures | None,
                       disk: DiskCache | None) -> Consolidation:
    if delta.source != "git":
        return Consolidation(duplicates_reason="needs a git range: without the base revision duplicates "
                                               "introduced and eliminated cannot be measured")
    if figures is None:
        figures = measure_duplicates(workspace, touched_rows(delta), base_sources(delta), disk)
    return Consolidation(duplicates_introduced=figures.introduced, duplicates_eliminated=figures.eliminated)


def touched_rows(delta: LocDelta) -> dict[str, set[int]]:
    """The added rows of every file that has some."""
    return {f.path: set(f.added_rows) for f in delta.files if f.added_rows}


def base_sources(delta: LocDelta) -> list[SourceFile]:
    """The base versions of the changed Python files (for duplicates eliminated)."""
    return [f.before for f in delta.files if f.before is not None]


# -- maturity ---------------------------------------------------------------------------


def _maturity(workspace: Workspace, before: BaseFacts) -> Maturity:
    configured = workspace.config.settings.maturity
    lines, complete = before.code_lines, before.counted_all
    if configured != "auto":
        return Maturity(tier=configured, code_lines_before=lines, counted_all=complete, set_in_config=True)
    tier: Tier = "foundation" if lines < TIER_LIMITS[0] else "growing" if lines <= TIER_LIMITS[1] else "mature"
    return Maturity(tier=tier, code_lines_before=lines, counted_all=complete)


# -- reuse and consolidation ---------------------------------------------------------------


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
