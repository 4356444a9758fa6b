"""Renderings of a rule check for people and CI: concise text (like Ruff's) and SARIF 2.1.0.

JSON needs no renderer: it is the ``CheckResult`` model itself. SARIF follows what GitHub code
scanning reads: every rule described once under ``tool.driver.rules``, results pointing at it by
index, URIs relative to ``%SRCROOT%``, and ``partialFingerprints`` so an alert keeps its
identity when lines above it move.
"""

from __future__ import annotations

import inspect
from typing import Any

from pattern_warden import __version__
from pattern_warden.rules.registry import BY_CODE
from pattern_warden.fingerprint import fingerprints
from pattern_warden.models import quantity
from pattern_warden.rules.results import CheckResult, Finding
from pattern_warden.source import SourceFile

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def text_report(result: CheckResult) -> str:
    """The summary, then one line per finding (`path:line:col: CODE message Fix: hint`), then notes.

    The summary comes first because a reader who stops early (an agent, a CI log) still has
    the whole run's counts; each pattern document is named once, after the findings.
    """
    summary = result.summary
    counts = ", ".join(f"{n} {name}" for name, n in summary.by_severity.items() if n)
    if summary.findings:
        fixable = f"; {summary.fixable} fixable with --fix" if summary.fixable else ""
        lines = [f"Found {quantity(summary.findings, 'finding')} ({counts}) in "
                 f"{quantity(summary.files_checked, 'file')}{fixable}."]
    else:
        lines = [f"All checks passed ({quantity(summary.files_checked, 'file')})."]
    for f in result.findings:
        lines.append(f"{f.path}:{f.line}:{f.column}: {f.code} {f.message} Fix: {f.fix_hint}")
        if f.fix_diff:
            lines.append(f.fix_diff.rstrip("\n"))
    patterns = {f.code: f.pattern_uri for f in result.findings}
    if patterns:
        lines.append("Why: " + ", ".join(f"{code} {uri}" for code, uri in sorted(patterns.items())))
    lines += [f"note: {n.path + ': ' if n.path else ''}{n.message}" for n in result.notes]
    return "\n".join(lines) + "\n"


def _identities(findings: list[Finding], sources: dict[str, SourceFile | None]) -> dict[int, str]:
    """Each finding's shared fingerprint (``fingerprint.fingerprints``, per file in line order)."""
    by_file: dict[str, list[Finding]] = {}
    for finding in findings:
        by_file.setdefault(finding.path, []).append(finding)
    out: dict[int, str] = {}
    for path, found in by_file.items():
        found = sorted(found, key=lambda f: (f.line, f.column, f.code))
        out.update((id(f), fp) for f, fp in zip(found, fingerprints(found, sources.get(path)), strict=True))
    return out


def _rule_descriptor(code: str) -> dict[str, Any]:
    rule = BY_CODE[code]
    what = inspect.cleandoc(rule.__doc__ or rule.message)
    return {
        "id": code,
        "name": "".join(part.capitalize() for part in rule.name.split("-")),
        "shortDescription": {"text": rule.message},
        "fullDescription": {"text": what},
        "help": {"text": f"{what}\n\nWhy: {rule.why}\n\nInstead: {rule.instead}",
                 "markdown": f"{what}\n\n**Why:** {rule.why}\n\n**Instead:** {rule.instead}"},
        "defaultConfiguration": {"level": _LEVELS[rule.severity.label]},
        "properties": {"tags": [rule.family], "pattern": rule.pattern},
    }


def sarif_report(result: CheckResult, sources: dict[str, SourceFile | None]) -> dict[str, Any]:
    """SARIF 2.1.0 for ``result``; ``sources`` maps each path to its file (for fingerprints)."""
    codes = sorted({f.code for f in result.findings})
    index = {code: i for i, code in enumerate(codes)}
    identity = _identities(result.findings, sources)
    results = []
    for finding in result.findings:
        results.append({
            "ruleId": finding.code,
            "ruleIndex": index[finding.code],
            "level": _LEVELS[finding.severity],
            "message": {"text": f"{finding.message} {finding.fix_hint}"},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": finding.path, "uriBaseId": "%SRCROOT%"},
                    "region": {
                        "startLine": finding.line, "startColumn": finding.column,
                        "endLine": finding.end_line, "endColumn": max(finding.end_column, 1),
                    },
                }
            }],
            "partialFingerprints": {"primaryLocationLineHash": identity[id(finding)]},
        })
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "pattern-warden",
                "version": __version__,
                "rules": [_rule_descriptor(code) for code in codes],
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
