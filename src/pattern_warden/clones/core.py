"""The core of a clone family: the members alike enough to merge, and the weaker ones beside them.

Families join every class that shares a member, so a third, weaker copy can sit beside two
near-identical ones; judged against the weaker one, the identical pair read "83 of 88
statements differ, leave". Here the family is rebuilt around its most alike pair: a member
joins the core when its statements are alike to every member already in it (not to any one
member), and the rest are listed as related. Advice, saving and "what differs" are then
computed on the core, and its kind follows its texts, so ``exact`` always means identical.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from rapidfuzz.fuzz import ratio

from pattern_warden.clones.family import Found, Span
from pattern_warden.clones.normalize import Shape, delta_char

#: Least share of statements (by structure, in order) a member shares with every core member.
CORE_ALIKE = 0.8
#: Members among which the seed pair is sought, and core members each candidate is checked against.
COMPARED = 12


@dataclass
class Core:
    """A family split into its core (kind and similarity of the core alone) and related members."""

    kind: str
    similarity: float
    spans: list[Span]
    related: list[Span]


def _statements(shape: Shape, span: Span) -> str:
    """One character per statement: its structure and its change of depth (the first's excluded)."""
    key = ("statements", span.first, span.last)
    if key not in shape.memo:
        parts = [shape.renamed[span.first]]
        for i in range(span.first + 1, span.last + 1):
            parts.append(delta_char(shape.deltas[i]) + shape.renamed[i])
        shape.memo[key] = "".join(chr(0x100 + hash(p) % 0xD000) for p in parts)
    return shape.memo[key]  # type: ignore[return-value]


def core_of(shapes: Sequence[Shape], found: Found) -> Core:
    """The family's core and related members, in the family's order."""
    spans = found.spans
    texts = [_statements(shapes[s.fid], s) for s in spans]
    if len(spans) > 2 and len(set(texts)) > 1:
        core = _grown(texts)
    else:
        core = list(range(len(spans)))
    members = [spans[i] for i in core]
    exact = {tuple(shapes[s.fid].exact[s.first : s.last + 1]) for s in members}
    if len(exact) == 1:
        kind, similarity = "exact", 1.0
    elif len({texts[i] for i in core}) == 1:
        kind, similarity = "renamed", 1.0
    elif found.kind == "similar":
        kind, similarity = "similar", found.similarity
    else:  # runs of one shape joined with a longer or shorter member of the same place
        kind = "similar"
        similarity = round(min(ratio(texts[a], texts[b]) for a, b in combinations(core, 2)) / 100, 3)
    chosen = set(core)
    return Core(kind, similarity, members, [s for i, s in enumerate(spans) if i not in chosen])


def _grown(texts: list[str]) -> list[int]:
    """Indexes of the core: the most alike pair among the first members, then, most alike to that
    pair first, each member alike to every core member so far (the first ``COMPARED`` of them)."""
    seeds = range(min(len(texts), COMPARED))
    best = max(combinations(seeds, 2), key=lambda p: (ratio(texts[p[0]], texts[p[1]]), -p[0], -p[1]))
    core = list(best)
    cutoff = 100 * CORE_ALIKE
    scored = []
    for i in range(len(texts)):
        if i not in best:
            least = min(ratio(texts[i], texts[c], score_cutoff=cutoff) for c in best)
            if least:
                scored.append((-least, i))
    for _, i in sorted(scored):
        if all(ratio(texts[i], texts[c], score_cutoff=cutoff) for c in core[2:COMPARED]):
            core.append(i)
    return sorted(core)
