"""Claude Code, as far as the hooks can tell: the plugin's hook commands fed Claude Code's JSON.

``hooks.json`` wires each event to ``plugin/run hook <event>``, and ``plugin/run`` execs the
installed console script with those arguments; this driver runs the same console script with the
arguments hooks.json gives, in a new process per event, with the payload on stdin and the
project folder in ``CLAUDE_PROJECT_DIR`` and as the working directory, as Claude Code does. The
payloads carry the fields Claude Code documents for each event (session_id, transcript_path,
cwd, permission_mode, hook_event_name; source for SessionStart; tool_name, tool_input and
tool_use_id for PreToolUse, plus tool_response for PostToolUse; stop_hook_active for Stop), and
the events come in Claude Code's order: SessionStart, then PreToolUse, the tool's own write and
PostToolUse around each edit, then Stop.
"""

from __future__ import annotations

import itertools
import json
import os
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import REPO, console_script

def hook_arguments() -> dict[str, list[str]]:
    """Per event, the arguments hooks.json passes to ``plugin/run`` (e.g. ``["hook", "edit"]``)."""
    wired = json.loads((REPO / "plugin" / "hooks.json").read_text(encoding="utf-8"))["hooks"]
    out = {}
    for event, entries in wired.items():
        words = shlex.split(entries[0]["hooks"][0]["command"])
        assert words[0].endswith("/plugin/run"), words
        out[event] = words[1:]
    return out


@dataclass
class Hook:
    """One hook's answer: exit status, stdout, stderr."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def blocked(self) -> bool:
        """Exit 2 (an edit hook) or a block decision on stdout (the stop hook)."""
        return self.exit_code == 2 or (self.stdout.strip().startswith("{")
                                       and json.loads(self.stdout).get("decision") == "block")

    @property
    def text(self) -> str:
        """What the agent is told: stderr of an edit hook, the reason of a stop hook."""
        if self.stdout.strip().startswith("{"):
            return json.loads(self.stdout).get("reason", "")
        return self.stderr


@dataclass
class ClaudeCode:
    """A Claude Code session on ``root``: its events, in order, to the plugin's hook commands."""

    root: Path
    session_id: str = "5d3f1c2a-0000-4000-8000-000000000001"
    calls: itertools.count = field(default_factory=lambda: itertools.count(1))

    def _common(self, event: str) -> dict:
        return {"session_id": self.session_id, "transcript_path": str(self.root / ".claude-transcript.jsonl"),
                "cwd": str(self.root), "permission_mode": "acceptEdits", "hook_event_name": event}

    def send(self, event: str, payload: dict) -> Hook:
        """Run the command hooks.json wires to ``event`` with ``payload`` on stdin."""
        env = {**os.environ, "CLAUDE_PROJECT_DIR": str(self.root)}
        done = subprocess.run([*console_script(), *hook_arguments()[event]], input=json.dumps(payload), text=True,
                              capture_output=True, cwd=self.root, env=env, timeout=300)
        return Hook(done.returncode, done.stdout, done.stderr)

    def start(self, source: str = "startup") -> Hook:
        """SessionStart."""
        return self.send("SessionStart", {**self._common("SessionStart"), "source": source,
                                          "model": "claude-sonnet-4-5"})

    def _tool(self, tool: str, tool_input: dict, apply, response: dict, pre: bool = True) -> Hook:
        call = f"toolu_{next(self.calls):04d}"
        if pre:
            answer = self.send("PreToolUse", {**self._common("PreToolUse"), "tool_name": tool,
                                              "tool_input": tool_input, "tool_use_id": call})
            assert answer.exit_code == 0 and not answer.stdout, answer
        apply()
        return self.send("PostToolUse", {**self._common("PostToolUse"), "tool_name": tool, "tool_input": tool_input,
                                         "tool_response": response, "tool_use_id": call})

    def write(self, rel: str, content: str, pre: bool = True) -> Hook:
        """The Write tool: PreToolUse, the file written, PostToolUse."""
        path = self.root / rel
        existed = path.exists()

        def apply() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")

        return self._tool("Write", {"file_path": str(path), "content": content}, apply,
                          {"type": "update" if existed else "create", "filePath": str(path), "content": content},
                          pre)

    def edit(self, rel: str, old: str, new: str, pre: bool = True) -> Hook:
        """The Edit tool: PreToolUse, ``old`` replaced once by ``new``, PostToolUse."""
        path = self.root / rel
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} must occur once in {rel}"
        tool_input = {"file_path": str(path), "old_string": old, "new_string": new, "replace_all": False}
        return self._tool("Edit", tool_input, lambda: path.write_text(text.replace(old, new), encoding="utf-8"),
                          {"filePath": str(path), "oldString": old, "newString": new, "originalFile": text,
                           "structuredPatch": [], "userModified": False, "replaceAll": False}, pre)

    def stop(self, active: bool = False) -> Hook:
        """Stop."""
        return self.send("Stop", {**self._common("Stop"), "stop_hook_active": active})
