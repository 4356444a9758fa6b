"""handoff_context, write_handoff, search_first and implementation_scorecard through the client."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from mcp import Client

from pattern_warden.config import load_config
from pattern_warden.server import build_server
from tests.conftest import git


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


@pytest.fixture
def feature_repo(git_project: Path) -> Path:
    """main with one file; a feature branch with two commits, a TODO, an untracked file, test reports."""
    (git_project / "app.py").write_text("def run():\n    return 1\n")
    git(git_project, "add", "-A")
    git(git_project, "commit", "-q", "-m", "app")
    git(git_project, "checkout", "-q", "-b", "feature/export")
    (git_project / "app.py").write_text("def run():\n    # TODO: stream instead of loading all\n    return 2\n")
    git(git_project, "commit", "-q", "-am", "run returns two")
    (git_project / "export.py").write_text("def export():\n    return 'csv'\n")
    git(git_project, "add", "export.py")
    git(git_project, "commit", "-q", "-m", "add export")
    (git_project / "draft.py").write_text("X = 1  # FIXME: pick the real value\n")
    cache = git_project / ".pytest_cache" / "v" / "cache"
    cache.mkdir(parents=True)
    (cache / "lastfailed").write_text(json.dumps({"tests/test_export.py::test_csv": True}))
    (git_project / "junit.xml").write_text(
        '<testsuites><testsuite name="s" tests="3" failures="1" errors="0" skipped="1">'
        '<testcase classname="tests.test_export" name="test_csv"><failure message="boom"/></testcase>'
        '<testcase classname="tests.test_export" name="test_ok"/></testsuite></testsuites>'
    )
    (git_project / ".gitignore").write_text(".pytest_cache/\njunit.xml\n")
    return git_project


async def test_handoff_context_holds_the_gathered_facts(feature_repo: Path) -> None:
    head = git(feature_repo, "rev-parse", "HEAD").strip()
    async with Client(build_server(load_config(feature_repo))) as client:
        prompt = {p.name: p for p in (await client.list_prompts()).prompts}["handoff_context"]
        assert {(a.name, a.required) for a in prompt.arguments} == {("goal", True), ("notes", False)}
        result = await client.get_prompt("handoff_context", {"goal": "CSV export", "notes": "the client wants TSV too"})
    facts, template, request = (m.content.text for m in result.messages)
    assert "- Branch: feature/export" in facts
    assert f"- HEAD: {head[:12]} add export" in facts
    assert "- Base: main (merge base" in facts
    assert "- Commits since the base: 2" in facts and "run returns two" in facts
    assert "  - modified: app.py" in facts and "  - added: export.py" in facts and "  - untracked: draft.py" in facts
    assert "- app.py:2: # TODO: stream instead of loading all" in facts
    assert "- draft.py:1: X = 1  # FIXME: pick the real value" in facts
    assert "1 test(s) failed in the last run" in facts and "tests/test_export.py::test_csv" in facts
    assert "3 tests, 1 failures, 0 errors, 1 skipped" in facts and "failed: tests.test_export::test_csv" in facts
    assert "none: there is no previous handoff file." in facts
    assert "the client wants TSV too" in facts
    # The other engines are used when installed, and said to be missing when not.
    scorecard_missing = "not available: the LOC scorecard engine" in facts
    assert scorecard_missing is not _installed("pattern_warden.delta.score")
    assert ("not available: the rules engine" in facts) is not _installed("pattern_warden.rules.engine")
    assert "failed (" not in facts, "an installed engine must not fail on a plain repository"
    for part in ("Current state", "Progress", "Decisions taken, and why", "Tried and failed", "Blockers",
                 "Next steps", "Verify", "Critical context", "Files touched"):
        assert f"## {part}" in template
    assert "concise" in request and "write_handoff" in request


async def test_missing_facts_are_stated_outside_git(project: Path) -> None:
    (project / "a.py").write_text("x = 1\n")
    async with Client(build_server(load_config(project))) as client:
        facts = (await client.get_prompt("handoff_context", {"goal": "g"})).messages[0].content.text
        scorecard = (await client.get_prompt("implementation_scorecard", {})).messages[0].content.text
    assert "- Git: not available: the root" in facts and "is not inside a git repository" in facts
    assert "## TODO / FIXME / XXX comments the change added\nnot available:" in facts
    assert "## Last test outcome\nnot available: no pytest cache" in facts
    assert "not inside a git repository" in scorecard


async def test_repository_without_commits(project: Path) -> None:
    git(project, "init", "-q", "-b", "main")
    (project / "first.py").write_text("# XXX: decide the name\n")
    async with Client(build_server(load_config(project))) as client:
        facts = (await client.get_prompt("handoff_context", {"goal": "g"})).messages[0].content.text
    assert "- HEAD: none (no commit yet)" in facts and "untracked: first.py" in facts
    assert "- first.py:1: # XXX: decide the name" in facts


async def test_write_handoff_round_trip_and_refusals(feature_repo: Path, tmp_path: Path) -> None:
    text = "# Handoff: CSV export\n\n## Next steps\n- [ ] stream rows in export.py\n- [x] done thing\n"
    async with Client(build_server(load_config(feature_repo))) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert tools["write_handoff"].annotations.read_only_hint is False
        written = await client.call_tool("write_handoff", {"content": text})
        assert not written.is_error, written.content[0].text
        assert written.structured_content["path"] == ".handoff/HANDOFF.md"
        assert written.structured_content["content"] == text
        assert (feature_repo / ".handoff" / "HANDOFF.md").read_text() == text
        facts = (await client.get_prompt("handoff_context", {"goal": "g"})).messages[0].content.text
        assert "- [ ] stream rows in export.py" in facts and "done thing" not in facts
        (feature_repo / "link.md").symlink_to(tmp_path / "x.md")  # a link out of the root, to a file not yet there
        for path, reason in [("../escape.md", "outside the root"), (str(tmp_path / "x.md"), "outside the root"),
                             ("link.md", "outside the root"), ("notes.py", "not a .md file"),
                             (".git/HANDOFF.md", "inside .git")]:
            refused = await client.call_tool("write_handoff", {"content": text, "path": path})
            assert refused.is_error and reason in refused.content[0].text, path
    assert not (tmp_path / "x.md").exists() and not (feature_repo.parent / "escape.md").exists()


async def test_search_first_embeds_pattern_hits(project: Path) -> None:
    async with Client(build_server(load_config(project))) as client:
        result = await client.get_prompt("search_first", {"feature": "limit concurrent tasks with a semaphore"})
    facts, request = (m.content.text for m in result.messages)
    assert "(warden://patterns/bounded-concurrency)" in facts
    if not _installed("pattern_warden.clones.similar"):
        assert "not available: the clones engine" in facts
    else:
        assert "not run: no draft was given" in facts
    assert "find_similar" in request and "search_patterns" in request


async def test_search_first_embeds_similar_code_for_a_draft(git_project: Path) -> None:
    (git_project / "util.py").write_text("def total(items):\n    s = 0\n    for i in items:\n        s += i\n    return s\n")
    draft = "def add_all(values):\n    acc = 0\n    for v in values:\n        acc += v\n    return acc\n"
    async with Client(build_server(load_config(git_project))) as client:
        result = await client.get_prompt("search_first", {"feature": "sum a list", "draft": draft})
    facts = result.messages[0].content.text
    if _installed("pattern_warden.clones.similar"):
        assert "util.py" in facts and "total" in facts
    else:
        assert "not available: the clones engine" in facts


async def test_implementation_scorecard_asks_for_the_report(feature_repo: Path) -> None:
    async with Client(build_server(load_config(feature_repo))) as client:
        result = await client.get_prompt("implementation_scorecard", {})
    facts, request = (m.content.text for m in result.messages)
    assert "- Branch: feature/export" in facts and "  - added: export.py" in facts
    for item in ("Net LOC impact", "Reuse rate", "Functions consolidated", "Duplicates", "Test coverage"):
        assert item in request


async def test_on_the_default_branch_the_change_is_the_uncommitted_work(git_project: Path) -> None:
    (git_project / "README.md").write_text("hello\n<!-- TODO: document the flags -->\n")
    async with Client(build_server(load_config(git_project))) as client:
        facts = (await client.get_prompt("handoff_context", {"goal": "docs"})).messages[0].content.text
    assert "- Branch: main" in facts and "- Base: HEAD (on the default branch main: uncommitted work only)" in facts
    assert "Commits since the base" not in facts
    assert "  - modified: README.md" in facts
    assert "- README.md:2: <!-- TODO: document the flags -->" in facts
