"""The consolidation decision tree: what to do about a clone family, where, and why.

Every verdict rests on evidence the class carries, and says which:

- **leave** protocol methods (``__exit__`` and the like: each class must define its own),
  bare signatures, boilerplate and declarative data, bodies whose statements mostly differ,
  and anything whose merge would save too few lines to pay for a helper;
- **consolidate** copies in one module or package: one helper, in the module of their shared
  base class when they have one, else in that module or package;
- **extract** copies in different packages: the common part goes to the nearest common home,
  the module of a shared base class or else the deepest package holding every copy.

Whether one copy can be kept as it is, or a helper must take parameters, follows from the
differences (``variation``): other callees, attributes, exception types or swapped names are
other behaviour and are never told "keep one".
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass

from pattern_warden.clones.models import CloneLocation, Recommendation
from pattern_warden.clones.variation import Variation

#: Lines a merge must save (after the helper's own def and one call per member) to be worth it.
MIN_SAVING = 6
#: Share of statements that may differ before the members are different code of one shape.
MAX_CHANGED = 1 / 3
#: Dunder methods that hold real logic; every other dunder is a protocol each class must define.
_NOT_PROTOCOL = frozenset({"__init__", "__new__", "__call__", "__post_init__", "__init_subclass__"})


@dataclass(frozen=True)
class Evidence:
    """What the decision reads about one family, besides its locations and differences."""

    kind: str
    lines: int  # code lines of the largest member
    boilerplate: str | None
    body_lines: int  # logical lines of the smallest member that are not a def line or decorator
    shared_base: str | None  # the module of the nearest base class shared by every member's class


def net_saving(members: int, lines: int) -> int:
    """Lines a merge removes: all copies but one, less one call per member and the helper's def."""
    return (members - 1) * lines - members - 1


def common_package(paths: Sequence[str]) -> str:
    """The deepest folder holding every path ('.' for the root)."""
    folders = [posixpath.dirname(p).split("/") if posixpath.dirname(p) else [] for p in paths]
    common: list[str] = []
    for parts in zip(*folders):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return "/".join(common) or "."


def _protocol(locations: Sequence[CloneLocation]) -> str | None:
    names = {(loc.function or "").rsplit(".", 1)[-1] for loc in locations}
    if all(n.startswith("__") and n.endswith("__") and n not in _NOT_PROTOCOL for n in names):
        return ", ".join(sorted(names))
    return None


def _leave(locations: Sequence[CloneLocation], evidence: Evidence, change: Variation) -> str | None:
    """The reason to leave the family alone, or None when merging it pays."""
    if evidence.boilerplate:
        return f"Boilerplate ({evidence.boilerplate}): repeating it is clearer than an abstraction over it."
    if protocol := _protocol(locations):
        return f"Protocol method ({protocol}): each class must define it; a shared helper would only add a call."
    if evidence.body_lines < 2:
        return "A signature with at most one statement: the repetition is the interface, not logic."
    saving = net_saving(len(locations), evidence.lines)
    if saving < MIN_SAVING:
        return f"Too small to pay for a helper: merging {len(locations)} copies of {evidence.lines} lines saves " \
               f"about {max(saving, 0)} lines."
    if change.changed_statements > MAX_CHANGED * max(change.statements, 1):
        return f"{change.changed_statements} of {change.statements} statements differ: one shape, different work; " \
               "share code only if the common lines keep changing together."
    return None


def _how(change: Variation, members: int) -> str:
    """Keep one copy, or merge into a helper taking the differences as parameters."""
    params = change.parameters
    behaviour = sorted(set(change.behaviour) - {"statements"})
    if behaviour:
        return (f"they do different things ({', '.join(behaviour)} differ): write one helper taking "
                f"{max(params, 1)} parameter(s) for what differs; do not keep one copy as it is")
    if change.changed_statements:
        return (f"merge the shared statements into one helper ({change.changed_statements} statement(s) differ: "
                "keep those at the call sites or pass them in); do not keep one copy as it is")
    if params:
        return f"write one helper taking {params} parameter(s) (the differing literals) and call it {members} times"
    return f"keep one copy and call it from all {members} places"


def recommend(locations: Sequence[CloneLocation], evidence: Evidence, change: Variation) -> Recommendation:
    """The decision tree's verdict for one family, with the evidence it rests on."""
    if reason := _leave(locations, evidence, change):
        return Recommendation(action="leave", reason=reason)
    paths = sorted({loc.path for loc in locations})
    packages = {posixpath.dirname(p) for p in paths}
    how = _how(change, len(locations))
    saving = net_saving(len(locations), evidence.lines)
    if len(paths) == 1:
        return Recommendation(action="consolidate", home=paths[0],
                              reason=f"{len(locations)} copies in one module; {how} (saves ~{saving} lines).")
    base = f" (the module of their shared base class)" if evidence.shared_base else ""
    if len(packages) == 1:
        home = evidence.shared_base or (packages.pop() or ".")
        return Recommendation(action="consolidate", home=home,
                              reason=f"{len(locations)} copies in one package; {how}, in {home}{base} "
                                     f"(saves ~{saving} lines).")
    home = evidence.shared_base or common_package(paths)
    return Recommendation(action="extract", home=home,
                          reason=f"{len(locations)} copies in {len(packages)} packages; {how}, in {home}"
                                 f"{base or ' (the package that holds them all)'} (saves ~{saving} lines).")
