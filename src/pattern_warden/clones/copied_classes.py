"""Classes copied into one another: one family for the classes, not one per method.

A class copied into another module (a ``TypeUnit`` written from ``CompileUnit`` with ``cu_``
renamed ``tu_``; a revised stemmer kept beside the original) comes out of detection method by
method: several families, each with its own advice, some "too small" on their own, filling the
top ranks and hiding the one fix that removes them all, a base class the copies share or one
class subclassing the other. Here, once every family is judged, classes linked by at least two
families of their methods (not counting boilerplate) are joined into one family of the whole
classes. It absorbs every family whose members all lie in methods of two or more of its classes
(none is reported again), lists those method pairs, saves their shared bodies, and names where
the base class belongs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import combinations

from pattern_warden.clones.advice import saving
from pattern_warden.clones.boilerplate import body_statements
from pattern_warden.clones.core import Core
from pattern_warden.clones.corpus import Corpus
from pattern_warden.clones.family import Found, Span
from pattern_warden.clones.homes import ImportMap
from pattern_warden.clones.judge import Rank, used_names
from pattern_warden.clones.models import CloneLocation, Difference, Recommendation
from pattern_warden.clones.normalize import Shape, Unit, class_end
from pattern_warden.clones.variation import Variation

#: Families of their methods (boilerplate aside) that make two classes one copied class.
MIN_METHOD_FAMILIES = 2
#: Examples kept per kind of difference when the method families' differences are merged.
EXAMPLES = 3
_KIND_ORDER = {"exact": 0, "renamed": 1, "similar": 2}

_Class = tuple[int, str]  # (file index, qualified class name)


def _methods(shape: Shape) -> list[tuple[Unit, str]]:
    """The file's methods, each with its class's qualified name (kept in the shape's memo)."""
    if "methods" not in shape.memo:
        classes = {name for name, _ in shape.classes}
        shape.memo["methods"] = [(u, u.name.rpartition(".")[0]) for u in shape.units
                                 if u.name.rpartition(".")[0] in classes]
    return shape.memo["methods"]  # type: ignore[return-value]


def _method_of(shape: Shape, span: Span) -> tuple[Unit, str] | None:
    """The innermost method holding the member, with its class, or None outside methods."""
    holding = [(u, owner) for u, owner in _methods(shape) if u.first <= span.first and span.last <= u.last]
    return max(holding, key=lambda item: item[0].first) if holding else None


def _class_span(shape: Shape, method: Unit) -> tuple[int, int] | None:
    """First and last logical lines of the class a method is defined in: the nearest line above
    it at a lower depth is the class line."""
    depth = 0
    for i in range(method.first - 1, -1, -1):
        depth -= shape.deltas[i + 1]
        if depth < 0:
            return (i, class_end(shape, i)) if shape.exact[i].startswith("class ") else None
    return None


class _Classes:
    """Each family's classes (when every member lies in a method), and each class's place."""

    def __init__(self, corpus: Corpus, ranked: Sequence[Rank]) -> None:
        self.corpus = corpus
        self.spans: dict[_Class, tuple[int, int]] = {}
        self.methods: dict[int, dict[_Class, list[tuple[Span, str]]]] = {}  # per family: class -> (member, method)
        for n, rank in enumerate(ranked):
            owners: dict[_Class, list[tuple[Span, str]]] = defaultdict(list)
            for span in [*rank.core.spans, *rank.core.related]:
                shape = corpus.shapes[span.fid]
                found = _method_of(shape, span)
                where = found and _class_span(shape, found[0])
                if found is None or where is None:
                    break
                self.spans[(span.fid, found[1])] = where
                owners[(span.fid, found[1])].append((span, found[0].name))
            else:
                if len(owners) > 1:
                    self.methods[n] = dict(owners)

    def rows(self, cls: _Class) -> int:
        first, last = self.spans[cls]
        return self.corpus.shapes[cls[0]].rows(first, last)

    def method_count(self, cls: _Class) -> int:
        """The class's own methods (not those of classes nested in it)."""
        return sum(owner == cls[1] for _, owner in _methods(self.corpus.shapes[cls[0]]))

    def location(self, cls: _Class) -> CloneLocation:
        shape, (first, last) = self.corpus.shapes[cls[0]], self.spans[cls]
        return CloneLocation(path=self.corpus.paths[cls[0]], start_line=shape.starts[first],
                             end_line=shape.ends[last], function=cls[1])


def _strong(rank: Rank) -> bool:
    """A family that is not boilerplate or an idiom each class must spell out."""
    return rank.boilerplate is None and (rank.evidence is None or rank.evidence.idiom is None)


def _groups(found: _Classes, ranked: Sequence[Rank]) -> list[set[_Class]]:
    """Classes linked, pair by pair, by at least ``MIN_METHOD_FAMILIES`` strong method families."""
    links: Counter[tuple[_Class, _Class]] = Counter()
    for n, owners in found.methods.items():
        if _strong(ranked[n]):
            links.update(combinations(sorted(owners), 2))
    parent: dict[_Class, _Class] = {}

    def root(cls: _Class) -> _Class:
        while parent.setdefault(cls, cls) != cls:
            cls = parent[cls]
        return cls

    for (a, b), count in links.items():
        if count >= MIN_METHOD_FAMILIES:
            parent[root(b)] = root(a)
    groups: dict[_Class, set[_Class]] = defaultdict(set)
    for cls in list(parent):
        groups[root(cls)].add(cls)
    return [group for group in groups.values() if len(group) > 1]


def class_families(corpus: Corpus, ranked: list[Rank], homes: ImportMap, min_lines: int) -> list[Rank]:
    """``ranked`` with the method families of copied classes replaced by one family per group of
    classes (in no particular order: the caller ranks them)."""
    found = _Classes(corpus, ranked)
    absorbed: set[int] = set()
    out = []
    for group in _groups(found, ranked):
        members = sorted(n for n, owners in found.methods.items() if set(owners) <= group)
        absorbed.update(members)
        out.append(_family(found, sorted(group, key=lambda c: (corpus.paths[c[0]], found.spans[c])),
                           [ranked[n] for n in members], [found.methods[n] for n in members], homes, min_lines))
    return out + [_whole(corpus, rank, homes, min_lines) for n, rank in enumerate(ranked) if n not in absorbed]


def _whole(corpus: Corpus, rank: Rank, homes: ImportMap, min_lines: int) -> Rank:
    """A family whose members are whole classes (found as runs, or as classes of one shape) is
    told so, its locations named by class, and advised a base class rather than a helper."""
    spans = rank.core.spans
    shapes = [corpus.shapes[s.fid] for s in spans]
    if rank.core.related or not all(shape.exact[s.first].startswith("class ") and s.last == class_end(shape, s.first)
                                    for shape, s in zip(shapes, spans)):
        return rank
    names = [next(unit.name.rpartition(".")[0] for unit in shape.units if unit.first > s.first)
             for shape, s in zip(shapes, spans)]
    rank.locations = [loc.model_copy(update={"function": name}) for loc, name in zip(rank.locations, names)]
    # one shape: each class holds the same methods, in the same order
    units = [[u for u, owner in _methods(shape) if owner == name] for shape, name in zip(shapes, names)]
    methods = [u.name.rpartition(".")[2] for u in units[0]]
    named = [f"class {loc.function} ({loc.path})" for loc in rank.locations]
    rank.detail = (f"{', '.join(named[:-1])} and {named[-1]}: {len(methods)} of {len(methods)} methods "
                   f"{'the same' if rank.core.kind == 'exact' else 'the same or renamed'}")
    rank.methods = [_pair([u.name for u in same], [u.start for u in same]) + f" {rank.core.kind}"
                    for same in zip(*units)]
    if rank.recommendation.action != "leave":
        texts = [shape.exact[s.first : s.last + 1] for shape, s in zip(shapes, spans)]
        rank.recommendation = _advice(corpus.paths, rank.locations, rank.detail, len(methods), rank.removed,
                                      rank.core.similarity, rank.change, homes, texts, min_lines,
                                      _subclassed(corpus, [(s.fid, name) for s, name in zip(spans, names)]))
    return rank


def _family(found: _Classes, classes: list[_Class], families: list[Rank],
            owners: list[dict[_Class, list[tuple[Span, str]]]], homes: ImportMap, min_lines: int) -> Rank:
    """One family for the classes: kind, similarity and saving from their method families."""
    corpus = found.corpus
    kind = max((r.core.kind for r in families), key=_KIND_ORDER.__getitem__)
    strong = [r for r in families if _strong(r)]
    bodies = [(len(r.locations) - 1) * (r.evidence.body_rows if r.evidence else 0) for r in strong]
    removed = sum(bodies)
    similarity = round(sum(b * r.core.similarity for b, r in zip(bodies, strong)) / removed, 3) if removed else 1.0
    locations = [found.location(c) for c in classes]
    smallest = min(classes, key=found.method_count)
    covered = {name for family in owners for _, name in family.get(smallest, ())}
    small = _small_copies(found, classes, smallest, covered)
    removed += sum((len(classes) - 1) * rows for _, rows in small)
    kinds = "the same or renamed" if kind != "similar" else "the same, renamed or similar"
    named = [f"class {loc.function} ({loc.path})" for loc in locations]
    detail = (f"{', '.join(named[:-1])} and {named[-1]}: {len(covered) + len(small)} of "
              f"{found.method_count(smallest)} methods {kinds}")
    methods = [_pair([loc.function or "" for loc in r.locations], [loc.start_line for loc in r.locations])
               + f" {r.core.kind}{' (boilerplate)' if not _strong(r) else ''}" for r in families]
    methods += [f"{name} exact (too small to report alone)" for name, _ in small]
    change = _merged([r.change for r in families])
    spans = sorted({s for r in strong for s in r.core.spans}, key=lambda s: (corpus.paths[s.fid], s.first))
    texts = [corpus.shapes[c[0]].exact[found.spans[c][0] : found.spans[c][1] + 1] for c in classes]
    advice = _advice(corpus.paths, locations, detail, len(strong) + len(small), removed, similarity, change, homes,
                     texts, min_lines, _subclassed(corpus, classes))
    first = locations[0]
    return Rank(found=Found(kind, similarity, spans),
                core=Core(kind, similarity, [Span(c[0], *found.spans[c]) for c in classes], []),
                boilerplate=None, lines=max(found.rows(c) for c in classes), removed=removed,
                id=f"{kind}:{first.path}:{first.start_line}", locations=locations, related=[], change=change,
                recommendation=advice, detail=detail, methods=methods)


def _subclassed(corpus: Corpus, classes: list[_Class]) -> tuple[int, int] | None:
    """(index of a class, index of its base) when one class of the group already derives from
    another (by the base's name on its class line)."""
    bases = {cls: dict(corpus.shapes[cls[0]].classes).get(cls[1], ()) for cls in classes}
    for i, child in enumerate(classes):
        for j, parent in enumerate(classes):
            if i != j and parent[1].rpartition(".")[2] in {b.rpartition(".")[2] for b in bases[child]}:
                return i, j
    return None


def _pair(functions: list[str], lines: list[int]) -> str:
    """``name 99|116`` for methods of one name, ``stem 101|stem1 109`` otherwise."""
    names = [f.rpartition(".")[2] for f in functions]
    if len(set(names)) == 1:
        return f"{names[0]} {'|'.join(map(str, lines))}"
    return "|".join(f"{name} {line}" for name, line in zip(names, lines))


def _small_copies(found: _Classes, classes: list[_Class], smallest: _Class, covered: set[str]) -> list[tuple[str, int]]:
    """Methods of the smallest class that every other class holds byte for byte but that no
    family reports (each under the minimum size): the name and body statements of each. A base
    class takes them over with the rest, unchanged; copies with other names would need parameters."""
    units = {cls: {u.name.rpartition(".")[2]: u for u, owner in _methods(found.corpus.shapes[cls[0]]) if owner == cls[1]}
             for cls in classes}
    shape = found.corpus.shapes[smallest[0]]
    out = []
    for name, unit in units[smallest].items():
        if unit.name in covered:
            continue
        text = _text(shape, unit)
        others = [(found.corpus.shapes[c[0]], units[c].get(name)) for c in classes if c != smallest]
        if all(u is not None and _text(other, u) == text for other, u in others):
            if rows := len(body_statements(shape.exact[shape.body_start(unit) : unit.last + 1])):
                out.append((name, rows))
    return out


def _text(shape: Shape, unit: Unit) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """A method's lines from its def line (decorators may differ; the name is masked) and its
    changes of depth."""
    body = next(i for i in range(unit.first, unit.last + 1) if shape.exact[i].startswith(("def ", "async def ")))
    return shape.exact[body : unit.last + 1], shape.deltas[body + 1 : unit.last + 1]


def _merged(changes: Sequence[Variation]) -> Variation:
    """The method families' differences as one list: slots added up per kind, a few examples each."""
    slots: dict[str, int] = {}
    examples: dict[str, list[str]] = defaultdict(list)
    for change in changes:
        for d in change.differences:
            slots[d.kind] = slots.get(d.kind, 0) + d.slots
            examples[d.kind] += [e for e in d.examples if e not in examples[d.kind]]
    return Variation(differences=[Difference(kind=k, slots=n, examples=examples[k][:EXAMPLES])  # type: ignore[arg-type]
                                  for k, n in slots.items()],
                     changed_statements=sum(c.changed_statements for c in changes),
                     statements=sum(c.statements for c in changes),
                     changed_body=sum(c.changed_body for c in changes))


def _advice(tree: Sequence[str], locations: list[CloneLocation], detail: str, count: int, removed: int, similarity: float,
            change: Variation, homes: ImportMap, texts: list[Sequence[str]], min_lines: int,
            subclassed: tuple[int, int] | None) -> Recommendation:
    """A base class the copies share, or one class the others subclass, where the home logic points.

    Classes in one module share a base there. Across modules the base is the class whose module
    the existing home logic picks; when it picks a module of none of them (a module both import
    for other reasons, such as the interface every sibling implements), the class whose module
    the tree imports most is kept as the base: as a rule, the original the others were copied from.
    """
    saves = saving(removed, similarity)
    if saves < min_lines:
        return Recommendation(action="leave", reason=f"{detail}; their shared method bodies come to {removed} lines "
                                                     f"(~{saves:g}), under the minimum clone size of {min_lines}.")
    paths = [loc.path for loc in locations]
    what = (f"what differs ({', '.join(sorted({d.kind for d in change.differences}))}) becomes class attributes or "
            "overrides" if change.differences else "nothing differs")
    action = "consolidate" if len({p.rpartition("/")[0] for p in paths}) == 1 else "extract"
    if subclassed is not None:
        child, parent = locations[subclassed[0]], locations[subclassed[1]]
        return Recommendation(action=action, home=parent.path,
                              reason=f"{detail}; {child.function} already subclasses {parent.function}: drop the "
                                     f"methods it copies and override only what differs; {what} "
                                     f"(removes ~{removed} lines).")
    if len(set(paths)) == 1:
        return Recommendation(action="consolidate", home=paths[0],
                              reason=f"{detail}; move the {count} shared methods into one base class of theirs in "
                                     f"{paths[0]}; {what} (removes ~{removed} lines).")
    home, where = homes.home(paths, used_names(texts), True)
    if home not in paths:
        importers = Counter(m for p in tree for m in homes.imported(p) if m in paths)
        home = min(dict.fromkeys(paths), key=lambda p: (-importers[p], p))
        where = "the class's module the tree imports most: the original, as a rule"
    base = next(loc.function for loc in locations if loc.path == home)
    others = ", ".join(sorted({loc.function for loc in locations if loc.path != home}))  # type: ignore[arg-type]
    return Recommendation(action=action, home=home,
                          reason=f"{detail}; let {others} subclass {base} ({home}: {where}) and drop the {count} "
                                 f"methods it copies, or move them into one base class there; {what} "
                                 f"(removes ~{removed} lines).")
