"""The change scorecard: net LOC impact, reuse, consolidation, duplicates, coverage, verdict.

Agents are asked to report these figures and, left alone, make them up. Every figure here is
measured from the repository or marked unknown/not available with the reason; none is
estimated. The verdict depends on how big the project already was, because a new project
must grow while a mature one should mostly reshape (see ``net-loc-discipline``).
"""

from __future__ import annotations

import importlib
import re
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

from pydantic import BaseModel, Field

from pattern_warden.delta import git
from pattern_warden.delta.count import (
    EMPTY_TREE,
    DeltaTotals,
    FileDelta,
    LocDelta,
    count_git,
    count_sources,
    resolve_range,
)
from pattern_warden.delta.coverage import Coverage, measure
from pattern_warden.delta.patch import count_diff
from pattern_warden.delta.scan import scan
from pattern_warden.errors import WardenError
from pattern_warden.models import Note, Page, check_range, paginate
from pattern_warden.source import SourceFile
from pattern_warden.workspace import Skipped, Workspace

PATTERN_URI = "warden://patterns/net-loc-discipline"
Tier = Literal["foundation", "growing", "mature", "legacy"]
_TIER_LIMITS = (1_000, 10_000)
_DEF_TEXT = re.compile(r"(?:def|class)\s+([A-Za-z_][A-Za-z0-9_]*)")
_READ_CHUNK = 200
NOT_AVAILABLE = "not available"
_ALL = 200  # the duplicate engine's largest page
ELIMINATED_REASON = ("eliminated is not available: the duplicate engine reads the working tree only, "
                     "not the base revision")


class Reuse(BaseModel):
    """How much of the project's own code the added code calls that was already there."""

    rate: float | None = Field(None, description="existing / (existing + new); null when nothing was measured.")
    existing: list[str] = Field(default_factory=list, description="Called project units that existed before.")
    new: list[str] = Field(default_factory=list, description="Called project units this change introduced.")
    reason: str | None = Field(None, description="Why the rate is missing.")


class Consolidated(BaseModel):
    """A removed function whose former callers now call a function that already existed."""

    removed: str
    path: str
    replaced_by: list[str]
    callers: list[str]


class Consolidation(BaseModel):
    """What the change merged away, and the duplicates it added (or why that is unknown)."""

    functions_consolidated: list[Consolidated] = Field(default_factory=list)
    duplicates_introduced: int | None = Field(None, description="Clone classes touching added lines.")
    duplicates_eliminated: int | None = Field(None, description="Clone classes that the change removed.")
    duplicates_reason: str | None = Field(None, description="Why a duplicate figure is missing.")


class Maturity(BaseModel):
    """How big the project was before the change, which decides what the verdict asks for."""

    tier: Tier
    code_lines_before: int = Field(description="Python code lines counted before the change.")
    counted_all: bool = Field(description="False when counting stopped once the top tier was certain.")
    set_in_config: bool = False


class Verdict(BaseModel):
    """pass, warn or fail, with the figures that decided it."""

    status: Literal["pass", "warn", "fail"]
    message: str


class Threshold(BaseModel):
    """One configured limit from [tool.pattern-warden.review], with the measured value."""

    name: str
    limit: int | float
    value: int | float | None = Field(description="Null when the figure could not be measured (then it passes).")
    passed: bool


class Scorecard(BaseModel):
    """The scorecard of one change; `files` is one page of the per-file counts."""

    summary: str = Field(description="The short text block, for people and for agents' reports.")
    source: str
    base: str | None
    head: str | None
    net_loc: str = Field(description="'+X/-Y' code lines (moves excluded).")
    totals: DeltaTotals
    reuse: Reuse
    consolidation: Consolidation
    coverage: Coverage
    maturity: Maturity
    verdict: Verdict
    thresholds: list[Threshold] = Field(default_factory=list)
    passed: bool = Field(description="False when the verdict is 'fail' or a configured threshold failed.")
    files: list[FileDelta]
    page: Page
    notes: list[Note] = Field(default_factory=list)
    pattern_uri: str = PATTERN_URI


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
    limit: int = 100,
    fit_chars: int | None = None,
) -> Scorecard:
    """Score a git range (default: merge-base..working tree), two sources, or a diff's text."""
    check_range("limit", limit, 1, 1_000_000)
    if (before is not None or after is not None) + (diff is not None) + (base is not None or head is not None) > 1:
        raise WardenError("Give one input: a git range (base/head), before/after sources, or a diff.",
                          "Drop the others.")
    if before is not None or after is not None:
        delta = count_sources(workspace, before or "", after or "", path=path_name)
    elif diff is not None:
        delta = count_diff(workspace, diff, paths)
    else:
        span = resolve_range(workspace.root, base, head)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="delta-defs") as pool:
            # The base's definitions (for reuse) come from a git grep that can run beside the diff.
            defs = pool.submit(definitions_at, workspace.root, span.base)
            delta = count_git(workspace, paths=paths, span=span)
            return scorecard(workspace, delta, cursor=cursor, limit=limit, base_defs=defs.result(),
                             fit_chars=fit_chars)
    return scorecard(workspace, delta, cursor=cursor, limit=limit, fit_chars=fit_chars)


def scorecard(workspace: Workspace, delta: LocDelta, *, cursor: str | None = None, limit: int = 100,
              duplicates: Consolidation | None = None, base_defs: dict[str, set[str]] | None = None,
              fit_chars: int | None = None) -> Scorecard:
    """Turn counts into the scorecard: the measurements that need the repository, then the verdict.
    With ``fit_chars``, the page of files shrinks until the whole answer fits (an agent's context)."""
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
    consolidation = duplicates or _duplicates(workspace, delta.files)
    consolidation.functions_consolidated = _consolidated(delta.files, defined_before)
    coverage = measure(workspace, delta.files)
    t = delta.totals
    verdict = _verdict(maturity, t)
    thresholds = _thresholds(workspace, t, reuse, consolidation)
    passed = verdict.status != "fail" and all(x.passed for x in thresholds) and not (
        workspace.config.settings.review.fail_on_warning and verdict.status == "warn")
    files, page = paginate(delta.files, cursor, limit)
    card = Scorecard(
        summary="", source=delta.source, base=delta.base, head=delta.head,
        net_loc=f"+{t.code_added}/-{t.code_removed}", totals=t, reuse=reuse, consolidation=consolidation,
        coverage=coverage, maturity=maturity, verdict=verdict, thresholds=thresholds, passed=passed,
        files=files, page=page, notes=notes,
    )
    card.summary = render(card)
    while fit_chars is not None and len(card.files) > 1 and len(card.model_dump_json()) > fit_chars:
        card.files, card.page = paginate(delta.files, cursor, len(card.files) // 2)  # smaller page, same cursor
    return card


# -- maturity and verdict ------------------------------------------------------------------


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


def _verdict(maturity: Maturity, t: DeltaTotals) -> Verdict:
    size = f"{maturity.code_lines_before:,}{'' if maturity.counted_all else '+'} code lines before the change"
    net = f"net {t.net_code:+,} code lines (+{t.code_added:,}/-{t.code_removed:,})"
    if maturity.tier == "foundation":
        return Verdict(status="pass", message=f"Foundations welcome: {size}, {net}.")
    if maturity.tier == "legacy":
        if t.net_code < 0:
            return Verdict(status="pass", message=f"Legacy code shrank: {net}.")
        return Verdict(status="fail", message=f"Legacy code must shrink: {net}.")
    if t.net_code <= 0:
        return Verdict(status="pass", message=f"No net growth: {net}; {size}.")
    if maturity.tier == "growing":
        return Verdict(status="warn", message=f"Consolidate actively: {net} on {size}; remove or merge what the new "
                                                "code makes redundant.")
    return Verdict(status="warn", message=f"Net growth needs a reason: {net} on {size}.")


def _thresholds(workspace: Workspace, t: DeltaTotals, reuse: Reuse, consolidation: Consolidation) -> list[Threshold]:
    """The configured thresholds ([tool.pattern-warden.review]) that apply, each with its value;
    max-findings is checked by the review, which is what runs the rules."""
    limits = workspace.config.settings.review
    out: list[Threshold] = []
    if limits.max_net_code is not None:
        out.append(Threshold(name="max-net-code", limit=limits.max_net_code, value=t.net_code,
                             passed=t.net_code <= limits.max_net_code))
    if limits.min_reuse_rate is not None:
        out.append(Threshold(name="min-reuse-rate", limit=limits.min_reuse_rate, value=reuse.rate,
                             passed=reuse.rate is None or reuse.rate >= limits.min_reuse_rate))
    if limits.max_duplicates_introduced is not None:
        found = consolidation.duplicates_introduced
        out.append(Threshold(name="max-duplicates-introduced", limit=limits.max_duplicates_introduced, value=found,
                             passed=found is None or found <= limits.max_duplicates_introduced))
    return out


# -- reuse and consolidation ---------------------------------------------------------------


def _called(files: Iterable[FileDelta]) -> dict[str, set[str]]:
    """Per file, every name that the added rows call (all scopes together)."""
    out: dict[str, set[str]] = {}
    for f in files:
        if f.kind == "python" and f.after is not None and f.added_rows:
            names = set().union(*f.added_calls.values())
            if names:
                out[f.path] = names
    return out


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
    if base_defs is None:
        return Reuse(reason="needs a git range: without the code as it was, 'existed before' cannot be measured")
    called = _called(delta.files)
    names = set().union(*called.values()) if called else set()
    if not names:
        return Reuse(reason="the added code calls nothing")
    changed = {p for f in delta.files for p in (f.path, f.old_path) if p}
    own = {n for path, defined in base_defs.items() if path not in changed for n in defined & names}
    for f in delta.files:
        if f.after is not None and f.kind == "python":
            own |= names & {n.rsplit(".", 1)[-1] for n in scan(f.after).units}
    if not own:
        return Reuse(reason="the added code calls none of the project's own functions or classes")
    before = set().union(*base_defs.values())
    existing = sorted(own & before)
    new = sorted(own - before)
    return Reuse(rate=round(len(existing) / len(own), 3), existing=existing, new=new)


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


def optional_engine(name: str) -> ModuleType | None:
    """Another capability's engine module, or None when this build does not have it yet."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.startswith(exc.name):
            return None
        raise


def whole_answer_options(detect: ModuleType) -> object | None:
    """Duplicate-engine options asking for every clone class on one page (the scorecard counts them)."""
    options_type = getattr(detect, "DuplicatesOptions", None)
    return options_type(limit=_ALL) if options_type else None


def clones_touching(workspace: Workspace, touched: dict[str, set[int]] | None) -> tuple[list[Any] | None, str]:
    """Clone classes with a copy on a touched row (``touched`` None: every clone class), from
    the duplicate engine; None and the reason when this build does not have it."""
    detect = optional_engine("pattern_warden.clones.detect")
    if detect is None:
        return None, f"{NOT_AVAILABLE}: the duplicate engine is not in this build"
    if touched is not None and not touched:
        return [], "ok"
    result = detect.find_duplicates(workspace, None, whole_answer_options(detect))
    if touched is None:
        return list(result.clones), "ok"
    return [
        clone for clone in result.clones
        if any(loc.path in touched and not touched[loc.path].isdisjoint(range(loc.start_line, loc.end_line + 1))
               for loc in clone.locations)
    ], "ok"


def duplicates_figures(clones: list[Any] | None, status: str) -> Consolidation:
    """Duplicates introduced (clone classes touching added rows) and why 'eliminated' is missing."""
    if clones is None:
        return Consolidation(duplicates_reason=status)
    return Consolidation(duplicates_introduced=len(clones), duplicates_reason=ELIMINATED_REASON)


def _duplicates(workspace: Workspace, files: Sequence[FileDelta]) -> Consolidation:
    return duplicates_figures(*clones_touching(workspace, {f.path: set(f.added_rows) for f in files if f.added_rows}))


# -- text ----------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return f"{value * 100:.0f}%" if value is not None else "unknown"


def render(card: Scorecard) -> str:
    """The short text block: one line per figure, the verdict last."""
    t = card.totals
    span = f"{(card.base or '')[:12] or card.source} -> {(card.head or '')[:12] or card.source}"
    reuse = card.reuse
    cons = card.consolidation
    cov = card.coverage
    lines = [
        f"LOC delta ({span}, {t.files} files)",
        f"  Net LOC impact: {card.net_loc} code lines, net {t.net_code:+}; {t.code_moved} moved; "
        f"{t.other_added + t.other_removed} blank/comment/docstring lines changed",
        f"  Units: functions +{t.functions_added} -{t.functions_removed} ~{t.functions_modified}, "
        f"classes +{t.classes_added} -{t.classes_removed} ~{t.classes_modified}",
        "  Reuse rate: " + (f"{_pct(reuse.rate)} ({len(reuse.existing)} of {len(reuse.existing) + len(reuse.new)} "
                            "project units called by added code existed before)" if reuse.rate is not None
                            else f"unknown ({reuse.reason})"),
        f"  Functions consolidated: {len(cons.functions_consolidated)}"
        + "".join(f"; {c.removed} -> {', '.join(c.replaced_by)}" for c in cons.functions_consolidated[:3]),
        f"  Duplicates: introduced {cons.duplicates_introduced if cons.duplicates_introduced is not None else NOT_AVAILABLE}"
        f", eliminated {cons.duplicates_eliminated if cons.duplicates_eliminated is not None else NOT_AVAILABLE}"
        + (f" ({cons.duplicates_reason})" if cons.duplicates_reason else ""),
        "  Coverage: " + (f"{cov.changed_percent}% of {cov.changed_statements} added statements ran ({cov.source})"
                          if cov.changed_percent is not None else f"unknown ({cov.reason})")
        + (f"; project total {cov.total_percent}%" if cov.total_percent is not None else "")
        + (" (stale: the data is older than the change)" if cov.stale else ""),
        f"  Maturity: {card.maturity.tier}" + (" (set in config)" if card.maturity.set_in_config else ""),
        f"  Verdict: {card.verdict.status.upper()}: {card.verdict.message}",
    ]
    lines += [f"  Threshold {x.name}: {'ok' if x.passed else 'FAILED'} (value {x.value}, limit {x.limit})"
              for x in card.thresholds]
    lines += [f"  Note: {n.message}" for n in card.notes]
    lines.append(f"  Pattern: {card.pattern_uri}")
    return "\n".join(lines) + "\n"
