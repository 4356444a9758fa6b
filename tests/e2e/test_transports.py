"""Real server processes over stdio, SSE and streamable HTTP, driven by the SDK's clients."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx2
import pytest
from mcp import Client
from mcp.client.sse import sse_client
from mcp.client.stdio import StdioServerParameters

from tests.conftest import console_script
from tests.e2e.servers import http_server


async def exercise(client: Client) -> None:
    """The same session on every transport: resources, template, index, both tools."""
    resources = (await client.list_resources()).resources
    assert "warden://patterns/index" in {r.uri for r in resources}
    templates = (await client.list_resource_templates()).resource_templates
    assert templates[0].uri_template == "warden://patterns/{id}"
    index = (await client.read_resource("warden://patterns/index")).contents[0].text
    assert index.split()[0].isdigit() and "\nbounded-concurrency " in index
    doc = await client.read_resource("warden://patterns/no-silent-fallbacks")
    assert "# No silent fallbacks" in doc.contents[0].text
    found = await client.call_tool("search_patterns", {"query": "semaphore concurrency limit"})
    assert found.structured_content["hits"][0]["id"] == "bounded-concurrency"
    fetched = await client.call_tool("get_pattern", {"id": "search-before-writing"})
    assert fetched.structured_content["id"] == "search-before-writing"
    bad = await client.call_tool("get_pattern", {"id": "nope"})
    assert bad.is_error
    assert (await client.call_tool("get_pattern", {"id": "bounded-concurrency"})).is_error is False


async def test_stdio(project: Path) -> None:
    command = console_script()
    params = StdioServerParameters(command=command[0], args=[*command[1:], "--root", str(project)])
    async with Client(params) as client:
        await exercise(client)


async def test_stdio_with_python_dash_m(project: Path) -> None:
    params = StdioServerParameters(command=sys.executable, args=["-m", "pattern_warden", "serve", "--root", str(project)])
    async with Client(params) as client:
        assert "search_patterns" in {t.name for t in (await client.list_tools()).tools}


async def test_streamable_http(project: Path) -> None:
    with http_server(project, "streamable-http") as (port, _):
        async with Client(f"http://127.0.0.1:{port}/mcp") as client:
            await exercise(client)


async def test_sse(project: Path) -> None:
    with http_server(project, "sse") as (port, _):
        async with Client(sse_client(f"http://127.0.0.1:{port}/sse")) as client:
            await exercise(client)


async def test_bearer_token_required_when_configured(project: Path) -> None:
    env = {**os.environ, "WARDEN_TEST_TOKEN": "s3cret-token"}
    with http_server(project, "streamable-http", "--auth-token-env", "WARDEN_TEST_TOKEN", env=env) as (port, _):
        url = f"http://127.0.0.1:{port}/mcp"
        async with httpx2.AsyncClient() as http:
            refused = await http.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
            assert refused.status_code == 401
            wrong = await http.post(url, json={}, headers={"Authorization": "Bearer nope"})
            assert wrong.status_code == 401
        async with Client(
            httpx_transport(url, {"Authorization": "Bearer s3cret-token"})
        ) as client:
            assert (await client.call_tool("get_pattern", {"id": "bounded-concurrency"})).is_error is False


def httpx_transport(url: str, headers: dict[str, str]):  # noqa: ANN201 - the SDK's transport type is private
    from mcp.client.streamable_http import streamable_http_client

    return streamable_http_client(url, http_client=httpx2.AsyncClient(headers=headers))


async def test_dns_rebinding_protection_refuses_foreign_host(project: Path) -> None:
    with http_server(project, "streamable-http") as (port, _):
        async with httpx2.AsyncClient() as http:
            response = await http.post(
                f"http://127.0.0.1:{port}/mcp",
                json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
                headers={"Host": "evil.example:80", "Accept": "application/json, text/event-stream"},
            )
            assert response.status_code in (403, 421)


def test_non_loopback_bind_needs_explicit_flag(project: Path) -> None:
    import subprocess

    done = subprocess.run(
        [*console_script(), "serve", "--transport", "sse", "--host", "0.0.0.0", "--root", str(project)],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    assert "--allow-remote" in done.stderr
    assert done.stdout == ""


def test_missing_token_variable_is_a_usage_error(project: Path) -> None:
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "NOT_SET_ANYWHERE"}
    done = subprocess.run(
        [*console_script(), "serve", "--transport", "streamable-http", "--auth-token-env", "NOT_SET_ANYWHERE",
         "--root", str(project)],
        capture_output=True, text=True, timeout=60, env=env,
    )
    assert done.returncode == 2
    assert "NOT_SET_ANYWHERE" in done.stderr


async def test_request_body_limit_and_session_limit(project: Path) -> None:
    extra = ("--max-body-bytes", "2000", "--max-sessions", "2")
    with http_server(project, "streamable-http", *extra) as (port, _):
        url = f"http://127.0.0.1:{port}/mcp"
        accept = {"Accept": "application/json, text/event-stream"}
        async with httpx2.AsyncClient() as http:
            big = {"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"pad": "x" * 5000}}
            assert (await http.post(url, json=big, headers=accept)).status_code == 413
        async with Client(url, mode="legacy") as first, Client(url, mode="legacy") as second:
            assert (await first.call_tool("get_pattern", {"id": "bounded-concurrency"})).is_error is False
            assert (await second.call_tool("get_pattern", {"id": "bounded-concurrency"})).is_error is False
            with pytest.raises(BaseException) as refused:  # the SDK wraps the 503 in exception groups
                async with Client(url, mode="legacy") as third:
                    await third.list_tools()
            assert "Too many open sessions" in repr(refused.value)
