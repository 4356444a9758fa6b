"""The Claude Code hooks, fed the documented JSON payloads, against real git repositories."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

from pattern_warden.hooks import run
from pattern_warden.session import undo_edit
from tests.conftest import console_script, git, write_tree

MUTABLE = 'def collect(item, seen=[]):\n    """Collect."""\n    seen.append(item)\n    return seen\n'
CLEAN = '"""Clean module."""\n\n\ndef collect(item):\n    """Collect."""\n    return [item]\n'


def _edit_payload(root: Path, rel: str, tool: str = "Edit") -> dict:
    return {
        "session_id": "s", "transcript_path": str(root / "t.jsonl"), "cwd": str(root),
        "hook_event_name": "PostToolUse", "tool_name": tool,
        "tool_input": {"file_path": str(root / rel)}, "tool_response": {"success": True},
    }


def _stop_payload(root: Path, active: bool = False) -> dict:
    return {"session_id": "s", "transcript_path": str(root / "t.jsonl"), "cwd": str(root),
            "hook_event_name": "Stop", "stop_hook_active": active}


def _hook(event: str, payload: dict):
    return run(event, io.StringIO(json.dumps(payload)))


def _commit(root: Path) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "c")


def test_edit_that_adds_a_mutable_default_blocks_with_code_line_and_fix(git_project: Path) -> None:
    write_tree(git_project, {"pkg/mod.py": MUTABLE})
    answer = _hook("edit", _edit_payload(git_project, "pkg/mod.py", "Write"))
    assert answer.exit_code == 2
    assert answer.stdout == ""
    assert "pkg/mod.py:1: ERR001 [error]" in answer.stderr
    assert "Fix: Default to None" in answer.stderr


def test_clean_edit_is_silent(git_project: Path) -> None:
    write_tree(git_project, {"mod.py": CLEAN})
    answer = _hook("edit", _edit_payload(git_project, "mod.py"))
    assert (answer.exit_code, answer.stdout, answer.stderr) == (0, "", "")


def test_finding_already_at_head_is_not_new_even_when_the_edit_moves_it(git_project: Path) -> None:
    write_tree(git_project, {"mod.py": MUTABLE})
    _commit(git_project)
    write_tree(git_project, {"mod.py": '"""Docs."""\nimport os\n\nBASE = os.sep\n\n\n' + MUTABLE})
    assert _hook("edit", _edit_payload(git_project, "mod.py")).exit_code == 0
    write_tree(git_project, {"mod.py": MUTABLE + "\n\ndef more(x, y={}):\n    \"\"\"More.\"\"\"\n    return y\n"})
    answer = _hook("edit", _edit_payload(git_project, "mod.py", "MultiEdit"))
    assert answer.exit_code == 2
    assert "mod.py:7: ERR001" in answer.stderr and "mod.py:1:" not in answer.stderr


def test_switches_and_severity_floor_come_from_the_project(git_project: Path) -> None:
    write_tree(git_project, {"mod.py": MUTABLE, "pyproject.toml": '[tool.pattern-warden.hooks]\nedit = false\n'})
    assert _hook("edit", _edit_payload(git_project, "mod.py")) == run("edit", io.StringIO("{}"))
    write_tree(git_project, {"pyproject.toml": '[tool.pattern-warden.hooks]\nedit-severity = "error"\n',
                             "warn.py": '"""W."""\n\n\ndef f():\n    """F."""\n    print("x")\n'})
    assert _hook("edit", _edit_payload(git_project, "warn.py")).exit_code == 0
    assert _hook("edit", _edit_payload(git_project, "mod.py")).exit_code == 2


def test_other_tools_and_files_are_ignored(git_project: Path) -> None:
    write_tree(git_project, {"mod.py": MUTABLE, "notes.md": "x"})
    assert _hook("edit", _edit_payload(git_project, "mod.py", "Read")).exit_code == 0
    assert _hook("edit", _edit_payload(git_project, "notes.md", "Write")).exit_code == 0


def test_own_errors_never_block_and_say_what_failed(git_project: Path) -> None:
    write_tree(git_project, {"mod.py": MUTABLE, "pyproject.toml": '[tool.pattern-warden.hooks]\nedit-severity = "loud"\n'})
    answer = _hook("edit", _edit_payload(git_project, "mod.py"))
    assert answer.exit_code == 0 and "not checked" in answer.stderr and "hooks.edit-severity" in answer.stderr
    broken = run("edit", io.StringIO("not json"))
    assert broken.exit_code == 0 and "not JSON" in broken.stderr


def _start_payload(root: Path, source: str = "startup") -> dict:
    return {"session_id": "s", "transcript_path": str(root / "t.jsonl"), "cwd": str(root),
            "hook_event_name": "SessionStart", "source": source}


def test_stop_blocks_a_failing_review_with_thresholds_and_findings(git_project: Path) -> None:
    assert _hook("session-start", _start_payload(git_project)) == run("stop", io.StringIO("{}"))
    write_tree(git_project, {"mod.py": MUTABLE})
    answer = _hook("stop", _stop_payload(git_project))
    assert answer.exit_code == 0
    decision = json.loads(answer.stdout)
    assert decision["decision"] == "block"
    assert "threshold fail-on-severity=error: 1" in decision["reason"]
    assert "mod.py:1: ERR001" in decision["reason"]


def test_stop_never_loops_and_passes_a_clean_change(git_project: Path) -> None:
    _hook("session-start", _start_payload(git_project))
    write_tree(git_project, {"mod.py": MUTABLE})
    assert _hook("stop", _stop_payload(git_project, active=True)) == run("stop", io.StringIO('{"stop_hook_active": true}'))
    write_tree(git_project, {"mod.py": CLEAN})
    answer = _hook("stop", _stop_payload(git_project))
    assert (answer.exit_code, answer.stdout, answer.stderr) == (0, "", "")
    write_tree(git_project, {"mod.py": MUTABLE, "pyproject.toml": "[tool.pattern-warden.hooks]\nstop = false\n"})
    assert _hook("stop", _stop_payload(git_project)).stdout == ""


def test_the_console_script_speaks_the_contract(git_project: Path) -> None:
    write_tree(git_project, {"mod.py": MUTABLE})
    done = subprocess.run([*console_script(), "hook", "edit"], input=json.dumps(_edit_payload(git_project, "mod.py")),
                          capture_output=True, text=True, timeout=60, cwd="/")
    assert done.returncode == 2 and "ERR001" in done.stderr and done.stdout == ""


def test_an_agent_that_cd_into_a_subfolder_still_has_the_project_as_root(git_project: Path, monkeypatch) -> None:
    write_tree(git_project, {"pkg/mod.py": MUTABLE, "sub/keep.txt": ""})
    payload = {**_edit_payload(git_project, "pkg/mod.py"), "cwd": str(git_project / "sub")}
    assert _hook("edit", payload).exit_code == 0  # without the project folder, pkg/ is outside the root
    monkeypatch.setenv("CLAUDE_PROJECT_DIR", str(git_project))
    answer = _hook("edit", payload)
    assert answer.exit_code == 2 and "pkg/mod.py:1: ERR001" in answer.stderr


def test_session_state_lives_under_the_users_cache_and_a_resumed_session_keeps_its_baseline(
        git_project: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _hook("session-start", _start_payload(git_project))
    assert sorted(p.name for p in git_project.iterdir()) == [".git", "README.md"]  # nothing of ours in the repo
    assert list((tmp_path / "cache" / "pattern-warden" / "sessions").rglob("baseline.json"))
    write_tree(git_project, {"mod.py": MUTABLE})
    _hook("session-start", _start_payload(git_project, "resume"))  # the session goes on: its change stays its own
    assert json.loads(_hook("stop", _stop_payload(git_project)).stdout)["decision"] == "block"
    _hook("session-start", _start_payload(git_project, "startup"))  # a new start: the file is now the user's
    assert _hook("stop", _stop_payload(git_project)).stdout == ""


def test_a_stored_file_altered_in_our_folder_is_not_trusted(git_project: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    write_tree(git_project, {"mod.py": MUTABLE})  # uncommitted at the start: stored by content
    _hook("session-start", _start_payload(git_project))
    now = MUTABLE + "\n\ndef more(y={}):\n    return y\n"
    for blob in (tmp_path / "cache").rglob("blobs/*"):
        blob.write_text(now)  # planted: were it trusted, the session would seem to have changed nothing
    write_tree(git_project, {"mod.py": now})
    assert json.loads(_hook("stop", _stop_payload(git_project)).stdout)["decision"] == "block"


def test_undo_edit_rebuilds_the_file_before_an_edit_or_multiedit() -> None:
    after = "a = 1\nb = 20\nc = 30\n"
    assert undo_edit(after, {"old_string": "b = 2", "new_string": "b = 20"}) == "a = 1\nb = 2\nc = 30\n"
    multi = {"edits": [{"old_string": "b = 2", "new_string": "b = 20"}, {"old_string": "c = 3", "new_string": "c = 30"}]}
    assert undo_edit(after, multi) == "a = 1\nb = 2\nc = 3\n"
    assert undo_edit("x\nx\n", {"old_string": "y", "new_string": "x", "replace_all": True}) == "y\ny\n"
    assert undo_edit(after, {"old_string": "gone", "new_string": ""}) is None  # a deletion leaves no anchor
    assert undo_edit(after, {"old_string": "q", "new_string": "not there"}) is None


def test_a_session_that_committed_its_work_is_still_reviewed_from_its_start(git_project: Path) -> None:
    write_tree(git_project, {"mod.py": CLEAN})
    _commit(git_project)
    _hook("session-start", _start_payload(git_project))
    write_tree(git_project, {"mod.py": CLEAN + "\n\ndef gather(x, into={}):\n    \"\"\"Gather.\"\"\"\n    return into\n"})
    _commit(git_project)  # the agent commits through Bash: HEAD moves, the tree is clean
    reason = json.loads(_hook("stop", _stop_payload(git_project)).stdout)["reason"]
    assert "mod.py:9: ERR001 [error] new:" in reason and "since this session began (1 file)" in reason


def test_a_link_out_of_the_root_is_never_read_into_the_session(git_project: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    outside = tmp_path / "secret.py"
    outside.write_text("TOKEN = 'outside the root'\n")
    (git_project / "leak.py").symlink_to(outside)  # untracked: a dirty file at the session's start
    _hook("session-start", _start_payload(git_project))
    stored = [p.read_bytes() for p in (tmp_path / "cache").rglob("blobs/*")]
    assert all(b"outside the root" not in data for data in stored)
    assert _hook("stop", _stop_payload(git_project)).stdout == ""


def test_without_a_record_the_file_before_comes_from_the_response_or_the_edit_itself(git_project: Path) -> None:
    write_tree(git_project, {"mod.py": CLEAN})
    _commit(git_project)
    _hook("session-start", _start_payload(git_project))
    before = CLEAN + "\n\n" + MUTABLE  # the user's, not committed, before this edit
    after = before.replace("return [item]", "return [item, item]")
    write_tree(git_project, {"mod.py": after})
    edit = {**_edit_payload(git_project, "mod.py"), "tool_input": {
        "file_path": str(git_project / "mod.py"), "old_string": "return [item]", "new_string": "return [item, item]"}}
    assert _hook("edit", edit).exit_code == 0  # rebuilt by undoing the edit: the mutable default was there
    assert _hook("edit", {**edit, "tool_response": {"originalFile": before}}).exit_code == 0
    assert _hook("edit", {**edit, "tool_response": {"originalFile": CLEAN}}).exit_code == 2  # as quoted: new
