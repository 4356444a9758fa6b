"""Speed and memory of `pattern-warden check` against Ruff, Fixit and pylint, cold and warm.

    .venv/bin/python bench/rules_speed.py [--tools ours,ruff,fixit,pylint,warm] [--corpora django,stdlib]

Each measurement is one run (the machine is shared; ratios are within one invocation) and is
merged into bench/.data/speed.json, so slow peers can be measured separately; the table printed
at the end covers everything measured so far.

- cold: wall time of the whole command, interpreter start included, no cache; peak RSS from
  GNU time (the largest process: our check uses 2 worker processes on large trees).
  Ours runs every rule; Ruff runs the counterpart rules (bench/rules_agreement.PAIRS + C901);
  Fixit and pylint run their default rule sets (pylint with --recursive=y, one job).
- warm: one file changed (a comment appended, then restored) after a first full run:
  a `check_rules` call to a running server (in-process SDK client, in-memory result cache),
  and the CLI with its on-disk cache (a new process, interpreter start included).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import DATA, STDLIB_EXCLUDES, VENV_BIN, corpora  # noqa: E402
from rules_agreement import PAIRS  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
OURS = REPO / ".venv" / "bin" / "pattern-warden"
RESULTS = DATA / "speed.json"
TIMEOUT = 1800


def timed(command: list[str], cwd: Path) -> dict:
    """Wall seconds and peak RSS (MiB) of one command, via GNU time."""
    report = DATA / "time.out"
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(report), *command], cwd=cwd,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=TIMEOUT, check=False)
    seconds = time.perf_counter() - started
    peak_kib = int(report.read_text().split()[-1])
    return {"seconds": round(seconds, 3), "peak_mib": round(peak_kib / 1024, 1), "exit": done.returncode,
            "command": " ".join(command)}


def excludes_for(name: str) -> list[str]:
    return STDLIB_EXCLUDES if name == "stdlib" else []


def targets(root: Path, excludes: list[str]) -> list[str]:
    """The corpus as top-level paths, leaving out the excluded folders (our CLI takes paths)."""
    skip = [e.rstrip("/").rstrip("*") for e in excludes]
    return [str(p) for p in sorted(root.iterdir()) if not any(p.name.startswith(s) for s in skip)]


def cold(tool: str, name: str, root: Path) -> dict:
    excludes = excludes_for(name)
    if tool == "ours":
        return timed([str(OURS), "check", "--no-cache", "--root", str(root), *targets(root, excludes),
                      "--format", "json"], root)
    if tool == "ruff":
        codes = sorted({c for peers in PAIRS.values() for c in peers} | {"C901"})
        args = [a for e in excludes for a in ("--extend-exclude", e.rstrip("/"))]
        return timed([str(VENV_BIN / "ruff"), "check", "--isolated", "--no-cache", "--exit-zero", "--select",
                      ",".join(codes), *args, str(root)], root)
    if tool == "fixit":
        return timed([str(VENV_BIN / "fixit"), "lint", str(root)], root)
    if tool == "pylint":
        return timed([str(VENV_BIN / "pylint"), "--jobs", "1", "--recursive=y", root.name], root.parent)
    raise SystemExit(f"unknown tool {tool}")


def _victim(root: Path) -> Path:
    """The file the warm runs change: a mid-sized module."""
    files = sorted(root.rglob("*.py"), key=lambda p: p.stat().st_size)
    return files[len(files) // 2]


async def _warm_server(root: Path, victim: Path) -> dict:
    from mcp import Client

    from pattern_warden.config import load_config
    from pattern_warden.server import build_server

    async with Client(build_server(load_config(root))) as client:
        started = time.perf_counter()
        first = await client.call_tool("check_rules", {"paths": ["."]})
        cold_call = time.perf_counter() - started
        original = victim.read_text(encoding="utf-8")
        try:
            victim.write_text(original + "\n# changed\n", encoding="utf-8")
            started = time.perf_counter()
            second = await client.call_tool("check_rules", {"paths": ["."]})
            warm_call = time.perf_counter() - started
        finally:
            victim.write_text(original, encoding="utf-8")
    assert not first.is_error and not second.is_error
    summary = second.structured_content["summary"]
    return {"cold_call_seconds": round(cold_call, 3), "warm_call_seconds": round(warm_call, 3),
            "files": summary["files_checked"], "from_cache": summary["files_from_cache"]}


def warm(name: str, root: Path) -> dict:
    if name == "stdlib":
        return {"skipped": "warm runs change a file, so they run on the Django copy only"}
    victim = _victim(root)
    server = asyncio.run(_warm_server(root, victim))
    cache = root / ".pattern-warden-cache"
    shutil.rmtree(cache, ignore_errors=True)
    command = [str(OURS), "check", "--root", str(root), str(root), "--format", "json"]
    fill = timed(command, root)
    original = victim.read_text(encoding="utf-8")
    try:
        victim.write_text(original + "\n# changed\n", encoding="utf-8")
        cli = timed(command, root)
    finally:
        victim.write_text(original, encoding="utf-8")
        shutil.rmtree(cache, ignore_errors=True)
    return {"server": server, "cli_fill_seconds": fill["seconds"], "cli_warm": cli,
            "changed": str(victim.relative_to(root))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", default="ours,ruff,fixit,pylint,warm")
    parser.add_argument("--corpora", default="django,stdlib")
    args = parser.parse_args()
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    available = corpora()
    for name in args.corpora.split(","):
        root = available[name][0]
        for tool in args.tools.split(","):
            print(f"{name}: {tool} ...", file=sys.stderr, flush=True)
            results.setdefault(name, {})[tool] = warm(name, root) if tool == "warm" else cold(tool, name, root)
            RESULTS.write_text(json.dumps(results, indent=1))
    print(json.dumps(results, indent=1))
    for name, row in results.items():
        ours = row.get("ours", {}).get("seconds")
        for peer in ("ruff", "fixit", "pylint"):
            theirs = row.get(peer, {}).get("seconds")
            if ours and theirs:
                print(f"{name}: ours {ours}s, {peer} {theirs}s, ratio ours/{peer} = {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
