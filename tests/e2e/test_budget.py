"""Time budgets and client cancellation stop the work itself, not just the answer."""

from __future__ import annotations

import json
import sysconfig
import time
from pathlib import Path

import anyio
import pytest
from mcp import Client

from pattern_warden.config import Config, Limits, Settings
from pattern_warden.server import build_server

BIG_TREE = Path(sysconfig.get_paths()["stdlib"])  # real code we did not write, on every machine


async def status(client: Client) -> dict[str, int]:
    return json.loads((await client.read_resource("warden://server/status")).contents[0].text)


async def wait_until_idle(client: Client, seconds: float) -> float:
    """Seconds until no engine work is running; fails if that takes longer than ``seconds``."""
    start = time.monotonic()
    while (await status(client))["running"]:
        assert time.monotonic() - start < seconds, "engine work went on after the call ended"
        await anyio.sleep(0.05)
    return time.monotonic() - start


def config(timeout: float) -> Config:
    return Config(root=BIG_TREE, settings=Settings(limits=Limits(call_timeout_s=timeout)))


@pytest.mark.slow
@pytest.mark.parametrize("tool", ["check_rules", "find_duplicates"])
async def test_call_over_budget_is_stopped_with_a_clear_error(tool: str) -> None:
    async with Client(build_server(config(0.5))) as client:
        started = time.monotonic()
        result = await client.call_tool(tool, {"paths": ["."]})
        assert result.is_error
        assert "budget" in result.content[0].text and "call-timeout-s" in result.content[0].text
        assert time.monotonic() - started < 3
        await wait_until_idle(client, 15)
        assert not (await client.call_tool("get_pattern", {"id": "bounded-concurrency"})).is_error


@pytest.mark.slow
async def test_client_cancellation_stops_the_worker() -> None:
    async with Client(build_server(config(600))) as client:
        with anyio.move_on_after(1.0) as scope:
            await client.call_tool("check_rules", {"paths": ["."]})
        assert scope.cancelled_caught, "the call finished before it could be cancelled"
        # Whether the worker is still unwinding when status is read is a race; that it unwound
        # at a budget check (rather than ran to the end) is not: ``stopped`` counts exactly that.
        await wait_until_idle(client, 15)
        assert (await status(client))["stopped"] == 1
