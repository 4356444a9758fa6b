"""Classes copied into one another: one family for the classes, not one per method.

A class copied into another module (a ``TypeUnit`` written from ``CompileUnit`` with ``cu_``
renamed ``tu_``; a revised stemmer kept beside the original) comes out of detection method by
method: several families, each with its own advice, some "too small" on their own, filling the
top ranks and hiding the one fix that removes them all, a base class the copies share or one
class subclassing the other. Here, once every family is judged, classes linked by at least two
families of their methods (not counting boilerplate) are joined into one family of the whole
classes, each class linked so to every other (classes sharing a few idioms with many others are
not chained together). It absorbs every family whose core lies in methods of two or more of its
classes (none is reported again; their weaker members outside the classes become its related
ones), lists those method pairs and the exact copies too small to be families, saves their shared
bodies, and names where the base class belongs. A family that detection found as whole classes
is told the same way.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from pattern_warden.clones.advice import protocol_methods, saving
from pattern_warden.clones.boilerplate import body_statements
from pattern_warden.clones.core import Core
from pattern_warden.clones.corpus import Corpus
from pattern_warden.clones.family import Found, Span
from pattern_warden.clones.homes import ClassMap, ImportMap
from pattern_warden.clones.judge import Rank, used_names
from pattern_warden.clones.models import CloneLocation, Difference, Recommendation
from pattern_warden.clones.normalize import Shape, Unit, class_end
from pattern_warden.clones.variation import Variation

#: Methods of one name in strong families (boilerplate aside) that make two classes one copied class.
MIN_METHOD_FAMILIES = 2
#: Examples kept per kind of difference when the method families' differences are merged.
EXAMPLES = 3
_KIND_ORDER = {"exact": 0, "renamed": 1, "similar": 2}

_Class = tuple[int, str]  # (file index, qualified class name)


@dataclass(frozen=True)
class _Tree:
    """What the advice on a group of classes reads about the tree around them."""

    corpus: Corpus
    homes: ImportMap
    classes: ClassMap
    min_lines: int


@dataclass(frozen=True)
class _Group:
    """A group of classes as the advice sees it: where they are, what they share, what differs."""

    locations: list[CloneLocation]  # one per class, named by the class
    detail: str
    removed: int
    similarity: float
    change: Variation
    texts: list[Sequence[str]]
    subclassed: tuple[int, int] | None  # (class, its base) when one already derives from another


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
    """Each family's classes (when every member of its core lies in a method), and each class's
    place. Related members are weaker copies: they neither link classes nor keep a family apart."""

    def __init__(self, corpus: Corpus, ranked: Sequence[Rank]) -> None:
        self.corpus = corpus
        self.spans: dict[_Class, tuple[int, int]] = {}
        self.methods: dict[int, dict[_Class, list[tuple[Span, str]]]] = {}  # per family: class -> (member, method)
        for n, rank in enumerate(ranked):
            owners: dict[_Class, list[tuple[Span, str]]] = defaultdict(list)
            for span in rank.core.spans:
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
    """A family that says the classes were copied: not boilerplate, an idiom each class must spell
    out, protocol methods (``__lt__``, ``__hash__``: every class defines its own), ports over
    different backends (each copy means its own backend's code), twins, deprecated or foreign code."""
    e = rank.evidence
    kept = e is not None and bool(e.idiom or e.port or e.twins or e.deprecated or e.foreign)
    return rank.boilerplate is None and not kept and protocol_methods(rank.locations) is None


def _groups(found: _Classes, ranked: Sequence[Rank]) -> list[set[_Class]]:
    """Groups of classes each linked to every other by strong method families pairing at least
    ``MIN_METHOD_FAMILIES`` methods of one name, most linked pairs first: classes that share a
    few idioms with many others (every Tk app's ``destroy`` and ``_init_fonts``) do not chain them
    all into one family."""
    shared: dict[tuple[_Class, _Class], set[str]] = defaultdict(set)  # method names alike in both
    for n, owners in found.methods.items():
        if _strong(ranked[n]):
            names = {cls: {name.rpartition(".")[2] for _, name in members} for cls, members in owners.items()}
            # a copied class keeps its methods' names: like bodies under other names are one idiom
            # written twice (sqlglot's binary-operator parsers), not a class copied; and two runs
            # inside one method are one method copied
            for a, b in combinations(sorted(owners), 2):
                shared[(a, b)] |= names[a] & names[b]
    links = Counter({pair: len(names) for pair, names in shared.items()})
    linked = {pair for pair, count in links.items() if count >= MIN_METHOD_FAMILIES}
    group_of: dict[_Class, set[_Class]] = {}
    for a, b in sorted(linked, key=lambda pair: (-links[pair], pair)):
        if a not in group_of and b not in group_of:
            group_of[a] = group_of[b] = {a, b}
            continue
        joined, other = (group_of[a], b) if a in group_of else (group_of[b], a)
        if other not in group_of and all(tuple(sorted((other, c))) in linked for c in joined):
            joined.add(other)
            group_of[other] = joined
    return list({id(group): group for group in group_of.values()}.values())


def class_families(corpus: Corpus, ranked: list[Rank], classes: ClassMap, homes: ImportMap,
                   min_lines: int) -> list[Rank]:
    """``ranked`` with the method families of copied classes replaced by one family per group of
    classes (in no particular order: the caller ranks them)."""
    tree = _Tree(corpus, homes, classes, min_lines)
    found = _Classes(corpus, ranked)
    absorbed: set[int] = set()
    out = []
    for group in _groups(found, ranked):
        members = sorted(n for n, owners in found.methods.items() if set(owners) <= group)
        if sum(_strong(ranked[n]) for n in members) < MIN_METHOD_FAMILIES:
            continue  # the families that link them reach classes outside the group
        absorbed.update(members)
        out.append(_family(tree, found, sorted(group, key=lambda c: (corpus.paths[c[0]], found.spans[c])),
                           [ranked[n] for n in members], [found.methods[n] for n in members]))
    return out + [_whole(tree, rank) for n, rank in enumerate(ranked) if n not in absorbed]


def _whole(tree: _Tree, rank: Rank) -> Rank:
    """A family whose members are whole classes (found as runs, or as classes of one shape) is
    told so, its locations named by class, and advised a base class rather than a helper."""
    spans = rank.core.spans
    shapes = [tree.corpus.shapes[s.fid] for s in spans]
    if rank.core.related or not all(shape.exact[s.first].startswith("class ") and s.last == class_end(shape, s.first)
                                    for shape, s in zip(shapes, spans)):
        return rank
    # the class's own name: the owner of a method whose class line is the member's first line
    owners = [next((owner for u, owner in _methods(shape) if s.first < u.first <= s.last
                    and _class_span(shape, u) == (s.first, s.last)), None) for shape, s in zip(shapes, spans)]
    names = [name for name in owners if name is not None]
    if len(names) < len(owners):
        return rank
    rank.locations = [loc.model_copy(update={"function": name}) for loc, name in zip(rank.locations, names)]
    # one shape: each class holds the same methods, in the same order
    units = [[u for u, owner in _methods(shape) if owner == name] for shape, name in zip(shapes, names)]
    rank.detail = _detail(rank.locations, len(units[0]), len(units[0]), rank.core.kind)
    rank.methods = [_pair([u.name for u in same], [u.start for u in same]) + f" {rank.core.kind}"
                    for same in zip(*units)]
    if rank.recommendation.action != "leave":
        texts = [shape.exact[s.first : s.last + 1] for shape, s in zip(shapes, spans)]
        rank.recommendation = _advice(tree, _Group(
            rank.locations, rank.detail, rank.removed, rank.core.similarity, rank.change, texts,
            _subclassed(tree.corpus, [(s.fid, name) for s, name in zip(spans, names)])))
    return rank


def _detail(locations: list[CloneLocation], alike: int, methods: int, kind: str) -> str:
    """``class A (a.py) and class B (b.py): 4 of 5 methods the same or renamed``."""
    named = [f"class {loc.function} ({loc.path})" for loc in locations]
    kinds = {"exact": "the same", "renamed": "the same or renamed"}.get(kind, "the same, renamed or similar")
    return f"{', '.join(named[:-1])} and {named[-1]}: {alike} of {methods} methods {kinds}"


def _family(tree: _Tree, found: _Classes, classes: list[_Class], families: list[Rank],
            owners: list[dict[_Class, list[tuple[Span, str]]]]) -> Rank:
    """One family for the classes: kind, similarity and saving from their method families; the
    weaker members of those families that lie outside the classes are its related members."""
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
    # "N of M" for the class most of whose methods are copies (the copy, as a rule)
    shares = [(len({name for family in owners for _, name in family.get(c, ())}) + len(small), found.method_count(c))
              for c in classes]
    detail = _detail(locations, *max(shares, key=lambda share: (share[0] / max(share[1], 1), -share[1])), kind)
    methods = [_pair([loc.function or "" for loc in r.locations], [loc.start_line for loc in r.locations])
               + f" {r.core.kind}{' (boilerplate)' if not _strong(r) else ''}" for r in families]
    methods += [f"{name} exact (too small to report alone)" for name, _ in small]
    change = _merged([r.change for r in families])
    spans = sorted({s for r in strong for s in r.core.spans}, key=lambda s: (corpus.paths[s.fid], s.first))
    texts = [corpus.shapes[c[0]].exact[found.spans[c][0] : found.spans[c][1] + 1] for c in classes]
    advice = _advice(tree, _Group(locations, detail, removed, similarity, change, texts,
                                  _subclassed(corpus, classes)))
    inside = [(loc.path, loc.start_line, loc.end_line) for loc in locations]
    related = list({(loc.path, loc.start_line): loc for r in families for loc in r.related
                    if not any(loc.path == path and first <= loc.start_line <= last for path, first, last in inside)
                    }.values())
    first = locations[0]
    return Rank(found=Found(kind, similarity, spans),
                core=Core(kind, similarity, [Span(c[0], *found.spans[c]) for c in classes], []),
                boilerplate=None, lines=max(found.rows(c) for c in classes), removed=removed,
                id=f"{kind}:{first.path}:{first.start_line}", locations=locations, related=related, change=change,
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


def _advice(tree: _Tree, group: _Group) -> Recommendation:
    """A base class the copies share, or one class the others subclass, where the home logic points.

    Classes in one module share a base there. Across modules: their shared base class, when it
    holds code (``IBMModel`` for IBM models 2 to 5); else the module the existing home logic picks,
    unless that is the module of an interface they implement (``StemmerI``, in the module every
    stemmer imports): then the class whose module the tree imports most is kept as the base, the
    original as a rule, but not across packages that do not import each other: there (a native
    socket and the libpcap one, two add-ons) each class is its package's own design, and one
    subclassing the other would tie the packages together.
    """
    saves = saving(group.removed, group.similarity)
    detail, removed, locations = group.detail, group.removed, group.locations
    if saves < tree.min_lines:
        return Recommendation(action="leave", reason=f"{detail}; their shared method bodies come to {removed} lines "
                                                     f"(~{saves:g}), under the minimum clone size of {tree.min_lines}.")
    paths = [loc.path for loc in locations]
    change = group.change
    what = (f"what differs ({', '.join(sorted({d.kind for d in change.differences}))}) becomes class attributes or "
            "overrides" if change.differences else "nothing differs")
    action = "consolidate" if len({p.rpartition("/")[0] for p in paths}) == 1 else "extract"
    gain = f"(removes ~{removed} lines)"
    if group.subclassed is not None:
        child, parent = locations[group.subclassed[0]], locations[group.subclassed[1]]
        return Recommendation(action=action, home=parent.path,
                              reason=f"{detail}; {child.function} already subclasses {parent.function}: drop the "
                                     f"methods it copies and override only what differs; {what} {gain}.")
    if len(set(paths)) == 1:
        return Recommendation(action="consolidate", home=paths[0],
                              reason=f"{detail}; move the shared methods into one base class of theirs "
                                     f"in {paths[0]}; {what} {gain}.")
    base = _shared_base(tree, locations)
    if base is not None and base[2]:
        return Recommendation(action=action, home=base[0],
                              reason=f"{detail}; move the shared methods into {base[1]} ({base[0]}), "
                                     f"the base class they share; {what} {gain}.")
    home, where = tree.homes.home(paths, used_names(group.texts), True)
    if home not in paths and (base is None or home != base[0]):
        return Recommendation(action=action, home=home,
                              reason=f"{detail}; move the shared methods into one base class of theirs "
                                     f"in {home} ({where}); {what} {gain}.")
    if home not in paths:  # the module of an interface many others implement
        importers = Counter(m for p in tree.corpus.paths for m in tree.homes.imported(p) if m in paths)
        home = min(dict.fromkeys(paths), key=lambda p: (-importers[p], p))
        where = "the class's module the tree imports most: the original, as a rule"
    if len(folders := sorted({p.rpartition("/")[0] or "." for p in paths})) > 1 \
            and not all(home in tree.homes.imported(p) for p in paths if p != home):
        return Recommendation(action="leave", reason=f"{detail}; the classes live in different packages "
                                                     f"({', '.join(folders)}) that do not import each other: "
                                                     "letting one subclass the other would tie the packages together "
                                                     "(each one's own design, protocol or version). Keep both and "
                                                     f"change the shared methods together {gain}.")
    kept = next(loc.function for loc in locations if loc.path == home)
    others = ", ".join(sorted({loc.function or "" for loc in locations if loc.path != home}))
    return Recommendation(action=action, home=home,
                          reason=f"{detail}; let {others} subclass {kept} ({home}: {where}) and drop the "
                                 f"methods they copy; {what} {gain}.")


def _shared_base(tree: _Tree, locations: list[CloneLocation]) -> tuple[str, str, bool] | None:
    """The module and name of the base class every class of the group derives from directly, and
    whether it can hold their shared methods: a base with code of its own can, an interface whose
    methods are all abstract (``StemmerI``, implemented by every stemmer) cannot."""
    module = tree.classes.shared_base([(loc.path, f"{loc.function}.method") for loc in locations])
    if module is None:
        return None
    where = {path: fid for fid, path in enumerate(tree.corpus.paths)}
    bases = [{b.rpartition(".")[2] for b in dict(tree.corpus.shapes[where[loc.path]].classes).get(loc.function or "", ())}
             for loc in locations]
    shape = tree.corpus.shapes[where[module]]
    defined = {name.rpartition(".")[2]: name for name, _ in shape.classes}
    common = sorted(name for name in set.intersection(*bases) if name in defined)
    if not common:
        return module, "", False
    methods = [u for u, owner in _methods(shape) if owner == defined[common[0]]]
    return module, common[0], any(not _abstract(shape, u) for u in methods)


def _abstract(shape: Shape, unit: Unit) -> bool:
    """True for a method that only declares itself: ``@abstractmethod``, or a body that is a
    docstring, ``pass``, ``...`` or ``raise NotImplementedError``."""
    lines = shape.exact[unit.first : unit.last + 1]
    if any(line.startswith("@") and "abstractmethod" in line for line in lines):
        return True
    return all(line in ("pass", "...") or line.startswith("raise NotImplementedError")
               for line in body_statements(shape.exact[shape.body_start(unit) : unit.last + 1]))
