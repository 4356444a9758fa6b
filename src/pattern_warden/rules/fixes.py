"""Turning a rule's edits into new text and a unified diff, refusing any edit that breaks the code.

Edits are precise character ranges computed from ast positions, so everything outside them,
comments and formatting included, is kept byte for byte. A fix whose result does not parse is
dropped rather than offered: a broken fix costs an agent more than no fix.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Iterable

from pattern_warden.rules.base import Edit, Fix


def apply_edits(text: str, edits: Iterable[Edit]) -> str | None:
    """``text`` with the edits applied, or None if two of them overlap."""
    ordered = sorted(set(edits), key=lambda e: (e.start, e.end))
    out: list[str] = []
    cursor = 0
    for edit in ordered:
        if edit.start < cursor:
            return None
        out.append(text[cursor:edit.start])
        out.append(edit.replacement)
        cursor = edit.end
    out.append(text[cursor:])
    return "".join(out)


def parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def unified_diff(path: str, before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}", n=2
        )
    )


def fix_diff(path: str, text: str, fix: Fix) -> str | None:
    """The diff of one fix, or None when it cannot be applied cleanly."""
    after = apply_edits(text, fix.edits)
    if after is None or after == text or not parses(after):
        return None
    return unified_diff(path, text, after)


def apply_fixes(text: str, fixes: Iterable[Fix]) -> tuple[str, int]:
    """Apply as many whole fixes as fit together; returns the new text and how many were applied."""
    chosen: list[Edit] = []
    applied = 0
    for fix in fixes:
        trial = apply_edits(text, [*chosen, *fix.edits])
        if trial is not None and parses(trial):
            chosen.extend(fix.edits)
            applied += 1
    result = apply_edits(text, chosen)
    return (result if result is not None else text), applied
