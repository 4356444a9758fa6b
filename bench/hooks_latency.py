"""How long the Claude Code hooks take on a real repository of 1,000+ Python files.

The edit hook runs after every Python edit an agent makes, so it must answer within 2 s with a
warm cache; the stop hook runs once per turn. This script copies an unpacked sdist into a
temporary git repository (one commit), edits one module the way an agent would, and times the
installed console script exactly as Claude Code runs it: a new process, the JSON payload on
stdin. The first call of each kind is cold (no parsed files, no result cache); the rest are warm.

    pip download --no-deps --no-binary :all: sympy==1.13.3 -d /work/corpus/reach
    tar xzf /work/corpus/reach/sympy-1.13.3.tar.gz -C /work/corpus/reach
    python bench/hooks_latency.py /work/corpus/reach/sympy-1.13.3 --runs 5
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLEAN_ADDITION = '\n\ndef _bench_helper(value):\n    """Return the value doubled."""\n    return value * 2\n'
BAD_ADDITION = '\n\ndef _bench_collect(item, seen=[]):\n    """Collect items."""\n    seen.append(item)\n    return seen\n'


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", *args], cwd=cwd,
                   check=True, capture_output=True)


def _hook(command: list[str], event: str, payload: dict) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run([*command, "hook", event], input=json.dumps(payload), capture_output=True, text=True,
                          timeout=600)
    return time.perf_counter() - start, done


def _series(label: str, runs: int, call) -> dict:
    times, outcome = [], None
    for _ in range(runs):
        seconds, outcome = call()
        times.append(seconds)
    warm = times[1:] or times
    row = {"case": label, "cold_s": round(times[0], 3), "warm_median_s": round(statistics.median(warm), 3),
           "warm_max_s": round(max(warm), 3), "runs": runs, "exit": outcome.returncode,
           "stderr_lines": len(outcome.stderr.splitlines()), "stdout_bytes": len(outcome.stdout)}
    print(json.dumps(row), flush=True)
    return row


def main() -> None:
    """Time each hook case on a copy of the sdist and print one JSON line per case."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sdist", type=Path, help="an unpacked sdist with 1,000+ .py files (not Django, not stdlib)")
    parser.add_argument("--target", help="the module to edit, relative to the sdist (default: a mid-sized one)")
    parser.add_argument("--runs", type=int, default=5, help="calls per case; the first is cold (default: 5)")
    args = parser.parse_args()
    command = [str(Path(sys.executable).with_name("pattern-warden"))]
    with tempfile.TemporaryDirectory(prefix="hooks-bench-") as tmp:
        repo = Path(tmp) / "repo"
        shutil.copytree(args.sdist, repo)
        files = sorted(repo.rglob("*.py"))
        _git(repo, "init", "-q", "-b", "main")
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", "sdist")
        target = repo / args.target if args.target else sorted(
            (f for f in files if "/tests/" not in f.as_posix()), key=lambda f: f.stat().st_size)[len(files) // 3]
        original = target.read_text(encoding="utf-8")
        print(json.dumps({"repo": args.sdist.name, "py_files": len(files), "target": str(target.relative_to(repo)),
                          "target_lines": original.count("\n")}), flush=True)
        edit = {"session_id": "bench", "transcript_path": str(repo / "t.jsonl"), "cwd": str(repo),
                "hook_event_name": "PostToolUse", "tool_name": "Edit", "tool_input": {"file_path": str(target)}}
        stop = {"session_id": "bench", "transcript_path": str(repo / "t.jsonl"), "cwd": str(repo),
                "hook_event_name": "Stop", "stop_hook_active": False}
        target.write_text(original + CLEAN_ADDITION, encoding="utf-8")
        _series("edit, clean addition (exit 0)", args.runs, lambda: _hook(command, "edit", edit))
        target.write_text(original + BAD_ADDITION, encoding="utf-8")
        _series("edit, adds ERR001 (exit 2)", args.runs, lambda: _hook(command, "edit", edit))
        _series("stop, failing review (block)", max(2, args.runs // 2), lambda: _hook(command, "stop", stop))
        _series("stop, stop_hook_active (no-op)", args.runs, lambda: _hook(command, "stop",
                                                                            {**stop, "stop_hook_active": True}))


if __name__ == "__main__":
    main()
