"""The server driven by the SDK's in-memory client: resources, template, index, tools."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError

from pattern_warden.config import load_config
from pattern_warden.server import INSTRUCTIONS, build_server


async def test_lists_and_reads_every_pattern(project: Path) -> None:
    async with Client(build_server(load_config(project))) as client:
        assert client.server_info is None or client.server_info.name == "pattern-warden"
        resources = (await client.list_resources()).resources
        docs = [r for r in resources if r.uri.startswith("warden://patterns/") and r.uri != "warden://patterns/index"]
        assert docs, "the bundled library must be listed"
        for resource in docs:
            assert resource.mime_type == "text/markdown"
            assert resource.description and resource.title
            body = (await client.read_resource(resource.uri)).contents[0]
            assert body.text.startswith("---")
        index = json.loads((await client.read_resource("warden://patterns/index")).contents[0].text)
        assert {p["uri"] for p in index["patterns"]} == {r.uri for r in docs}
        assert set(index["patterns"][0]) >= {"id", "title", "category", "tags", "summary", "uri", "source"}
        templates = (await client.list_resource_templates()).resource_templates
        assert [t.uri_template for t in templates] == ["warden://patterns/{id}"]
        via_template = await client.read_resource("warden://patterns/bounded-concurrency")
        assert "Semaphore" in via_template.contents[0].text


async def test_tools_have_annotations_and_output_schema(project: Path) -> None:
    async with Client(build_server(load_config(project))) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert {"search_patterns", "get_pattern"} <= set(tools)
        writing = {"apply_docstring", "write_handoff"}  # the tools whose purpose is writing
        for tool in tools.values():
            assert tool.annotations is not None and tool.annotations.read_only_hint is (tool.name not in writing)
            assert tool.output_schema is not None
            assert len((tool.description or "").encode()) < 2048
        assert len(INSTRUCTIONS.encode()) <= 2048


async def test_search_and_get(project: Path) -> None:
    async with Client(build_server(load_config(project))) as client:
        result = await client.call_tool("search_patterns", {"query": "limit concurrent tasks semaphore"})
        assert not result.is_error
        hits = result.structured_content["hits"]
        assert hits[0]["id"] == "bounded-concurrency"
        assert hits[0]["uri"] == "warden://patterns/bounded-concurrency"
        assert 0 < hits[0]["score"] <= 1 and hits[0]["snippet"]
        doc = await client.call_tool("get_pattern", {"id": "no-silent-fallbacks"})
        assert doc.structured_content["title"] == "No silent fallbacks"
        assert "## Why" in doc.structured_content["markdown"]


async def test_bad_input_is_explained_and_server_keeps_serving(project: Path) -> None:
    async with Client(build_server(load_config(project))) as client:
        cases = [
            ("get_pattern", {"id": "no-silent-fallback"}, "Did you mean no-silent-fallbacks"),
            ("search_patterns", {"query": "   "}, "query is empty"),
            ("search_patterns", {"query": "x", "limit": 0}, "limit must be between 1 and 100"),
            ("search_patterns", {"query": "x", "limit": 10_000}, "limit must be between 1 and 100"),
            ("search_patterns", {"query": "x", "category": "nope"}, "No category is named 'nope'"),
        ]
        for name, args, expected in cases:
            result = await client.call_tool(name, args)
            assert result.is_error, (name, args)
            assert expected in result.content[0].text
            ok = await client.call_tool("get_pattern", {"id": "bounded-concurrency"})
            assert not ok.is_error
        with pytest.raises(MCPError, match="No pattern has the id 'missing-one'"):
            await client.read_resource("warden://patterns/missing-one")


async def test_status_reports_calls_memory_and_cache_bounds(project: Path) -> None:
    async with Client(build_server(load_config(project))) as client:
        await client.call_tool("get_pattern", {"id": "bounded-concurrency"})
        status = json.loads((await client.read_resource("warden://server/status")).contents[0].text)
        assert status["calls"] == 1
        assert status["rss_bytes"] > 10_000_000
        files = status["caches"]["workspace.files"]
        assert files["entries"] == 0 and files["bound"] == 20_000
