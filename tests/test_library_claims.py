"""What the pattern documents say about pattern-warden itself is checked against the code.

A document that says "pattern-warden warns at 600 lines" or "the handoff prompt uses these
headings" is a second copy of a fact the code owns. These tests read the fact from the code
(defaults, constants, the prompt's template, the server's tool list) and fail when the document
and the code part ways, so the document is corrected in the same change as the code.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any, get_args

from mcp import Client

from pattern_warden.config import RuleSettings, load_config
from pattern_warden.delta import facts, models
from pattern_warden.prompts import design_doc
from pattern_warden.prompts.handoff import DEFAULT_PATH, TEMPLATE
from pattern_warden.prompts.handoff_template import SECTIONS, template
from pattern_warden.server import build_server
from tests.test_pattern_library import LIBRARY, _examples

GENERATED = re.compile(
    r"<!-- generated: pattern_warden\.prompts\.handoff_template\.template\(\) -->\n```markdown\n(.*?)```", re.DOTALL
)


def _text(doc_id: str) -> str:
    """The document's body with line breaks folded, so a phrase may wrap."""
    return " ".join(LIBRARY.docs[doc_id].body.split())


def test_handoff_document_shows_the_prompts_own_template() -> None:
    body = LIBRARY.docs["handoff-context"].body
    shown = GENERATED.search(body)
    assert shown, "handoff-context must show the template under its <!-- generated: ... --> marker"
    assert shown.group(1) == template(), "paste pattern_warden.prompts.handoff_template.template() here"
    assert TEMPLATE == template(), "the prompt uses the same template"
    assert f"`{DEFAULT_PATH}`" in body
    headings = [heading for heading, _ in SECTIONS]
    assert "Tried and failed" in headings and "Verify" in headings


def test_handoff_example_renders_only_template_headings() -> None:
    doc = LIBRARY.docs["handoff-context"]
    runnable = next(ex for ex in _examples(doc.meta.id, doc.body) if ex.runnable)
    namespace: dict[str, Any] = {"__name__": "example_handoff"}
    exec(compile(runnable.code, runnable.name, "exec", dont_inherit=True), namespace)  # noqa: S102 - our own example
    rendered = re.findall(r"^## (.+)$", namespace["note"].render(), re.MULTILINE)
    assert rendered and set(rendered) <= {heading for heading, _ in SECTIONS}, rendered


def test_size_limits_quoted_in_small_units_match_the_defaults() -> None:
    fields = RuleSettings.model_fields
    warn, error = fields["max_file_lines"].default, fields["max_file_lines_error"].default
    text = _text("small-units")
    assert f"warns at {warn} lines per file and errors at {error} (DES001)" in text
    assert f"cyclomatic complexity above {fields['max_complexity'].default}" in text
    assert f"more than {RuleSettings().statement_limit} statements in a function" in text
    assert f"(DES003; {RuleSettings(profile='strict').statement_limit} in strict mode)" in text


def test_design_doc_parts_match_the_prompt() -> None:
    doc = LIBRARY.docs["design-decision-docstrings"]
    code = next(ex.code for ex in _examples(doc.meta.id, doc.body) if "REQUIRED = " in ex.code)
    required = re.search(r"REQUIRED = \((.*?)\)", code)
    assert required
    parts = re.findall(r'"([^"]+):"', required.group(1))
    prompt = inspect.getsource(design_doc)
    assert len(parts) == 4 and all(f"- {part}:" in prompt for part in parts), parts
    assert "asks for exactly these four parts" in _text("design-decision-docstrings")


def test_loc_tiers_in_net_loc_discipline_match_the_scorecard() -> None:
    low, high = facts.TIER_LIMITS
    text = _text("net-loc-discipline")
    for tier in get_args(models.Tier):
        assert f"| {tier} |" in LIBRARY.docs["net-loc-discipline"].body, f"tier {tier} missing from the table"
    assert f"| under {low:,} |" in LIBRARY.docs["net-loc-discipline"].body
    assert f"| {low:,} to {high:,} |" in LIBRARY.docs["net-loc-discipline"].body
    assert f"| over {high:,} |" in LIBRARY.docs["net-loc-discipline"].body
    assert "unless the `maturity` setting names one" in text


async def test_tools_the_library_names_exist(tmp_path: Path) -> None:
    """Every `tool_name` a document attributes to pattern-warden is one the server registers."""
    async with Client(build_server(load_config(tmp_path))) as client:
        tools = {tool.name for tool in (await client.list_tools()).tools}
    named = {
        name
        for doc in LIBRARY.docs.values()
        for name in re.findall(r"pattern-warden's `([a-z_]+)`", " ".join(doc.body.split()))
    }
    assert named, "the library names at least one tool"
    assert named <= tools, f"documents name tools the server lacks: {named - tools}"
