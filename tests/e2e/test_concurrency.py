"""Many calls at once over real transports: every one answered, and answered correctly."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import anyio
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from tests.conftest import console_script, git
from tests.e2e.servers import http_server

Check = Callable[[Client], Awaitable[None]]


BODY = "".join(f"    total += values[{i}] * {i}\n" for i in range(8))
SOURCE = (
    "def first(values, acc=[]):\n    total = 0\n" + BODY + "    acc.append(total)\n    return total\n\n\n"
    "def second(items):\n    total = 0\n" + BODY.replace("values", "items") + "    return total\n"
)


def mixed_calls(root: Path) -> list[Check]:
    """A rotation of different tools and resources, each verifying its own answer."""
    git(root, "init", "-q", "-b", "main")
    (root / "calc.py").write_text("x = 1\n")
    git(root, "add", "calc.py")
    git(root, "commit", "-q", "-m", "start")
    (root / "calc.py").write_text(SOURCE)

    async def check(client: Client) -> None:
        result = await client.call_tool("check_rules", {"paths": ["calc.py"], "select": ["ERR001"]})
        assert [f["code"] for f in result.structured_content["findings"]] == ["ERR001"]

    async def similar(client: Client) -> None:
        draft = "def third(xs):\n    total = 0\n" + BODY.replace("values", "xs") + "    return total\n"
        result = await client.call_tool("find_similar", {"code": draft})
        assert result.structured_content["matches"][0]["function"] in ("first", "second")

    async def dupes(client: Client) -> None:
        result = await client.call_tool("find_duplicates", {"paths": ["."]})
        assert result.structured_content["summary"]["clone_classes"] >= 1

    async def delta(client: Client) -> None:
        result = await client.call_tool("score_loc_delta", {})
        files = result.structured_content["files"]
        assert files[0]["path"] == "calc.py" and files[0]["code_added"] == 23 and files[0]["code_removed"] == 1

    async def search(client: Client) -> None:
        result = await client.call_tool("search_patterns", {"query": "semaphore concurrency"})
        assert result.structured_content["hits"][0]["id"] == "bounded-concurrency"

    async def get(client: Client) -> None:
        result = await client.call_tool("get_pattern", {"id": "no-silent-fallbacks"})
        assert result.structured_content["title"] == "No silent fallbacks"

    async def bad(client: Client) -> None:
        result = await client.call_tool("get_pattern", {"id": "missing"})
        assert result.is_error

    async def index(client: Client) -> None:
        result = await client.read_resource("warden://patterns/index")
        assert " patterns in " in result.contents[0].text.splitlines()[0]

    return [search, check, get, similar, bad, dupes, index, delta]


async def run_concurrently(client: Client, calls: list[Check], count: int) -> int:
    done = 0

    async def one(i: int) -> None:
        nonlocal done
        await calls[i % len(calls)](client)
        done += 1

    with anyio.fail_after(120):
        async with anyio.create_task_group() as group:
            for i in range(count):
                group.start_soon(one, i)
    return done


@pytest.mark.slow  # fifty calls to a real HTTP server (10+ s)
async def test_fifty_concurrent_calls_over_streamable_http(project: Path) -> None:
    with http_server(project, "streamable-http") as (port, _):
        async with Client(f"http://127.0.0.1:{port}/mcp") as client:
            assert await run_concurrently(client, mixed_calls(project), 50) == 50


async def test_twenty_concurrent_calls_over_stdio(project: Path) -> None:
    command = console_script()
    params = StdioServerParameters(command=command[0], args=[*command[1:], "--root", str(project)])
    async with Client(params) as client:
        assert await run_concurrently(client, mixed_calls(project), 20) == 20
