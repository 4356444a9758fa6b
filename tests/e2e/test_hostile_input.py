"""The hostile-input catalogue, run through a real client against each tool and argument."""

from __future__ import annotations

import json
from pathlib import Path

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
    Case("search limit negative", "search_patterns", {"query": "x", "limit": -1}, True, ("between 1 and 100",)),
    Case("search limit huge", "search_patterns", {"query": "x", "limit": 10**12}, True, ("between 1 and 100",)),
    Case("search limit not a number", "search_patterns", {"query": "x", "limit": "ten"}, True, ("limit",)),
    Case("search unknown category", "search_patterns", {"query": "x", "category": "../"}, True, ("category",)),
    Case("unknown tool", "no_such_tool", {}, True, ("no_such_tool",)),
]

ALL_CASES = PATTERN_CASES


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_hostile_root(tmp_path_factory.mktemp("hostile"))


def test_catalogue_is_large_enough() -> None:
    assert len(ALL_CASES) >= 13


async def _answer(client: Client, case: Case) -> tuple[bool, str]:
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
    assert snapshot(hostile.parent) == before, "a read-only call wrote to disk"


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
