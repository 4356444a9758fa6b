"""Plain-text renderings of pattern results for the shell (JSON is the models themselves)."""

from __future__ import annotations

from pattern_warden.patterns.library import PatternDoc, PatternIndex
from pattern_warden.patterns.search import PatternSearchResult


def index_text(index: PatternIndex) -> str:
    """One aligned line per document, after a count."""
    width = max((len(p.id) for p in index.patterns), default=2)
    lines = [f"{index.count} patterns in {len(index.categories)} categories"]
    lines += [f"{p.id:<{width}}  {p.category:<14} {p.title}" for p in index.patterns]
    return "\n".join(lines) + "\n"


def document_text(doc: PatternDoc) -> str:
    """The document as it is stored, ending with a newline."""
    return doc.text if doc.text.endswith("\n") else doc.text + "\n"


def search_text(result: PatternSearchResult) -> str:
    """Hits with score, id and title, each followed by its matching passage."""
    lines = [f"{len(result.hits)} of {result.total} matches for {result.query!r}"]
    for hit in result.hits:
        lines.append(f"{hit.score:.2f}  {hit.id}  ({hit.category}) {hit.title}")
        lines.append(f"      {hit.snippet}")
    return "\n".join(lines) + "\n"
