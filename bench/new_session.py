"""A new agent session, as Claude Code or Cline starts one: how long its first calls take.

Run: python bench/new_session.py --tree django=PATH --tree big=PATH \
         --python today=/path/to/main-venv/bin/python --python cache=/path/to/this-venv/bin/python

For each tree and each interpreter (one per build of pattern-warden, so today's code and this
branch's are measured in one run on the same machine), with the tree's .pattern-warden-cache/
removed first:

1. session 1: a stdio server is started with a real client, the four tools (check_rules,
   find_duplicates, find_similar, score_loc_delta) are called once each, right after
   initialize, and timed; the session waits until the server is idle, then stops;
2. session 2: a second server is started and the same calls are timed (the second-session
   first calls: what a new session pays when an earlier one left its cache);
3. session 3 (new builds only): a third server is started, the client waits 5 s, then reads
   whether the indexes are ready and times find_similar.

Reported per row: each call's seconds, time to ready after initialize (from the status
resource; today's build has no warm-up, so "-"), and the server process's peak RSS (VmHWM,
its own process; tokenizing and rule-checking workers are separate processes).
Corpora: Django 5.2's sdist (see bench/corpora.py) and several large PyPI sdists unpacked in one
folder, e.g. ``pip download --no-deps --no-binary :all: sympy==1.13.3 pandas==2.2.3 -d DIR``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from pathlib import Path

import anyio
from mcp import Client
from mcp.client.stdio import StdioServerParameters

DRAFT = "def read_all(path):\n    with open(path) as handle:\n        return handle.read()\n"
CALLS: list[tuple[str, dict[str, object]]] = [
    ("find_similar", {"code": DRAFT}),
    ("find_duplicates", {}),
    ("check_rules", {"paths": ["."]}),
    ("score_loc_delta", {"before": "x = 1\n", "after": "x = 1\ny = 2\n"}),
]


def _children_peak_kb() -> int:
    """VmHWM of the server: the direct child of this process running python."""
    peak = 0
    me = str(os.getpid())
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if fields[1] != me:
                continue
            for line in (stat.parent / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except (OSError, IndexError, ValueError):
            continue
    return peak


async def _status(client: Client) -> dict:
    return json.loads((await client.read_resource("warden://server/status")).contents[0].text)


async def session(python: str, root: Path, wait_s: float = 0.0, calls: list | None = None) -> dict[str, object]:
    """One server: time each call right after initialize (after ``wait_s``), then until idle."""
    params = StdioServerParameters(command=python, args=["-m", "pattern_warden", "serve", "--root", str(root)])
    row: dict[str, object] = {}
    async with Client(params) as client:
        started = time.perf_counter()
        if wait_s:
            await anyio.sleep(wait_s)
            row["ready_at_wait"] = (await _status(client)).get("ready_s") is not None
        for name, args in calls or CALLS:
            begun = time.perf_counter()
            result = await client.call_tool(name, args)
            row[name] = round(time.perf_counter() - begun, 2)
            if result.is_error:
                row[name] = f"error: {result.content[0].text[:80]}"
        while True:  # idle: warm-up done (new builds) so its saves are complete
            status = await _status(client)
            if "ready_s" not in status or status["ready_s"] is not None or time.perf_counter() - started > 600:
                break
            await anyio.sleep(0.2)
        row["ready_s"] = status.get("ready_s", "-")
        row["peak_rss_mb"] = round(_children_peak_kb() / 1024)
    return row


async def measure(tree: Path, python: str) -> dict[str, dict[str, object]]:
    """The sessions of one build on one tree, from an empty cache."""
    shutil.rmtree(tree / ".pattern-warden-cache", ignore_errors=True)
    rows = {"session 1": await session(python, tree), "session 2": await session(python, tree)}
    if rows["session 1"]["ready_s"] != "-":
        rows["session 3 (first call 5 s after start)"] = await session(python, tree, 5.0, CALLS[:1])
    return rows


def main() -> None:
    """Every tree with every build; one markdown table on stdout."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", action="append", required=True, metavar="NAME=PATH")
    parser.add_argument("--python", action="append", required=True, metavar="LABEL=PYTHON")
    args = parser.parse_args()
    trees = [item.split("=", 1) for item in args.tree]
    pythons = [item.split("=", 1) for item in args.python]
    columns = [name for name, _ in CALLS] + ["ready_at_wait", "ready_s", "peak_rss_mb"]
    print("| tree | build | session | " + " | ".join(columns) + " |")
    print("|" + "---|" * (len(columns) + 3))
    for tree_name, tree in trees:
        for label, python in pythons:
            for name, row in anyio.run(measure, Path(tree).resolve(), python).items():
                cells = [str(row.get(c, "")) for c in columns]
                print(f"| {tree_name} | {label} | {name} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
