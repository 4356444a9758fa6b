"""The consolidation decision tree: what to do about a clone class, and where.

Not every duplicate should be merged. Copies in one domain (same folder or package) that are
nearly alike are one idea written twice: keep one and call it from both places. Copies in
different domains share a mechanism but not a purpose: extract only the common part, so that
neither domain has to depend on the other. Anything else, and boilerplate above all, is left
alone, with the reason said, because a forced abstraction costs more than the repetition.
"""

from __future__ import annotations

import posixpath
from collections import Counter

from pattern_warden.clones.models import CloneLocation, Recommendation

SAME_DOMAIN_MIN = 0.8
CROSS_DOMAIN_MIN = 0.5


def _common_folder(paths: list[str]) -> str:
    folders = [posixpath.dirname(p).split("/") if posixpath.dirname(p) else [] for p in paths]
    common: list[str] = []
    for parts in zip(*folders):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return "/".join(common) or "."


def recommend(locations: list[CloneLocation], similarity: float, boilerplate: str | None) -> Recommendation:
    """The decision tree's verdict for one clone class."""
    percent = f"{similarity:.0%}"
    if boilerplate:
        return Recommendation(
            action="leave",
            reason=f"Boilerplate ({boilerplate}): repeating it is clearer than an abstraction over it.",
        )
    paths = [loc.path for loc in locations]
    folders = {posixpath.dirname(p) for p in paths}
    if len(folders) == 1 and similarity >= SAME_DOMAIN_MIN:
        counts = Counter(paths)
        home = min(counts, key=lambda p: (-counts[p], p))
        where = "a private helper in that file" if len(counts) == 1 else f"one function in {home}"
        names = sorted({loc.function for loc in locations if loc.function})
        subject = f" ({', '.join(names)})" if names else ""
        return Recommendation(
            action="consolidate",
            reason=f"Same domain and {percent} alike{subject}: one idea written {len(locations)} times; "
            f"keep {where} and call it from every place.",
            home=home,
        )
    if len(folders) > 1 and similarity >= CROSS_DOMAIN_MIN:
        common = _common_folder(paths)
        return Recommendation(
            action="extract",
            reason=f"Different domains ({', '.join(sorted(f or '.' for f in folders))}) and {percent} alike: "
            f"extract only the common part into a shared module under {common}, parameterised by what differs, "
            "so neither domain depends on the other.",
            home=common,
        )
    if len(folders) == 1:
        reason = (f"Same domain but only {percent} alike: the differences may be the point; share code only "
                  f"if the common lines keep changing together.")
    else:
        reason = f"Different domains and only {percent} alike: they resemble each other without sharing a purpose."
    return Recommendation(action="leave", reason=reason)
