"""Judging a clone family: its core, what differs within it, and the decision tree's verdict.

Detection (``detect``) finds families; here each family is split into its core and related
members (``core``), its differences are aligned and resolved (``variation``, ``names``), the
evidence the advice reads is gathered (body lines, idioms, twins, homes), and the family
becomes the model an answer carries.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

from pattern_warden.clones.advice import Evidence, call_rows, lines_removed, recommend, saving
from pattern_warden.clones.boilerplate import (
    all_deprecated,
    body_statements,
    handed_on,
    hook_reason,
    idiom_reason,
    in_script_block,
    legacy_member,
    twins_reason,
)
from pattern_warden.clones.core import Core, core_of
from pattern_warden.clones.corpus import Corpus
from pattern_warden.clones.family import Found as _Found
from pattern_warden.clones.family import Span as _Span
from pattern_warden.clones.homes import ClassMap, ImportMap
from pattern_warden.clones.models import CloneClass, CloneLocation, Recommendation
from pattern_warden.clones.names import Names
from pattern_warden.clones.normalize import FLAG_DECLARATION, FLAG_IMPORT, Shape, enclosing
from pattern_warden.clones.ports import port_of
from pattern_warden.clones.provenance import Provenance
from pattern_warden.clones.variation import MAX_MEMBERS, Variation, variation


@dataclass
class Rank:
    """A clone class before its model is built: what ranking and the summary need."""

    found: _Found
    core: Core
    boilerplate: str | None
    lines: int
    removed: int  # lines a merge of the core removes (bodies only)
    id: str
    locations: list[CloneLocation]
    related: list[CloneLocation]
    change: Variation
    recommendation: Recommendation
    evidence: Evidence | None = None  # what the verdict read (None for a family of whole classes)
    detail: str | None = None  # a family of whole classes: the classes and how many methods match
    methods: list[str] = field(default_factory=list)  # a family of whole classes: its method pairs

    @property
    def saving(self) -> float:
        """Lines a merge of the core removes times the confidence that its members are one idea
        (``advice.saving``: the figure the minimum is held against)."""
        return saving(self.removed, self.core.similarity)

    @property
    def last(self) -> bool:
        """Boilerplate and families to leave alone rank after everything worth merging."""
        return self.boilerplate is not None or self.recommendation.action == "leave"


def location(corpus: Corpus, span: _Span) -> CloneLocation:
    """A member's place, kept in its shape's memo (by path too: two files may share a shape)."""
    shape = corpus.shapes[span.fid]
    key = ("location", corpus.paths[span.fid], span.first, span.last)
    if key not in shape.memo:
        start, end = shape.starts[span.first], shape.ends[span.last]
        unit = enclosing(shape, start, end)
        shape.memo[key] = CloneLocation(path=corpus.paths[span.fid], start_line=start, end_line=end,
                                        function=unit.name if unit else None)
    return shape.memo[key]  # type: ignore[return-value]


def judge(corpus: Corpus, classes: ClassMap, found: _Found, boilerplate: str | None, homes: ImportMap,
          provenance: Provenance, min_lines: int, names: Names | None = None) -> Rank:
    """A family's core and related members, what differs within the core, and the decision tree's
    verdict on the core."""
    core = core_of(corpus.shapes, found)
    locations = [location(corpus, s) for s in core.spans]
    shapes = [corpus.shapes[s.fid] for s in core.spans]
    texts = [shape.exact[s.first : s.last + 1] for shape, s in zip(shapes, core.spans)]
    change = _variation(corpus, core.spans, names)
    lines = max(shape.rows(s.first, s.last) for shape, s in zip(shapes, core.spans))
    fixed = not {"string", "literal"} & {d.kind for d in change.differences}
    bodies = [_kept(shape, s, fixed)[0] for shape, s in zip(shapes, core.spans)]
    # Body statements that differ stay at the call sites (or are passed in): a helper takes over
    # only the shared ones, and a whole copy can delegate to another only when no body differs.
    shared_rows = _shared_rows(shapes, core.spans, fixed)
    members = [(loc.function, text) for loc, text in zip(locations, texts)]
    paths = [loc.path for loc in locations]
    owners = [(loc.path, loc.function) for loc in locations]
    base = classes.shared_base(owners)
    home = homes.home(paths, used_names(texts), any(_has_code(shape, s) for shape, s in zip(shapes, core.spans)),
                      kin=base is None and classes.kin(owners)) if len(set(paths)) > 1 else None
    # One whole copy can stay and the others call it only where the helper's home holds a copy
    # (or a shared base takes the method over): a helper in a module no copy is in (``utils.py``)
    # is written anew, and every copy becomes a call of it.
    kept = home is None or base is not None or home[0] in paths
    evidence = Evidence(
        boilerplate=boilerplate, foreign=provenance.reason(locations),
        body_statements=min(bodies), body_rows=shared_rows,
        member_rows=max(sum(shape.rows(i, i) for i in _kept(shape, s, fixed)[1]) for shape, s in zip(shapes, core.spans)),
        shared_base=base, home=home,
        min_lines=min_lines, similarity=core.similarity,
        idiom=idiom_reason(members) or _hook(classes, change, locations) or _script(shapes, core.spans),
        twins=twins_reason(members, paths), legacy=legacy_member(members), deprecated=all_deprecated(members),
        whole_modules=core.kind == "exact" and all(s.first == 0 and s.last == len(shape.exact) - 1
                                                   for shape, s in zip(shapes, core.spans)),
        port=port_of(paths, change.redefined, names.module_path) if names is not None else None,
        whole_functions=kept and not change.changed_body and all(_whole_function(shape, s)
                                                                 for shape, s in zip(shapes, core.spans)),
        call_rows=max(call_rows(handed_on(_header(shape, s), body_statements(text)), change.parameters)
                      for shape, s, text in zip(shapes, core.spans, texts)),
    )
    first = locations[0]
    advice = recommend(locations, evidence, change)
    merged = len(evidence.port.groups[0]) if evidence.port is not None and advice.action != "leave" else len(locations)
    # a port merges within one backend
    removed = lines_removed(merged, evidence.body_rows, evidence.whole_functions, evidence.call_rows)
    return Rank(found, core, boilerplate, lines, removed, f"{core.kind}:{first.path}:{first.start_line}", locations,
                [location(corpus, s) for s in core.related], change, advice, evidence)


def _hook(classes: ClassMap, change: Variation, locations: list[CloneLocation]) -> str | None:
    functions = [loc.function for loc in locations]
    method = (functions[0] or "").rpartition(".")[2]
    return hook_reason(functions, classes.definers(method), [d.kind for d in change.differences]) if method else None


def _script(shapes: list[Shape], spans: list[_Span]) -> str | None:
    if all(in_script_block(shape, s.first) for shape, s in zip(shapes, spans)):
        return "demo code under if __name__ == '__main__': nothing can import it to call a shared helper"
    return None


def _header(shape: Shape, span: _Span) -> str | None:
    """The def line of the innermost function the member lies in or starts with, if any."""
    units = [u for u in shape.units if u.first <= span.first <= u.last]
    if not units:
        return None
    unit = max(units, key=lambda u: u.first)
    return next((line for line in shape.exact[unit.first : unit.last + 1] if line.startswith(("def ", "async def "))),
                None)


def _has_code(shape: Shape, span: _Span) -> bool:
    """True when the member holds or lies in a function: code, not only module-level declarations."""
    return any(u.first <= span.last and span.first <= u.last for u in shape.units)


def _whole_function(shape: Shape, span: _Span) -> bool:
    """True when the member is a function from its def line (or body) to its end."""
    return any(u.first <= span.first <= shape.body_start(u) and span.last == u.last for u in shape.units)


def used_names(texts: Sequence[Sequence[str]]) -> set[str]:
    """The identifiers the members' code uses."""
    return {word for lines in texts for line in lines for word in line.split() if word.isidentifier()}


def _shared_rows(shapes: Sequence[Shape], spans: Sequence[_Span], declarations: bool) -> int:
    """Code rows of the body statements each member shares, by structure and in order, with the
    first (the fewest over the members): a differing statement stays at its call site however
    many rows it takes (a polygon's point list, a class body built as a string), so its rows are
    not what a helper removes."""
    ref = _kept(shapes[0], spans[0], declarations)[1]
    shared = None
    for shape, span in zip(shapes[1 : MAX_MEMBERS], spans[1 : MAX_MEMBERS]):
        other = _kept(shape, span, declarations)[1]
        matcher = difflib.SequenceMatcher(None, [shapes[0].renamed[i] for i in ref], [shape.renamed[i] for i in other],
                                          autojunk=False)
        blocks = matcher.get_matching_blocks()
        mine = sum(shapes[0].rows(ref[a + k], ref[a + k]) for a, _, size in blocks for k in range(size))
        theirs = sum(shape.rows(other[b + k], other[b + k]) for _, b, size in blocks for k in range(size))
        shared = min(mine, theirs) if shared is None else min(shared, mine, theirs)
    return shared or 0


def _kept(shape: Shape, span: _Span, declarations: bool) -> tuple[int, list[int]]:
    """How many body statements the member has, and its logical lines a shared helper could take
    over: not def or class lines, decorators or docstrings, which every copy keeps; nor imports
    outside functions (each module imports what it uses), nor, when the copies differ in
    literals, the declarations outside functions (``ID = "x"`` in a class body: each class or
    module must state its own value, and no helper call can do that for it)."""
    key = ("kept", span.first, span.last, declarations)
    if key not in shape.memo:
        dropped = FLAG_IMPORT if declarations else FLAG_IMPORT | FLAG_DECLARATION
        body = [i for i, line in zip(range(span.first, span.last + 1), shape.exact[span.first : span.last + 1])
                if body_statements([line])]
        shape.memo[key] = (len(body), [i for i in body if not (shape.flags[i] & dropped and _outside_functions(shape, i))])
    return shape.memo[key]  # type: ignore[return-value]


def _outside_functions(shape: Shape, line: int) -> bool:
    return not any(u.first < line <= u.last for u in shape.units)


def _variation(corpus: Corpus, spans: list[_Span], names: Names | None) -> Variation:
    """What differs between the members, kept in the first member's shape: a warm call aligns
    only the families that a changed file touches. With ``names``, callees and exception types
    are compared by what the project model says they are."""
    key = ("variation", names is not None, tuple((corpus.paths[s.fid], corpus.digests[s.fid], s.first, s.last)
                                                 for s in spans))
    memo = corpus.shapes[spans[0].fid].memo
    if key not in memo:
        members = spans[:MAX_MEMBERS]
        resolve = names.resolver([corpus.paths[s.fid] for s in members],
                                 [names.local_imports(corpus.paths[s.fid], s.first, s.last) for s in members]) \
            if names is not None else None
        own = [names.own_classes(corpus.paths[s.fid], s.first) for s in members] if names is not None else []
        memo[key] = variation([corpus.shapes[s.fid].exact[s.first : s.last + 1] for s in spans], resolve,
                              alike=len({s.fid for s in spans}) > 1,
                              same=names.one_behaviour if names is not None else None, own=own)
    return memo[key]  # type: ignore[return-value]


def clone_class(rank: Rank) -> CloneClass:
    """The answer's model of a judged family, built only for the families a page shows."""
    return CloneClass(
        id=rank.id,
        kind=rank.core.kind,  # type: ignore[arg-type]
        similarity=rank.core.similarity,
        lines=rank.lines,
        copies=len(rank.locations) + len(rank.related),
        locations=rank.locations,
        related=rank.related,
        boilerplate=rank.boilerplate,
        differences=rank.change.differences,
        changes_behaviour=bool(rank.change.behaviour),
        saving=rank.saving,
        recommendation=rank.recommendation,
        detail=rank.detail,
        methods=rank.methods,
    )
