"""Turning a rule's edits into new text and a unified diff, refusing any edit that breaks the code.

Edits are precise character ranges computed from ast positions, so everything outside them,
comments and formatting included, is kept byte for byte. A fix whose result does not parse is
never written: a broken fix costs an agent more than no fix.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence

from pattern_warden.rules.base import Edit, Fix
from pattern_warden.source import parse


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
    """True when the text is valid Python as pattern-warden reads it: the newer syntax that the
    running interpreter only reads once lowered counts as valid (a 3.13 file stays fixable on 3.11)."""
    return parse(text).tree is not None


_HUNK = re.compile(r"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@")


_NO_NEWLINE = "\\ No newline at end of file\n"


def _diff_lines(text: str) -> list[str]:
    """Lines ended by ``\\n`` only, as patch tools read them (``splitlines`` would also cut at
    form feeds and other separators, and the diff would not apply)."""
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def unified_diff(path: str, before: str, after: str, context: int = 2) -> str:
    """A unified diff, computed only over the changed middle of the file.

    Files share everything but a few lines, so the common head and tail are cut off before
    difflib runs and the hunk line numbers are shifted back: a diff costs the size of the
    change, not of the file (hundreds of fixes in one long file stay fast). A last line with
    no newline gets git's marker, or it would run into the next line of the diff.
    """
    old, new = _diff_lines(before), _diff_lines(after)
    head, tail = common_ends(old, new)
    low = max(0, head - context)
    out = []
    for line in difflib.unified_diff(
        old[low: len(old) - max(0, tail - context)], new[low: len(new) - max(0, tail - context)],
        f"a/{path}", f"b/{path}", n=context,
    ):
        match = _HUNK.match(line) if line.startswith("@@") else None
        if match:
            a_start, a_len, b_start, b_len = match.groups()
            line = f"@@ -{int(a_start) + low}{a_len or ''} +{int(b_start) + low}{b_len or ''} @@\n"
        out.append(line if line.endswith("\n") else f"{line}\n{_NO_NEWLINE}")
    return "".join(out)


def common_ends(old: Sequence[str], new: Sequence[str]) -> tuple[int, int]:
    """How many lines the two versions share at the start, and then at the end (not overlapping):
    what a diff can set aside, so that it costs the size of the change, not of the file."""
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return head, tail


def fix_diff(path: str, text: str, fix: Fix) -> str | None:
    """The diff of one fix, or None when its edits overlap.

    Rules' fixes are proven by their examples (tests parse every fixed example); re-parsing the
    whole file for each of hundreds of findings would cost more than the check itself. The
    CLI's ``--fix``, which writes files, does parse before writing (``apply_fixes``).
    """
    after = apply_edits(text, fix.edits)
    if after is None or after == text:
        return None
    return unified_diff(path, text, after)


def apply_fixes(text: str, fixes: Iterable[Fix]) -> tuple[str, int]:
    """Apply as many whole fixes as fit together and still parse; returns the text and the count."""
    candidates = list(fixes)
    everything = apply_edits(text, [edit for fix in candidates for edit in fix.edits])
    if everything is not None and parses(everything):
        return everything, len(candidates)
    chosen: list[Edit] = []
    applied = 0
    for fix in candidates:
        trial = apply_edits(text, [*chosen, *fix.edits])
        if trial is not None and parses(trial):
            chosen.extend(fix.edits)
            applied += 1
    result = apply_edits(text, chosen)
    return (result if result is not None else text), applied
