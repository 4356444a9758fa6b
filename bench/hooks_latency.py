"""How long the Claude Code hooks take on a real project of 1,500 Python files, in a session.

The edit hook runs after every Python edit an agent makes and the stop hook once per turn; the
targets are 0.5 s for an edit and 1 s for a stop reviewing a 20-file session change, warm. This
script copies an unpacked sdist into a temporary git repository (one commit) and plays a Claude
Code session on it through the installed console script, exactly as Claude Code runs the hooks:
a new process per event, the JSON payload on stdin. SessionStart; then, for each of ``--files``
modules, PreToolUse, the edit (a clean function appended; the last edit adds a mutable default,
so the stop has something to block, and is timed alone as ``last_s``: only an edit with a new
finding looks for it in the project's other files), PostToolUse; then Stop ``--runs`` times. The first call of
each kind is cold (no parsed files, no result cache); the rest are warm. One JSON line per case,
the last the floor: a hook process that does no work (``stop_hook_active``).

    pip download --no-deps --no-binary :all: ansible-core==2.17.7 -d /work/corpus/gates-bench
    tar xzf /work/corpus/gates-bench/ansible_core-2.17.7.tar.gz -C /work/corpus/gates-bench
    python bench/hooks_latency.py /work/corpus/gates-bench/ansible_core-2.17.7 --files 20 --runs 5
    python bench/hooks_latency.py /work/corpus/gates-bench/ansible_core-2.17.7 --outside-git
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLEAN_ADDITION = '\n\ndef _bench_helper_{n}(value):\n    """Return the value doubled."""\n    return value * 2\n'
BAD_ADDITION = '\n\ndef _bench_collect(item, seen=[]):\n    """Collect items."""\n    seen.append(item)\n    return seen\n'


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", *args], cwd=cwd,
                   check=True, capture_output=True)


class Session:
    """One Claude Code session's hook calls on ``repo``, timed."""

    def __init__(self, repo: Path, command: list[str], env: dict[str, str]) -> None:
        self.repo, self.command, self.env = repo, command, env
        self.common = {"session_id": "bench-session", "transcript_path": str(repo / "t.jsonl"), "cwd": str(repo),
                       "permission_mode": "acceptEdits"}

    def call(self, event: str, name: str, **fields: object) -> tuple[float, subprocess.CompletedProcess[str]]:
        """Run ``pattern-warden hook <event>`` with the payload; (seconds, process)."""
        payload = {**self.common, "hook_event_name": name, **fields}
        start = time.perf_counter()
        done = subprocess.run([*self.command, "hook", event], input=json.dumps(payload), capture_output=True,
                              text=True, timeout=600, cwd=self.repo, env=self.env)
        return time.perf_counter() - start, done


def _row(label: str, times: list[float], outcome: subprocess.CompletedProcess[str]) -> dict:
    warm = times[1:] or times
    row = {"case": label, "calls": len(times), "cold_s": round(times[0], 3),
           "warm_median_s": round(statistics.median(warm), 3), "warm_max_s": round(max(warm), 3),
           "last_s": round(times[-1], 3), "last_exit": outcome.returncode, "last_stdout_bytes": len(outcome.stdout),
           "last_stderr_lines": len(outcome.stderr.splitlines())}
    print(json.dumps(row), flush=True)
    return row


def main() -> None:
    """Play the session on a copy of the sdist and print one JSON line per case."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sdist", type=Path, help="an unpacked sdist with about 1,500 .py files")
    parser.add_argument("--files", type=int, default=20, help="modules the session edits (default: 20)")
    parser.add_argument("--runs", type=int, default=5, help="stop calls; the first is cold (default: 5)")
    parser.add_argument("--outside-git", action="store_true", help="a plain folder: no git repository")
    args = parser.parse_args()
    command = [str(Path(sys.executable).with_name("pattern-warden"))]
    with tempfile.TemporaryDirectory(prefix="hooks-bench-") as tmp:
        repo = Path(tmp) / "repo"
        shutil.copytree(args.sdist, repo)
        # pip compiles an installed package's bytecode; a shell that forbids writing it would time
        # the compiler on every hook call instead of the hook
        env = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
               "XDG_CACHE_HOME": str(Path(tmp) / "cache"), "CLAUDE_PROJECT_DIR": str(repo)}
        files = sorted(repo.rglob("*.py"))
        if not args.outside_git:
            _git(repo, "init", "-q", "-b", "main")
            _git(repo, "add", "-A")
            _git(repo, "commit", "-q", "-m", "sdist")
        production = sorted((f for f in files if "test" not in f.as_posix()), key=lambda f: f.stat().st_size)
        step = max(len(production) // (args.files + 1), 1)
        targets = production[step::step][: args.files]
        print(json.dumps({"repo": args.sdist.name, "git": not args.outside_git, "py_files": len(files),
                          "edited": len(targets),
                          "edited_lines": sum(t.read_text(encoding="utf-8").count("\n") for t in targets)}), flush=True)
        session = Session(repo, command, env)
        started, outcome = session.call("session-start", "SessionStart", source="startup", model="bench")
        _row("session-start", [started], outcome)
        pre_times, edit_times, edit_outcome = [], [], None
        for n, target in enumerate(targets):
            tool_input = {"file_path": str(target), "content": "..."}
            seconds, outcome = session.call("pre-edit", "PreToolUse", tool_name="Write", tool_input=tool_input,
                                            tool_use_id=f"toolu_{n}")
            pre_times.append(seconds)
            addition = BAD_ADDITION if n == len(targets) - 1 else CLEAN_ADDITION.format(n=n)
            target.write_text(target.read_text(encoding="utf-8") + addition, encoding="utf-8")
            seconds, edit_outcome = session.call("edit", "PostToolUse", tool_name="Write", tool_input=tool_input,
                                                 tool_response={"type": "update", "filePath": str(target)},
                                                 tool_use_id=f"toolu_{n}")
            edit_times.append(seconds)
        _row("pre-edit (PreToolUse)", pre_times, outcome)
        _row(f"edit (PostToolUse), {len(targets)} files; the last adds ERR001", edit_times, edit_outcome)  # type: ignore[arg-type]
        stop_times, stop_outcome = [], None
        for _ in range(args.runs):
            seconds, stop_outcome = session.call("stop", "Stop", stop_hook_active=False)
            stop_times.append(seconds)
        _row(f"stop, {len(targets)}-file session change (blocks)", stop_times, stop_outcome)  # type: ignore[arg-type]
        # The floor: a process that starts, reads the payload and answers (stop_hook_active: no work).
        floor = [session.call("stop", "Stop", stop_hook_active=True) for _ in range(args.runs)]
        _row("floor: stop with stop_hook_active (interpreter and imports only)", [t for t, _ in floor], floor[-1][1])


if __name__ == "__main__":
    main()
