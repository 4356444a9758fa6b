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
from pattern_warden.delta.models import Review, Scorecard
from pattern_warden.delta.render import render_review, render_scorecard
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
            ({"limit": 0}, "`limit` must be an integer from 1 to 1000; got 0"),
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


async def test_review_change_tool_marks_new_findings_and_honours_the_baseline(git_project: Path) -> None:
    from tests.delta.test_review import LEGACY, WITH_NEW_DEFAULT, cli, legacy_repo

    legacy_repo(git_project)
    (git_project / "lib.py").write_text(LEGACY.replace("return x * 2", "return x + x"))
    async with Client(build_server(load_config(git_project))) as client:
        harmless = (await client.call_tool("review_change", {})).structured_content
        assert harmless["passed"] and harmless["findings_new"] == 0 and harmless["findings_existing"] >= 1
        (git_project / "lib.py").write_text(WITH_NEW_DEFAULT)
        bad = (await client.call_tool("review_change", {"show_existing": True})).structured_content
        assert [(f["code"], f["line"]) for f in bad["findings"] if f["new"]] == [("ERR001", 10)]
        assert not bad["passed"] and "max-findings" in bad["failed"]
    # The same numbers from the CLI and the implementation_scorecard prompt.
    as_json = json.loads(cli(git_project, "review", "--format", "json").stdout)
    assert (as_json["findings_new"], as_json["findings_existing"]) == (bad["findings_new"], bad["findings_existing"])
    async with Client(build_server(load_config(git_project))) as client:
        prompt = await client.get_prompt("implementation_scorecard", {})
        facts = prompt.messages[0].content.text
        assert f"{bad['findings_new']} finding(s) introduced by the change" in facts
        assert f"{bad['findings_existing']} existing finding(s)" in facts
    # A baseline named in the config makes the old and the new finding existing for the tool.
    assert cli(git_project, "check", "--write-baseline", str(git_project / "base.json")).returncode == 0
    (git_project / "pyproject.toml").write_text('[tool.pattern-warden]\nbaseline = "base.json"\n'
                                                "[tool.pattern-warden.review]\nmax-findings = 0\n")
    async with Client(build_server(load_config(git_project))) as client:
        quiet = (await client.call_tool("review_change", {})).structured_content
        assert quiet["passed"] and quiet["findings_new"] == 0
        checked = (await client.call_tool("check_rules", {"paths": ["lib.py"]})).structured_content
        assert checked["findings"] == [] and "in the baseline left out" in checked["notes"][-1]["message"]
        (git_project / "new.py").write_text("def fresh(a=[]):\n    return a\n")
        fresh = (await client.call_tool("check_rules", {})).structured_content
        assert {f["path"] for f in fresh["findings"]} == {"new.py"}


async def test_bad_input_is_an_error_that_says_what_to_pass(git_project: Path) -> None:
    async with Client(build_server(load_config(git_project))) as client:
        for tool, args, expected in (
            ("review_change", {"path": "nope"}, "does not exist"),
            ("score_loc_delta", {"paths": ["nope.py"]}, "does not exist"),
            ("score_loc_delta", {"before": "x = 1\n"}, "`before` was given without `after`"),
            ("score_loc_delta", {"after": "x = 1\n"}, "`after` was given without `before`"),
            ("review_change", {"base": "no-such-branch"}, "does not exist"),
        ):
            result = await client.call_tool(tool, args)
            assert result.is_error and expected in result.content[0].text, (tool, args, result.content)


async def test_duplicate_eliminated_through_the_tools(git_project: Path) -> None:
    from tests.delta.test_review import DUPLICATED

    (git_project / "totals.py").write_text(DUPLICATED)
    git(git_project, "add", "-A")
    git(git_project, "commit", "-q", "-m", "dup")
    (git_project / "totals.py").write_text(DUPLICATED[: DUPLICATED.index("def total_b")].rstrip() + "\n")
    async with Client(build_server(load_config(git_project))) as client:
        card = (await client.call_tool("score_loc_delta", {})).structured_content
        assert card["consolidation"]["duplicates_eliminated"] == 1
        review = (await client.call_tool("review_change", {})).structured_content
        assert review["duplicates_eliminated"] == 1


async def test_large_all_new_change_answers_stay_small_and_limit_is_exact(git_project: Path) -> None:
    for i in range(160):  # above the rule engine's PARALLEL_MIN_FILES: the worker processes check it
        (git_project / f"m{i:03d}.py").write_text(
            "".join(f"def f{j}(a=[]):\n    a.append(helper{j}())\n    return a\n\n\n" for j in range(8)))
    async with Client(build_server(load_config(git_project))) as client:
        for tool, model, render in (("score_loc_delta", Scorecard, render_scorecard),
                                    ("review_change", Review, render_review)):
            result = await client.call_tool(tool, {})
            assert not result.is_error
            assert len(json.dumps(result.structured_content)) < 12_000, tool
            assert len(render(model.model_validate(result.structured_content))) < 10_000, tool
        five = (await client.call_tool("score_loc_delta", {"limit": 5})).structured_content
        assert len(five["files"]) == 5 and five["page"]["total"] == 160
        review = (await client.call_tool("review_change", {"limit": 7})).structured_content
        assert len(review["findings"]) == 7 and review["findings_new"] == review["page"]["total"] >= 160 * 8
