"""The hostile-input catalogue, run through a real client against each tool and argument."""

from __future__ import annotations

import json
from pathlib import Path

import anyio
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError

from pattern_warden.config import load_config
from pattern_warden.server import build_server
from tests.e2e.hostile import CANARY, Case, build_hostile_root, snapshot

PATTERN_CASES = [
    Case("pattern id with traversal", "get_pattern", {"id": "../../outside/canary"}, True, ("No pattern",)),
    Case("pattern id with NUL", "get_pattern", {"id": "a\x00b"}, True, ("No pattern",)),
    Case("pattern id 10k chars", "get_pattern", {"id": "x" * 10_000}, True, ("No pattern",)),
    Case("pattern id empty", "get_pattern", {"id": ""}, True, ("No pattern",)),
    Case("pattern id of wrong type", "get_pattern", {"id": 5}, True, ("id",)),
    Case("search query empty", "search_patterns", {"query": ""}, True, ("empty",)),
    Case("search query 1 MB", "search_patterns", {"query": "a" * 1_000_000}, True, ("characters long",)),
    Case("search query control chars", "search_patterns", {"query": "\x00\x01\x1b[31m"}, False, ()),
    Case("search limit negative", "search_patterns", {"query": "x", "limit": -1}, True, ("`limit` must be an integer from 1 to 100",)),
    Case("search limit huge", "search_patterns", {"query": "x", "limit": 10**12}, True, ("`limit` must be an integer from 1 to 100",)),
    Case("search limit not a number", "search_patterns", {"query": "x", "limit": "ten"}, True, ("limit",)),
    Case("search unknown category", "search_patterns", {"query": "x", "category": "../"}, True, ("category",)),
    Case("unknown tool", "no_such_tool", {}, True, ("no_such_tool",)),
]

OUTSIDE = "outside the root"
INJECTED = "/tmp/pattern-warden-injected"

ENGINE_CASES = [
    Case("check: dot-dot traversal", "check_rules", {"paths": ["../outside"]}, True, (OUTSIDE,)),
    Case("check: absolute path outside", "check_rules", {"paths": ["/etc/passwd"]}, True, (OUTSIDE,)),
    Case("check: symlinked file escapes", "check_rules", {"paths": ["escape.py"]}, True, (OUTSIDE,)),
    Case("check: symlinked folder escapes", "check_rules", {"paths": ["escape_dir"]}, True, (OUTSIDE,)),
    Case("check: link to /dev/zero", "check_rules", {"paths": ["zero.py"]}, True, (OUTSIDE,)),
    Case("check: link to /proc", "check_rules", {"paths": ["environ.py"]}, True, (OUTSIDE,)),
    Case("check: FIFO", "check_rules", {"paths": ["fifo.py"]}, True, ("not a regular file",)),
    Case("check: huge file skipped", "check_rules", {"paths": ["huge.py"]}, False, ("byte limit",)),
    Case("check: binary file skipped", "check_rules", {"paths": ["binary.py"]}, False, ("binary file",)),
    Case("check: invalid UTF-8 skipped", "check_rules", {"paths": ["latin1.py"]}, False, ("UTF-8",)),
    Case("check: syntax error is a finding", "check_rules", {"paths": ["syntax.py"]}, False, ("SYN001",)),
    Case("check: Python 2 code", "check_rules", {"paths": ["py2.py"]}, False, ("SYN001",)),
    Case("check: nested 10,000 deep", "check_rules", {"paths": ["deep.py"]}, False, ("SYN001",)),
    Case("check: deep blocks", "check_rules", {"paths": ["deep_blocks.py"]}, False, ('"files_checked": 1',)),
    Case("check: empty, BOM, CRLF, tabs", "check_rules", {"paths": ["empty.py", "bom.py", "crlf.py", "tabs.py"]},
         False, ('"files_checked": 4',)),
    Case("check: unknown rule code", "check_rules", {"select": ["NOPE999"]}, True, ("Unknown rule selector",)),
    Case("check: NUL in a draft", "check_rules", {"code": "x = '\x00'\n"}, False, ('"files_checked": 1',)),
    Case("check: virtual name escapes", "check_rules", {"code": "x = 1\n", "filename": "../../x.py"}, True,
         ("virtual filename",)),
    Case("check: paths of the wrong type", "check_rules", {"paths": "ok.py"}, True, ("`paths` must be a list of strings",)),
    Case("check: the whole hostile tree", "check_rules", {"paths": ["."]}, False, ("symlink leads outside",)),
    Case("dupes: symlinked folder escapes", "find_duplicates", {"paths": ["escape_dir"]}, True, (OUTSIDE,)),
    Case("dupes: the whole hostile tree", "find_duplicates", {"paths": ["."]}, False, ('"clone_classes"',)),
    Case("dupes: min_lines 0", "find_duplicates", {"min_lines": 0}, True, ("`min_lines` must be an integer from 2 to 1000",)),
    Case("dupes: min_similarity 5", "find_duplicates", {"min_similarity": 5}, True, ("min_similarity",)),
    Case("similar: symlink escape", "find_similar", {"path": "escape.py", "symbol": "x"}, True, (OUTSIDE,)),
    Case("similar: NUL draft", "find_similar", {"code": "\x00"}, True, ("does not parse",)),
    Case("similar: NUL inside a function", "find_similar", {"code": "def f():\n    x = 1\x00\n    return x\n"}, True,
         ("NUL byte (line 2)",)),
    Case("similar: unknown symbol", "find_similar", {"path": "ok.py", "symbol": "nope"}, True, ("Functions there",)),
    Case("similar: no input", "find_similar", {}, True, ("Pass either",)),
    Case("leftovers: dot-dot traversal", "find_leftovers", {"paths": ["../outside"]}, True, (OUTSIDE,)),
    Case("leftovers: symlinked folder escapes", "find_leftovers", {"paths": ["escape_dir"]}, True, (OUTSIDE,)),
    Case("leftovers: the whole hostile tree", "find_leftovers", {}, False, ('"summary"',)),
    Case("leftovers: unknown kind", "find_leftovers", {"kinds": ["junk"]}, True, ("kinds",)),
    Case("leftovers: bad cursor", "find_leftovers", {"cursor": "zzz"}, True, ("not one this server issued",)),
    Case("delta: option as a ref", "score_loc_delta", {"base": f"--output={INJECTED}"}, True, ("not a valid",)),
    Case("delta: shell in a ref", "score_loc_delta", {"base": "HEAD; rm -rf /"}, True, ("not a valid",)),
    Case("delta: missing ref", "score_loc_delta", {"head": "no-such-ref"}, True, ("does not exist",)),
    Case("delta: path outside", "score_loc_delta", {"paths": ["../outside"]}, True, (OUTSIDE,)),
    Case("delta: garbage diff", "score_loc_delta", {"diff": "garbage\n+++\n@@ nonsense"}, True, ("unified diff",)),
    Case("delta: deep source", "score_loc_delta", {"before": "x = (" * 5000, "after": "y = 1\n"}, False,
         ("Net LOC impact",)),
    Case("delta: working tree with FIFO and links", "score_loc_delta", {}, False, ("Net LOC impact",)),
    Case("review: path outside", "review_change", {"path": "../"}, True, (OUTSIDE,)),
    Case("review: option as a ref", "review_change", {"base": "-x"}, True, ("not a valid",)),
    Case("docstring: symlink escape", "apply_docstring", {"path": "escape.py", "symbol": "x", "docstring": "d"},
         True, (OUTSIDE,)),
    Case("docstring: FIFO", "apply_docstring", {"path": "fifo.py", "symbol": "x", "docstring": "d"}, True,
         ("not a regular file",)),
    Case("docstring: syntax error", "apply_docstring", {"path": "syntax.py", "symbol": "broken", "docstring": "d"},
         True, ("does not parse",)),
    Case("docstring: dry run writes nothing", "apply_docstring", {"path": "ok.py", "symbol": "add",
         "docstring": "Add."}, False, ('"written": false',)),
    Case("docstring: stale hash", "apply_docstring", {"path": "ok.py", "symbol": "add", "docstring": "Add.",
         "dry_run": False, "expected_hash": "bad"}, True, ("changed since the dry run",)),
    Case("docstring: quote injection", "apply_docstring", {"path": "ok.py", "symbol": "add",
         "docstring": '"""; import os #'}, True, ('contains """',)),
    Case("handoff: dot-dot", "write_handoff", {"content": "x", "path": "../outside/x.md"}, True, (OUTSIDE,)),
    Case("handoff: through a symlinked folder", "write_handoff", {"content": "x", "path": "escape_dir/x.md"}, True,
         (OUTSIDE,)),
    Case("handoff: into .git", "write_handoff", {"content": "x", "path": ".git/x.md"}, True, ("inside .git",)),
    Case("handoff: not markdown", "write_handoff", {"content": "x", "path": "x.py"}, True, ("not a .md file",)),
]

PROMPT_CASES = [
    Case("prompt: design doc on an escaping link", "design_decision_docstring", {"path": "escape.py", "symbol": "x"},
         True, (OUTSIDE,), kind="prompt"),
    Case("prompt: design doc on deep nesting", "design_decision_docstring", {"path": "deep.py", "symbol": "x"},
         True, ("parses",), kind="prompt"),
    Case("prompt: handoff with empty goal", "handoff_context", {"goal": ""}, True, ("goal is empty",), kind="prompt"),
    Case("prompt: search first with NULs", "search_first", {"feature": "\x00" * 10}, False, ("Before writing",),
         kind="prompt"),
]

ALL_CASES = PATTERN_CASES + ENGINE_CASES + PROMPT_CASES


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_hostile_root(tmp_path_factory.mktemp("hostile"))


def test_catalogue_covers_every_tool_and_prompt(hostile: Path) -> None:
    assert len(ALL_CASES) >= 40
    server = build_server(load_config(hostile))
    tools = {t.name for t in anyio.run(server.list_tools)}
    prompts = {p.name for p in anyio.run(server.list_prompts)}
    covered = {case.tool for case in ALL_CASES}
    assert tools - covered == set(), "every tool needs hostile cases"
    assert prompts - covered <= {"implementation_scorecard"}, "every prompt with arguments needs hostile cases"


async def _answer(client: Client, case: Case) -> tuple[bool, str]:
    if case.kind == "prompt":
        try:
            prompt = await client.get_prompt(case.tool, case.args)
        except MCPError as exc:
            return True, str(exc)
        return False, "\n".join(getattr(m.content, "text", "") for m in prompt.messages)
    try:
        result = await client.call_tool(case.tool, case.args)
    except MCPError as exc:  # a protocol-level refusal is an error answer too
        return True, str(exc)
    text = "\n".join(getattr(block, "text", "") for block in result.content)
    if result.structured_content is not None:
        text += json.dumps(result.structured_content)
    return bool(result.is_error), text


@pytest.mark.parametrize("case", ALL_CASES, ids=str)
async def test_hostile_case(hostile: Path, case: Case) -> None:
    before = snapshot(hostile.parent)
    async with Client(build_server(load_config(hostile))) as client:
        is_error, text = await _answer(client, case)
        assert is_error == case.error, text[:500]
        for expected in case.expect:
            assert expected in text, text[:500]
        assert CANARY not in text
        follow_up = await client.call_tool("get_pattern", {"id": "bounded-concurrency"})
        assert not follow_up.is_error
    assert snapshot(hostile.parent) == before, "the call wrote to disk"
    assert not Path(INJECTED).exists()


@pytest.mark.parametrize("uri", [
    "warden://patterns/..%2F..%2Foutside%2Fcanary",
    "warden://patterns/%00",
    "warden://patterns/" + "y" * 5000,
    "warden://nothing-here",
    "file:///etc/passwd",
])
async def test_hostile_resource_reads(hostile: Path, uri: str) -> None:
    async with Client(build_server(load_config(hostile))) as client:
        with pytest.raises(MCPError) as caught:
            await client.read_resource(uri)
        assert CANARY not in str(caught.value)
        assert (await client.read_resource("warden://patterns/index")).contents


@pytest.mark.parametrize(("tool", "args"), [
    ("check_rules", {"paths": ["."]}),
    ("find_duplicates", {}),
    # A draft big enough to be searched for (a smaller one is answered with a note, reading nothing).
    ("find_similar", {"code": "def f(x, y):\n    total = x + y\n    scaled = total * 2\n    return scaled - x\n"}),
    ("score_loc_delta", {}),
    ("review_change", {}),
    ("apply_docstring", {"path": "m.py", "symbol": "f", "docstring": "d"}),
    ("write_handoff", {"content": "x"}),
])
async def test_root_deleted_after_start(tmp_path: Path, tool: str, args: dict[str, object]) -> None:
    root = tmp_path / "gone"
    root.mkdir()
    (root / "m.py").write_text("def f(x):\n    return x\n")
    async with Client(build_server(load_config(root))) as client:
        (root / "m.py").unlink()
        root.rmdir()
        result = await client.call_tool(tool, args)
        assert result.is_error
        assert "no longer exists" in result.content[0].text or "does not exist" in result.content[0].text
        assert not (await client.call_tool("get_pattern", {"id": "bounded-concurrency"})).is_error
    assert not root.exists(), "a tool recreated the deleted root"
