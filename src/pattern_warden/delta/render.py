"""Compact text for the change models: summary first, one line per item.

The CLI prints this; the MCP text content is this (registered with the render layer); the
prompts quote it. Every list that was cut says how many more there are and how to get them.
"""

from __future__ import annotations

from pattern_warden.delta.models import Review, ReviewFinding, Scorecard
from pattern_warden.leftovers.render import leftover_line
from pattern_warden.models import quantity

NOT_AVAILABLE = "not available"


def _pct(value: float | None) -> str:
    return f"{value * 100:.0f}%" if value is not None else "unknown"


def _outcome(passed: bool, failed: list[str]) -> str:
    return "passed" if passed else f"FAILED ({', '.join(failed) or 'see above'})"


def scorecard_lines(card: Scorecard) -> list[str]:
    """The figures, one per line (shared by the scorecard and the review)."""
    t = card.totals
    reuse = card.reuse
    cons = card.consolidation
    cov = card.coverage

    def figure(value: int | None) -> str:
        return str(value) if value is not None else NOT_AVAILABLE

    lines = [
        f"Net LOC impact: {card.net_loc} code lines, net {t.net_code:+}; {t.code_moved} moved; "
        f"{t.other_added + t.other_removed} blank/comment/docstring lines changed",
        f"Units: functions +{t.functions_added} -{t.functions_removed} ~{t.functions_modified}, "
        f"classes +{t.classes_added} -{t.classes_removed} ~{t.classes_modified}",
        "Reuse rate: " + (f"{_pct(reuse.rate)} ({reuse.existing_count} of {reuse.existing_count + reuse.new_count} "
                          "project functions/classes called by added code existed before)"
                          if reuse.rate is not None else f"unknown ({reuse.reason})"),
        f"Functions consolidated: {len(cons.functions_consolidated)}"
        + "".join(f"; {c.removed} -> {', '.join(c.replaced_by)}" for c in cons.functions_consolidated[:3]),
        f"Duplicates: introduced {figure(cons.duplicates_introduced)}, eliminated {figure(cons.duplicates_eliminated)}"
        + (f" ({cons.duplicates_reason})" if cons.duplicates_reason else ""),
        "Coverage: " + (f"{cov.changed_percent}% of {cov.changed_statements} added statements ran ({cov.source})"
                        if cov.changed_percent is not None else f"unknown ({cov.reason})")
        + (f"; project total {cov.total_percent}%" if cov.total_percent is not None else "")
        + (" (stale: the data is older than the change)" if cov.stale else ""),
        f"Maturity: {card.maturity.tier}" + (" (set in config)" if card.maturity.set_in_config else ""),
        f"Verdict: {card.verdict.status.upper()}: {card.verdict.message}",
    ]
    lines += [f"Threshold {x.name}: {'ok' if x.passed else 'FAILED'} (value {x.value}, limit {x.limit})"
              for x in card.thresholds]
    lines += [f"Note: {n.message}" for n in card.notes]
    return lines


def render_scorecard(card: Scorecard) -> str:
    """The scorecard: outcome, figures, then one line per file of this page."""
    span = f"{(card.base or '')[:12] or card.source} -> {(card.head or '')[:12] or card.source}"
    lines = [f"LOC delta ({span}, {quantity(card.totals.files, 'file')}): {_outcome(card.passed, card.failed)}",
             *scorecard_lines(card)]
    if card.files:
        lines.append(f"Files {card.page.offset + 1}-{card.page.offset + len(card.files)} of {card.page.total}:")
        lines += [f"  {f.path}: {f.status}, code +{f.code_added}/-{f.code_removed}"
                  + (f", moved {f.code_moved_in + f.code_moved_out}" if f.code_moved_in + f.code_moved_out else "")
                  + (f" ({f.note})" if f.note else "") for f in card.files]
    if card.page.next_cursor:
        rest = card.page.total - card.page.offset - len(card.files)
        lines.append(f"... {rest} more files: pass cursor={card.page.next_cursor}")
    lines.append(f"Pattern: {card.pattern_uri}")
    return "\n".join(lines) + "\n"


def finding_line(f: ReviewFinding) -> str:
    """One finding of a change: place, rule, whether the change made it (new, worse, existing), reason, fix.

    The review and both hooks print this same line."""
    tag = "new" if f.new else f"worse (was {f.worse_than})" if f.worse_than is not None else "existing"
    fix = f" Fix: {f.fix_hint}" if f.fix_hint else ""
    return f"{f.path}:{f.line}: {f.code} [{f.severity}] {tag}: {f.message}{fix}"


def render_review(review: Review) -> str:
    """What was reviewed and the outcome first, then the figures, findings and duplicates."""
    lines = [f"Review: {_outcome(review.passed, review.failed)}", f"Reviewed: {review.reviewed}"]
    failed = [t for t in review.thresholds if not t.passed]
    lines += [f"Failed threshold {t.name}: value {t.value}, limit {t.limit}" for t in failed]
    if review.scorecard is not None:
        lines += scorecard_lines(review.scorecard)
    scope = quantity(review.reviewed_paths, "changed file" if review.in_git else "file")
    worse = f", {review.findings_worse} worse" if review.findings_worse else ""
    lines.append(f"Rule findings in {scope}: {review.findings_new} new{worse}, "
                 f"{review.findings_existing} existing" + ("" if review.show_existing or not review.findings_existing
                                                           else " (listed with show_existing / --show-existing)"))
    lines += [f"  {finding_line(f)}" for f in review.findings]
    if review.page.next_cursor:
        rest = review.page.total - review.page.offset - len(review.findings)
        lines.append(f"  ... {rest} more {'finding' if rest == 1 else 'findings'}: pass cursor={review.page.next_cursor}")
    eliminated = "" if review.duplicates_eliminated is None else f", eliminated {review.duplicates_eliminated}"
    lines.append(f"Duplicates: introduced {review.duplicates_introduced}{eliminated}")
    lines += [f"  {c.kind}, {c.copies} copies: {', '.join(c.locations)}"
              + (f" and {c.copies - len(c.locations)} more" if c.copies > len(c.locations) else "")
              for c in review.duplicates]
    if review.duplicates_introduced > len(review.duplicates):
        lines.append(f"  ... {review.duplicates_introduced - len(review.duplicates)} more: "
                     "find_duplicates (or `pattern-warden dupes`) lists them all")
    lines.append(f"Leftovers added or orphaned: {review.leftovers_introduced}")
    lines += [f"  {leftover_line(item)}" for item in review.leftovers]
    if review.leftovers_introduced > len(review.leftovers):
        lines.append(f"  ... {review.leftovers_introduced - len(review.leftovers)} more: find_leftovers "
                     "(or `pattern-warden leftovers`) lists every leftover of the tree")
    return "\n".join(lines) + "\n"
