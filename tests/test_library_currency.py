"""Currency: a document never recommends what it itself calls removed or deprecated.

Advice ages: an action's major version is retired, a Python release reaches end of life, an API
is deprecated. Each document names what it has retired (the ``retired`` front-matter field, and
any backticked name a sentence calls deprecated or removed); these tests fail when a "Do this"
block still uses one, and when a CI matrix in a "Do this" block stops short of the newest Python.
"""

from __future__ import annotations

import re

import pytest

from tests.test_pattern_library import FENCE, LIBRARY

NEWEST_PYTHON = "3.14"
MARKED = re.compile(r"`([^`]+)`[^.`]{0,60}?\b(?:is|are|was|were)\s+(?:now\s+)?(?:deprecated|removed)\b", re.IGNORECASE)


def retired(doc_id: str) -> set[str]:
    """What the document marks as removed or deprecated: its front matter, then its own sentences."""
    doc = LIBRARY.docs[doc_id]
    prose = FENCE.sub("", doc.body)
    return set(doc.meta.retired) | set(MARKED.findall(" ".join(prose.split())))


def _uses(token: str, code: str) -> bool:
    """``token`` occurs in ``code`` as a whole name or version (``3.9`` is not in ``3.19``)."""
    start = r"(?<![\w.])" if token[0].isalnum() else ""
    end = r"(?!\w)" if token[-1].isalnum() else ""
    return re.search(start + re.escape(token) + end, code) is not None


def do_this_blocks(doc_id: str) -> list[tuple[str, str]]:
    """(language, code) of every fenced block in the document's "Do this" section."""
    body = LIBRARY.docs[doc_id].body
    section = body.split("## Do this", 1)[1].split("\n## ", 1)[0]
    return [(m.group(1).strip().split(" ")[0], m.group(2)) for m in FENCE.finditer(section)]


def test_marking_sentences_are_found() -> None:
    assert {"actions/checkout@v4", "astral-sh/setup-uv@v5"} <= retired("ci-pipelines")
    assert "utcnow(" in retired("timezone-aware-datetimes")


@pytest.mark.parametrize("doc_id", sorted(LIBRARY.docs))
def test_do_this_uses_nothing_the_document_retired(doc_id: str) -> None:
    old = retired(doc_id)
    for language, code in do_this_blocks(doc_id):
        used = {token for token in old if _uses(token, code)}
        assert not used, f"{doc_id}: a {language} 'Do this' block uses {sorted(used)}, which the document retired"


@pytest.mark.parametrize("doc_id", sorted(LIBRARY.docs))
def test_ci_matrices_reach_the_newest_python(doc_id: str) -> None:
    for language, code in do_this_blocks(doc_id):
        if language not in {"yaml", "yml"}:
            continue
        for matrix in re.findall(r"^\s*python(?:-version)?:\s*\[(.*?)\]", code, re.MULTILINE):
            versions = re.findall(r"3\.\d+", matrix)
            assert NEWEST_PYTHON in versions, f"{doc_id}: the matrix {versions} stops before Python {NEWEST_PYTHON}"


# Documents that once never said when not to apply them, and every document written since.
SAYS_WHEN_NOT = {
    "bounded-buffers", "file-uploads", "handoff-context",
    "backup-tiers-and-restore-chain", "cursor-pagination", "decision-records", "frontend-server-state",
    "graphql-dataloaders", "rust-profiling", "testing-pyramid-and-game-days", "time-limits-for-computations",
    "typeis-and-typeguard",
}
WHEN_NOT = re.compile(r"\bSkip\b[^.]{0,40}?\b(?:when|until|if)\b")


@pytest.mark.parametrize("doc_id", sorted(SAYS_WHEN_NOT))
def test_document_says_when_not_to_apply_it(doc_id: str) -> None:
    trade_offs = LIBRARY.docs[doc_id].body.split("## Trade-offs", 1)[1].split("## Related", 1)[0]
    assert WHEN_NOT.search(" ".join(trade_offs.split())), f"{doc_id}: Trade-offs must say 'Skip it when ...'"
