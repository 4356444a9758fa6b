"""`review`: the one command a person runs before sending a change.

In a git checkout it puts three answers together for the current change: the scorecard, the
rule findings in the changed files, and the duplicates that touch changed lines. Outside git
there is no "change", so the whole tree is reviewed. The rule and duplicate engines are
separate capabilities; when a build lacks one, the review says so instead of guessing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, Field

from pattern_warden.delta import git
from pattern_warden.delta.count import count_git
from pattern_warden.delta.score import (
    NOT_AVAILABLE,
    Scorecard,
    Threshold,
    clones_touching,
    duplicates_figures,
    optional_engine,
    render,
    scorecard,
)
from pattern_warden.models import Page, check_range, paginate
from pattern_warden.workspace import Workspace

Progress = Callable[[str], None]


class ReviewFinding(BaseModel):
    """A rule finding in a changed file."""

    code: str
    severity: str
    path: str
    line: int
    message: str
    fix_hint: str | None = None
    pattern_uri: str | None = None


class ReviewClone(BaseModel):
    """A clone class with at least one copy on a changed line."""

    kind: str
    similarity: float | None = None
    lines: int | None = None
    locations: list[str] = Field(description="path:start-end of every copy.")


class Review(BaseModel):
    """Scorecard, rule findings and duplicates for the current change (or the whole tree)."""

    summary: str
    in_git: bool
    scorecard: Scorecard | None = Field(None, description="Null outside a git checkout.")
    reviewed_paths: int = Field(description="Files whose rule findings and duplicates were looked for.")
    findings: list[ReviewFinding] = Field(default_factory=list, description="One page, most severe first.")
    findings_total: int | None = Field(None, description="Null when the rule engine is not available.")
    findings_status: str
    duplicates: list[ReviewClone] = Field(default_factory=list)
    duplicates_status: str
    passed: bool = Field(description="False when the verdict failed or a configured threshold failed.")
    page: Page


_SEVERITY = {"error": 0, "warning": 1, "info": 2}


def review_change(
    workspace: Workspace,
    path: str | None = None,
    base: str | None = None,
    head: str | None = None,
    *,
    cursor: str | None = None,
    limit: int = 50,
    progress: Progress | None = None,
    fit_chars: int | None = None,
) -> Review:
    """Review the change under ``path`` (default: the root) against ``base``..``head``."""
    check_range("limit", limit, 1, 1_000_000)
    say = progress or (lambda _message: None)
    paths = [path] if path and path != "." else None
    in_git = git.toplevel(workspace.root) is not None
    card: Scorecard | None = None
    touched: dict[str, set[int]] | None = None
    if in_git:
        say("counting the change")
        delta = count_git(workspace, base, head, paths)
        targets = [f.path for f in delta.files if f.kind == "python" and f.status != "deleted"]
        touched = {f.path: set(f.added_rows) for f in delta.files if f.added_rows}
    else:
        say("not a git checkout: reviewing the whole tree")
        targets = [workspace.relative(p) for p in workspace.discover(paths).files]
    say(f"looking for duplicates ({len(targets)} files)")
    clones, clone_status = clones_touching(workspace, touched)
    if not in_git and clones is not None:
        clones = [c for c in clones if any(loc.path in targets for loc in c.locations)]
    if in_git:
        say("scoring")
        card = scorecard(workspace, delta, duplicates=duplicates_figures(clones, clone_status), limit=limit,
                         fit_chars=fit_chars // 2 if fit_chars else None)
    say(f"checking rules ({len(targets)} files)")
    findings, rule_status = _findings(workspace, targets)
    passed = card.passed if card else True
    extra = _finding_thresholds(workspace, findings)
    if extra:
        passed = passed and all(t.passed for t in extra)
        if card:
            card.thresholds += extra
            card.passed = passed
            card.summary = render(card)
    page_items, page = paginate(findings or [], cursor, limit)
    review = Review(
        summary="", in_git=in_git, scorecard=card, reviewed_paths=len(targets), findings=page_items,
        findings_total=len(findings) if findings is not None else None, findings_status=rule_status,
        duplicates=[_clone(c) for c in clones or []], duplicates_status=clone_status, passed=passed, page=page,
    )
    review.summary = render_review(review)
    while fit_chars is not None and len(review.findings) > 1 and len(review.model_dump_json()) > fit_chars:
        review.findings, review.page = paginate(findings or [], cursor, len(review.findings) // 2)
    return review


def _finding_thresholds(workspace: Workspace, findings: list[ReviewFinding] | None) -> list[Threshold]:
    """max-findings, and fail-on-severity: findings at or above that severity in the changed files."""
    if findings is None:
        return []
    limits = workspace.config.settings.review
    out = []
    if limits.max_findings is not None:
        out.append(Threshold(name="max-findings", limit=limits.max_findings, value=len(findings),
                             passed=len(findings) <= limits.max_findings))
    if limits.fail_on_severity != "never":
        worst = _SEVERITY[limits.fail_on_severity]
        severe = sum(1 for f in findings if _SEVERITY.get(f.severity, 3) <= worst)
        out.append(Threshold(name=f"fail-on-severity={limits.fail_on_severity}", limit=0, value=severe,
                             passed=severe == 0))
    return out


def _findings(workspace: Workspace, targets: Sequence[str]) -> tuple[list[ReviewFinding] | None, str]:
    engine = optional_engine("pattern_warden.rules.engine")
    if engine is None:
        return None, f"{NOT_AVAILABLE}: the rule engine is not in this build"
    if not targets:
        return [], "ok"
    options_type = getattr(engine, "CheckOptions", None)
    result = engine.check_paths(workspace, list(targets), options_type(paginate=False) if options_type else None)
    found = [
        ReviewFinding(code=f.code, severity=str(getattr(f.severity, "value", f.severity)), path=f.path, line=f.line,
                      message=f.message, fix_hint=f.fix_hint, pattern_uri=f.pattern_uri)
        for f in result.findings
    ]
    found.sort(key=lambda f: (_SEVERITY.get(f.severity, 3), f.path, f.line))
    return found, "ok"


def _clone(clone: Any) -> ReviewClone:
    return ReviewClone(kind=str(getattr(clone.kind, "value", clone.kind)), similarity=clone.similarity,
                       lines=clone.lines,
                       locations=[f"{loc.path}:{loc.start_line}-{loc.end_line}" for loc in clone.locations])


def render_review(review: Review) -> str:
    """Scorecard, then findings, then duplicates, then the outcome."""
    parts = [review.scorecard.summary if review.scorecard else
             "Not a git checkout: reviewed the whole tree (no change to score).\n"]
    if review.findings_total is None:
        parts.append(f"Rule findings: {review.findings_status}\n")
    else:
        scope = "changed files" if review.in_git else "files"
        parts.append(f"Rule findings in {review.reviewed_paths} {scope}: {review.findings_total}\n")
        parts += [f"  {f.path}:{f.line}: {f.code} [{f.severity}] {f.message}\n" for f in review.findings]
        if review.page.next_cursor:
            parts.append(f"  ... {review.page.total - review.page.offset - len(review.findings)} more\n")
    if review.duplicates_status != "ok":
        parts.append(f"Duplicates{' touching changed lines' if review.in_git else ''}: {review.duplicates_status}\n")
    else:
        parts.append(f"Duplicates{' touching changed lines' if review.in_git else ''}: {len(review.duplicates)}\n")
        parts += [f"  {c.kind}: {', '.join(c.locations)}\n" for c in review.duplicates[:20]]
    parts.append("Review: " + ("passed" if review.passed else "FAILED (see the verdict and thresholds above)") + "\n")
    return "".join(parts)
