"""``find_duplicates``: exact, renamed and similar clones, ranked, with what to do about each.

Exact and renamed clones (types 1 and 2) come from runs of equal logical lines, seeded by the
window index and extended to their full length, so they are found at any granularity: whole
functions, and runs of statements inside larger, different bodies. Similar clones (type 3)
are whole functions whose renamed token sequences are at least ``min_similarity`` alike by
rapidfuzz's normalised Indel ratio, compared only when the shingle index says they may be.

Where both apply, the larger verdict wins: a function pair already covered by an exact run is
not reported again as similar, and the partial runs inside a similar pair are folded into it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz.fuzz import ratio

from pattern_warden.clones.boilerplate import boilerplate_reason
from pattern_warden.clones.copied_classes import class_families
from pattern_warden.clones.corpus import Corpus, TreeState, load_corpus
from pattern_warden.clones.family import Found as _Found
from pattern_warden.clones.family import Span as _Span
from pattern_warden.clones.family import families
from pattern_warden.clones.heap import CollectorPause
from pattern_warden.clones.homes import ClassMap, ImportMap
from pattern_warden.clones.index import Match, ShapeCache, seed_matches, shingles, similar_candidates
from pattern_warden.clones.judge import Rank, clone_class, judge, location
from pattern_warden.clones.memo import DetectionMemo, Previous
from pattern_warden.clones.models import (
    KINDS,
    CloneClass,
    CloneLocation,
    DuplicatesOptions,
    DuplicatesResult,
    DuplicatesSummary,
    FolderSummary,
)
from pattern_warden.clones.names import Names
from pattern_warden.clones.normalize import Shape, Unit, class_end
from pattern_warden.clones.provenance import Provenance
from pattern_warden.errors import WardenError
from pattern_warden.models import Note, check_range, paginate
from pattern_warden.workspace import Workspace

#: Most folders listed in the summary.
FOLDERS_SHOWN = 30
#: Fewest tokens per required line in an exact or renamed run: `x = y` six times is not a clone.
TOKENS_PER_LINE = 4
#: Fewest tokens in a function body compared for similarity: short bodies look alike by chance
#: (jscpd ignores blocks under 50 tokens for the same reason).
MIN_SIMILAR_TOKENS = 30
#: Bodies of fewer statements than this must be at least SHORT_BODY_MIN alike: in a short body
#: one differing statement is a large share, and short overrides of one framework idiom look alike.
SHORT_BODY = 6
SHORT_BODY_MIN = 0.9
#: Least rapidfuzz ratios between the exact tokens, and between the statements, of two similar bodies.
MIN_SHARED_WORDS = 0.5
MIN_SHARED_LINES = 0.5
#: Files tokenized in one call from which a caller's warm state is frozen out of the collector's sight.
FREEZE_FROM = 50
#: A run covering this share of both functions makes their "similar" verdict redundant.
COVERED = 0.9


def validate(options: DuplicatesOptions) -> None:
    """Refuse options out of range with a message that names the range."""
    check_range("min_lines", options.min_lines, 2, 1000)
    check_range("limit", options.limit, 1, 200)
    if not 0.3 <= options.min_similarity <= 1.0:
        raise WardenError(f"min_similarity must be between 0.3 and 1.0; got {options.min_similarity}.",
                          "Pass a fraction such as 0.8.")
    if not options.kinds:
        raise WardenError("kinds is empty.", f"Pass one or more of {', '.join(KINDS)}.")


def find_duplicates(
    workspace: Workspace,
    paths: Sequence[str] | None = None,
    options: DuplicatesOptions | None = None,
    cache: ShapeCache | None = None,
    state: TreeState | None = None,
    memo: DetectionMemo | None = None,
) -> DuplicatesResult:
    """Clone classes under ``paths`` (default: the whole root), ranked, one page at a time."""
    opts = options or DuplicatesOptions()
    validate(opts)
    with CollectorPause() as pause:
        corpus, ranked, summary = _ranked(workspace, paths, opts, cache, state, memo)
        page, info = paginate(ranked, opts.cursor, opts.limit)  # models are built for this page only
        clones = [clone_class(r) for r in page]
        # A caller keeping warm state keeps what a cold call built: freeze it (after a sweep).
        pause.freeze = memo is not None and corpus.shaped >= FREEZE_FROM
    return DuplicatesResult(summary=summary, clones=clones, page=info, notes=corpus.notes)


def analyse(
    workspace: Workspace,
    paths: Sequence[str] | None,
    opts: DuplicatesOptions,
    cache: ShapeCache | None = None,
    state: TreeState | None = None,
    memo: DetectionMemo | None = None,
) -> tuple[DuplicatesSummary, list[CloneClass], list[Note]]:
    """The summary and every clone class, ranked (the CLI prints them all).

    Meant for a one-shot process: what the search leaves alive is frozen without a sweep.
    """
    with CollectorPause(freeze=True, sweep=False):
        corpus, ranked, summary = _ranked(workspace, paths, opts, cache, state, memo)
        return summary, [clone_class(r) for r in ranked], corpus.notes


@dataclass
class Family:
    """A clone class as a review compares it: where its copies are and how alike, unjudged.

    A review counts classes and matches their copies by content; it never shows the advice, so
    it skips what ranking for advice costs (aligning every family's members, the decision tree).
    """

    kind: str
    similarity: float
    lines: int
    locations: list[CloneLocation]
    boilerplate: bool
    leave: bool = False  # the advice would say to leave it (judged only where the caller asks)

    @property
    def saving(self) -> float:
        """Lines x (copies - 1) x similarity: a review orders families without judging them, so it
        does not count body lines as the advice's saving does."""
        return round(self.lines * (len(self.locations) - 1) * self.similarity, 1)


def every_family(corpus: Corpus, opts: DuplicatesOptions | None = None, memo: DetectionMemo | None = None,
                 judged: Callable[[Family], bool] | None = None) -> list[Family]:
    """Every clone class of ``corpus``, unpaged, worth-merging first and boilerplate last: one
    search for callers that compare whole sets (a review's duplicates introduced and eliminated).

    Only the families ``judged`` accepts get the advice's verdict (those to leave rank last, as
    in ``find_duplicates``). It leaves the collector as it found it, so a server may call it."""
    opts = opts or DuplicatesOptions()
    found: list[Family] = []
    classes: ClassMap | None = None
    homes: ImportMap | None = None
    provenance: Provenance | None = None
    with CollectorPause():
        for f in detect(corpus, opts, memo):
            if f.kind not in opts.kinds:
                continue
            shapes = [corpus.shapes[s.fid] for s in f.spans]
            reasons = [boilerplate_reason(shape, s.first, s.last) for shape, s in zip(shapes, f.spans)]
            reason = next((r for r in reasons if r), None) if f.kind == "similar" else \
                (reasons[0] if all(reasons) else None)
            family = Family(f.kind, f.similarity, max(shape.rows(s.first, s.last) for shape, s in zip(shapes, f.spans)),
                            [location(corpus, s) for s in f.spans], reason is not None)
            if judged is not None and judged(family):
                homes = homes or ImportMap(corpus.paths, corpus.shapes, corpus.package)
                classes = classes or ClassMap(corpus.paths, corpus.shapes, homes)
                provenance = provenance or Provenance(corpus.paths, corpus.shapes, homes)
                family.leave = judge(corpus, classes, f, reason, homes, provenance,
                                     opts.min_lines).recommendation.action == "leave"
            found.append(family)
    found.sort(key=lambda c: (c.boilerplate or c.leave, -c.saving, c.locations[0].path, c.locations[0].start_line))
    return found


def _ranked(
    workspace: Workspace,
    paths: Sequence[str] | None,
    opts: DuplicatesOptions,
    cache: ShapeCache | None,
    state: TreeState | None,
    memo: DetectionMemo | None,
) -> tuple[Corpus, list[Rank], DuplicatesSummary]:
    """Every clone family ranked by what merging it would save; leave and boilerplate last."""
    cache = cache if cache is not None else ShapeCache(workspace.config.limits.cache_entries)
    corpus = load_corpus(workspace, paths, cache, opts.include_tests, state)
    ranked = []
    homes = ImportMap(corpus.paths, corpus.shapes, corpus.package)
    classes = ClassMap(corpus.paths, corpus.shapes, homes)
    names = Names(workspace, corpus.paths, corpus.shapes)
    provenance = Provenance(corpus.paths, corpus.shapes, homes)
    for found in detect(corpus, opts, memo):
        if found.kind not in opts.kinds:
            continue
        reasons = [boilerplate_reason(corpus.shapes[s.fid], s.first, s.last) for s in found.spans]
        if found.kind == "similar":  # being like a trivial function is trivial
            boilerplate = next((r for r in reasons if r), None)
        else:
            boilerplate = reasons[0] if all(reasons) else None
        ranked.append(judge(corpus, classes, found, boilerplate, homes, provenance, opts.min_lines, names))
    ranked = class_families(corpus, ranked, classes, homes, opts.min_lines)
    ranked.sort(key=lambda r: (r.last, -r.saving, corpus.paths[r.found.spans[0].fid], r.found.spans[0].first))
    seen: dict[str, int] = {}
    for r in ranked:  # two classes may start at one place (a star and a leftover pair)
        seen[r.id] = seen.get(r.id, 0) + 1
        if seen[r.id] > 1:
            r.id = f"{r.id}#{seen[r.id]}"
    summary = _summary(corpus, [r.found for r in ranked if r.boilerplate is None], ranked)
    summary.by_action = dict(Counter(r.recommendation.action for r in ranked))
    return corpus, ranked, summary


def detect(corpus: Corpus, opts: DuplicatesOptions, memo: DetectionMemo | None = None) -> list[_Found]:
    """Every clone class in ``corpus``, unranked."""
    shapes = corpus.shapes
    ids = list(zip(corpus.paths, corpus.digests))
    key = (opts.min_lines, opts.min_similarity, "similar" in opts.kinds, opts.include_tests)
    previous = memo.get(key) if memo is not None else None
    if previous is not None and previous.result is not None and previous.result[0] == tuple(ids):
        return previous.result[1]  # type: ignore[return-value]
    fresh: set[int] | None = None
    if previous is not None:
        fresh = {fid for fid, ident in enumerate(ids) if ident not in previous.files}
        if len(fresh) > DetectionMemo.REUSE_UP_TO * len(ids):
            fresh = None
    k = max(2, min(4, opts.min_lines // 2))
    matches = [m for raw in seed_matches(shapes, k, only=fresh) if _long_enough(shapes, raw, opts.min_lines)
               for m in _split_at_definitions(shapes, raw) if _long_enough(shapes, m, opts.min_lines)]
    pairs = _similar_pairs(corpus, opts, fresh) if "similar" in opts.kinds else []
    if fresh is not None and previous is not None:
        where = {ident: fid for fid, ident in enumerate(ids)}
        matches += [Match(where[a], la, where[b], lb, n) for a, la, b, lb, n in previous.matches
                    if a in where and b in where]
        pairs += [_Pair(_Span(where[a], af, al), _Span(where[b], bf, bl), sim)
                  for a, af, al, b, bf, bl, sim in previous.pairs if a in where and b in where]
    current = Previous(
        set(ids),
        [(ids[m.file_a], m.line_a, ids[m.file_b], m.line_b, m.length) for m in matches],
        [(ids[p.a.fid], p.a.first, p.a.last, ids[p.b.fid], p.b.first, p.b.last, p.similarity) for p in pairs],
    )
    if memo is not None:
        memo.put(key, current)
    by_files: dict[tuple[int, int], list[Match]] = defaultdict(list)
    for m in matches:
        by_files[(m.file_a, m.file_b)].append(m)
    pairs = [p for p in pairs if not _covered(p, by_files, shapes)]
    if pairs:
        pairs_by_files: dict[tuple[int, int], list[_Pair]] = defaultdict(list)
        for p in pairs:
            pairs_by_files[(p.a.fid, p.b.fid)].append(p)
            pairs_by_files[(p.b.fid, p.a.fid)].append(p)
        matches = [m for m in matches if not _inside_pair(m, pairs_by_files[(m.file_a, m.file_b)])]
    found = families(_group_runs(shapes, matches) + _group_pairs(shapes, pairs) + _identical_files(corpus, opts.min_lines)
                     + _identical_classes(corpus, opts.min_lines))
    for f in found:
        f.spans = [_without_class_line(shapes[s.fid], s) for s in f.spans]
        f.spans.sort(key=lambda s: (corpus.paths[s.fid], s.first))
    current.result = (tuple(ids), found)  # callers read families, never change them
    return found


_HEADERS = ("def ", "async def ", "class ", "@")


def _without_class_line(shape: Shape, span: _Span) -> _Span:
    """A member that starts at a class header starts at the class's first statement instead, so
    that it is located in its method (a class line says nothing of what is duplicated), unless
    it holds the whole class: then the class is the copy."""
    first = span.first
    while first < span.last and shape.exact[first].startswith("class ") and not _whole_class(shape, first, span.last):
        first += 1
    return span if first == span.first else _Span(span.fid, first, span.last)


def _whole_class(shape: Shape, first: int, last: int) -> bool:
    """True when lines ``first..last`` hold the class starting at ``first`` whole, with two or more
    methods (a class of one method is located in that method)."""
    end = class_end(shape, first)
    return end <= last and sum(line.startswith(("def ", "async def ")) for line in shape.exact[first : end + 1]) > 1


def _split_at_definitions(shapes: list[Shape], m: Match) -> list[Match]:
    """Cut a run where a new definition starts, so a clone never joins the tail of one function
    to the head of the next (a coincidence of shape, not a copy). A class the run holds whole
    stays one piece: node classes of a few short methods each are copied as classes."""
    exact = shapes[m.file_a].exact
    cuts = []
    whole_to = -1  # offset of the last line of a class held whole, within the run
    for i in range(m.length):
        line = exact[m.line_a + i]
        if i > whole_to and line.startswith("class ") and _whole_class(shapes[m.file_a], m.line_a + i, m.line_a + m.length - 1):
            if i:
                cuts.append(i)
            whole_to = class_end(shapes[m.file_a], m.line_a + i) - m.line_a
            if whole_to + 1 < m.length:
                cuts.append(whole_to + 1)
        elif i > whole_to and i and line.startswith(_HEADERS) and not exact[m.line_a + i - 1].startswith(_HEADERS):
            cuts.append(i)
    cuts = sorted(set(cuts))
    if not cuts:
        return [m]
    bounds = [0, *cuts, m.length]
    return [Match(m.file_a, m.line_a + lo, m.file_b, m.line_b + lo, hi - lo) for lo, hi in zip(bounds, bounds[1:])]


def _identical_files(corpus: Corpus, min_lines: int) -> list[_Found]:
    """Files with one content, each reported whole as one family rather than piece by piece."""
    by_digest: dict[str, list[int]] = defaultdict(list)
    for fid, digest in enumerate(corpus.digests):
        by_digest[digest].append(fid)
    found = []
    for fids in by_digest.values():
        shape = corpus.shapes[fids[0]]
        if len(fids) > 1 and shape.exact and shape.code_rows >= min_lines \
                and shape.tokens(0, len(shape.exact) - 1) >= TOKENS_PER_LINE * min_lines:
            found.append(_Found("exact", 1.0, [_Span(fid, 0, len(shape.exact) - 1) for fid in fids]))
    return found


def _identical_classes(corpus: Corpus, min_lines: int) -> list[_Found]:
    """Classes of one shape (two or more methods each), each reported whole as one family.

    Runs find most of them, but not classes in a row that differ only in their literals
    (mutagen's DWORD, QWORD and WORD attributes): the run that pairs neighbours starts in the class
    before them and stops where it would overlap itself, so no run holds the middle class whole."""
    groups: dict[int, list[_Span]] = defaultdict(list)
    for fid, shape in enumerate(corpus.shapes):
        for key, first, last in _class_keys(shape, min_lines):
            groups[key].append(_Span(fid, first, last))
    found = []
    for spans in groups.values():
        if len(spans) > 1:
            texts = {corpus.shapes[s.fid].exact[s.first : s.last + 1] for s in spans}
            found.append(_Found("exact" if len(texts) == 1 else "renamed", 1.0, spans))
    return found


def _class_keys(shape: Shape, min_lines: int) -> list[tuple[int, int, int]]:
    """(shape of the class, first and last logical lines) of each class long enough to report
    whole, kept in the shape's memo."""
    key = ("class keys", min_lines)
    if key not in shape.memo:
        found = []
        for first, line in enumerate(shape.exact):
            if line.startswith("class ") and _whole_class(shape, first, len(shape.exact) - 1):
                last = class_end(shape, first)
                if shape.rows(first, last) >= min_lines and shape.tokens(first, last) >= TOKENS_PER_LINE * min_lines:
                    found.append((hash((shape.renamed[first : last + 1], shape.deltas[first + 1 : last + 1])),
                                  first, last))
        shape.memo[key] = found
    return shape.memo[key]  # type: ignore[return-value]


def _long_enough(shapes: list[Shape], m: Match, min_lines: int) -> bool:
    """At least ``min_lines`` code rows on both sides, and enough tokens to be more than a few names."""
    a = shapes[m.file_a]
    last = m.line_a + m.length - 1
    if a.tokens(m.line_a, last) < TOKENS_PER_LINE * min_lines:
        return False
    return min(a.rows(m.line_a, last), shapes[m.file_b].rows(m.line_b, m.line_b + m.length - 1)) >= min_lines


def _group_runs(shapes: list[Shape], matches: list[Match]) -> list[_Found]:
    """Matches with the same content are one class; it is exact when every copy reads alike."""
    groups: dict[tuple[int, int], set[_Span]] = defaultdict(set)
    for m in matches:
        shape = shapes[m.file_a]
        end = m.line_a + m.length
        key = (m.length, hash((tuple(shape.renamed[m.line_a : end]), tuple(shape.deltas[m.line_a + 1 : end]))))
        groups[key].add(_Span(m.file_a, m.line_a, end - 1))
        groups[key].add(_Span(m.file_b, m.line_b, m.line_b + m.length - 1))
    found = []
    for spans in groups.values():
        if _self_overlapping(spans):
            continue  # one periodic region (a table of near-identical calls) seen at several offsets
        texts = {tuple(shapes[s.fid].exact[s.first : s.last + 1]) for s in spans}
        found.append(_Found("exact" if len(texts) == 1 else "renamed", 1.0, list(spans)))
    return found


def _self_overlapping(spans: set[_Span]) -> bool:
    ordered = sorted(spans, key=lambda s: (s.fid, s.first))
    return any(a.fid == b.fid and b.first <= a.last for a, b in zip(ordered, ordered[1:]))


@dataclass(frozen=True)
class _Pair:
    a: _Span
    b: _Span
    similarity: float


def _similar_pairs(corpus: Corpus, opts: DuplicatesOptions, fresh: set[int] | None = None) -> list[_Pair]:
    """Functions at least ``min_similarity`` alike, compared only when their shingles overlap
    (and only pairs involving a function of the ``fresh`` files, when given)."""
    spans: list[_Span] = []
    bodies: list[int] = []
    lengths: list[int] = []
    grams: list[set[int]] = []
    for fid, shape in enumerate(corpus.shapes):
        for unit, rows, body, length, unit_grams in _comparable_units(shape):
            if rows >= opts.min_lines:
                spans.append(_Span(fid, unit.first, unit.last))
                bodies.append(body)
                lengths.append(length)
                grams.append(unit_grams)

    def text(i: int) -> str:  # built only for the candidates actually compared
        shape, span = corpus.shapes[spans[i].fid], spans[i]
        key = ("body text", span.first)
        if key not in shape.memo:
            shape.memo[key] = shape.unit_text(Unit("", 0, 0, span.first, span.last, ""), body_only=True)
        return shape.memo[key]  # type: ignore[return-value]

    cutoff = opts.min_similarity * 100
    pairs = []
    # Looser similarity needs fewer shared shingles to become a candidate.
    only = None if fresh is None else {uid for uid, span in enumerate(spans) if span.fid in fresh}
    for i, j in similar_candidates(grams, share=max(0.1, opts.min_similarity - 0.5), only=only):
        a, b = spans[i], spans[j]
        if a.fid == b.fid and a.first <= b.last and b.first <= a.last:
            continue  # a function and a closure nested in it
        la, lb = lengths[i], lengths[j]
        if 200 * min(la, lb) < cutoff * (la + lb):
            continue  # lengths alone rule out the cutoff
        short = min(a.last - bodies[i], b.last - bodies[j]) + 1 < SHORT_BODY
        score = ratio(text(i), text(j), score_cutoff=max(cutoff, 100 * SHORT_BODY_MIN) if short else cutoff)
        if score and _same_substance(corpus, (a, bodies[i]), (b, bodies[j])):
            pairs.append(_Pair(a, b, round(score / 100, 3)))
    return pairs


def _comparable_units(shape: Shape) -> list[tuple[Unit, int, int, int, set[int]]]:
    """(unit, code rows, body start, body text length, shingles) of the functions long enough to compare."""
    if "comparable" not in shape.memo:
        found = []
        for unit in shape.units:
            body = shape.body_start(unit)
            if body > unit.last:
                continue
            tokens = shape.tokens(body, unit.last)
            if tokens >= MIN_SIMILAR_TOKENS:
                found.append((unit, shape.rows(unit.first, unit.last), body, tokens + unit.last - body,
                              shingles(shape, body, unit.last)))
        shape.memo["comparable"] = found
    return shape.memo["comparable"]  # type: ignore[return-value]


def _same_substance(corpus: Corpus, *sides: tuple[_Span, int]) -> bool:
    """True when the bodies share most of their words and at least half of their statements.

    Code adapted from other code keeps most of its names and literals and most of its lines;
    two bodies that only share a shape (an override idiom, a run of optional assignments, a
    common two-line preamble before different work) do not, and are not called clones.
    """
    words, lines = [], []
    for span, body in sides:
        shape = corpus.shapes[span.fid]
        key = ("substance", body, span.last)
        if key not in shape.memo:
            # One character per token or statement, by hash: no vocabulary to grow in a server.
            shape.memo[key] = (
                "".join(chr(0x100 + hash(t) % 0xD000) for t in shape.exact_tokens(body, span.last)),
                "".join(chr(0x100 + hash(r) % 0xD000) for r in shape.renamed[body : span.last + 1]),
            )
        shape_words, shape_lines = shape.memo[key]  # type: ignore[misc]
        words.append(shape_words)
        lines.append(shape_lines)
    return (ratio(words[0], words[1], score_cutoff=100 * MIN_SHARED_WORDS) > 0
            and ratio(lines[0], lines[1], score_cutoff=100 * MIN_SHARED_LINES) > 0)


def _covered(pair: _Pair, by_files: dict[tuple[int, int], list[Match]], shapes: list[Shape]) -> bool:
    """True when one run already covers most of both functions of a similar pair."""
    a, b = pair.a, pair.b
    for (fa, fb), swap in (((a.fid, b.fid), False), ((b.fid, a.fid), True)):
        x, y = (b, a) if swap else (a, b)
        need_x, need_y = COVERED * (x.last - x.first + 1), COVERED * (y.last - y.first + 1)
        for m in by_files.get((fa, fb), ()):  # overlaps inline: this runs for every run of both files
            if (min(m.line_a + m.length - 1, x.last) - max(m.line_a, x.first) + 1 >= need_x
                    and min(m.line_b + m.length - 1, y.last) - max(m.line_b, y.first) + 1 >= need_y):
                return True
    return False


def _inside_pair(m: Match, pairs: list[_Pair]) -> bool:
    run_a = _Span(m.file_a, m.line_a, m.line_a + m.length - 1)
    run_b = _Span(m.file_b, m.line_b, m.line_b + m.length - 1)
    return any(
        (_within(run_a, p.a) and _within(run_b, p.b)) or (_within(run_a, p.b) and _within(run_b, p.a))
        for p in pairs
    )


def _within(run: _Span, unit: _Span) -> bool:
    return run.fid == unit.fid and unit.first <= run.first and run.last <= unit.last


def _group_pairs(shapes: list[Shape], pairs: list[_Pair]) -> list[_Found]:
    """Similar pairs gathered into star-shaped classes: every member is verified against the
    centre, so a class never chains A~B~C into a claim that A is like C."""
    centre_of: dict[_Span, _Span] = {}
    members: dict[_Span, list[tuple[_Span, float]]] = {}
    leftovers: list[_Pair] = []
    for p in sorted(pairs, key=lambda p: (-p.similarity, p.a.fid, p.a.first, p.b.fid, p.b.first)):
        ca, cb = centre_of.get(p.a), centre_of.get(p.b)
        if ca is None and cb is None:
            centre_of[p.a] = centre_of[p.b] = p.a
            members[p.a] = [(p.a, 1.0), (p.b, p.similarity)]
        elif ca == p.a and cb is None:
            centre_of[p.b] = p.a
            members[p.a].append((p.b, p.similarity))
        elif cb == p.b and ca is None:
            centre_of[p.a] = p.b
            members[p.b].append((p.a, p.similarity))
        elif ca is None or cb is None or ca != cb:
            leftovers.append(p)
    groups = [[span for span, _ in group] for group in members.values()]
    weakest = [min(sim for _, sim in group) for group in members.values()]
    groups += [[p.a, p.b] for p in leftovers]
    weakest += [p.similarity for p in leftovers]
    found = []
    for spans, similarity in zip(groups, weakest):
        if similarity >= 1.0:
            texts = {tuple(shapes[s.fid].exact[s.first : s.last + 1]) for s in spans}
            kind = "exact" if len(texts) == 1 else "renamed"
        else:
            kind = "similar"
        found.append(_Found(kind, similarity, spans))
    return found


def _summary(corpus: Corpus, found: list[_Found], classes: list[Rank]) -> DuplicatesSummary:
    """Duplicated code lines of ``found``, each counted once, overall and per folder."""
    rows: dict[int, set[int]] = defaultdict(set)
    for f in found:
        for s in f.spans:
            shape = corpus.shapes[s.fid]
            for i in range(s.first, s.last + 1):
                rows[s.fid].update(range(shape.starts[i], shape.ends[i] + 1))
    folders: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for fid, shape in enumerate(corpus.shapes):
        entry = folders[corpus.folder(fid)]
        entry[0] += 1
        entry[1] += shape.code_rows
        entry[2] += len(rows.get(fid, ()))
    total = sum(e[1] for e in folders.values())
    duplicated = sum(e[2] for e in folders.values())
    by_folder = [
        FolderSummary(folder=name, files=e[0], lines=e[1], duplicated_lines=e[2], percentage=_percent(e[2], e[1]))
        for name, e in folders.items() if e[2]
    ]
    by_folder.sort(key=lambda f: (-f.percentage, f.folder))
    by_kind: dict[str, int] = defaultdict(int)
    for c in classes:
        by_kind[c.core.kind] += 1
    return DuplicatesSummary(
        files=len(corpus.paths), lines=total, duplicated_lines=duplicated, percentage=_percent(duplicated, total),
        clone_classes=len(classes), by_kind=dict(by_kind), by_folder=by_folder[:FOLDERS_SHOWN],
    )


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 2) if whole else 0.0
