"""Text renderings of pattern results: what the shell prints and what an agent reads."""

from __future__ import annotations

from pattern_warden.patterns.library import PatternDoc, PatternIndex
from pattern_warden.patterns.search import PatternSearchResult


def index_text(index: PatternIndex) -> str:
    """The count and the category names, then one aligned line per document (id, category, title)."""
    width = max((len(p.id) for p in index.patterns), default=2)
    lines = [f"{index.count} patterns in {len(index.categories)} categories: {', '.join(index.categories)}.",
             "Read one at warden://patterns/{id}; search_patterns searches their text."]
    lines += [f"{p.id:<{width}}  {p.category:<14} {p.title}" for p in index.patterns]
    lines += [f"refused: {p.file}: {p.field} {p.message}" for p in index.problems]
    return "\n".join(lines) + "\n"


def document_text(doc: PatternDoc) -> str:
    """The document as it is stored, ending with a newline."""
    return doc.text if doc.text.endswith("\n") else doc.text + "\n"


def search_text(result: PatternSearchResult) -> str:
    """The count, then one line per hit: score, id, category, title and the start of the matching passage."""
    lines = [f"{len(result.hits)} of {result.total} matches for {result.query!r}; get_pattern(id) reads one"]
    for hit in result.hits:
        passage = hit.snippet if len(hit.snippet) <= 160 else hit.snippet[:157].rstrip() + "..."
        lines.append(f"{hit.score:.2f} {hit.id} ({hit.category}) {hit.title}: {passage}")
    return "\n".join(lines) + "\n"
