"""A real client walks every page with limit 50 and sees each item exactly once.

Pages cut by the output budget must point their cursor at the first item left out; a cursor
that skipped or repeated one would show here as a missing or doubled key.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from pattern_warden.config import NEW_CODE_RULES, load_config
from pattern_warden.server import build_server
from tests.render.tree import make_tree


async def walk(client: Client, tool: str, args: dict[str, Any], items: str,
               key: Callable[[dict[str, Any]], Any]) -> tuple[Counter[Any], int, int]:
    """Every item of every page (as ``key``), the total the pages announce, and the pages walked."""
    seen: Counter[Any] = Counter()
    cursor, pages, total = None, 0, -1
    while True:
        result = await client.call_tool(tool, {**args, "limit": 50, **({"cursor": cursor} if cursor else {})})
        assert not result.is_error, result.content[0].text
        data = result.structured_content
        page_items = data[items]
        assert page_items, "a page with nothing on it"
        if data["page"].get("next_cursor"):
            assert len(page_items) == 50 or "fit the output budget" in data["page"]["note"]
        seen.update(key(item) for item in page_items)
        total, pages, cursor = data["page"]["total"], pages + 1, data["page"].get("next_cursor")
        if cursor is None:
            return seen, total, pages


@pytest.fixture(scope="module")
def big_change(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tree(tmp_path_factory.mktemp("big"))


async def test_every_file_and_finding_once_with_limit_50(big_change: Path) -> None:
    async with Client(build_server(load_config(big_change))) as client:
        files, total, pages = await walk(client, "score_loc_delta", {}, "files", lambda f: f["path"])
        assert total == 620 and len(files) == 620 and set(files.values()) == {1} and pages >= 620 // 50
        findings, total, _ = await walk(client, "check_rules", {"select": ["ERR002"]}, "findings",
                                        lambda f: (f["path"], f["line"], f["code"]))
        assert total == 620 and len(findings) == 620 and set(findings.values()) == {1}


async def test_review_findings_once_with_limit_50(tmp_path: Path) -> None:
    root = make_tree(tmp_path, files=52)  # file length and docstrings are opt-in: more files for > 3 pages
    async with Client(build_server(load_config(root))) as client:
        findings, total, pages = await walk(client, "review_change", {}, "findings",
                                            lambda f: (f["path"], f["line"], f["code"]))
        # Nothing is committed, so every finding of the tree is new in the change, the rules
        # review applies to new code included.
        checked = await client.call_tool("check_rules", {"limit": 1, "select": ["ALL", *NEW_CODE_RULES]})
        expected = checked.structured_content["summary"]["findings"]
        assert expected > 150 and total == expected
        assert len(findings) == total and set(findings.values()) == {1} and pages >= 4
