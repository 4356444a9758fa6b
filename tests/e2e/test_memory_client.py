"""The server driven by the SDK's in-memory client: resources, template, index, tools."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, ResourceTemplateReference

from pattern_warden.config import load_config
from pattern_warden.patterns.library import PatternLibrary
from pattern_warden.rules.registry import ALL_RULES
from pattern_warden.server import INSTRUCTIONS, build_server


async def test_every_pattern_and_rule_is_reachable_by_uri_with_completion(project: Path) -> None:
    library = PatternLibrary.load()
    async with Client(build_server(load_config(project))) as client:
        assert client.server_info is None or client.server_info.name == "pattern-warden"
        listed = {r.uri for r in (await client.list_resources()).resources}
        assert listed == {"warden://server/status", "warden://patterns/index", "warden://rules/index"}
        templates = {t.uri_template for t in (await client.list_resource_templates()).resource_templates}
        assert templates == {"warden://patterns/{id}", "warden://rules/{code}"}
        index = (await client.read_resource("warden://patterns/index")).contents[0].text
        for pattern_id, doc in library.docs.items():
            assert f"\n{pattern_id} " in index
            body = (await client.read_resource(doc.meta.uri)).contents[0]
            assert body.mime_type == "text/markdown" and body.text.startswith("---")
        for category in library.categories():
            assert category in index.splitlines()[0]
        ref = ResourceTemplateReference(type="ref/resource", uri="warden://patterns/{id}")
        done = await client.complete(ref, {"name": "id", "value": "bounded-"})
        assert set(done.completion.values) == {i for i in library.docs if i.startswith("bounded-")}
        rules = (await client.read_resource("warden://rules/index")).contents[0].text
        for rule in ALL_RULES:
            assert f"\n{rule.code} " in rules
            assert (await client.read_resource(rule.uri())).contents[0].text.startswith("#")
        ref = ResourceTemplateReference(type="ref/resource", uri="warden://rules/{code}")
        done = await client.complete(ref, {"name": "code", "value": "err"})
        assert done.completion.values and all(v.startswith("ERR") for v in done.completion.values)


async def test_unknown_ids_are_answered_alike_with_the_nearest(project: Path) -> None:
    async with Client(build_server(load_config(project))) as client:
        for uri, near in (("warden://patterns/bounded-concurency", "bounded-concurrency"),
                          ("warden://rules/ERR01", "ERR001")):
            with pytest.raises(MCPError) as caught:
                await client.read_resource(uri)
            assert caught.value.error.code == INVALID_PARAMS
            assert near in caught.value.error.data["nearest"] and near in caught.value.error.message
        tool = await client.call_tool("get_pattern", {"id": "bounded-concurency"})
        assert tool.is_error and "Did you mean bounded-concurrency" in tool.content[0].text
        rule = await client.call_tool("check_rules", {"code": "x = 1\n", "select": ["ERR01"]})
        assert rule.is_error and "Did you mean ERR001" in rule.content[0].text


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
            ("search_patterns", {"query": "x", "limit": 0}, "`limit` must be an integer from 1 to 100; got 0. Example: limit=10"),
            ("search_patterns", {"query": "x", "limit": "many"}, "`limit` must be an integer from 1 to 100; got \"many\""),
            ("search_patterns", {"query": "x", "category": "nope"}, '`category` must be one of "agents"'),
            ("search_patterns", {}, "`query` is required: a string. Example: query="),
            ("check_rules", {"min_severity": "bad"}, '`min_severity` must be one of "error", "warning", "info"; got "bad". Example: min_severity="error"'),
            ("find_duplicates", {"kinds": "exact"}, '`kinds` must be a list of values from "exact", "renamed", "similar"; got "exact". Example: kinds=["exact"]'),
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
