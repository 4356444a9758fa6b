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
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, git, write_tree

pytestmark = pytest.mark.slow

NPM = shutil.which("npm")
NODE = shutil.which("node")
MUTABLE = 'def collect(item, seen=[]):\n    """Collect."""\n    seen.append(item)\n    return seen\n'
CLEAN = '"""Clean module."""\n\n\ndef collect(item):\n    """Collect."""\n    return [item]\n'
_COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", ".venv-*", ".pattern-warden-cache", "__pycache__",
                                      "*.egg-info", ".pytest_cache", "build", "dist", ".data")
#: The machine's certificate settings, which a user's shell has too (uv and pip reach PyPI with them).
_CERTS = {k: v for k, v in os.environ.items() if k in ("SSL_CERT_FILE", "SSL_CERT_DIR", "PIP_CERT")}


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
           "MCP_TIMEOUT": "300000", "DISABLE_AUTOUPDATER": "1", **_CERTS}
    return {"bin": str(base / "npm" / "node_modules" / ".bin" / "claude"), "env": env, "base": base}


@pytest.fixture(scope="module")
def uv_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding only uv (from PyPI), to put on Claude Code's PATH as a user with uv has it."""
    base = tmp_path_factory.mktemp("uv")
    subprocess.run([sys.executable, "-m", "venv", str(base / "venv")], check=True, timeout=300)
    done = subprocess.run([str(base / "venv" / "bin" / "python"), "-m", "pip", "install", "-q", "uv>=0.5,<1"],
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        pytest.skip(f"uv could not be installed from PyPI: {done.stderr[-500:]}")
    (base / "bin").mkdir()
    (base / "bin" / "uv").symlink_to(base / "venv" / "bin" / "uv")
    return base / "bin"


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


def test_plugin_installs_connects_and_its_hooks_keep_the_contract(claude: dict, uv_bin: Path) -> None:
    """From a local checkout whose .venv is the user's (pytest in it): the plugin connects at the
    first `claude mcp list` (uv on PATH), leaves that .venv alone, and runs a bumped version."""
    checkout = claude["base"] / "marketplace"
    shutil.copytree(REPO, checkout, ignore=_COPY_IGNORE)
    subprocess.run([sys.executable, "-m", "venv", str(checkout / ".venv")], check=True, timeout=300)
    subprocess.run([str(checkout / ".venv" / "bin" / "python"), "-m", "pip", "install", "-q", "pytest"], check=True,
                   capture_output=True, timeout=600)
    (checkout / ".venv" / "the-users-own").write_text("kept\n")
    project = _project(claude["base"], "project")
    # Claude Code's own health-check time (no MCP_TIMEOUT), and uv on PATH.
    shell = {k: v for k, v in claude["env"].items() if k != "MCP_TIMEOUT"}
    with_uv = {**claude, "env": {**shell, "PATH": f"{uv_bin}:{shell['PATH']}"}}
    assert _claude(with_uv, checkout, "plugin", "validate", ".").returncode == 0
    added = _claude(with_uv, project, "plugin", "marketplace", "add", str(checkout))
    assert added.returncode == 0, added.stdout + added.stderr
    installed = _claude(with_uv, project, "plugin", "install", "pattern-warden@pattern-warden")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    details = _claude(with_uv, project, "plugin", "details", "pattern-warden@pattern-warden").stdout
    hooks_line = re.search(r"Hooks \(4\)\s+([A-Za-z, ]+)", details)
    assert re.search(r"Skills \(1\)\s+pattern-warden", details) and hooks_line, details
    assert set(hooks_line[1].replace(" ", "").split(",")) == {"SessionStart", "PreToolUse", "PostToolUse", "Stop"}
    assert re.search(r"MCP servers \(1\)\s+pattern-warden", details), details

    started = time.monotonic()
    first = _claude(with_uv, project, "mcp", "list").stdout
    print(f"claude mcp list (plugin, first start with uv, {time.monotonic() - started:.1f} s):", first, sep="\n")
    assert "Connected" in _server_line(first, "plugin:pattern-warden:pattern-warden")
    assert (checkout / ".venv" / "the-users-own").read_text() == "kept\n"
    assert subprocess.run([str(checkout / ".venv" / "bin" / "python"), "-m", "pytest", "--version"],
                          capture_output=True, timeout=120).returncode == 0
    data = Path(claude["env"]["HOME"]) / ".claude" / "plugins" / "data" / "pattern-warden-pattern-warden"
    assert [p.name for p in data.glob("env-*/.pattern-warden-ready")], sorted(p.name for p in data.iterdir())

    hooks = json.loads((checkout / "plugin" / "hooks.json").read_text(encoding="utf-8"))["hooks"]
    assert re.fullmatch(hooks["PostToolUse"][0]["matcher"], "MultiEdit")
    edit_command = hooks["PostToolUse"][0]["hooks"][0]["command"]
    stop_command = hooks["Stop"][0]["hooks"][0]["command"]
    start_command = hooks["SessionStart"][0]["hooks"][0]["command"]
    # What Claude Code gives a plugin's hook (seen in its environment): the plugin root and data folder.
    env = {**with_uv["env"], "CLAUDE_PLUGIN_ROOT": str(checkout), "CLAUDE_PLUGIN_DATA": str(data),
           "CLAUDE_PROJECT_DIR": str(project)}

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

    # A new version in the checkout: the next start installs it and runs it.
    pyproject = checkout / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace('version = "', 'version = "9.', 1),
                         encoding="utf-8")
    bumped = re.search(r'^version = "(.+)"', pyproject.read_text(encoding="utf-8"), re.M).group(1)
    listing = _claude(with_uv, project, "mcp", "list").stdout
    assert "Connected" in _server_line(listing, "plugin:pattern-warden:pattern-warden")
    version = subprocess.run([f"{checkout}/plugin/run", "--version"], env=env, capture_output=True, text=True,
                             timeout=120)
    assert version.stdout.strip() == f"pattern-warden {bumped}", version.stdout + version.stderr
    assert len(list(data.glob("env-*/.pattern-warden-ready"))) == 2  # the one before is kept, older ones go


def test_plugin_without_uv_says_why_its_first_start_is_slow(claude: dict) -> None:
    """No uv on PATH: the first start installs with pip and says so, and why, on stderr."""
    checkout = claude["base"] / "no-uv"
    shutil.copytree(REPO, checkout, ignore=_COPY_IGNORE)
    env = {**claude["env"], "CLAUDE_PLUGIN_ROOT": str(checkout), "CLAUDE_PLUGIN_DATA": str(claude["base"] / "no-uv-data")}
    first = subprocess.run([f"{checkout}/plugin/run", "--version"], env=env, capture_output=True, text=True,
                           timeout=900)
    assert first.returncode == 0 and first.stdout.startswith("pattern-warden "), first.stderr
    assert "because uv is not on PATH" in first.stderr
    again = subprocess.run([f"{checkout}/plugin/run", "--version"], env=env, capture_output=True, text=True,
                           timeout=120)
    assert (again.stdout, again.stderr) == (first.stdout, "")
    assert not (checkout / ".venv").exists()


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
