"""The result models of a rule check: what the tool returns, the CLI prints as JSON, SARIF renders."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from pattern_warden.models import Note, Page

SeverityName = Literal["error", "warning", "info"]


class Finding(BaseModel):
    """One problem at one place, with the reason, the fix and the pattern that explains it."""

    code: str = Field(description="Rule code, e.g. ERR001.")
    rule: str = Field(description="Rule name, e.g. mutable-default.")
    severity: SeverityName
    path: str = Field(description="File relative to the root.")
    line: int = Field(description="1-based line where the finding starts.")
    column: int = Field(description="1-based column (characters) where it starts.")
    end_line: int
    end_column: int
    message: str
    fix_hint: str
    pattern_uri: str = Field(description="The pattern document explaining it (warden://patterns/<id>).")
    fixable: bool = Field(False, description="An automatic fix exists (ask with fix=true).")
    fix_diff: str | None = Field(None, description="Unified diff of the automatic fix, when fixes were asked for.")
    measure: int | None = Field(None, description="The size a whole-scope finding is about (lines, complexity, "
                                                  "statements): a review calls it worse when this grew.")


class RuleCount(BaseModel):
    """How many findings one rule produced."""

    code: str
    rule: str
    count: int


class Summary(BaseModel):
    """The whole run at a glance, before any finding."""

    files_checked: int
    findings: int = Field(description="Findings in the whole answer (all pages).")
    by_severity: dict[str, int]
    by_rule: list[RuleCount] = Field(description="Most frequent first.")
    fixable: int = Field(description="Findings that carry an automatic fix.")
    seconds: float = Field(description="Time the check took.")
    files_from_cache: int = 0


class CheckResult(BaseModel):
    """Summary first, then one page of findings ranked by severity and location."""

    summary: Summary
    findings: list[Finding]
    page: Page
    notes: list[Note] = Field(default_factory=list, description="Files skipped and why.")
