"""The result models of a change: the scorecard and the review, as the tools return them.

They are the tools' outputSchema and the CLI's JSON. Large facts are counts plus a page (or a
short sample), so an answer stays small however big the change; ``delta/render.py`` turns
each model into the compact text an agent reads.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from pattern_warden.delta.count import DeltaTotals, FileDelta
from pattern_warden.delta.coverage import Coverage
from pattern_warden.leftovers.models import Leftover
from pattern_warden.models import Note, Page

PATTERN_URI = "warden://patterns/net-loc-discipline"
SAMPLE = 10  # names shown of a long list whose count is given
Tier = Literal["foundation", "growing", "mature", "legacy"]


class ReviewFinding(BaseModel):
    """A rule finding in a changed file; ``new`` says whether the change introduced it."""

    code: str
    severity: str
    path: str
    line: int
    message: str
    new: bool = Field(description="True when the base revision (and the baseline) had no finding with this identity.")
    worse_than: int | None = Field(None, description="An existing whole-scope finding the change made worse: its "
                                                     "measure before (lines, complexity, statements).")
    fix_hint: str | None = None
    pattern_uri: str | None = None
    fingerprint: str = Field(description="The finding's identity (rule, file, symbol, and statement text unless "
                                         "the finding is about a whole scope).")


class Reuse(BaseModel):
    """How much of the project's own code the added code calls that was already there."""

    rate: float | None = Field(None, description="existing / (existing + new); null when nothing was measured.")
    existing_count: int = Field(0, description="Project functions/classes called by added code that existed before.")
    new_count: int = Field(0, description="Project functions/classes called by added code that the change added.")
    existing: list[str] = Field(default_factory=list, description=f"The first {SAMPLE} existing ones, by name.")
    new: list[str] = Field(default_factory=list, description=f"The first {SAMPLE} new ones, by name.")
    reason: str | None = Field(None, description="Why the rate is missing.")


class Consolidated(BaseModel):
    """A removed function whose former callers now call a function that already existed."""

    removed: str
    path: str
    replaced_by: list[str]
    callers: list[str]


class Consolidation(BaseModel):
    """What the change merged away, and the duplicates it added and removed (or why unknown)."""

    functions_consolidated: list[Consolidated] = Field(default_factory=list)
    duplicates_introduced: int | None = Field(None, description="Clone classes with a copy on an added line.")
    duplicates_eliminated: int | None = Field(
        None, description="Clone classes among the changed files at the base that the change removed.")
    duplicates_reason: str | None = Field(None, description="Why a duplicate figure is missing.")


class Maturity(BaseModel):
    """How big the project was before the change, which decides what the verdict asks for."""

    tier: Tier
    code_lines_before: int = Field(description="Python code lines counted before the change.")
    counted_all: bool = Field(description="False when counting stopped once the top tier was certain.")
    set_in_config: bool = False


class Verdict(BaseModel):
    """pass, warn or fail, with the figures that decided it."""

    status: Literal["pass", "warn", "fail"]
    message: str


class Threshold(BaseModel):
    """One configured limit from [tool.pattern-warden.review], with the measured value."""

    name: str
    limit: int | float
    value: int | float | None = Field(description="Null when the figure could not be measured (then it passes).")
    passed: bool


class Scorecard(BaseModel):
    """The scorecard of one change; `files` is one page of the per-file counts."""

    summary: str = Field(description="One line: net LOC, files, verdict, outcome.")
    source: str
    base: str | None
    head: str | None
    net_loc: str = Field(description="'+X/-Y' code lines (moves excluded).")
    totals: DeltaTotals
    reuse: Reuse
    consolidation: Consolidation
    coverage: Coverage
    maturity: Maturity
    verdict: Verdict
    thresholds: list[Threshold] = Field(default_factory=list)
    passed: bool = Field(description="False when the verdict is 'fail' or a configured threshold failed.")
    failed: list[str] = Field(default_factory=list, description="Names of the thresholds (or 'verdict') that failed.")
    files: list[FileDelta]
    page: Page
    notes: list[Note] = Field(default_factory=list)
    pattern_uri: str = PATTERN_URI


class ReviewClone(BaseModel):
    """A clone class with at least one copy on a changed line."""

    kind: str
    similarity: float | None = None
    lines: int | None = None
    copies: int = Field(description="How many copies the class has.")
    locations: list[str] = Field(description=f"path:start-end of the first {SAMPLE // 2} copies.")


class Review(BaseModel):
    """What was reviewed, the change's scorecard, its new rule findings and the duplicates it added."""

    summary: str = Field(description="One line: what was reviewed and the outcome.")
    reviewed: str = Field(description="What was reviewed: the range, the last commit, or the whole tree.")
    in_git: bool
    scorecard: Scorecard | None = Field(None, description="Null outside a git checkout.")
    reviewed_paths: int = Field(description="Files whose rule findings and duplicates were looked for.")
    findings_new: int = Field(description="Findings the change introduced (the thresholds count these).")
    findings_existing: int = Field(description="Findings the changed files already had (or the baseline holds).")
    findings_worse: int = Field(0, description="Existing whole-scope findings the change made worse (among existing).")
    findings: list[ReviewFinding] = Field(
        default_factory=list, description="One page: new and worse findings, and existing ones when show_existing "
                                          "is set.")
    show_existing: bool = False
    duplicates_introduced: int = 0
    duplicates_eliminated: int | None = Field(None, description="Null outside git (no base to compare with).")
    duplicates: list[ReviewClone] = Field(default_factory=list, description=f"The first {SAMPLE // 2} introduced.")
    leftovers_introduced: int = Field(0, description="Leftovers the change added or orphaned (find_leftovers).")
    leftovers: list[Leftover] = Field(default_factory=list, description=f"The first {SAMPLE // 2} of them.")
    thresholds: list[Threshold] = Field(default_factory=list)
    failed: list[str] = Field(default_factory=list, description="Names of the thresholds (or 'verdict') that failed.")
    passed: bool = Field(description="False when the verdict failed or a configured threshold failed.")
    page: Page
