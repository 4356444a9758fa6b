"""What reaches the agent, measured in one run: definitions, resources, every default answer, pages.

Run (the corpora are real sdists, unpacked outside the repository):
    pip download --no-deps --no-binary :all: sympy==1.13.3 click==8.1.8 -d /work/corpus/render
    tar xzf sympy-1.13.3.tar.gz; tar xzf click-8.1.8.tar.gz   (in that folder)
    npm install --prefix /work/corpus/render/jscpd jscpd@5 jscpd-linux-x64-gnu@5
    python3 -m venv /work/corpus/render/pyscn-venv && /work/corpus/render/pyscn-venv/bin/pip install pyscn-mcp
    python bench/agent_context.py --big /work/corpus/render/sympy-1.13.3/sympy \
        --small /work/corpus/render/click-8.1.8 --jscpd /work/corpus/render/jscpd/node_modules/.bin/jscpd \
        --pyscn /work/corpus/render/pyscn-venv/bin/pyscn-mcp
    python bench/agent_context.py --big ... --small ... --before DIR   (definitions: DIR's sources against ours)

Two trees, both copied to a temporary folder first:
- big: the chosen sub-packages of --big (600+ .py files) in a git repository with nothing
  committed, so every file is part of the change (the issue's worst case);
- small: --small committed once, then a few lines edited (a small change in a mature repo).

Sizes are characters of compact JSON (as the SDK sends them) or of the text itself. The
"Cline block" is what Cline puts in its system prompt for a server: every tool's name,
description and input schema, plus every direct resource's uri, name and description, plus
every resource template. Peers are measured the same way over stdio; one that does not start
is reported as such.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
from mcp import Client
from mcp.client.stdio import StdioServerParameters

#: Sub-packages of sympy that make a 600+ file tree (663 .py files in sympy 1.13.3).
BIG_PARTS = ("physics", "matrices", "parsing", "tensor", "utilities", "plotting", "combinatorics", "assumptions",
             "series", "codegen")
DEFAULTS = {
    "search_patterns": {"query": "error handling"},
    "get_pattern": {"id": "bounded-concurrency"},
    "check_rules": {},
    "find_duplicates": {},
    "find_similar": {"code": "def total(values):\n    result = 0\n    for value in values:\n        result += value\n"
                             "    return result\n"},
    "find_leftovers": {},
    "score_loc_delta": {},
    "review_change": {},
}


def chars(data: object) -> int:
    """Characters of ``data`` as compact JSON."""
    return len(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def say(message: str) -> None:
    """Progress on stderr; the report alone goes to stdout."""
    print(f"agent_context: {message}", file=sys.stderr, flush=True)


def git(root: Path, *args: str) -> None:
    """Run git in ``root`` with a fixed identity, so the copies commit on any machine."""
    env = {"GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.org", "GIT_COMMITTER_NAME": "b",
           "GIT_COMMITTER_EMAIL": "b@example.org", "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def big_tree(source: Path, into: Path) -> Path:
    """The chosen sub-packages in a fresh git repository, nothing committed."""
    root = into / "big"
    for part in BIG_PARTS:
        shutil.copytree(source / part, root / part)
    git(root, "init", "-q", "-b", "main")
    return root


def small_change(source: Path, into: Path) -> Path:
    """``source`` committed once, then a few lines edited in two Python files."""
    root = into / "small"
    shutil.copytree(source, root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "import")
    files = sorted(p for p in root.rglob("*.py") if "test" not in p.as_posix())[:2]
    files[0].write_text(files[0].read_text() + "\n\ndef _bench_added(values):\n    return [v for v in values if v]\n")
    lines = files[1].read_text().splitlines(keepends=True)
    files[1].write_text("".join(lines[:-3]) + "# edited for the benchmark\n")
    return root


async def definitions(client: Client) -> dict[str, int]:
    """tools/list, its model-visible part, resources, templates, the Cline block."""
    tools = [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in (await client.list_tools()).tools]
    visible = [{k: t[k] for k in ("name", "description", "inputSchema") if k in t} for t in tools]
    try:
        resources = (await client.list_resources()).resources
        templates = (await client.list_resource_templates()).resource_templates
    except Exception as exc:  # noqa: BLE001 - a peer without resources answers "method not found"
        say(f"no resources: {exc}")
        resources, templates = [], []
    direct = [{"uri": r.uri, "name": r.name, "description": r.description} for r in resources]
    tmpl = [{"uriTemplate": t.uri_template, "name": t.name, "description": t.description} for t in templates]
    return {"tools": len(tools), "tools_list": chars(tools), "model_visible": chars(visible),
            "output_schemas": sum(chars(t.get("outputSchema", {})) for t in tools if t.get("outputSchema")),
            "direct_resources": len(resources), "resources_list": chars(direct), "templates": len(templates),
            "cline_block": chars(visible) + chars(direct) + chars(tmpl)}


async def answer_sizes(client: Client, calls: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Text and structured characters of each call's answer, and its time."""
    out = {}
    for name, args in calls.items():
        say(f"calling {name}")
        start = time.perf_counter()
        result = await client.call_tool(name, args)
        text = "".join(getattr(block, "text", "") for block in result.content)
        out[name] = {"text": len(text), "structured": chars(result.structured_content or {}),
                     "error": bool(result.is_error), "s": round(time.perf_counter() - start, 1)}
    return out


async def walk(client: Client, tool: str, args: dict[str, Any], items: str,
               key: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    """Pages of ``limit`` 50 until the end: items seen, how many once, the total, pages."""
    seen: dict[object, int] = {}
    cursor, pages, total, largest = None, 0, 0, 0
    while True:
        result = await client.call_tool(tool, {**args, "limit": 50, **({"cursor": cursor} if cursor else {})})
        data = result.structured_content or {}
        if result.is_error:
            return {"error": result.content[0].text[:200]}
        for item in data.get(items, []):
            seen[key(item)] = seen.get(key(item), 0) + 1
        largest = max(largest, len(result.content[0].text) + chars(data))
        pages, total, cursor = pages + 1, data["page"]["total"], data["page"].get("next_cursor")
        say(f"{tool} page {pages}: {len(seen)} of {total}")
        if cursor is None:
            once = sum(1 for n in seen.values() if n == 1)
            return {"total": total, "seen": len(seen), "seen_once": once, "pages": pages, "largest_answer": largest}


def our_server(root: Path, source: Path | None = None) -> StdioServerParameters:
    """Our server on ``root``; from the sources under ``source`` (another revision) when given."""
    env = {"PATH": "/usr/bin:/bin", **({"PYTHONPATH": str(source / "src")} if source else {})}
    return StdioServerParameters(command=sys.executable, args=["-m", "pattern_warden", "serve", "--root", str(root)],
                                 env=env)


async def definitions_only(root: Path, source: Path | None) -> dict[str, Any]:
    """What a client reads before any call: definitions, resources and the pattern index."""
    async with Client(our_server(root, source)) as client:
        report = await definitions(client)
        report["pattern_index"] = len((await client.read_resource("warden://patterns/index")).contents[0].text)
    return report


async def ours(root: Path, walks: bool) -> dict[str, Any]:
    """Our definitions, every default answer, and (with ``walks``) every page of files and findings."""
    async with Client(our_server(root)) as client:
        report: dict[str, Any] = {"definitions": await definitions(client),
                                  "pattern_index": len((await client.read_resource("warden://patterns/index"))
                                                       .contents[0].text),
                                  "answers": await answer_sizes(client, DEFAULTS)}
        if walks:
            report["walk_files"] = await walk(client, "score_loc_delta", {}, "files", lambda f: f["path"])
            report["walk_findings"] = await walk(client, "check_rules", {}, "findings",
                                                 lambda f: (f["path"], f["line"], f["column"], f["code"]))
    return report


async def peer(command: list[str], root: Path, calls: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A peer server's definitions and its main tools' default answers, or why it did not run."""
    try:
        with anyio.fail_after(600):
            async with Client(StdioServerParameters(command=command[0], args=command[1:], cwd=str(root))) as client:
                return {"definitions": await definitions(client), "answers": await answer_sizes(client, calls)}
    except Exception as exc:  # noqa: BLE001 - a peer that fails is reported, not fatal
        return {"error": f"{type(exc).__name__}: {exc}"[:300]}


async def main() -> None:
    """Build both trees, measure us and the peers, print one JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--big", type=Path, required=True, help="sympy's package folder (sympy-1.13.3/sympy)")
    parser.add_argument("--small", type=Path, required=True, help="an unpacked sdist to commit and edit")
    parser.add_argument("--jscpd", help="the jscpd 5 executable (optional)")
    parser.add_argument("--pyscn", help="the pyscn-mcp executable (optional)")
    parser.add_argument("--no-walk", action="store_true", help="skip walking every page")
    parser.add_argument("--before", type=Path, help="compare definitions only with another revision's sources, "
                                                     "e.g. from `git archive main src resources | tar -x -C DIR`")
    args = parser.parse_args()
    if args.before:
        print(json.dumps({"before": await definitions_only(args.small, args.before),
                          "now": await definitions_only(args.small, None)}, indent=1))
        return
    with tempfile.TemporaryDirectory() as tmp:
        big, small = big_tree(args.big, Path(tmp)), small_change(args.small, Path(tmp))
        report: dict[str, Any] = {"big_py_files": sum(1 for _ in big.rglob("*.py")),
                                  "small_py_files": sum(1 for _ in small.rglob("*.py"))}
        report["ours_big"] = await ours(big, walks=not args.no_walk)
        report["ours_small"] = await ours(small, walks=False)
        if args.jscpd:
            report["jscpd_big"] = await peer([args.jscpd, "--mcp", str(big)], big, {
                "get_statistics": {}, "check_current_directory": {},
                "check_duplication": {"code": DEFAULTS["find_similar"]["code"], "format": "python"}})
        else:
            report["jscpd_big"] = {"error": "not run: pass --jscpd"}
        if args.pyscn:
            report["pyscn_big"] = await peer([args.pyscn], big, {"detect_clones": {"path": str(big)},
                                                                  "analyze_code": {"path": str(big)}})
        else:
            report["pyscn_big"] = {"error": "not run: pass --pyscn"}
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    anyio.run(main)
