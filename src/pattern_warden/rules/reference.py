"""Rule documentation generated from the rule classes: one source for docs/rules.md and
``warden://rules/{code}``, so the reference cannot drift from the code.

Every rule reads in the same four parts as Ruff's documentation: what it does (the class
docstring), why it is bad, an example (its first INVALID example), and what to write instead.
"""

from __future__ import annotations

import inspect

from pydantic import BaseModel, Field

from pattern_warden.rules import ruff_differences
from pattern_warden.rules.base import Options, Rule
from pattern_warden.rules.measured import PRECISION
from pattern_warden.rules.registry import ALL_RULES


class RuleInfo(BaseModel):
    """One rule's catalogue entry."""

    code: str
    name: str
    family: str
    severity: str
    message: str
    fix_hint: str
    fixable: bool
    default_on: bool = Field(description="False for an opt-in rule: it runs only when its code is selected.")
    precision: str | None = Field(None, description="Measured precision on held-out code, with the sample size.")
    ruff: list[str] = Field(default_factory=list, description="Ruff codes whose `# noqa` also silences this rule.")
    pattern_uri: str
    uri: str = Field(description="This rule's documentation resource.")


class RuleIndex(BaseModel):
    """Every rule, in code order."""

    count: int
    rules: list[RuleInfo]


def rule_info(rule: type[Rule]) -> RuleInfo:
    """One rule's catalogue entry."""
    return RuleInfo(
        code=rule.code, name=rule.name, family=rule.family, severity=rule.severity.label, message=rule.message,
        fix_hint=rule.fix_hint, fixable=rule.fixable, default_on=rule.default_on, precision=precision(rule.code),
        ruff=list(rule.ruff), pattern_uri=rule(Options()).pattern_uri, uri=rule.uri(),
    )


def precision(code: str) -> str | None:
    """'96% (24/25)' for a measured rule, else None."""
    if code not in PRECISION:
        return None
    tp, labelled = PRECISION[code]
    return f"{tp / labelled:.0%} ({tp}/{labelled})"


def rule_index() -> RuleIndex:
    """Every rule's catalogue entry, in code order."""
    return RuleIndex(count=len(ALL_RULES), rules=[rule_info(rule) for rule in ALL_RULES])


#: What each exemption group of ``Rule.exempt_in`` covers, as the docs name it.
_GROUPS = {"tests": "non-product code (tests, test support, fixtures, benchmarks, docs, examples, generated files)",
           "scripts": "scripts (scripts, CLI modules, `__main__.py`, benchmarks)",
           "fixtures": "test data (`fixtures/`, `testdata/`, `examplefiles/`: sample files that are broken on purpose)"}


def rule_markdown(rule: type[Rule], heading: str = "#") -> str:
    """One rule's documentation: what it does, why, an example, what to write instead."""
    info = rule_info(rule)
    example = rule.INVALID[0]
    exempt = f" Not applied in: {', '.join(_GROUPS[g] for g in sorted(rule.exempt_in))}." if rule.exempt_in else ""
    parts = [
        f"{heading} {rule.code} {rule.name}",
        "",
        f"Family: {rule.family} · default severity: {info.severity} · "
        f"autofix: {'yes' if rule.fixable else 'no'} · pattern: [{rule.pattern}]({info.pattern_uri})",
        "",
        f"Default: {'on' if rule.default_on else 'opt-in (select its code)'} · measured precision: "
        f"{info.precision or 'not measured (see Ruff agreement)'} · Ruff: {', '.join(rule.ruff) or 'none'}",
        "",
        f"{heading}# What it does",
        "",
        inspect.cleandoc(rule.__doc__ or "") + exempt,
        "",
        f"{heading}# Why is this bad?",
        "",
        rule.why,
        "",
        f"{heading}# Example",
        "",
        "```python",
        example.code.rstrip("\n") if len(example.code) < 600 else example.code[:300].rstrip("\n") + "\n...",
        "```",
        "",
        f"{heading}# Instead",
        "",
        rule.instead,
    ]
    if example.fixed is not None:
        parts += ["", "The autofix turns the example into:", "", "```python", example.fixed.rstrip("\n"), "```"]
    return "\n".join(parts) + "\n"


def rules_markdown() -> str:
    """The whole docs/rules.md."""
    lines = [
        "# Rules",
        "",
        "Generated from the rule classes by `pattern-warden rules --markdown`; do not edit by hand",
        "(a test fails when this file and the code disagree).",
        "",
        "Suppress one line with `# warden: ignore[CODE]` (several codes: `[ERR001,ERR003]`; no",
        "bracket: every rule), or a whole file with a `# warden: ignore-file[CODE]` comment anywhere",
        "in it. Codes in both forms may be prefixes (`ERR`) or families (`errors`).",
        "Ruff's comments work too: `# noqa: <Ruff code>` silences the rule listed for that code in",
        "the table below (`# noqa: E722` silences ERR002), `# noqa: ERR003` names ours, and a bare",
        "`# noqa` silences every rule on its line.",
        "",
        "Severity: **error**, a bug or security hole is likely; **warning**, a probable problem;",
        "**info**, style. Size rules (DES001, DES003) and the rules about production code skip",
        "non-product code, defined once in `codekind.py`: tests, test support shipped in a package",
        "(`testing/`, `_testbase`, modules that import pytest or unittest or define pytest hooks),",
        "fixtures, benchmarks, docs, examples and generated files (`DO NOT EDIT` headers, `_pb2`,",
        "data catalogues); scripts are `scripts/`, `tools/`, `bin/`, CLI modules and modules that",
        "call `sys.exit` at their top level. Each rule below says where it does not apply. Rules on",
        "by default that apply in non-product code too: "
        f"{', '.join(r.code for r in ALL_RULES if r.default_on and 'tests' not in r.exempt_in)}.",
        "`exempt-paths` and `script-paths` hold the path patterns (set them to `[]` and",
        "`content-kinds = false` to check everything).",
        "",
        "Default: an opt-in rule runs only when its exact code is selected (`select = [\"ERR003\"]`,",
        "`--select ERR003`), as with Ruff's opt-in rules; `ALL`, prefixes and families leave it out.",
        "A rule is opt-in when its precision, measured by hand-labelling its findings on PyPI projects",
        "never used to write it (`bench/rules_precision.py --heldout`), was below 90%. Precision counts",
        "debatable findings against the rule; the sample size is in brackets. The figures are issue 23's",
        "fifth and sixth held-out rounds (nineteen projects, 561 labels;",
        "bench/labels/rules_precision_issue23_round5.md and round6.md). Round 5 moved ASY001, ASY003,",
        "ASY005, ERR002 and RES002 to opt-in; the default set then measured 93% (76/82) on round 6.",
        "Thirteen opt-in rules still hold code a change adds, in `review` and the hooks (`new-code`).",
        "",
        "| code | name | family | severity | autofix | default | precision (held-out) | Ruff (noqa) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| [{r.code}](#{r.code.lower()}-{r.name}) | {r.name} | {r.family} | {r.severity.label} | "
        f"{'yes' if r.fixable else ''} | {'on' if r.default_on else 'opt-in'} | {precision(r.code) or ''} | "
        f"{', '.join(r.ruff)} |"
        for r in ALL_RULES
    ]
    body = "\n".join(rule_markdown(rule, heading="##") for rule in ALL_RULES) + "\n" + ruff_differences.MARKDOWN
    return "\n".join(lines) + "\n\n" + body
