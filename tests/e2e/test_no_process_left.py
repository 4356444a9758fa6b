"""No process outlives the one that started it: a CLI or a server killed in the middle of a job
that runs in worker processes takes its workers (and a server's forkserver and resource
tracker) with it. Claude Code stops a server after its health check, and a test run kills
servers by the dozen: each of them used to leave three or more processes running. Each case
runs the console script in a session of its own, so that whatever it started can be found
afterwards, however re-parented."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from pattern_warden.rules.engine import PARALLEL_MIN_FILES
from tests.conftest import console_script, write_tree

#: Enough files for the rule check to use the worker pool, each slow enough to keep it busy.
BODY = "".join(f"def f{i}(items, seen=[]):\n    for item in items:\n        seen.append(item)\n    return seen\n\n\n"
               for i in range(60))


def _session(sid: int) -> list[str]:
    """The command lines of the live (not zombie) processes in session ``sid``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # it ended while we looked
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(f"{stat.parent.name}: {cmdline[:160]}")
    return found


def _until(predicate, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def _mcp_requests() -> bytes:
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "check_rules", "arguments": {"paths": ["."]}}},
    ]
    return "".join(json.dumps(m) + "\n" for m in messages).encode()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads sessions from /proc (Linux)")
@pytest.mark.parametrize("front_door", ["cli check (forked workers)", "server (forkserver workers)"])
def test_killed_mid_job_leaves_no_process_behind(project: Path, front_door: str) -> None:
    write_tree(project, {f"pkg/m{i:03d}.py": BODY for i in range(PARALLEL_MIN_FILES * 2)})
    if front_door.startswith("cli"):
        command = [*console_script(), "check", ".", "--root", str(project), "--no-cache", "--workers", "2"]
        stdin = subprocess.DEVNULL
    else:
        command = [*console_script(), "serve", "--root", str(project), "--no-cache"]
        stdin = subprocess.PIPE
    process = subprocess.Popen(command, cwd=project, stdin=stdin, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        if process.stdin is not None:
            process.stdin.write(_mcp_requests())
            process.stdin.flush()
        workers = 3 if front_door.startswith("cli") else 5  # the parent and two workers (+ forkserver, tracker)
        assert _until(lambda: len(_session(process.pid)) >= workers, 60), _session(process.pid)
        os.kill(process.pid, signal.SIGKILL)  # as abrupt as it gets: no handler, no atexit
        process.wait(timeout=30)
        assert _until(lambda: not _session(process.pid), 15), "\n".join(_session(process.pid))
    finally:
        for line in _session(process.pid):
            os.kill(int(line.split(":", 1)[0]), signal.SIGKILL)  # never leave them to the next test
        if process.poll() is None:
            process.kill()
            process.wait()

