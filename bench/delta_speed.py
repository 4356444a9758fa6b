"""Time a change review of N files: cold from the CLI, warm through the MCP server.

The base commit holds N modules of the interpreter's standard library; the change edits every
one of them in the working tree (a block removed, a line rewritten, a function added), so all
N files are read at both ends, scanned, checked and diffed. Budgets (issue 14) for 600 files:
review warm through the server <= 1.5 s, cold from the CLI <= 3 s.

    python bench/delta_speed.py --files 600 --runs 1
    python bench/delta_speed.py --files 600 --src /tmp/before/src   # the same bench on another tree
    python bench/delta_speed.py --real OLD NEW   # a real change: base OLD's files, working tree NEW's

``--src`` puts another checkout's ``src`` first on the path, so "before" and "after" figures
come from one run of this script on one machine.

Cold runs start with no ``.pattern-warden-cache/``. The persistent cache (issue 16) is then
measured twice: a second CLI run that finds the first one's cache, and the first call of a new
server session that opens the same cache (``build_server(..., disk=open_cache(config))``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent / ".data"
_ENV = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "b@example.org",
        "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "b@example.org"}
_ADDED = '''

def added_by_bench(values):
    """A function the change adds."""
    total = 0
    for value in values:
        total += value
    return total
'''


def build(files: int) -> Path:
    """A repo whose base is ``files`` stdlib modules and whose working tree edits all of them."""
    repo = DATA / f"speed-{files}"
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir(parents=True)
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    sources = sorted(p for p in stdlib.rglob("*.py") if "site-packages" not in p.parts)
    picked = [p for p in sources if 50 < len(p.read_bytes().splitlines()) < 3000][:files]
    for i, src in enumerate(picked):
        target = repo / "pkg" / f"m{i:04d}_{src.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "base"], cwd=repo, check=True, env=_ENV)
    for target in sorted((repo / "pkg").iterdir()):
        lines = target.read_text(encoding="utf-8", errors="surrogateescape").split("\n")
        middle = len(lines) // 2
        del lines[middle : middle + 5]
        lines[middle // 2] = lines[middle // 2] + "  # edited"
        target.write_text("\n".join(lines) + _ADDED, encoding="utf-8", errors="surrogateescape")
    return repo


def build_real(old: Path, new: Path) -> Path:
    """A repo whose base holds the folder ``old`` and whose working tree holds ``new``: two
    releases of a project give a real change, with the edits its authors made."""
    repo = DATA / f"real-{old.name}-{new.name}"
    shutil.rmtree(repo, ignore_errors=True)
    shutil.copytree(old, repo / old.name)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "base"], cwd=repo, check=True, env=_ENV)
    shutil.rmtree(repo / old.name)
    shutil.copytree(new, repo / old.name)
    return repo


_SERVER = """
import anyio, json, sys, time
from mcp import Client
from pattern_warden.config import load_config
from pattern_warden.diskcache import open_cache
from pattern_warden.server import build_server

async def main():
    config = load_config(sys.argv[1])
    disk = open_cache(config) if sys.argv[3:] == ["disk"] else None
    async with Client(build_server(config, disk=disk)) as client:
        times = []
        for _ in range(int(sys.argv[2])):
            start = time.perf_counter()
            result = await client.call_tool("review_change", {})
            times.append(time.perf_counter() - start)
        text = "".join(getattr(c, "text", "") for c in result.content)
        structured = json.dumps(result.structured_content or {})
        print(json.dumps({"calls": times, "text_chars": len(text), "structured_chars": len(structured),
                          "error": result.is_error}))

anyio.run(main)
"""


def _env(src: str | None) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": src} if src else dict(os.environ)


def cold_cli(repo: Path, src: str | None, keep_cache: bool = False) -> float:
    """Wall time of one `python -m pattern_warden review` in a new process, as a person waits for
    it: interpreter start, import, the review and the process's exit. Without ``keep_cache`` the
    persistent cache is deleted first, so nothing is on disk."""
    if not keep_cache:
        shutil.rmtree(repo / ".pattern-warden-cache", ignore_errors=True)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pattern_warden", "review", "--root", str(repo)],
                          capture_output=True, text=True, timeout=600, env=_env(src))
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"review failed: {done.stderr}")
    return elapsed


def main() -> int:
    """Build the change, then time a cold CLI review and warm server reviews."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=600)
    parser.add_argument("--runs", type=int, default=1, help="cold CLI runs (each a new process)")
    parser.add_argument("--src", help="a checkout's src folder to measure instead of the installed package")
    parser.add_argument("--real", nargs=2, type=Path, metavar=("OLD", "NEW"),
                        help="review the change from folder OLD to folder NEW (two releases) instead")
    args = parser.parse_args()
    repo = build_real(*args.real) if args.real else build(args.files)
    changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=repo, check=True,
                             capture_output=True, text=True).stdout.splitlines()
    load = os.getloadavg()[0]
    colds = [cold_cli(repo, args.src) for _ in range(args.runs)]
    out = subprocess.run([sys.executable, "-c", _SERVER, str(repo), "3"], capture_output=True, text=True,
                         check=True, timeout=600, env=_env(args.src))
    server = json.loads(out.stdout)
    again = cold_cli(repo, args.src, keep_cache=True)  # the cache the cold run left (issue 16)
    out = subprocess.run([sys.executable, "-c", _SERVER, str(repo), "1", "disk"], capture_output=True, text=True,
                         check=True, timeout=600, env=_env(args.src))
    session = json.loads(out.stdout)
    python_changed = sum(1 for line in changed if line.endswith(".py"))
    what = f"{args.real[0]} -> {args.real[1]}" if args.real else f"{args.files} edited stdlib modules"
    print(f"change: {what}, {python_changed} Python files changed; code from {args.src or 'the installed package'}")
    print(f"1-minute load average before the runs: {load:.2f} on {os.cpu_count()} cores (shared machine)")
    print(f"review cold from the CLI (wall time of a new process: start, import, review, exit), median of {len(colds)}: "
          f"{statistics.median(colds):.3f} s")
    print(f"review through the server: first call {server['calls'][0]:.3f} s, warm (calls 2-3) median "
          f"{statistics.median(server['calls'][1:]):.3f} s; answer {server['text_chars']} text chars, "
          f"{server['structured_chars']} structured chars, error={server['error']}")
    print(f"review from the CLI, second process with the first one's disk cache: {again:.3f} s")
    print(f"review through a new server session with the disk cache: first call {session['calls'][0]:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
