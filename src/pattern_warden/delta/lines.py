"""Line-level arithmetic shared by every delta input: git rows, hunks, kinds, moved blocks.

Rows are split on ``\\n`` only, as git counts them (``str.splitlines`` also splits on form
feeds and lone carriage returns, which would shift every later row off git's numbering).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pattern_warden.delta.scan import Scan
from pattern_warden.source import LineKind

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
#: A moved block must hold at least this many code lines, and this many characters, so that
#: a stray ``return None`` or a closing bracket is not taken for a move.
MIN_MOVE_LINES = 3
MIN_MOVE_CHARS = 30


def rows(text: str) -> list[str]:
    """The file's lines as git counts them (split on ``\\n`` only)."""
    parts = text.split("\n")
    return parts[:-1] if parts and parts[-1] == "" else parts


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
    moved: int = 0

    def classify(self, texts: Sequence[str], scanned: Scan | None) -> None:
        """Record the code among ``rows`` (1-based); without a scan of the whole file (diff
        text only), each row is judged alone."""
        for row in self.rows:
            text = texts[row - 1] if 0 < row <= len(texts) else ""
            kind = scanned.kind(row) if scanned is not None else _guess(text)
            if kind is LineKind.CODE:
                self.code.append(" ".join(text.split()))


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
