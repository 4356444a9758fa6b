"""A new user's first ten minutes, timed step by step, on this machine's pythons.

Each step is what the README tells a new user to type, run in a fresh clone with a fresh
virtual environment; the Claude Code steps use the real CLI with HOME in a temporary folder and
PATH without any virtual environment. The README's second command runs the whole test suite;
here only its install half is timed and one test file stands in for the suite (the suite is
the CI's job, not a benchmark's).

    npm install --prefix /tmp/cc @anthropic-ai/claude-code
    python bench/new_user_steps.py . --python /usr/bin/python3 --python python3 \
        --claude /tmp/cc/node_modules/.bin/claude
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


def _step(label: str, command: str, cwd: Path, env: dict[str, str], show: bool = False) -> str:
    start = time.perf_counter()
    done = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=1800)
    seconds = time.perf_counter() - start
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()
             and not line.startswith("WARNING: Location")]
    row = {"step": label, "seconds": round(seconds, 2), "exit": done.returncode,
           "last_line": lines[-1][:160] if lines else ""}
    print(json.dumps(row), flush=True)
    if show:
        print(done.stdout, flush=True)
    return done.stdout + done.stderr


def main() -> None:
    """Run the README's steps per python and print one JSON line per step."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", type=Path, help="the pattern-warden git checkout to clone")
    parser.add_argument("--python", action="append", default=[], help="a python3 to put first on PATH (repeatable)")
    parser.add_argument("--claude", help="Claude Code's CLI; without it the Claude Code steps are skipped")
    args = parser.parse_args()
    readme = (args.checkout / "README.md").read_text(encoding="utf-8")
    first, second = re.search(r"```sh\n(.*?)\n(.*?)\n```", readme, re.S).groups()
    add_line = next(line for line in readme.splitlines() if line.startswith('claude mcp add pattern-warden -- "$PWD'))
    with tempfile.TemporaryDirectory(prefix="new-user-") as tmp:
        base = Path(tmp)
        home = base / "home"
        home.mkdir()
        node = Path(shutil.which("node") or "/usr/bin/node").parent
        for index, python in enumerate(args.python or ["python3"]):
            interpreter = Path(shutil.which(python) or python)
            env = {"HOME": str(home), "LANG": "C.UTF-8",
                   "PATH": f"{base / f'bin{index}'}:{node}:/usr/local/bin:/usr/bin:/bin"}
            (base / f"bin{index}").mkdir()
            (base / f"bin{index}" / "python3").symlink_to(interpreter)
            clone = base / f"clone{index}"
            _step(f"[{python}] git clone", f"git clone -q {args.checkout.resolve()} {clone}", base, env)
            _step(f"[{python}] pip install . without a venv (the old README)",
                  "python3 -m pip install -q . --dry-run", clone, env)
            _step(f"[{python}] README line 1: venv, install, review .", first, clone, env)
            _step(f"[{python}] README line 2, install half", second.split(" && ")[0], clone, env)
            _step(f"[{python}] one test file (stands in for the suite)",
                  ".venv/bin/python -m pytest -q -p no:cacheprovider tests/test_hooks.py", clone, env)
            if not args.claude:
                continue
            claude_env = {**env, "PATH": f"{Path(args.claude).parent}:{env['PATH']}", "MCP_TIMEOUT": "300000"}
            _step(f"[{python}] README claude mcp add", add_line, clone, claude_env)
            _step(f"[{python}] claude mcp list (fresh shell, no venv on PATH)", "claude mcp list", clone,
                  claude_env, show=True)
            if index:
                continue
            plugin = base / "plugin-source"
            shutil.copytree(clone, plugin, ignore=shutil.ignore_patterns(".venv", ".pattern-warden-cache"))
            project = base / "project"
            project.mkdir()
            _step("plugin marketplace add", f"claude plugin marketplace add {plugin}", project, claude_env)
            _step("plugin install", "claude plugin install pattern-warden@pattern-warden", project, claude_env)
            _step("claude mcp list, first start (bootstraps the venv)", "claude mcp list", project, claude_env,
                  show=True)
            _step("claude mcp list, second start", "claude mcp list", project, claude_env)
    print(json.dumps({"load_average": os.getloadavg()}))


if __name__ == "__main__":
    main()
