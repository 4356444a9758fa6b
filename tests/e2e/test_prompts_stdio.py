"""The prompts and the docstring tool over a real stdio server process, on a real git repo."""

from __future__ import annotations

from pathlib import Path

from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp_types import PromptReference

from tests.conftest import console_script, git


async def test_handoff_design_prompt_completion_and_edit_over_stdio(git_project: Path) -> None:
    (git_project / "calc.py").write_text("def add(a, b):\n    # sum\n    return a + b\n")
    git(git_project, "add", "calc.py")
    git(git_project, "commit", "-q", "-m", "calc")
    command = console_script()
    params = StdioServerParameters(command=command[0], args=[*command[1:], "--root", str(git_project)])
    async with Client(params) as client:
        handoff = await client.get_prompt("handoff_context", {"goal": "add calc"})
        assert "- Branch: main" in handoff.messages[0].content.text
        ref = PromptReference(name="design_decision_docstring")
        assert (await client.complete(ref, {"name": "path", "value": "ca"})).completion.values == ["calc.py"]
        symbols = await client.complete(ref, {"name": "symbol", "value": ""}, {"path": "calc.py"})
        assert symbols.completion.values == ["add"]
        design = await client.get_prompt("design_decision_docstring", {"path": "calc.py", "symbol": "add"})
        assert "def add(a, b):" in design.messages[0].content.text
        dry = await client.call_tool("apply_docstring", {"path": "calc.py", "symbol": "add", "docstring": "Add."})
        done = await client.call_tool(
            "apply_docstring",
            {"path": "calc.py", "symbol": "add", "docstring": "Add.", "dry_run": False,
             "expected_hash": dry.structured_content["content_hash"]},
        )
        assert done.structured_content["written"] is True
    assert (git_project / "calc.py").read_text() == 'def add(a, b):\n    """Add."""\n    # sum\n    return a + b\n'
