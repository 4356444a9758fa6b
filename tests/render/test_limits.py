"""``limits.max-output-chars`` holds for every tool, prompt and resource read; prompts name missing arguments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS

from pattern_warden.config import load_config
from pattern_warden.server import build_server
from tests.render.tree import make_tree


async def test_max_output_chars_caps_tools_prompts_and_resources(tmp_path: Path) -> None:
    root = make_tree(tmp_path, files=30)
    (root / "pyproject.toml").write_text("[tool.pattern-warden.limits]\nmax-output-chars = 4000\n")
    async with Client(build_server(load_config(root))) as client:
        index = (await client.read_resource("warden://patterns/index")).contents[0].text
        assert len(index) <= 4000 and "cut by the output budget" in index
        for name, args in (("check_rules", {"limit": 500}), ("find_duplicates", {}), ("review_change", {}),
                           ("get_pattern", {"id": "consolidation-decision-tree"})):
            result = await client.call_tool(name, args)
            assert not result.is_error, result.content[0].text
            assert len(result.content[0].text) <= 4000, name
            assert len(json.dumps(result.structured_content, separators=(",", ":"))) <= 4000, name
        prompt = await client.get_prompt("implementation_scorecard", {})
        assert sum(len(m.content.text) for m in prompt.messages) <= 4000


async def test_a_missing_prompt_argument_is_named(project: Path) -> None:
    async with Client(build_server(load_config(project))) as client:
        with pytest.raises(MCPError) as caught:
            await client.get_prompt("design_decision_docstring", {"path": "a.py"})
        assert caught.value.error.code == INVALID_PARAMS
        assert "`symbol`" in caught.value.error.message and caught.value.error.data == {"missing": ["symbol"]}
