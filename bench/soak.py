"""Soak: thousands of calls to one server process; memory and caches must stay bounded.

Run: python bench/soak.py [--calls 5000] [--root DIR]

One stdio server is started on a real tree (by default the interpreter's standard library,
code we did not write) and called in rotation with every tool it offers that reads the
tree, plus pattern searches. Resident memory and every cache's size against its bound are
read from warden://server/status at the start, after 1,000 calls and at the end.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import sysconfig
import time
from pathlib import Path
from typing import Any

import anyio
from mcp import Client
from mcp.client.stdio import StdioServerParameters


def command() -> list[str]:
    found = shutil.which("pattern-warden", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "pattern_warden"]


def rotation(tools: set[str], scope: str) -> list[tuple[str, dict[str, Any]]]:
    """The calls to repeat: each tool that exists, with arguments that do real work on ``scope``."""
    calls: list[tuple[str, dict[str, Any]]] = [
        ("search_patterns", {"query": "retry with backoff"}),
        ("get_pattern", {"id": "bounded-concurrency"}),
        ("get_pattern", {"id": "no-such-pattern"}),
    ]
    optional: list[tuple[str, dict[str, Any]]] = [
        ("check_rules", {"paths": [scope]}),
        ("check_rules", {"code": "def f(x=[]):\n    return x\n"}),
        ("find_similar", {"code": "def dumps(obj):\n    return encode(obj)\n"}),
        ("find_duplicates", {"paths": [scope]}),
        ("score_loc_delta", {"before": "x = 1\n", "after": "x = 2\ny = 3\n"}),
        ("review_change", {"path": scope}),
    ]
    return calls + [call for call in optional if call[0] in tools]


async def status(client: Client) -> dict[str, Any]:
    return json.loads((await client.read_resource("warden://server/status")).contents[0].text)


def show(label: str, state: dict[str, Any]) -> None:
    caches = ", ".join(f"{k} {v['entries']}/{v['bound']}" for k, v in state["caches"].items())
    rss = state["rss_bytes"] / 2**20 if state["rss_bytes"] else float("nan")
    print(f"{label:>14}: calls {state['calls']:>5}  RSS {rss:7.1f} MiB  caches: {caches}")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--root", default=sysconfig.get_paths()["stdlib"])
    parser.add_argument("--scope", default="json", help="the folder (under the root) that tools check")
    opts = parser.parse_args()
    cmd = command()
    params = StdioServerParameters(command=cmd[0], args=[*cmd[1:], "--root", opts.root])
    async with Client(params) as client:
        tools = {t.name for t in (await client.list_tools()).tools}
        calls = rotation(tools, opts.scope)
        print(f"rotation: {', '.join(sorted({name for name, _ in calls}))}")
        show("start", await status(client))
        errors = 0
        started = time.perf_counter()
        for i in range(opts.calls):
            name, args = calls[i % len(calls)]
            result = await client.call_tool(name, args)
            errors += bool(result.is_error) and not args.get("id", "").startswith("no-such")
            if i + 1 == 1000:
                show("after 1,000", await status(client))
        final = await status(client)
        show(f"after {opts.calls:,}", final)
        print(f"unexpected errors: {errors}; {opts.calls / (time.perf_counter() - started):.0f} calls/s")
        over = {k: v for k, v in final["caches"].items() if v["entries"] > v["bound"]}
        print("every cache within its bound" if not over else f"OVER BOUND: {over}")


if __name__ == "__main__":
    anyio.run(main)
