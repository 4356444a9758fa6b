"""The leftovers answer as an agent reads it: summary first, one line per leftover; and SARIF."""

from __future__ import annotations

import json

from pattern_warden import __version__
from pattern_warden.leftovers.models import HIGH, KINDS, PATTERN_URI, Leftover, LeftoversResult

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def leftover_line(item: Leftover) -> str:
    """``path:line-end [kind 95%] action: reason Fix: ...``: everything needed to act on one."""
    span = f"{item.path}:{item.line}" + (f"-{item.end_line}" if item.end_line > item.line else "")
    symbol = f" {item.symbol}" if item.symbol and item.kind in ("dead", "orphaned-by-change") else ""
    return f"{span}{symbol} [{item.kind} {item.confidence}%] {item.action}: {item.reason} Fix: {item.fix}"


def leftovers_text(result: LeftoversResult) -> str:
    """Summary, then the leftovers most certain first, then notes."""
    summary = result.summary
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(summary.by_kind.items())) or "none"
    lines = [f"{_count(summary.findings, 'leftover')} ({kinds}); {summary.high_confidence} with confidence "
             f">= {HIGH}% in {_count(summary.files, 'module')}. Pattern: {PATTERN_URI}"]
    lines += [leftover_line(item) for item in result.leftovers]
    lines += [f"note: {n.path + ': ' if n.path else ''}{n.message}" for n in result.notes]
    return "\n".join(lines) + "\n"


def leftovers_sarif(result: LeftoversResult) -> str:
    """SARIF 2.1.0: one rule per kind, one result per leftover."""
    rules = [{"id": f"leftover-{kind}", "name": f"Leftover ({kind})",
              "shortDescription": {"text": f"Something an earlier attempt left behind: {kind}."},
              "helpUri": PATTERN_URI} for kind in KINDS]
    results = [{
        "ruleId": f"leftover-{item.kind}",
        "ruleIndex": KINDS.index(item.kind),
        "level": "warning" if item.confidence >= HIGH else "note",
        "message": {"text": f"{item.reason} {item.fix}"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": item.path},
                                            "region": {"startLine": item.line, "endLine": item.end_line}}}],
        "partialFingerprints": {"leftover": f"{item.kind}:{item.path}:{item.symbol or item.line}"},
        "properties": {"confidence": item.confidence, "action": item.action, "evidence": item.evidence},
    } for item in result.leftovers]
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0",
           "runs": [{"tool": {"driver": {"name": "pattern-warden", "version": __version__, "rules": rules}},
                     "results": results}]}
    return json.dumps(log, indent=2) + "\n"
