"""Speed and memory of duplicate detection against jscpd and pyscn, in one run.

Corpora: Django 5.2's package sources (the sdist's django/ folder) and the interpreter's
standard library (copied without site-packages and test folders). Measured:

- cold: each tool once from a fresh process, wall time and peak RSS (the child's rusage);
- warm server: a running server (SDK in-memory client) answers find_duplicates and
  find_similar again after one file changed, five times over (median and worst);
- warm CLI: ``pattern-warden dupes`` with its on-disk cache after one file changed,
  interpreter start included.

    .venv/bin/python bench/clones_speed.py            # both corpora
    .venv/bin/python bench/clones_speed.py --corpus django

jscpd 5 is a native binary from npm; install it into a scratch prefix and pass its path
(a peer that is not installed is left out of the table):

    npm install --prefix /tmp/jscpd jscpd@5 jscpd-linux-x64-gnu@5
    .venv/bin/python bench/clones_speed.py --corpus stdlib --jscpd /tmp/jscpd/node_modules/.bin/jscpd

Results go to stdout as markdown and to bench/.data/speed/results.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tarfile
import time
from pathlib import Path

from mcp import Client

from pattern_warden.config import load_config
from pattern_warden.server import build_server

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
PEERS = DATA / "venv" / "bin"
OURS = Path(sys.executable).parent / "pattern-warden"
TIMEOUT = 1800
EXTRA = "\n\ndef bench_added_function(values, limit):\n    total = 0\n    for value in values:\n" \
        "        if value > limit:\n            break\n        total += value\n    return total\n"


def corpus(name: str) -> Path:
    """The folder to scan (a root of its own, so every tool sees exactly the same files)."""
    if name == "django":
        target = DATA / "speed" / "django"
        if not target.exists():
            sdist = DATA / "Django-5.2.tar.gz"
            with tarfile.open(sdist) as archive:
                archive.extractall(DATA / "speed" / "unpacked", filter="data")
            shutil.copytree(DATA / "speed" / "unpacked" / "Django-5.2" / "django", target)
        return target
    target = DATA / "speed" / "stdlib"
    if not target.exists():
        stdlib = Path(sysconfig.get_paths()["stdlib"])
        shutil.copytree(stdlib, target, ignore=shutil.ignore_patterns(
            "site-packages", "test", "tests", "idle_test", "__pycache__", "*.pyc", "lib2to3"))
    return target


def python_lines(root: Path) -> tuple[int, int]:
    """Files and physical lines of Python under ``root``, for the table's corpus column."""
    files = list(root.rglob("*.py"))
    return len(files), sum(len(f.read_bytes().splitlines()) for f in files)


def timed(cmd: list[str], cwd: Path) -> dict[str, float]:
    """Wall time and peak RSS of one child process."""
    log = DATA / "speed" / "last.log"
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    return {"seconds": round(wall, 2), "peak_mb": round(usage.ru_maxrss / 1024, 1), "status": status >> 8}


def cold(root: Path, jscpd: Path, pyscn: Path) -> dict[str, dict[str, float]]:
    """Each tool once from a fresh process, in the settings the docs name (jscpd 5.3's flags:
    renamed clones by ignoring identifiers and literals, near misses by merging gaps of two lines)."""
    out = DATA / "speed" / "jscpd-out"
    runs = {"pattern-warden": timed([str(OURS), "dupes", "--root", str(root), "--no-cache", "--format", "json"], root)}
    if jscpd.exists():
        runs["jscpd (types 1-3)"] = timed([str(jscpd), "--format", "python", "--min-lines", "6", "--ignore-identifiers",
                                           "--ignore-literals", "--max-gap-lines", "2", "--no-gitignore", "--reporters",
                                           "json", "--output", str(out), "--silent", "."], root)
        runs["jscpd (default)"] = timed([str(jscpd), "--format", "python", "--no-gitignore", "--reporters", "json",
                                         "--output", str(out), "--silent", "."], root)
    if pyscn.exists():
        runs["pyscn"] = timed([str(pyscn), "analyze", "--select", "clones", "--json", "--output", "-", "."], root)
    return runs


def changed_file(root: Path) -> Path:
    """A middle-sized file (the median by size), so the edit is neither trivial nor huge."""
    return sorted(root.rglob("*.py"), key=lambda p: (-p.stat().st_size, str(p)))[len(list(root.rglob("*.py"))) // 2]


async def warm_server(root: Path, calls: int = 5) -> dict[str, float]:
    """Median and worst of ``calls`` warm calls, each after one more edit to the same file.

    Several calls, because a full garbage collection lands in some calls and not others.
    """
    target = changed_file(root)
    original = target.read_bytes()
    dupes: list[float] = []
    similar: list[float] = []
    async with Client(build_server(load_config(root))) as client:
        started = time.perf_counter()
        await client.call_tool("find_duplicates", {"limit": 20})
        first = time.perf_counter() - started
        await client.call_tool("find_similar", {"code": EXTRA})
        try:
            for n in range(calls):
                target.write_bytes(original + EXTRA.encode() + b"\n# edit %d\n" % n)
                started = time.perf_counter()
                result = await client.call_tool("find_duplicates", {"limit": 20})
                dupes.append(time.perf_counter() - started)
                assert not result.is_error
                target.write_bytes(original + EXTRA.encode() + b"\n# edited again %d\n" % n)
                started = time.perf_counter()
                found = await client.call_tool("find_similar", {"code": EXTRA})
                similar.append(time.perf_counter() - started)
                assert not found.is_error
        finally:
            target.write_bytes(original)
    return {"first_call_s": round(first, 2),
            "find_duplicates_one_file_changed_s": round(statistics.median(dupes), 3),
            "find_duplicates_one_file_changed_worst_s": round(max(dupes), 3),
            "find_similar_one_file_changed_s": round(statistics.median(similar), 3),
            "find_similar_one_file_changed_worst_s": round(max(similar), 3)}


def warm_cli(root: Path, runs: int = 5) -> dict[str, float]:
    """The CLI once to fill its cache, then ``runs`` times, each after one more edit to one file.

    The median, because a single run of half a second moves by a third with the machine's load.
    """
    target = changed_file(root)
    original = target.read_bytes()
    cmd = [str(OURS), "dupes", "--root", str(root), "--format", "json"]
    shutil.rmtree(root / ".pattern-warden-cache", ignore_errors=True)
    fill = timed(cmd, root)
    again = []
    try:
        for n in range(runs):
            target.write_bytes(original + EXTRA.encode() + b"\n# edit %d\n" % n)
            again.append(timed(cmd, root))
    finally:
        target.write_bytes(original)
        shutil.rmtree(root / ".pattern-warden-cache", ignore_errors=True)
    seconds = [run["seconds"] for run in again]
    return {"fill_cache_s": fill["seconds"], "one_file_changed_s": statistics.median(seconds),
            "one_file_changed_worst_s": max(seconds), "peak_mb": max(run["peak_mb"] for run in again)}


def main() -> int:
    """Run every measure on the chosen corpora and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", choices=("django", "stdlib", "both"), default="both")
    parser.add_argument("--jscpd", type=Path, default=PEERS / "jscpd", help="the jscpd 5 binary")
    parser.add_argument("--pyscn", type=Path, default=PEERS / "pyscn", help="the pyscn binary")
    args = parser.parse_args()
    names = ["django", "stdlib"] if args.corpus == "both" else [args.corpus]
    results = {}
    for name in names:
        root = corpus(name)
        files, lines = python_lines(root)
        row: dict[str, object] = {"files": files, "lines": lines, "cold": cold(root, args.jscpd, args.pyscn)}
        # The CLI first: a child's peak RSS as wait4 reports it starts from this process's own
        # (the child begins as a copy of it), which a server run in-process would inflate.
        row["warm_cli"] = warm_cli(root)
        row["warm_server"] = asyncio.run(warm_server(root))
        results[name] = row
        print(json.dumps({name: row}, indent=1), file=sys.stderr, flush=True)
    (DATA / "speed" / "results.json").write_text(json.dumps(results, indent=2))
    print(report(results))
    return 0


def report(results: dict[str, dict]) -> str:
    """Markdown tables of the results, ratios against pattern-warden's cold time."""
    lines = ["| corpus | tool | seconds | peak MB | ratio to pattern-warden |", "|---|---|---|---|---|"]
    for name, row in results.items():
        ours = row["cold"]["pattern-warden"]["seconds"]
        for tool, cell in row["cold"].items():
            lines.append(f"| {name} ({row['files']} files, {row['lines']:,} lines) | {tool} | {cell['seconds']} | "
                         f"{cell['peak_mb']} | {cell['seconds'] / ours:.2f} |")
    lines += ["", "| corpus | warm measure | value |", "|---|---|---|"]
    for name, row in results.items():
        for key, value in {**row["warm_server"], **{f"cli_{k}": v for k, v in row["warm_cli"].items()}}.items():
            lines.append(f"| {name} | {key} | {value} |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
