"""check_rules and the rule resources through the SDK's in-memory client; docs/rules.md in step."""

from __future__ import annotations

from pathlib import Path

from mcp import Client

from pattern_warden.config import load_config
from pattern_warden.rules.reference import rule_markdown, rules_markdown
from pattern_warden.rules.registry import ALL_RULES
from pattern_warden.server import build_server

REPO = Path(__file__).resolve().parents[2]


async def test_check_rules_on_paths_and_on_a_draft(project: Path) -> None:
    (project / "pkg").mkdir()
    (project / "pkg" / "a.py").write_text('"""A."""\ntry:\n    run()\nexcept:\n    pass\n')
    async with Client(build_server(load_config(project))) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        tool = tools["check_rules"]
        assert tool.annotations.read_only_hint and tool.annotations.idempotent_hint
        assert tool.output_schema is not None and "summary" in tool.output_schema["properties"]
        result = await client.call_tool("check_rules", {"paths": ["pkg"], "fix": True, "select": ["ERR002"]})
        assert not result.is_error
        data = result.structured_content
        assert data["summary"]["files_checked"] == 1
        first = data["findings"][0]
        assert (first["code"], first["line"], first["column"]) == ("ERR002", 4, 1)
        assert first["pattern_uri"] == "warden://patterns/specific-exceptions"
        assert "+except Exception:" in first["fix_diff"]
        draft = await client.call_tool(
            "check_rules", {"code": "import time\nasync def f():\n    time.sleep(1)\n", "filename": "pkg/b.py",
                            "select": ["async", "ASY001"]},  # the family's default rules, and ASY001 by name
        )
        assert [f["code"] for f in draft.structured_content["findings"]] == ["ASY001"]


async def test_bad_input_is_a_tool_error(project: Path) -> None:
    async with Client(build_server(load_config(project))) as client:
        outside = await client.call_tool("check_rules", {"paths": ["../"]})
        assert outside.is_error and "outside the root" in outside.content[0].text
        unknown = await client.call_tool("check_rules", {"code": "x = 1\n", "select": ["XYZ"]})
        assert unknown.is_error and "Unknown rule selector" in unknown.content[0].text
        cursor = await client.call_tool("check_rules", {"code": "x = 1\n", "cursor": "bogus"})
        assert cursor.is_error


async def test_rule_resources_match_the_rule_classes(project: Path) -> None:
    async with Client(build_server(load_config(project))) as client:
        listed = {r.uri for r in (await client.list_resources()).resources if r.uri.startswith("warden://rules/")}
        assert listed == {"warden://rules/index"}  # each rule is read through the warden://rules/{code} template
        for rule in ALL_RULES:
            text = (await client.read_resource(rule.uri())).contents[0].text
            assert text == rule_markdown(rule)
            assert "## What it does" in text and "## Why is this bad?" in text and "## Instead" in text
        index = (await client.read_resource("warden://rules/index")).contents[0].text.splitlines()
        assert [line.split()[0] for line in index[1:]] == [rule.code for rule in ALL_RULES]


def test_docs_rules_md_is_generated_from_the_code() -> None:
    assert (REPO / "docs" / "rules.md").read_text() == rules_markdown(), (
        "docs/rules.md is stale: run `pattern-warden rules --markdown > docs/rules.md`"
    )
