"""Every tool's default answer fits its budget on a 620-file change with nothing committed.

The calls are the benchmark's (bench/agent_context.py DEFAULTS). The tree is big enough that
each list tool has more than a page to say (asserted too), so the budget is met by paging and
cutting, not because there was little to say. Breaking the budget (raising
``render.answer.DEFAULT_STRUCTURED`` to 100,000) makes this test fail on check_rules.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mcp import Client

from bench.agent_context import DEFAULTS, definitions
from pattern_warden.config import load_config
from pattern_warden.server import build_server
from tests.render.tree import make_tree

TEXT, STRUCTURED = 10_000, 12_000
PAGED = {"check_rules": "findings", "find_duplicates": "clones", "score_loc_delta": "files", "review_change": "findings"}


@pytest.fixture(scope="module")
def big_change(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tree(tmp_path_factory.mktemp("big"))


async def test_every_default_answer_fits_the_budget(big_change: Path) -> None:
    async with Client(build_server(load_config(big_change))) as client:
        listed = {tool.name for tool in (await client.list_tools()).tools}
        assert set(DEFAULTS) | {"apply_docstring", "write_handoff"} == listed, "a new tool needs a budget case"
        for name, args in DEFAULTS.items():
            result = await client.call_tool(name, args)
            assert not result.is_error, (name, result.content[0].text)
            text = result.content[0].text
            data = json.dumps(result.structured_content, separators=(",", ":"))
            assert len(text) <= TEXT and len(data) <= STRUCTURED, (name, len(text), len(data))
            assert not text.lstrip().startswith("{"), f"{name} answers JSON as text"
            if name in PAGED:
                page = result.structured_content["page"]
                assert page["total"] > len(result.structured_content[PAGED[name]]) and page.get("next_cursor"), name


async def test_asking_for_more_raises_the_budget_to_max_output_chars(big_change: Path) -> None:
    async with Client(build_server(load_config(big_change))) as client:
        result = await client.call_tool("check_rules", {"limit": 200})
        shown = len(result.structured_content["findings"])
        text = result.content[0].text
        assert 50 < shown < 200 and "fit the output budget" in text
        assert len(text) <= 30_000 and len(json.dumps(result.structured_content, separators=(",", ":"))) <= 30_000


async def test_the_definitions_a_client_reads_first_stay_within_their_goals(tmp_path: Path) -> None:
    """Every session pays for tools/list before its first call: 20,000 characters in all and
    10,000 model-visible (names, descriptions, input schemas), as bench/agent_context.py counts
    them. Both grew past their goals once when a tool was added and nothing said so."""
    async with Client(build_server(load_config(tmp_path))) as client:
        sizes = await definitions(client)
    assert sizes["tools_list"] <= 20_000 and sizes["model_visible"] <= 10_000, sizes
