"""Fuzzy search over the pattern library, for clients that do not surface resources.

A query is scored two ways and the two are blended: rapidfuzz's weighted ratio against the
title, tags, summary and headings (good for short, close wordings), and the share of query
terms that the document contains, matched on a five-letter stem so that "retry" finds
"retries" (good for several loose keywords). Identifiers are split into words on both sides,
so ``retry_with_backoff`` and ``retryWithBackoff`` ask for "retry with backoff", and the id of a
document is one of its fields. Links to other documents are not words of the linking document:
a page that only points at ``warden://patterns/retries-with-backoff`` must not rank beside it.
Everything the scoring needs is precomputed once per library, so a query costs a few
milliseconds even with hundreds of documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, Field
from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from pattern_warden.errors import WardenError
from pattern_warden.models import check_range
from pattern_warden.patterns.library import PatternDoc

_WORD = re.compile(r"[A-Za-z0-9_]+")
_IDENTIFIER_PART = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_LINK = re.compile(r"warden://(?:patterns|rules)/[A-Za-z0-9-]+")
_STEM = 5
_FIELD_WEIGHTS = {"id": 1.0, "title": 1.0, "tags": 0.9, "summary": 0.85, "headings": 0.7}
_MAX_QUERY = 500
_FENCE = re.compile(r"^```.*?^```[ \t]*$", re.DOTALL | re.MULTILINE)


class PatternHit(BaseModel):
    """One ranked match."""

    id: str
    title: str
    category: str
    uri: str
    score: float = Field(description="0 to 1; higher is closer.")
    snippet: str = Field(description="The passage of the document that best matches the query.")


class PatternSearchResult(BaseModel):
    """Ranked hits, best first."""

    query: str
    category: str | None
    total: int = Field(description="Documents that matched at all, before the limit.")
    hits: list[PatternHit]


@dataclass
class _Entry:
    doc: PatternDoc
    fields: dict[str, str]
    words: frozenset[str]
    stems: frozenset[str]
    paragraphs: list[str]


def _terms(text: str) -> list[str]:
    """Lower-case words, identifiers split at underscores and camelCase humps (HTTPServer: http, server)."""
    return [part.lower() for word in _WORD.findall(text) for part in _IDENTIFIER_PART.findall(word)]


class SearchIndex:
    """Precomputed fields for every document."""

    def __init__(self, docs: list[PatternDoc]) -> None:
        self.entries: list[_Entry] = []
        for doc in docs:
            fields = {
                "id": doc.meta.id.replace("-", " "),
                "title": doc.meta.title,
                "tags": " ".join(doc.meta.tags),
                "summary": doc.meta.summary,
                "headings": " ".join(doc.headings),
            }
            words = set(_terms(" ".join(fields.values()) + " " + _LINK.sub(" ", doc.body) + " " + doc.meta.category))
            prose = _FENCE.sub("", doc.body)
            paragraphs = [p.strip() for p in re.split(r"\n\s*\n", prose) if p.strip() and not p.lstrip().startswith("#")]
            self.entries.append(
                _Entry(
                    doc=doc,
                    fields={k: default_process(v) for k, v in fields.items()},
                    words=frozenset(words),
                    stems=frozenset(w[:_STEM] for w in words if len(w) >= _STEM),
                    paragraphs=paragraphs,
                )
            )

    def search(
        self, query: str, category: str | None, limit: int, categories: list[str]
    ) -> PatternSearchResult:
        """Rank every document (of ``category``) for ``query``; bad arguments raise ``WardenError``."""
        text = (query or "").strip()
        if not text:
            raise WardenError("The query is empty.", "Pass a few words, such as 'async retry backoff'.")
        if len(text) > _MAX_QUERY:
            raise WardenError(f"The query is {len(text)} characters long.", f"Keep it under {_MAX_QUERY}.")
        check_range("limit", limit, 1, 100)
        if category is not None and category not in categories:
            near = [c for c, _, _ in process.extract(category, categories, limit=3)]
            raise WardenError(f"No category is named {category!r}.", f"Known categories include: {', '.join(near)}.")
        processed = default_process(text)
        terms = [t for t in dict.fromkeys(_terms(text)) if len(t) >= 2]
        scored: list[tuple[float, _Entry]] = []
        for entry in self.entries:
            if category is not None and entry.doc.meta.category != category:
                continue
            field_score = max(
                weight * fuzz.WRatio(processed, entry.fields[name]) / 100 for name, weight in _FIELD_WEIGHTS.items()
            )
            coverage = sum(1 for t in terms if _contains(entry, t)) / len(terms) if terms else 0.0
            score = 0.5 * field_score + 0.5 * coverage
            if coverage > 0 or field_score >= 0.6:
                scored.append((score, entry))
        scored.sort(key=lambda pair: (-pair[0], pair[1].doc.meta.id))
        hits = [
            PatternHit(
                id=e.doc.meta.id,
                title=e.doc.meta.title,
                category=e.doc.meta.category,
                uri=e.doc.meta.uri,
                score=round(s, 3),
                snippet=_snippet(e, processed, terms),
            )
            for s, e in scored[:limit]
        ]
        return PatternSearchResult(query=text, category=category, total=len(scored), hits=hits)


def _contains(entry: _Entry, term: str) -> bool:
    return term in entry.words or (len(term) >= _STEM and term[:_STEM] in entry.stems)


def _snippet(entry: _Entry, processed: str, terms: list[str], width: int = 240) -> str:
    """The paragraph with most query terms (ties broken by fuzzy closeness), cut to ``width``."""
    if not entry.paragraphs:
        return entry.doc.meta.summary

    def rank(paragraph: str) -> tuple[int, float]:
        low = paragraph.lower()
        return sum(1 for t in terms if t in low), fuzz.partial_ratio(processed, default_process(paragraph))

    best = max(entry.paragraphs, key=rank)
    flat = " ".join(best.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"
