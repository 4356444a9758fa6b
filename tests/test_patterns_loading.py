"""Loading pattern folders: validation, overrides, problems that name the file and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from mcp import Client

from pattern_warden.config import load_config
from pattern_warden.errors import WardenError
from pattern_warden.patterns.library import PatternLibrary
from pattern_warden.server import build_server

GOOD = """---
id: {id}
title: {title}
category: local
tags: [team]
summary: Our own rule for {id}.
rules: []
---

# {title}

Body text about queues and retries.
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_project_document_overrides_bundled_and_index_says_so(tmp_path: Path) -> None:
    write(tmp_path, "ours.md", GOOD.format(id="bounded-concurrency", title="Our concurrency rule"))
    write(tmp_path, "extra.md", GOOD.format(id="team-retries", title="Team retries"))
    library = PatternLibrary.load([tmp_path])
    assert library.problems == []
    overridden = library.get("bounded-concurrency").meta
    assert overridden.title == "Our concurrency rule"
    assert overridden.source == "project" and overridden.overrides_bundled
    assert library.get("team-retries").meta.source == "project"
    assert library.get("no-silent-fallbacks").meta.source == "bundled"


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("# no front matter\n", "front matter", "missing"),
        ("---\nid: [unclosed\n---\nbody\n", "front matter", "not valid YAML"),
        ("---\n- a\n- b\n---\nbody\n", "front matter", "mapping"),
        (GOOD.format(id="x-1", title="T").replace("summary: Our own rule for x-1.\n", ""), "summary", "required"),
        (GOOD.format(id="Bad Id", title="T"), "id", "lowercase"),
        (GOOD.format(id="x-2", title="T").replace("tags: [team]", "tags: []"), "tags", "at least 1"),
        (GOOD.format(id="x-3", title="T").replace("rules: []", "rules: []\ncolour: red"), "colour", "not a known"),
        (GOOD.format(id="x-4", title="T").replace("summary: Our own rule for x-4.", "summary: |\n  two\n  lines"),
         "summary", "one line"),
    ],
)
def test_broken_front_matter_is_refused_naming_file_and_field(
    tmp_path: Path, text: str, field: str, words: str
) -> None:
    path = write(tmp_path, "broken.md", text)
    library = PatternLibrary.load([tmp_path])
    assert len(library.problems) == 1
    problem = library.problems[0]
    assert problem.file == str(path)
    assert problem.field == field
    assert words in problem.message
    assert "bounded-concurrency" in library.docs  # the rest still loads


def test_duplicate_ids_in_one_source_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.md", GOOD.format(id="same", title="A"))
    write(tmp_path, "b.md", GOOD.format(id="same", title="B"))
    library = PatternLibrary.load([tmp_path])
    assert [p.field for p in library.problems] == ["id"]
    assert library.get("same").meta.title == "A"


def test_missing_folder_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    library = PatternLibrary.load([tmp_path / "nowhere"])
    assert library.problems[0].field == "folder"
    assert library.docs


async def test_server_keeps_serving_with_broken_and_missing_folders(tmp_path: Path, project: Path) -> None:
    write(tmp_path / "pats", "broken.md", "---\nid: [\n---\n")
    write(tmp_path / "pats", "fine.md", GOOD.format(id="team-fine", title="Fine"))
    config = load_config(project, [str(tmp_path / "pats"), str(tmp_path / "absent")])
    async with Client(build_server(config)) as client:
        index = (await client.read_resource("warden://patterns/index")).contents[0].text
        assert "broken.md" in index and "absent" in index and "team-fine" in index
        hit = await client.call_tool("get_pattern", {"id": "team-fine"})
        assert hit.structured_content["source"] == "project"


def test_root_must_be_a_directory(tmp_path: Path) -> None:
    file = tmp_path / "file.txt"
    file.write_text("x")
    with pytest.raises(WardenError, match="is not a directory"):
        load_config(file)
    with pytest.raises(WardenError, match="does not exist"):
        load_config(tmp_path / "missing")


def test_retired_field_is_optional_and_served(tmp_path: Path) -> None:
    """``retired`` lists what a document calls removed or deprecated; the index carries it."""
    text = GOOD.format(id="team-ci", title="CI").replace("rules: []", "rules: []\nretired: [actions/checkout@v4]")
    write(tmp_path, "old.md", text)
    library = PatternLibrary.load([tmp_path])
    assert library.problems == []
    assert library.get("team-ci").meta.retired == ["actions/checkout@v4"]
    assert library.get("bounded-concurrency").meta.retired == []
    refused = PatternLibrary.load([write(tmp_path / "bad", "x.md", GOOD.format(id="x-5", title="T").replace(
        "rules: []", "rules: []\ncolour: red")).parent])
    assert "retired" in refused.problems[0].message, "the error lists every allowed field"
