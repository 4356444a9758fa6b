"""The decision: the maturity verdict and the configured thresholds, from figures already measured.

Nothing here reads the repository; it takes the aggregated figures and says pass, warn or
fail, and which threshold failed. Rule thresholds count only *new* findings: a change is not
blamed for what its files already held.
"""

from __future__ import annotations

from collections.abc import Sequence
from pattern_warden.config import ReviewThresholds
from pattern_warden.delta.count import DeltaTotals
from pattern_warden.delta.models import Maturity, ReviewFinding, Threshold, Verdict
from pattern_warden.leftovers.models import HIGH, Leftover

_SEVERITY = {"error": 0, "warning": 1, "info": 2}


def verdict(maturity: Maturity, t: DeltaTotals) -> Verdict:
    """What the project's size asks of this change (see ``net-loc-discipline``)."""
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


def change_thresholds(limits: ReviewThresholds, t: DeltaTotals, reuse_rate: float | None,
                      duplicates_introduced: int | None) -> list[Threshold]:
    """The change-size thresholds that are configured, each with its value."""
    out: list[Threshold] = []
    if limits.max_net_code is not None:
        out.append(Threshold(name="max-net-code", limit=limits.max_net_code, value=t.net_code,
                             passed=t.net_code <= limits.max_net_code))
    if limits.min_reuse_rate is not None:
        out.append(Threshold(name="min-reuse-rate", limit=limits.min_reuse_rate, value=reuse_rate,
                             passed=reuse_rate is None or reuse_rate >= limits.min_reuse_rate))
    if limits.max_duplicates_introduced is not None:
        found = duplicates_introduced
        out.append(Threshold(name="max-duplicates-introduced", limit=limits.max_duplicates_introduced, value=found,
                             passed=found is None or found <= limits.max_duplicates_introduced))
    return out


def counted(findings: Sequence[ReviewFinding], limits: ReviewThresholds) -> list[ReviewFinding]:
    """The findings a change answers for: the new ones, and the worse ones when ``fail-on-worse`` says so."""
    return [f for f in findings if f.new or (limits.fail_on_worse and f.worse_than is not None)]


def finding_thresholds(limits: ReviewThresholds, findings: Sequence[ReviewFinding]) -> list[Threshold]:
    """max-findings and fail-on-severity, counted over the *new* findings only (``counted``)."""
    new = counted(findings, limits)
    out = []
    if limits.max_findings is not None:
        out.append(Threshold(name="max-findings", limit=limits.max_findings, value=len(new),
                             passed=len(new) <= limits.max_findings))
    if limits.fail_on_severity != "never":
        worst = _SEVERITY[limits.fail_on_severity]
        severe = sum(1 for f in new if _SEVERITY.get(f.severity, 3) <= worst)
        out.append(Threshold(name=f"fail-on-severity={limits.fail_on_severity}", limit=0, value=severe,
                             passed=severe == 0))
    return out


def leftover_threshold(limits: ReviewThresholds, leftovers: Sequence[Leftover]) -> list[Threshold]:
    """max-leftovers, counted over the high-confidence leftovers the change added or orphaned."""
    if limits.max_leftovers is None:
        return []
    sure = sum(1 for item in leftovers if item.confidence >= HIGH)
    return [Threshold(name="max-leftovers", limit=limits.max_leftovers, value=sure,
                      passed=sure <= limits.max_leftovers)]


def passed(status: str | None, thresholds: Sequence[Threshold], fail_on_warning: bool) -> bool:
    """False when the verdict failed (or warned, if asked) or any threshold failed."""
    return status != "fail" and not (fail_on_warning and status == "warn") and all(t.passed for t in thresholds)
