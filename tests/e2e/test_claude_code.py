"""A new user's path through Claude Code's real CLI: plugin, `claude mcp add`, and the hooks.

Claude Code is installed from npm into a temporary prefix with HOME in a temporary folder, so
nothing of the machine's own setup takes part. No model runs: `claude plugin ...` and
`claude mcp list` are the CLI's own commands, and the hooks are fed the JSON payloads that
Claude Code's hook reference documents.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, git, write_tree

pytestmark = pytest.mark.slow

NPM = shutil.which("npm")
NODE = shutil.which("node")
MUTABLE = 'def collect(item, seen=[]):\n    """Collect."""\n    seen.append(item)\n    return seen\n'
CLEAN = '"""Clean module."""\n\n\ndef collect(item):\n    """Collect."""\n    return [item]\n'
_COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", ".venv.lock", ".venv-install.log", ".pattern-warden-cache", "__pycache__",
                                      "*.egg-info", ".pytest_cache", "build", "dist")


@pytest.fixture(scope="module")
def claude(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Claude Code's CLI in a temporary prefix, and an environment without our virtual environment."""
    if NPM is None or NODE is None:
        pytest.skip("npm is not installed: cannot install @anthropic-ai/claude-code to drive the real CLI")
    base = tmp_path_factory.mktemp("claude")
    done = subprocess.run([NPM, "install", "--prefix", str(base / "npm"), "--no-audit", "--no-fund",
                           "@anthropic-ai/claude-code"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    home = base / "home"
    home.mkdir()
    # A fresh shell: system folders and node only; the venv running these tests is not on PATH.
    env = {"HOME": str(home), "PATH": f"{Path(NODE).parent}:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
           "MCP_TIMEOUT": "300000", "DISABLE_AUTOUPDATER": "1"}
    return {"bin": str(base / "npm" / "node_modules" / ".bin" / "claude"), "env": env, "base": base}


def _claude(claude: dict, cwd: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([claude["bin"], *args], cwd=cwd, env=claude["env"], capture_output=True, text=True,
                          timeout=timeout)


def _project(base: Path, name: str) -> Path:
    root = base / name
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write_tree(root, {"mod.py": CLEAN})
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "init")
    return root


def _server_line(listing: str, name: str) -> str:
    lines = [line for line in listing.splitlines() if line.startswith(f"{name}:")]
    assert lines, f"no {name} in claude mcp list:\n{listing}"
    return lines[0]


def test_plugin_installs_connects_and_its_hooks_keep_the_contract(claude: dict) -> None:
    checkout = claude["base"] / "marketplace"
    shutil.copytree(REPO, checkout, ignore=_COPY_IGNORE)
    project = _project(claude["base"], "project")
    assert _claude(claude, checkout, "plugin", "validate", ".").returncode == 0
    added = _claude(claude, project, "plugin", "marketplace", "add", str(checkout))
    assert added.returncode == 0, added.stdout + added.stderr
    installed = _claude(claude, project, "plugin", "install", "pattern-warden@pattern-warden")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    details = _claude(claude, project, "plugin", "details", "pattern-warden@pattern-warden").stdout
    hooks_line = re.search(r"Hooks \(4\)\s+([A-Za-z, ]+)", details)
    assert re.search(r"Skills \(1\)\s+pattern-warden", details) and hooks_line, details
    assert set(hooks_line[1].replace(" ", "").split(",")) == {"SessionStart", "PreToolUse", "PostToolUse", "Stop"}

    first = _claude(claude, project, "mcp", "list").stdout
    # The first start installs the plugin's venv; when Claude Code stops waiting for it, the
    # detached install goes on and the next start connects.
    _server_line(first, "plugin:pattern-warden:pattern-warden")
    ready = checkout / ".venv" / ".pattern-warden-ready"
    for _ in range(600):
        if ready.exists():
            break
        time.sleep(1)
    assert ready.exists(), (checkout / ".venv-install.log").read_text(encoding="utf-8")[-2000:]
    listing = _claude(claude, project, "mcp", "list").stdout
    print("claude mcp list (plugin):", first, listing, sep="\n")  # recorded for the closing note
    assert "Connected" in _server_line(listing, "plugin:pattern-warden:pattern-warden")

    hooks = json.loads((checkout / "plugin" / "hooks.json").read_text(encoding="utf-8"))["hooks"]
    assert re.fullmatch(hooks["PostToolUse"][0]["matcher"], "MultiEdit")
    edit_command = hooks["PostToolUse"][0]["hooks"][0]["command"]
    stop_command = hooks["Stop"][0]["hooks"][0]["command"]
    start_command = hooks["SessionStart"][0]["hooks"][0]["command"]
    env = {**claude["env"], "CLAUDE_PLUGIN_ROOT": str(checkout), "CLAUDE_PROJECT_DIR": str(project)}

    def hook(command: str, payload: dict) -> subprocess.CompletedProcess[str]:
        payload = {"session_id": "e2e", "transcript_path": str(project / "t.jsonl"), "cwd": str(project), **payload}
        return subprocess.run(["bash", "-c", command], input=json.dumps(payload), cwd=project, env=env,
                              capture_output=True, text=True, timeout=120)

    def edit(tool: str) -> subprocess.CompletedProcess[str]:
        return hook(edit_command, {"hook_event_name": "PostToolUse", "tool_name": tool,
                                   "tool_input": {"file_path": str(project / "mod.py")}})

    started = hook(start_command, {"hook_event_name": "SessionStart", "source": "startup"})
    assert (started.returncode, started.stdout) == (0, ""), started.stderr  # the session's baseline: the tree now
    write_tree(project, {"mod.py": MUTABLE})
    blocked = edit("Write")
    assert blocked.returncode == 2 and "ERR001" in blocked.stderr and "mod.py:1" in blocked.stderr
    stop = hook(stop_command, {"hook_event_name": "Stop", "stop_hook_active": False})
    assert stop.returncode == 0 and json.loads(stop.stdout)["decision"] == "block"
    assert "ERR001" in json.loads(stop.stdout)["reason"]
    again = hook(stop_command, {"hook_event_name": "Stop", "stop_hook_active": True})
    assert (again.returncode, again.stdout) == (0, "")

    write_tree(project, {"mod.py": CLEAN.replace("[item]", "[item, item]")})
    clean = edit("Edit")
    assert (clean.returncode, clean.stdout, clean.stderr) == (0, "", "")
    passed = hook(stop_command, {"hook_event_name": "Stop", "stop_hook_active": False})
    assert (passed.returncode, passed.stdout) == (0, "")


def test_readme_claude_mcp_add_line_connects_from_a_fresh_shell(claude: dict) -> None:
    checkout = claude["base"] / "checkout"
    shutil.copytree(REPO, checkout, ignore=_COPY_IGNORE)
    git(checkout, "init", "-q", "-b", "main")
    git(checkout, "add", "-A")
    git(checkout, "commit", "-q", "-m", "fresh clone")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    install = re.search(r"```sh\n(.*?)\n", readme).group(1)
    add_line = next(line for line in readme.splitlines() if line.startswith("claude mcp add pattern-warden -- \"$PWD"))
    shell = {**claude["env"], "PATH": f"{Path(claude['bin']).parent}:{claude['env']['PATH']}"}
    done = subprocess.run(["bash", "-c", install], cwd=checkout, env=shell, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    added = subprocess.run(["bash", "-c", add_line], cwd=checkout, env=shell, capture_output=True, text=True,
                           timeout=120)
    assert added.returncode == 0, added.stdout + added.stderr
    fresh = subprocess.run(["env", "-i", *(f"{k}={v}" for k, v in shell.items()), "bash", "--noprofile", "--norc",
                            "-c", "claude mcp list"], cwd=checkout, capture_output=True, text=True, timeout=600)
    print("claude mcp list (README line):", fresh.stdout, sep="\n")
    assert ".venv" not in os.pathsep.join(shell["PATH"].split(os.pathsep))
    assert "Connected" in _server_line(fresh.stdout, "pattern-warden")
