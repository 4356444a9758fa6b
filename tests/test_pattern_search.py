"""search_patterns reads identifiers as words and does not credit a page for its links."""

from __future__ import annotations

from pathlib import Path

import pytest

from pattern_warden.patterns.library import PatternLibrary
from pattern_warden.patterns.search import _terms

LIBRARY = PatternLibrary.load()


@pytest.mark.parametrize("query", ["retry_with_backoff", "retryWithBackoff", "RetryWithBackoff", "retry-with-backoff"])
def test_an_identifier_finds_the_document_it_names(query: str) -> None:
    hits = LIBRARY.search(query, limit=3).hits
    assert hits and hits[0].id == "retries-with-backoff", [h.id for h in hits]


def test_identifiers_split_into_words() -> None:
    assert _terms("retry_with_backoff HTTPServer getURL v2") == ["retry", "with", "backoff", "http", "server",
                                                                 "get", "url", "v", "2"]


def _doc(folder: Path, doc_id: str, title: str, body: str) -> None:
    (folder / f"{doc_id}.md").write_text(
        f"---\nid: {doc_id}\ntitle: {title}\ncategory: ops\ntags: [ops]\nsummary: {title}.\nrules: []\n---\n"
        f"# {title}\n\n{body}\n",
        encoding="utf-8",
    )


def test_a_document_ranks_above_one_that_only_links_to_it(tmp_path: Path) -> None:
    # The linking page comes first by id and its other fields are as close to the query, so only
    # the words of its links could rank it beside the page they point at.
    _doc(tmp_path, "a-overview", "Overview of operations",
         "Start here. See warden://patterns/zz-sharding-strategy and warden://patterns/zz-sharding-strategy.")
    _doc(tmp_path, "zz-sharding-strategy", "Operations notes", "Split tables by tenant: a sharding strategy.")
    library = PatternLibrary.load([tmp_path], include_bundled=False)
    assert library.problems == []
    hits = library.search("sharding strategy", limit=2).hits
    assert [h.id for h in hits] == ["zz-sharding-strategy"], [(h.id, h.score) for h in hits]
