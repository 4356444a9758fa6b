"""The CLI's renderings of a duplicates answer: compact text, the JSON model, SARIF 2.1.0.

The text form gives, per clone family, what to do and where, what differs between the members
(the parameters a merged helper would take) and why, then one line per member, so an agent can
act on it without opening the JSON. SARIF lives here until
the shared ``report.py`` lands; it follows the 2.1.0 schema so code-scanning services accept it.
"""

from __future__ import annotations

import json

from pattern_warden import __version__
from pattern_warden.clones.models import KINDS, CloneClass, DuplicatesResult, DuplicatesSummary, SimilarResult
from pattern_warden.models import Note, Page

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: Method pairs a family of whole classes shows in the text (the JSON lists them all).
METHODS_SHOWN = 12
_RULE_TEXT = {
    "exact": "The same code, apart from layout and comments, is written more than once.",
    "renamed": "The same code with other names or literals is written more than once.",
    "similar": "Functions that are nearly the same (statements added, removed or changed).",
}


def _span(loc: object) -> str:
    return f"{loc.path}:{loc.start_line}-{loc.end_line}"  # type: ignore[attr-defined]


def _differences(clone: CloneClass) -> str:
    parts = []
    for d in clone.differences:
        more = f" +{d.slots - len(d.examples)}" if d.kind != "statements" and d.slots > len(d.examples) else ""
        parts.append(f"{d.kind} {', '.join(d.examples)}{more}")
    return "; ".join(parts) or "nothing (identical apart from layout and comments)"


def family_lines(rank: int, clone: CloneClass) -> list[str]:
    """One family: action, home, kind, size and saving; for whole classes, which and their method
    pairs; what differs; why; one line per core member, then one per related (weaker) member."""
    advice = clone.recommendation
    home = f" -> {advice.home}" if advice.home else ""
    behaviour = " | behaviour differs" if clone.changes_behaviour else ""
    related = f" (+{len(clone.related)} related)" if clone.related else ""
    more = f"; +{len(clone.methods) - METHODS_SHOWN} more" if len(clone.methods) > METHODS_SHOWN else ""
    whole = [f"  classes: {clone.detail}", f"  methods: {'; '.join(clone.methods[:METHODS_SHOWN])}{more}"] \
        if clone.detail else []
    return [
        f"#{rank} {advice.action}{home} | {clone.kind} {clone.similarity:.0%}, {len(clone.locations)} x "
        f"{clone.lines} lines{related}, saves ~{clone.saving:g}{behaviour}",
        *whole,
        f"  differs: {_differences(clone)}",
        f"  why: {advice.reason}",
        *(f"  {_span(loc)} {loc.function or '(module level)'}" for loc in clone.locations),
        *(f"  related: {_span(loc)} {loc.function or '(module level)'}" for loc in clone.related),
    ]


def duplicates_text(summary: DuplicatesSummary, classes: list[CloneClass], notes: list[Note], first: int = 1) -> str:
    """Summary first; per family a head line (action, home, kind, size, saving), what differs, why,
    then one line per member; then notes."""
    actions = ", ".join(f"{n} {action}" for action, n in sorted(summary.by_action.items()))
    lines = [
        f"{summary.clone_classes} clone families ({actions}); {summary.duplicated_lines} of {summary.lines} code "
        f"lines duplicated ({summary.percentage:.2f}%) in {summary.files} files"
    ]
    for n, clone in enumerate(classes, first):  # ranks count across pages
        lines += family_lines(n, clone)
    lines += [f"note: {n.path + ': ' if n.path else ''}{n.message}" for n in notes]
    return "\n".join(lines) + "\n"


def similar_text(result: SimilarResult) -> str:
    """The advice (or why there is none) first, then one line per match; then notes."""
    head = result.advice or "No advice: see the note."
    lines = [f"{head} ({len(result.matches)} matches in {result.searched_functions} functions)"]
    lines += [f"{m.path}:{m.start_line}-{m.end_line} {m.function} {m.similarity:.0%}" for m in result.matches]
    lines += [f"note: {n.path + ': ' if n.path else ''}{n.message}" for n in result.notes]
    return "\n".join(lines) + "\n"


def duplicates_json(summary: DuplicatesSummary, classes: list[CloneClass], notes: list[Note]) -> str:
    """The same model the MCP tool returns, as one page holding every class, so scripts parse one schema."""
    result = DuplicatesResult(summary=summary, clones=classes, page=Page(total=len(classes), offset=0), notes=notes)
    return result.model_dump_json(indent=2) + "\n"


def _physical(loc: object) -> dict[str, object]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": loc.path, "uriBaseId": "%SRCROOT%"},  # type: ignore[attr-defined]
            "region": {"startLine": loc.start_line, "endLine": loc.end_line},  # type: ignore[attr-defined]
        }
    }


def duplicates_sarif(summary: DuplicatesSummary, classes: list[CloneClass], notes: list[Note]) -> str:
    """One result per clone class, at its first location, the others as related locations."""
    rules = [
        {
            "id": f"clone-{kind}",
            "name": f"Duplicate code ({kind})",
            "shortDescription": {"text": _RULE_TEXT[kind]},
            "properties": {"pattern": "warden://patterns/consolidation-decision-tree"},
        }
        for kind in KINDS
    ]
    results = []
    for clone in classes:
        first, *others = [*clone.locations, *clone.related]
        where = ", ".join(_span(o) for o in others)
        results.append({
            "ruleId": f"clone-{clone.kind}",
            "ruleIndex": KINDS.index(clone.kind),
            "level": "note" if clone.boilerplate else "warning",
            "message": {"text": f"{clone.lines} lines duplicated ({clone.kind}, {clone.similarity:.0%}) with "
                                f"{where}. {clone.recommendation.reason}"},
            "locations": [_physical(first)],
            "relatedLocations": [{"id": i, **_physical(o)} for i, o in enumerate(others, 1)],
            "partialFingerprints": {"cloneClass": clone.id},
        })
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "pattern-warden", "version": __version__, "rules": rules}},
            "results": results,
            "properties": {"summary": summary.model_dump(exclude={"by_folder"}),
                           "notes": [n.model_dump() for n in notes]},
        }],
    }
    return json.dumps(log, indent=2) + "\n"
