"""``find_similar``: the "search before you write" step, fast enough to run on every draft.

An agent passes its draft (or names an existing function) and gets the existing functions
most like it, by rapidfuzz's ratio on renamed token sequences, so other names and literals do
not hide a match. The ``SimilarIndex`` keeps every function's renamed text by file content
hash: a warm call re-reads and re-hashes the files but re-tokenizes only those that changed,
then scores all functions in one rapidfuzz pass written in C.
"""

from __future__ import annotations

import ast
import difflib
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.fuzz import ratio

from pattern_warden.clones.corpus import TreeState, load_corpus
from pattern_warden.clones.index import ShapeCache
from pattern_warden.clones.models import SimilarFunction, SimilarResult
from pattern_warden.clones.normalize import Shape, Unit, shape_of
from pattern_warden.errors import WardenError
from pattern_warden.models import Note, check_range
from pattern_warden.workspace import Workspace

#: A real function: a def line and at least two statements, of at least this many tokens. Smaller
#: candidates (a two-line test method, an accessor) match any short draft by chance, and a
#: smaller draft says too little to match anything.
MIN_UNIT_LINES = 3
MIN_UNIT_TOKENS = 16


def _big_enough(shape: Shape, unit: Unit) -> bool:
    return unit.last - unit.first + 1 >= MIN_UNIT_LINES and shape.tokens(unit.first, unit.last) >= MIN_UNIT_TOKENS


@dataclass(frozen=True)
class _Entry:
    path: str
    unit: Unit


class SimilarIndex:
    """Every function's renamed text, by file content hash; one per server (thread-safe).

    The texts kept between calls are bounded by ``max_bytes`` (as the parsed-file cache is by
    ``limits.cache-bytes``): beyond it, a file's texts are rebuilt from its cached shape when
    next needed, which costs a fraction of tokenizing it.
    """

    def __init__(self, cache: ShapeCache | None = None, state: TreeState | None = None,
                 max_bytes: int = 64 * 1024 * 1024) -> None:
        self.cache = cache if cache is not None else ShapeCache()  # an empty cache is falsy
        self.state = state if state is not None else TreeState()
        self.max_bytes = max_bytes
        self.bytes = 0  # text held between calls
        self._texts: dict[str, list[tuple[Unit, str]]] = {}
        self._lock = threading.Lock()

    def table(self, workspace: Workspace, paths: Sequence[str] | None,
              include_tests: bool = False) -> tuple[list[_Entry], list[str], list[Note]]:
        """Entries and texts of all functions under ``paths`` (tests only when asked), refreshed for
        changed files."""
        with self._lock:
            corpus = load_corpus(workspace, paths, self.cache, include_tests=include_tests, state=self.state)
            entries: list[_Entry] = []
            texts: list[str] = []
            fresh: dict[str, list[tuple[Unit, str]]] = {}
            held = 0
            for path, digest, shape in zip(corpus.paths, corpus.digests, corpus.shapes):
                units = self._texts.get(digest)
                if units is None:
                    units = [(u, shape.unit_text(u)) for u in shape.units if _big_enough(shape, u)]
                size = sum(len(text) for _, text in units)
                if held + size <= self.max_bytes:
                    fresh[digest] = units
                    held += size
                for unit, text in units:
                    entries.append(_Entry(path, unit))
                    texts.append(text)
            self._texts = fresh  # files no longer present drop out, so memory follows the tree
            self.bytes = held
            return entries, texts, corpus.notes


def _draft_units(code: str) -> list[tuple[str, str, bool]]:
    """(name, renamed text, big enough to judge) of each function in a draft, or of the whole
    draft if it has none."""
    if "\x00" in code:  # said here: 3.11's early releases raise ValueError for it, later SyntaxError
        line = code.count("\n", 0, code.index("\x00")) + 1
        raise WardenError(f"The code does not parse: it holds a NUL byte (line {line}).",
                          "Pass the draft's source text without NUL characters.")
    try:
        ast.parse(code)  # shapes are read from tokens, which accept some code that does not parse
    except SyntaxError as exc:
        raise WardenError(f"The code does not parse: {exc.msg} (line {exc.lineno}).",
                          "Pass complete Python statements, such as a whole function.") from None
    shape = shape_of(code)
    if shape is None:
        raise WardenError("The code cannot be tokenized.", "Pass complete Python statements.")
    if not shape.renamed:
        raise WardenError("The code is empty.", "Pass the draft function's source as `code`.")
    outer = [u for u in shape.units
             if not any(o is not u and o.start <= u.start and u.end <= o.end for o in shape.units)]
    if outer:
        return [(u.name, shape.unit_text(u), _big_enough(shape, u)) for u in outer]
    whole = Unit("<draft>", shape.starts[0], shape.ends[-1], 0, len(shape.renamed) - 1, "")
    # Loose statements have no def line: two of them are a function's worth.
    big = whole.last + 1 >= MIN_UNIT_LINES - 1 and shape.tokens(0, whole.last) >= MIN_UNIT_TOKENS
    return [("<draft>", shape.unit_text(whole), big)]


def _named_unit(workspace: Workspace, cache: ShapeCache, path: str, symbol: str) -> tuple[str, Unit, str]:
    source = workspace.read_path(path)
    shape = cache.shape(source.digest, source.text)
    if shape is None:
        raise WardenError(f"The file {source.path!r} does not parse.", "Fix its syntax first.")
    for unit in shape.units:
        if unit.name == symbol or unit.name.endswith("." + symbol):
            return source.path, unit, shape.unit_text(unit)
    names = [u.name for u in shape.units]
    close = difflib.get_close_matches(symbol, names, n=3)
    hint = f"Did you mean {', '.join(close)}?" if close else f"Functions there: {', '.join(names[:10]) or 'none'}."
    raise WardenError(f"No function or method named {symbol!r} in {source.path}.", hint)


def find_similar(
    workspace: Workspace,
    code: str | None = None,
    path: str | None = None,
    symbol: str | None = None,
    limit: int = 10,
    min_similarity: float = 0.5,
    paths: Sequence[str] | None = None,
    index: SimilarIndex | None = None,
    include_tests: bool = False,
) -> SimilarResult:
    """Existing functions most like ``code`` (or like ``symbol`` in ``path``), best first; test
    code is searched only with ``include_tests``."""
    check_range("limit", limit, 1, 100)
    if not 0.0 < min_similarity <= 1.0:
        raise WardenError(f"min_similarity must be above 0 and at most 1; got {min_similarity}.",
                          "Pass a fraction such as 0.5.")
    if (code is None) == (path is None and symbol is None):
        raise WardenError("Pass either `code`, or `path` and `symbol`.",
                          "`code` is a draft; `path` + `symbol` name an existing function.")
    index = index or SimilarIndex()
    exclude: tuple[str, int] | None = None
    label: str | None = None
    if code is not None:
        drafts = _draft_units(code)
        queries = [(name, text) for name, text, big in drafts if big]
        if not queries:
            return SimilarResult(query=None, matches=[], searched_functions=0, advice=None, notes=[Note(
                message="The draft is too small to judge (fewer than two statements or "
                        f"{MIN_UNIT_TOKENS} tokens): any short code looks like something; pass the whole function.")])
    else:
        if not path or not symbol:
            raise WardenError("`path` and `symbol` go together.", "Pass both, e.g. path='src/a.py', symbol='load'.")
        rel, unit, text = _named_unit(workspace, index.cache, path, symbol)
        queries = [(unit.name, text)]
        exclude = (rel, unit.start)
        label = f"{rel}:{unit.name}"
    entries, texts, notes = index.table(workspace, paths, include_tests)
    best: dict[int, float] = {}
    cutoff = min_similarity * 100
    for _, query in queries:
        for _, score, i in process.extract(query, texts, scorer=ratio, limit=limit + 1, score_cutoff=cutoff):
            best[i] = max(best.get(i, 0.0), score)
    ranked = sorted(best.items(), key=lambda item: (-item[1], entries[item[0]].path, entries[item[0]].unit.start))
    matches = []
    for i, score in ranked:
        entry = entries[i]
        if exclude == (entry.path, entry.unit.start):
            continue
        matches.append(SimilarFunction(path=entry.path, start_line=entry.unit.start, end_line=entry.unit.end,
                                       function=entry.unit.name, similarity=round(score / 100, 3)))
    matches = matches[:limit]
    return SimilarResult(query=label, matches=matches, searched_functions=len(texts), advice=_advice(matches),
                         notes=notes)


def _advice(matches: list[SimilarFunction]) -> str:
    """What to do with the best match: reuse it, read it, or write the function."""
    if not matches:
        return "Nothing in the root is much like this: writing it is not a duplicate."
    top = matches[0]
    where = f"{top.path}:{top.start_line} ({top.function})"
    if top.similarity >= 0.8:
        return f"{where} is {top.similarity:.0%} alike: reuse or extend it instead of writing a copy."
    return f"{where} is {top.similarity:.0%} alike: read it; share the common part if the purpose is the same."
