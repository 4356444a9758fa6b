"""Spawn-to-tools/list time over stdio, and search_patterns round trips with 500 documents.

Run: python bench/startup_and_search.py [--spawns 10] [--calls 200]

Start-up is measured as an agent sees it: from spawning `pattern-warden` to the answer of
tools/list, against the cost of importing the SDK alone in a fresh interpreter (our own
overhead is the difference). The search figure loads the bundled library plus enough
generated project documents (copies of the bundled ones under new ids) to reach 500.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import anyio
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from pattern_warden.patterns.library import PatternLibrary, bundled_dir


def command() -> list[str]:
    found = shutil.which("pattern-warden", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "pattern_warden"]


BARE_SERVER = "from mcp.server.mcpserver import MCPServer; MCPServer('bare').run('stdio')"


async def spawn_once(cmd: list[str]) -> float:
    """Seconds from spawning ``cmd`` to the answer of tools/list over stdio."""
    start = time.perf_counter()
    async with Client(StdioServerParameters(command=cmd[0], args=cmd[1:])) as client:
        await client.list_tools()
        elapsed = time.perf_counter() - start
    return elapsed


def make_documents(folder: Path, target: int) -> int:
    """Write copies of the bundled documents under new ids until the library holds ``target``."""
    sources = sorted(bundled_dir().rglob("*.md"))
    have = len(PatternLibrary.load([]).docs)
    n = 0
    while have + n < target:
        src = sources[n % len(sources)]
        text = src.read_text(encoding="utf-8")
        text = re.sub(r"^id: (.+)$", lambda m: f"id: {m.group(1)}-copy{n}", text, count=1, flags=re.M)
        (folder / f"copy{n}.md").write_text(text, encoding="utf-8")
        n += 1
    return n


async def search_round_trips(root: Path, patterns_dir: Path, calls: int) -> list[float]:
    cmd = command()
    args = [*cmd[1:], "--root", str(root), "--patterns-dir", str(patterns_dir)]
    queries = ["retry with backoff", "async lock", "sql injection", "bounded buffer", "handoff", "jwt"]
    times = []
    async with Client(StdioServerParameters(command=cmd[0], args=args)) as client:
        index = (await client.read_resource("warden://patterns/index")).contents[0].text
        assert index.startswith("500 patterns"), index.splitlines()[0]
        await client.call_tool("search_patterns", {"query": "warm up"})
        for i in range(calls):
            start = time.perf_counter()
            result = await client.call_tool("search_patterns", {"query": queries[i % len(queries)]})
            times.append(time.perf_counter() - start)
            assert not result.is_error
    return times


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spawns", type=int, default=10)
    parser.add_argument("--calls", type=int, default=200)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bare, spawns = [], []
        for _ in range(opts.spawns):  # interleaved, so machine load affects both alike
            bare.append(await spawn_once([sys.executable, "-c", BARE_SERVER]))
            spawns.append(await spawn_once([*command(), "--root", str(root)]))
        docs = root / "docs"
        docs.mkdir()
        make_documents(docs, 500)
        rounds = await search_round_trips(root, docs, opts.calls)
    spawn, sdk = statistics.median(spawns), statistics.median(bare)
    print(f"pattern-warden spawn to tools/list, median of {opts.spawns}: {spawn * 1000:.0f} ms")
    print(f"a bare MCPServer (SDK only), the same, median of {opts.spawns}: {sdk * 1000:.0f} ms")
    print(f"our overhead on top of the SDK: {(spawn - sdk) * 1000:.0f} ms")
    print(f"search_patterns round trip over stdio, 500 documents, median of {opts.calls}: "
          f"{statistics.median(rounds) * 1000:.1f} ms (p95 {sorted(rounds)[int(len(rounds) * 0.95)] * 1000:.1f} ms)")


if __name__ == "__main__":
    anyio.run(main)
