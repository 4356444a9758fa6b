"""Line-level arithmetic shared by every delta input: git rows, hunks, kinds, moved blocks.

git counts lines by ``\\n`` while ``str.splitlines`` also splits on form feeds and lone
carriage returns. Tokenized Python kinds already follow git's rows, but the per-line
fallback follows ``splitlines``, so those are mapped here onto git's rows; otherwise a file
holding a form feed would shift every row after it and stop matching ``git diff --numstat``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pattern_warden.source import LineKind, SourceFile

_EXTRA_BREAKS = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_RANK = {LineKind.BLANK: 0, LineKind.COMMENT: 1, LineKind.DOCSTRING: 2, LineKind.CODE: 3}
#: A moved block must hold at least this many code lines, and this many characters, so that
#: a stray ``return None`` or a closing bracket is not taken for a move.
MIN_MOVE_LINES = 3
MIN_MOVE_CHARS = 30


def rows(text: str) -> list[str]:
    """The file's lines as git counts them (split on ``\\n`` only)."""
    parts = text.split("\n")
    return parts[:-1] if parts and parts[-1] == "" else parts


def row_kinds(source: SourceFile) -> list[LineKind]:
    """One kind per git row; non-Python files are 'code' when not blank (line counts only)."""
    kinds = source.line_kinds
    if not _EXTRA_BREAKS.search(source.text):
        return kinds
    if source.is_python and source.tree is not None:
        # Tokenized kinds are already indexed by the tokenizer's rows, which split on \n only.
        return kinds[: len(rows(source.text))]
    merged: list[LineKind] = []
    current: LineKind | None = None
    for piece, kind in zip(source.text.splitlines(keepends=True), kinds, strict=False):
        current = kind if current is None or _RANK[kind] > _RANK[current] else current
        if piece.endswith("\n"):
            merged.append(current)
            current = None
    if current is not None:
        merged.append(current)
    return merged


def parse_hunk_header(line: str) -> tuple[int, int, int, int] | None:
    """``(old_start, old_count, new_start, new_count)`` of a ``@@`` line, or None."""
    match = _HUNK.match(line)
    if not match:
        return None
    a, b, c, d = match.groups()
    return int(a), int(b if b is not None else 1), int(c), int(d if d is not None else 1)


@dataclass
class LineSide:
    """The changed rows on one side of a file, with the code among them normalised for matching."""

    rows: list[int] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    code_rows: list[int] = field(default_factory=list)
    moved: int = 0

    def classify(self, texts: Sequence[str], kinds: Sequence[LineKind] | None) -> int:
        """Record the code among ``rows`` (1-based) and return how many rows are code."""
        for row in self.rows:
            text = texts[row - 1] if 0 < row <= len(texts) else ""
            kind = kinds[row - 1] if kinds is not None and 0 < row <= len(kinds) else _guess(text)
            if kind is LineKind.CODE:
                self.code.append(" ".join(text.split()))
                self.code_rows.append(row)
        return len(self.code)


def _guess(text: str) -> LineKind:
    stripped = text.strip()
    if not stripped:
        return LineKind.BLANK
    return LineKind.COMMENT if stripped.startswith("#") else LineKind.CODE


def match_moves(removed: Sequence[LineSide], added: Sequence[LineSide]) -> None:
    """Mark blocks of removed code that reappear as added code (anywhere) as moved.

    Lines are compared with whitespace collapsed, so a block that was re-indented when it
    moved into a class still counts. Each added line is claimed by at most one removed block.
    """
    window = MIN_MOVE_LINES
    index: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    for f, side in enumerate(added):
        for j in range(len(side.code) - window + 1):
            index.setdefault(tuple(side.code[j : j + window]), []).append((f, j))
    claimed: set[tuple[int, int]] = set()
    for side in removed:
        i = 0
        while i <= len(side.code) - window:
            key = tuple(side.code[i : i + window])
            spot = None
            if sum(map(len, key)) >= MIN_MOVE_CHARS:
                spot = next(
                    (c for c in index.get(key, ()) if all((c[0], c[1] + k) not in claimed for k in range(window))), None
                )
            if spot is None:
                i += 1
                continue
            f, j = spot
            target = added[f].code
            n = window
            while i + n < len(side.code) and j + n < len(target) and side.code[i + n] == target[j + n] \
                    and (f, j + n) not in claimed:
                n += 1
            claimed.update((f, j + k) for k in range(n))
            side.moved += n
            added[f].moved += n
            i += n
