"""The answer layer on real result models: lean data, honest cuts, cursors that lose nothing."""

from __future__ import annotations

import json

import jsonschema
import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from pattern_warden.models import Note, decode_cursor, encode_cursor, paginate
from pattern_warden.render import Budget, answer, lean
from pattern_warden.render.answer import size, trim
from pattern_warden.render.arguments import explain
from pattern_warden.render.schema import lean_input, lean_output
from pattern_warden.rules.results import CheckResult, Finding, RuleCount, Summary


def finding(i: int) -> Finding:
    return Finding(code="ERR001", rule="mutable-default", severity="error", path=f"pkg/m{i:04d}.py", line=i + 1,
                   column=1, end_line=i + 1, end_column=9, message="Mutable default argument " + "x" * (i % 40),
                   fix_hint="Default to None.", pattern_uri="warden://patterns/mutable-defaults")


def result(findings: list[Finding], cursor: str | None, limit: int) -> CheckResult:
    page_items, page = paginate(findings, cursor, limit)
    summary = Summary(files_checked=len(findings), findings=len(findings), by_severity={"error": len(findings)},
                      by_rule=[], fixable=0, seconds=0.1)
    return CheckResult(summary=summary, findings=page_items, page=page)


@pytest.mark.parametrize("budget", [Budget(10_000, 12_000), Budget(1_500, 2_500), Budget(900, 1_200)])
def test_walking_cut_pages_sees_every_item_once(budget: Budget) -> None:
    everything = [finding(i) for i in range(333)]
    seen: list[tuple[str, int]] = []
    cursor = None
    while True:
        data = answer(result(everything, cursor, 50), budget)
        text, structured = data.content[0].text, data.structured_content
        assert len(text) <= budget.text and size(structured) <= budget.structured
        shown = structured["findings"]
        assert shown and text.startswith("Found 333 findings")
        if len(shown) < min(50, 333 - decode_cursor(cursor)):
            assert "fit the output budget" in structured["page"]["note"] and "fit the output budget" in text
        seen += [(f["path"], f["line"]) for f in shown]
        cursor = structured["page"].get("next_cursor")
        if cursor is None:
            break
    assert seen == [(f.path, f.line) for f in everything]


def test_lean_drops_what_says_nothing_and_keeps_what_is_required() -> None:
    data = lean(result([], None, 50))
    assert data["findings"] == [] and "notes" not in data and "next_cursor" not in data["page"]
    first = lean(result([finding(1)], None, 50))["findings"][0]
    assert "fix_diff" not in first and first["fixable"] is False
    CheckResult.model_validate(data)  # still the published model


def test_trim_cuts_the_largest_list_and_says_so() -> None:
    data = {"reuse": {"existing": [f"mod.fn_{i}" for i in range(1580)]}, "verdict": "pass"}
    trimmed, cuts = trim(data, 2_000)
    assert size(trimmed) <= 2_000 and trimmed["verdict"] == "pass"
    assert cuts and cuts[0].startswith("reuse.existing shows ") and cuts[0].endswith(" of 1580 items")


def test_lean_output_schema_still_validates_the_answer() -> None:
    schema = lean_output(TypeAdapter(CheckResult).json_schema())
    assert "title" not in json.dumps(schema) and "description" not in json.dumps(schema)
    good = answer(result([finding(i) for i in range(5)], None, 50), Budget()).structured_content
    jsonschema.validate(good, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**good, "findings": "none"}, schema)


class Args(BaseModel):
    limit: int = 50
    kinds: list[str] | None = None
    query: str


def test_a_bad_argument_is_named_with_its_type_and_an_example() -> None:
    schema = lean_input(Args.model_json_schema())
    schema["properties"]["limit"] |= {"minimum": 1, "maximum": 500}
    with pytest.raises(ValidationError) as caught:
        Args.model_validate({"limit": "lots", "kinds": "exact"})
    message = explain("check_rules", caught.value, schema)
    assert "`limit` must be an integer from 1 to 500; got \"lots\". Example: limit=50" in message
    assert "`kinds` must be a list of strings; got \"exact\". Example: kinds=[\"text\"]" in message
    assert "`query` is required: a string. Example: query=\"text\"" in message
    assert "pydantic" not in message and "http" not in message


def test_cursor_round_trip_and_notes_survive() -> None:
    assert decode_cursor(encode_cursor(123)) == 123
    data = answer(result([finding(1)], None, 50).model_copy(update={"notes": [Note(message="skipped x")]}), Budget())
    assert "note: skipped x" in data.content[0].text and data.structured_content["notes"] == [{"message": "skipped x"}]


def test_the_summary_is_never_cut_to_make_room_for_the_page() -> None:
    # A full page over budget must shrink itself; the summary beside it (read first) stays whole.
    everything = [finding(i) for i in range(200)]
    model = result(everything, None, 120)
    by_rule = [RuleCount(code=f"R{n:03d}", rule=f"rule-{n}", count=n) for n in range(1, 13)]
    model = model.model_copy(update={"summary": model.summary.model_copy(update={"by_rule": by_rule})})
    data = answer(model, Budget()).structured_content
    assert len(data["summary"]["by_rule"]) == 12
    assert 0 < len(data["findings"]) < 120 and data["page"]["next_cursor"]
