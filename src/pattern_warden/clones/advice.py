"""The consolidation decision tree: what to do about a clone family, where, and why.

Every verdict rests on evidence the class carries, and says which:

- **leave** generated and vendored code (``provenance``: the generator or upstream owns it),
  ports over different backends (``ports``: kept and changed together, the legacy one removed
  once nothing uses it; copies within one backend's module are still merged there),
  protocol methods (``__exit__`` and the like: each class must define its own),
  bare signatures, boilerplate and declarative data, idioms each place must spell out, bodies
  whose statements mostly differ, small idioms judged per copy (a helper removing under half the
  minimum clone size from each, or at most half from bodies that small when it would sit in
  another package or take several values: 26 copies of a 3-line None guard stay 26 documented
  properties), and anything whose merge would save too few lines;
- **consolidate** copies in one module or package, and a legacy copy kept beside its
  replacement (remove the old one); **extract** copies in different packages. The home is
  always a module: the one of a base class every copy's class shares (inside the family's own
  package, never a framework-wide base nor an interface most of whose subclasses do without
  the code: see ``homes.ClassMap.shared_base``), else a module every copy already reaches (see
  ``homes.ImportMap.home``).

The saving counts only what a helper removes: body statements, not def lines, decorators or
docstrings; a merge that saves fewer lines than the minimum clone size is not advised. Entry
points, overload signatures, protocol stubs, assert-and-assign constructors, thin delegators
and sync/async twins are left, each with its reason, and so is demo code under a ``__main__`` guard.

Whether one copy can be kept as it is, or a helper must take parameters, follows from the
differences (``variation``): other callees, attributes, exception types or swapped names are
other behaviour and are never told "keep one".
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from pattern_warden.clones.models import CloneLocation, Recommendation
from pattern_warden.clones.ports import Port
from pattern_warden.clones.variation import Variation

#: Share of statements that may differ before the members are different code of one shape.
MAX_CHANGED = 1 / 3
#: Parameters from which a helper is worth it only if it removes at least two lines per parameter.
MIN_PARAMETERS = 3
#: Characters of arguments a call holds on its own line (after ``result = self._helper(`` at
#: two levels of indentation) and on one indented line below it, in black's 88 columns; and the
#: characters a differing value (a literal, callee or attribute name) takes as an argument.
ONE_LINE_WIDTH = 48
INDENTED_LINE_WIDTH = 76
DIFFERING_WIDTH = 12
#: Dunder methods that hold real logic; every other dunder is a protocol each class must define.
_NOT_PROTOCOL = frozenset({"__init__", "__new__", "__call__", "__post_init__", "__init_subclass__"})


@dataclass(frozen=True)
class Evidence:
    """What the decision reads about one family's core, besides its locations and differences."""

    boilerplate: str | None
    foreign: str | None  # why a member is not the project's own code to edit (generated, vendored)
    body_statements: int  # statements of the smallest member a helper could take (no def, decorator, docstring)
    body_rows: int  # code rows of the body statements every copy shares: what a helper removes per copy
    shared_base: str | None  # the module of the nearest base class shared by every member, inside their package
    home: tuple[str, str] | None = None  # a module every copy reaches, and why (copies in several modules)
    min_lines: int = 6  # the minimum clone size: a merge must save at least this many lines
    similarity: float = 1.0  # of the core: the confidence that its members are one idea
    idiom: str | None = None  # why every member is an idiom each place must spell out
    twins: str | None = None  # why the members are sync/async twins
    legacy: int | None = None  # index of the member kept as the old version of the other
    deprecated: bool = False  # every member warns that it is deprecated
    whole_modules: bool = False  # every member is a whole file, and they are identical
    whole_functions: bool = False  # every member is a whole function (one can delegate to another)
    port: Port | None = None  # the members are one text over different backends (``ports``)
    member_rows: int = 0  # code rows of the largest member's body statements, shared or not
    call_rows: int = 1  # rows of each call of a helper, passing what differs and the parameters the copies use


def call_rows(handed: Collection[str], differing: int) -> int:
    """Rows of one call of a helper that takes the names a copy hands on (``handed``) and its
    ``differing`` values, laid out as black lays it out: on the line of the call while it fits,
    then the arguments on one indented line, then one argument a line. A call that hands nothing
    on takes one row: the differing values alone are weighed by the parameter rules of
    ``recommend``, and charging their rows here too would count them twice."""
    if not handed:
        return 1
    width = sum(len(name) + 2 for name in handed) + DIFFERING_WIDTH * differing
    if width <= ONE_LINE_WIDTH:
        return 1
    return 3 if width <= INDENTED_LINE_WIDTH else len(handed) + differing + 2


def lines_removed(members: int, body_rows: int, whole_functions: bool = False, call: int = 1) -> int:
    """Lines a merge removes, counting bodies only (signatures, decorators and docstrings stay).

    Copies of whole functions: every body but one goes, each leaving a call that delegates to
    the one kept. Runs inside functions: every run but one goes, each leaving a call, and the new
    helper adds its def line. Each call takes ``call`` rows (``call_rows``: what differs, and
    what the copies hand on from their own parameters)."""
    if whole_functions:
        return (members - 1) * (body_rows - call)
    return (members - 1) * body_rows - members * call - 1


def saving(removed: int, similarity: float) -> float:
    """The saving a family claims: lines removed times the confidence that the copies are one
    idea. A family is actionable only when this figure reaches the minimum clone size, so no
    head line says ``saves ~5.8`` over advice to merge."""
    return round(max(removed, 0) * similarity, 1)


def protocol_methods(locations: Sequence[CloneLocation]) -> str | None:
    """The dunder names the members define when every one is a protocol method each class must
    define for itself (``__lt__``, ``__hash__``; not ``__init__`` and the like), else None."""
    names = {(loc.function or "").rsplit(".", 1)[-1] for loc in locations}
    if all(n.startswith("__") and n.endswith("__") and n not in _NOT_PROTOCOL for n in names):
        return ", ".join(sorted(names))
    return None


def _leave(locations: Sequence[CloneLocation], evidence: Evidence, change: Variation) -> str | None:
    """The reason to leave the family alone, or None when merging it pays."""
    if evidence.boilerplate:
        return f"Boilerplate ({evidence.boilerplate}): repeating it is clearer than an abstraction over it."
    if evidence.idiom:
        return f"Boilerplate ({evidence.idiom}): repeating it is clearer than an abstraction over it."
    if evidence.whole_functions and (protocol := protocol_methods(locations)):  # a run inside one is a block to share
        return f"Protocol method ({protocol}): each class must define it; a shared helper would only add a call."
    if evidence.deprecated:
        return ("Deprecated copies (each warns that it is going): remove them when the deprecation ends, with "
                "whatever only they use; a helper now would outlive them.")
    if evidence.twins:
        return ("Sync/async twins (one awaits where the other blocks): keep both; if they keep drifting apart, derive "
                "one from the other (the sync one running the async one) rather than a helper neither can call as is.")
    if evidence.body_statements < 2:
        return "A signature with at most one statement: the repetition is the interface, not logic."
    if change.changed_statements > MAX_CHANGED * max(change.statements, 1) and \
            evidence.body_rows <= (1 - MAX_CHANGED) * evidence.member_rows:  # not a few short lines among long ones
        return f"{change.changed_statements} of {change.statements} statements differ: one shape, different work; " \
               "share code only if the common lines keep changing together."
    # Two lines per parameter against the lines a one-line call would leave: the call's own rows
    # are weighed below, and counting them here too would charge each parameter twice.
    if change.parameters >= MIN_PARAMETERS and \
            change.parameters * 2 > (plain := lines_removed(len(locations), evidence.body_rows, evidence.whole_functions)):
        return f"A helper would take {change.parameters} parameters to remove {max(plain, 0)} lines: each call " \
               "would spell out as much as the copy it replaces."
    if reason := _small_idiom(locations, evidence, change):
        return reason
    removed = lines_removed(len(locations), evidence.body_rows, evidence.whole_functions, evidence.call_rows)
    # A helper that takes the differences as parameters must beat the minimum, not tie it: each of
    # its calls spells out the differing values, which the count of removed lines leaves out.
    if (saves := saving(removed, evidence.similarity)) < evidence.min_lines + (change.parameters > 0):
        weighed = f" (~{saves:g} at {evidence.similarity:.0%} similarity)" if evidence.similarity < 1 else ""
        bar = "no more than" if saves >= evidence.min_lines else "under"
        calls = f" (each call takes {evidence.call_rows} lines to pass its arguments)" if evidence.call_rows > 1 else ""
        return f"Too small to pay for a helper: merging {len(locations)} copies of {evidence.body_rows} shared body lines " \
               f"removes {max(removed, 0)} lines{calls}{weighed}, {bar} the minimum clone size of {evidence.min_lines}" + \
               (", and each call would spell out what differs." if change.parameters else ".")
    return None


def _small_idiom(locations: Sequence[CloneLocation], evidence: Evidence, change: Variation) -> str | None:
    """Why the copies are a small idiom each place spells out, judged per copy (many copies multiply
    a saving no reader of one copy feels: 26 properties ``x = self.child; if x is None: return
    None; return x.attr`` each keep a call in place of four lines).

    A helper that removes under half the minimum clone size from each copy is never worth it.
    One that removes at most half, from bodies no larger than that, pays only beside its copies
    with simple calls (seven event handlers of one class): not when each copy must import it from
    another package, nor when each call spells out ``MIN_PARAMETERS`` differing values or more."""
    half = evidence.min_lines / 2
    each = evidence.body_rows - evidence.call_rows
    per_copy = f"a helper would remove {max(each, 0)} line(s) per copy ({evidence.body_rows} shared body line(s) " \
               f"less a call of {evidence.call_rows})"
    if each < half:
        return f"A small idiom: {per_copy}, under half the minimum clone size of {evidence.min_lines}; however many " \
               "copies there are, each would trade a few plain lines for an indirection."
    if evidence.member_rows - evidence.call_rows > half:
        return None
    if len({posixpath.dirname(loc.path) for loc in locations}) > 1:
        return f"A small idiom: {per_copy}, no more than half the minimum clone size of {evidence.min_lines}, and " \
               "the copies sit in different packages: each would import a helper from elsewhere to save a few lines."
    if change.parameters >= MIN_PARAMETERS:
        return f"A small idiom: {per_copy}, no more than half the minimum clone size of {evidence.min_lines}, and " \
               f"each call would pass {change.parameters} differing values: it would spell out what the copy said."
    return None


def _pays(evidence: Evidence, members: int = 2) -> bool:
    """Whether merging the copies saves at least the minimum clone size: no advice to act claims less."""
    removed = lines_removed(members, evidence.body_rows, evidence.whole_functions, evidence.call_rows)
    return saving(removed, evidence.similarity) >= evidence.min_lines


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
    if evidence.foreign:
        return Recommendation(action="leave", reason=evidence.foreign)
    if evidence.port is not None and not (evidence.boilerplate or evidence.idiom):  # boilerplate says more
        return _port(locations, evidence, evidence.port, change)
    if evidence.legacy is not None and _pays(evidence):  # a smaller legacy copy is left to go with its caller
        old, new = locations[evidence.legacy], locations[1 - evidence.legacy]
        return Recommendation(action="consolidate", home=new.path,
                              reason=f"{old.function or old.path} is the legacy version of {new.function or new.path}, "
                                     "kept beside it: remove it once nothing calls it (meanwhile let it call the new "
                                     "one); a helper over both would keep the old one alive.")
    if evidence.whole_modules:
        packages = {posixpath.dirname(loc.path) for loc in locations}
        return Recommendation(action="consolidate" if len(packages) == 1 else "extract", home=locations[0].path,
                              reason=f"{len(locations)} identical modules: keep {locations[0].path} and import it (or "
                                     "re-export its names) where the others stood.")
    if reason := _leave(locations, evidence, change):
        return Recommendation(action="leave", reason=reason)
    paths = sorted({loc.path for loc in locations})
    packages = {posixpath.dirname(p) for p in paths}
    how = _how(change, len(locations))
    removed = lines_removed(len(locations), evidence.body_rows, evidence.whole_functions, evidence.call_rows)
    if len(paths) == 1:
        return Recommendation(action="consolidate", home=paths[0],
                              reason=f"{len(locations)} copies in one module; {how} (removes ~{removed} lines).")
    home, where = _home(locations, evidence)
    action = "consolidate" if len(packages) == 1 else "extract"
    spread = "one package" if len(packages) == 1 else f"{len(packages)} packages"
    return Recommendation(action=action, home=home,  # type: ignore[arg-type]
                          reason=f"{len(locations)} copies in {spread}; {how}, in {home} ({where}) "
                                 f"(removes ~{removed} lines).")


def _port(locations: Sequence[CloneLocation], evidence: Evidence, port: Port, change: Variation) -> Recommendation:
    """Ports are kept and changed together (the legacy one removed once nothing uses it); copies
    inside one backend's module are still merged there, each backend by itself."""
    why = f"Ports over different backends ({port.reason}): each copy's names mean its own package's code"
    if port.legacy is not None:
        old, new = locations[port.legacy], locations[1 - port.legacy] if len(locations) == 2 else locations[0]
        return Recommendation(action="leave", reason=f"{why}; {old.path} is in the legacy package: remove the legacy "
                                                     f"one once nothing uses it ({new.path} replaces it), and until "
                                                     "then change both together.")
    group = [locations[i] for i in port.groups[0]]
    removed = lines_removed(len(group), evidence.body_rows, evidence.whole_functions)
    if len(group) > 1 and len({loc.path for loc in group}) == 1 \
            and saving(removed, evidence.similarity) >= evidence.min_lines + (change.parameters > 0):
        return Recommendation(action="consolidate", home=group[0].path,
                              reason=f"{why}, so do not merge across them; within {group[0].path} the {len(group)} "
                                     f"copies are one: {_how(change, len(group))} (removes ~{removed} lines), and "
                                     "the same in the other backend's module.")
    return Recommendation(action="leave", reason=f"{why}: keep both and change them together (one calling the "
                                                 "other would cross backends; a helper would take every backend name "
                                                 "as a parameter).")


def _home(locations: Sequence[CloneLocation], evidence: Evidence) -> tuple[str, str]:
    """A module, never a folder: the shared base's (inside the copies' package), else the one
    ``homes.ImportMap.home`` chose for copies in several modules."""
    if evidence.shared_base:
        return evidence.shared_base, "the module of their shared base class"
    if evidence.home:
        return evidence.home
    return locations[0].path, "the copies' module"
