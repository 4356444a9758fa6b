"""Clone families: one class per duplicated idea, however many pairs and runs found it.

Detection finds pairs and runs: five near-identical functions come out as several star-shaped
classes, and one block of constants as a run for every pair of its copies. An agent reading
the top ten would read three findings. Here classes that share a member, or whose members
mostly overlap, are joined into one family that names every member, and a class whose every
member lies inside a member of a larger family (a run of statements inside a function already
reported whole) is dropped.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

#: Two members in one file are one place when they share this much of the shorter one.
SAME_PLACE = 0.5


class Span(NamedTuple):
    """A fragment: file index and its first and last logical lines (inclusive).

    A named tuple: families hash hundreds of thousands of them, and tuples hash in C.
    """

    fid: int
    first: int
    last: int

    @property
    def size(self) -> int:
        """Logical lines in the fragment."""
        return self.last - self.first + 1


@dataclass
class Found:
    """A clone class: its kind, its least similarity between members, and its members."""

    kind: str
    similarity: float
    spans: list[Span]


class _Joined:
    """Union-find over members."""

    def __init__(self) -> None:
        self.parent: dict[Span, Span] = {}

    def find(self, span: Span) -> Span:
        root = self.parent.setdefault(span, span)
        while root != self.parent[root]:
            self.parent[root] = self.parent[self.parent[root]]
            root = self.parent[root]
        self.parent[span] = root
        return root

    def union(self, a: Span, b: Span) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def _overlap(a: Span, b: Span) -> int:
    return min(a.last, b.last) - max(a.first, b.first) + 1


def _same_place_pairs(spans: list[Span]) -> list[tuple[Span, Span]]:
    """Members in one file that mostly overlap (a sweep over each file's members by start)."""
    by_file: dict[int, list[Span]] = defaultdict(list)
    for span in spans:
        by_file[span.fid].append(span)
    pairs = []
    for members in by_file.values():
        members.sort(key=lambda s: (s.first, -s.last))
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if b.first > a.last:
                    break
                if _overlap(a, b) >= SAME_PLACE * min(a.size, b.size):
                    pairs.append((a, b))
    return pairs


def _merged(spans: list[Span]) -> list[Span]:
    """One member per place: overlapping members of one file become their union."""
    out: list[Span] = []
    for span in sorted(set(spans), key=lambda s: (s.fid, s.first, -s.last)):
        if out and out[-1].fid == span.fid and span.first <= out[-1].last:
            last = out[-1]
            out[-1] = Span(last.fid, last.first, max(last.last, span.last))
        else:
            out.append(span)
    return out


_KIND_ORDER = {"exact": 0, "renamed": 1, "similar": 2}


def families(found: list[Found]) -> list[Found]:
    """Classes joined into families, runs already covered by a larger family dropped."""
    joined = _Joined()
    for clone in found:
        for span in clone.spans[1:]:
            joined.union(clone.spans[0], span)
    for a, b in _same_place_pairs([s for clone in found for s in clone.spans]):
        joined.union(a, b)
    groups: dict[Span, list[Found]] = defaultdict(list)
    for clone in found:
        groups[joined.find(clone.spans[0])].append(clone)
    out = []
    for members in groups.values():
        spans = _merged([s for clone in members for s in clone.spans])
        if len(spans) < 2:
            continue  # one region found against itself at several offsets
        kind = max((clone.kind for clone in members), key=_KIND_ORDER.__getitem__)
        out.append(Found(kind, min(clone.similarity for clone in members), spans))
    return _drop_covered(out)


def _drop_covered(found: list[Found]) -> list[Found]:
    """Leave out a family whose every member lies inside a member of one larger family."""
    holders: dict[int, list[tuple[Span, int]]] = defaultdict(list)
    for n, clone in enumerate(found):
        for span in clone.spans:
            holders[span.fid].append((span, n))
    kept = []
    for n, clone in enumerate(found):
        owners: set[int] | None = None
        for span in clone.spans:
            inside = {m for other, m in holders[span.fid]
                      if m != n and other.first <= span.first and span.last <= other.last and other != span}
            owners = inside if owners is None else owners & inside
            if not owners:
                break
        if not owners:
            kept.append(clone)
    return kept
