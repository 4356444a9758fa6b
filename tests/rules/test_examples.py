"""Every rule's VALID and INVALID examples, turned into test cases (Fixit-style).

A VALID example must produce no finding of its rule; an INVALID one must produce a finding of
its rule starting exactly at the stated line and column, and, when the example gives the fixed
code, the rule's fix must turn the example into exactly that code.
"""

from __future__ import annotations

import pytest

from pattern_warden.config import Config
from pattern_warden.rules.base import Invalid, Rule
from pattern_warden.rules.engine import Checker, CheckOptions
from pattern_warden.rules.fixes import apply_fixes
from pattern_warden.rules.registry import ALL_RULES
from pattern_warden.source import SourceFile
from pattern_warden.workspace import Workspace

VALID = [pytest.param(rule, code, id=f"{rule.code}-valid-{i}") for rule in ALL_RULES for i, code in enumerate(rule.VALID)]
INVALID = [
    pytest.param(rule, example, id=f"{rule.code}-invalid-{i}") for rule in ALL_RULES for i, example in enumerate(rule.INVALID)
]


def _raw(config: Config, rule: type[Rule], code: str) -> list:
    source = Workspace(config).virtual(code, "pkg/module.py")
    return [f for f in Checker(config, CheckOptions(select=(rule.code,))).raw(source) if f.rule.code == rule.code]


def test_every_rule_has_examples() -> None:
    for rule in ALL_RULES:
        assert rule.VALID and rule.INVALID, rule.code
        assert all(getattr(rule, attr) for attr in ("name", "message", "fix_hint", "pattern", "why", "instead"))
        assert rule.__doc__, rule.code


@pytest.mark.parametrize(("rule", "code"), VALID)
def test_valid_example_has_no_finding(config: Config, rule: type[Rule], code: str) -> None:
    assert _raw(config, rule, code) == []


@pytest.mark.parametrize(("rule", "example"), INVALID)
def test_invalid_example_is_found_where_stated(config: Config, rule: type[Rule], example: Invalid) -> None:
    found = _raw(config, rule, example.code)
    assert [(f.line, f.column) for f in found] == [(example.line, example.column)], [f.message for f in found]
    if example.fixed is not None:
        fix = found[0].fix
        assert fix is not None, "the example promises a fix"
        fixed, applied = apply_fixes(example.code, [fix])
        assert applied == 1
        assert fixed == example.fixed
