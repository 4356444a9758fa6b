"""score_loc_delta and review_change over the in-memory client; delta and review as real subprocesses."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
from pathlib import Path

from mcp import Client

from pattern_warden.config import load_config
from pattern_warden.server import build_server
from tests.conftest import console_script, git


def _change(root: Path) -> None:
    (root / "lib.py").write_text("def helper(x):\n    return x * 2\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "lib")
    (root / "app.py").write_text("from lib import helper\n\n\ndef run():\n    return helper(2)\n")


async def test_score_loc_delta_tool(git_project: Path) -> None:
    _change(git_project)
    async with Client(build_server(load_config(git_project))) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert {"score_loc_delta", "review_change"} <= set(tools)
        assert "files" in json.dumps(tools["score_loc_delta"].output_schema)
        result = await client.call_tool("score_loc_delta", {})
        assert not result.is_error
        card = result.structured_content
        assert card["net_loc"] == "+3/-0"
        assert card["files"] == [{**card["files"][0], "path": "app.py", "code_added": 3, "code_removed": 0}]
        assert card["reuse"]["existing"] == ["helper"]
        sources = await client.call_tool("score_loc_delta", {"before": "a = 1\n", "after": "b = 2\n"})
        assert sources.structured_content["net_loc"] == "+1/-1"
        git(git_project, "add", "-A")
        patch = git(git_project, "diff", "--cached")
        from_diff = await client.call_tool("score_loc_delta", {"diff": patch})
        assert from_diff.structured_content["net_loc"] == "+3/-0"
        assert from_diff.structured_content["source"] == "diff"


async def test_bad_delta_input_is_a_tool_error_and_server_keeps_serving(git_project: Path) -> None:
    async with Client(build_server(load_config(git_project))) as client:
        for args, expected in (
            ({"base": "--output=/tmp/x"}, "not a valid reference"),
            ({"base": "missing"}, "does not exist"),
            ({"limit": 0}, "limit must be between"),
            ({"paths": ["../x"]}, "outside the root"),
        ):
            result = await client.call_tool("score_loc_delta", args)
            assert result.is_error and expected in result.content[0].text, args
        ok = await client.call_tool("review_change", {})
        assert not ok.is_error
        assert ok.structured_content["in_git"] is True


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*console_script(), *args, "--root", str(root)], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)


def test_delta_cli_text_and_json(git_project: Path) -> None:
    _change(git_project)
    text = _cli(git_project, "delta")
    assert text.returncode == 0, text.stderr
    assert "Net LOC impact: +3/-0" in text.stdout and text.stderr == ""
    data = json.loads(_cli(git_project, "delta", "--format", "json", "app.py").stdout)
    assert [(f["path"], f["code_added"], f["code_removed"]) for f in data["files"]] == [("app.py", 3, 0)]
    bad = _cli(git_project, "delta", "--base=--output=/tmp/x")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "not a valid reference" in bad.stderr


def test_review_cli_exit_status_follows_thresholds(git_project: Path) -> None:
    _change(git_project)
    ok = _cli(git_project, "review", ".")
    assert ok.returncode == 0, ok.stderr
    assert "Net LOC impact" in ok.stdout and "Rule findings" in ok.stdout and "Duplicates: introduced" in ok.stdout
    assert ok.stderr == ""  # progress only when stderr is a terminal
    (git_project / "pyproject.toml").write_text("[tool.pattern-warden.review]\nmax-net-code = 0\n")
    failed = _cli(git_project, "review")
    assert failed.returncode == 1 and "FAILED" in failed.stdout


def test_review_outside_git_reviews_the_tree(project: Path) -> None:
    (project / "a.py").write_text("a = 1\n")
    result = _cli(project, "review", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["in_git"] is False and data["scorecard"] is None and data["reviewed_paths"] == 1


def test_review_progress_goes_to_stderr_when_it_is_a_terminal(git_project: Path) -> None:
    _change(git_project)
    controller, terminal = pty.openpty()
    try:
        done = subprocess.run([*console_script(), "review", "--root", str(git_project)], stdout=subprocess.PIPE,
                              stderr=terminal, stdin=subprocess.DEVNULL, timeout=60, text=True)
        os.close(terminal)
        terminal = -1
        shown = b""
        while select.select([controller], [], [], 2)[0]:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal side is closed once everything was read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(controller)
        if terminal != -1:
            os.close(terminal)
    assert done.returncode == 0
    assert b"pattern-warden: reading the change..." in shown
    assert "reading the change" not in done.stdout
