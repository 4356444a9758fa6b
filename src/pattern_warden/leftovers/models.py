"""What the leftovers engine answers: one finding per thing an earlier session left behind.

A leftover is not a style problem but a question the next session would otherwise answer
wrongly ("which of these two clients is the real one?"). So each finding carries, besides its
place, the evidence for it, a confidence (as vulture gives one: how sure a reader can be that
deleting it changes nothing) and the one action to take.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from pattern_warden.models import Note, Page

LeftoverKind = Literal["attempt", "dead", "orphan-module", "commented-out", "parallel-wrapper", "orphaned-by-change"]
KINDS: tuple[LeftoverKind, ...] = (
    "attempt", "dead", "orphan-module", "commented-out", "parallel-wrapper", "orphaned-by-change",
)
Action = Literal["delete", "keep-current", "merge", "decide"]
PATTERN_URI = "warden://patterns/leftovers"
#: From this confidence on a finding is "high": the figure the precision goal is stated for.
HIGH = 80


class Leftover(BaseModel):
    """One thing left behind, where it is, why we think so, and what to do."""

    kind: LeftoverKind
    path: str
    line: int
    end_line: int
    symbol: str | None = None
    confidence: int = Field(description="0-100: how sure removing it changes nothing.")
    action: Action
    reason: str
    fix: str
    evidence: list[str] = Field(default_factory=list)
    pattern_uri: str = PATTERN_URI


class LeftoversSummary(BaseModel):
    """The whole answer in a few numbers."""

    files: int = Field(description="Python files read.")
    findings: int
    high_confidence: int = Field(description=f"Findings with confidence >= {HIGH}.")
    by_kind: dict[str, int]


class LeftoversResult(BaseModel):
    """Leftovers ranked by confidence, then by place; paged."""

    summary: LeftoversSummary
    leftovers: list[Leftover]
    page: Page | None = None
    notes: list[Note] = Field(default_factory=list)


class LeftoversOptions(BaseModel):
    """What to look for."""

    kinds: list[LeftoverKind] = Field(default_factory=lambda: list(KINDS))
    min_confidence: int = Field(60, ge=0, le=100)
    include_tests: bool = Field(False, description="Also report leftovers in tests and other non-product code "
                                                   "(fixtures, benchmarks, docs, examples, generated files).")
