"""Result models of the clone engine: the tools' outputSchema and the CLI's JSON."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from pattern_warden.models import Note, Page

CloneKind = Literal["exact", "renamed", "similar"]
KINDS: tuple[CloneKind, ...] = ("exact", "renamed", "similar")
DECISION_URI = "warden://patterns/consolidation-decision-tree"
SEARCH_URI = "warden://patterns/search-before-writing"


class DuplicatesOptions(BaseModel):
    """What counts as a clone, and which page of the answer to return."""

    min_lines: int = Field(6, description="Fewest code lines a clone must span.")
    min_similarity: float = Field(0.8, description="Least similarity (0-1) of a 'similar' clone.")
    kinds: list[CloneKind] = Field(default_factory=lambda: list(KINDS))
    include_tests: bool = Field(False, description="Also compare test and other non-product code (tests, test "
                                                   "support, fixtures, benchmarks, docs, examples, generated files).")
    cursor: str | None = None
    limit: int = Field(20, description="Clone classes per page.")


class CloneLocation(BaseModel):
    """One occurrence of a clone."""

    path: str = Field(description="Relative to the root.")
    start_line: int
    end_line: int
    function: str | None = Field(None, description="The enclosing function or method (Class.method), if any; the "
                                                   "class, for a family of whole classes.")


DifferenceKind = Literal["callee", "attribute", "definition", "exception", "string", "literal", "name", "swapped",
                         "statements"]


class Difference(BaseModel):
    """One kind of thing that varies between the members: each slot is one place where they differ."""

    kind: DifferenceKind = Field(description="callee, attribute, exception, swapped and statements change behaviour.")
    slots: int = Field(description="Places that vary this way (one helper parameter each, for literals and callees).")
    examples: list[str] = Field(description="The first few slots, each as the members' values joined by '|'.")


class Recommendation(BaseModel):
    """What to do about a clone class, from the consolidation decision tree."""

    action: Literal["consolidate", "extract", "leave"]
    reason: str
    home: str | None = Field(None, description="Where the shared code should live.")


class CloneClass(BaseModel):
    """Fragments that are copies of one another."""

    id: str = Field(description="Stable within one answer: kind and first location.")
    kind: CloneKind
    similarity: float = Field(description="1.0 for exact and renamed clones; the rapidfuzz ratio otherwise.")
    lines: int = Field(description="Code lines in the largest fragment.")
    copies: int = Field(description="Members in the family: core and related. Structured content may list fewer "
                                    "(see truncated); the count never shrinks.")
    locations: list[CloneLocation] = Field(description="The core: members alike enough to merge; advice, saving and "
                                                       "differences are about these.")
    related: list[CloneLocation] = Field(default_factory=list, description="Weaker members: like the core, not alike "
                                                                           "enough to merge with it.")
    truncated: bool = Field(False, description="Some of this family's lists (locations, related, differences) "
                                               "were cut to fit the answer's budget; copies still counts them all.")
    boilerplate: str | None = Field(None, description="Why this is boilerplate (ranked last), or null.")
    differences: list[Difference] = Field(default_factory=list, description="What varies: a merged helper's parameters.")
    changes_behaviour: bool = Field(False, description="The members do different things (other callees, attributes, "
                                                       "exception types, swapped names or statements).")
    saving: float = Field(0.0, description="Lines a merge of the core removes (bodies only, less the calls it "
                                           "leaves) x similarity: the ranking key.")
    recommendation: Recommendation
    detail: str | None = Field(None, description="A family of whole classes (its locations are the classes): which "
                                                 "classes, and how many of their methods are alike; null otherwise.")
    methods: list[str] = Field(default_factory=list, description="A family of whole classes: its method pairs, each "
                                                                 "as the methods' names and first lines joined by '|', "
                                                                 "and their kind.")
    pattern_uri: str = DECISION_URI


class FolderSummary(BaseModel):
    """Duplication in one folder, as jscpd reports it per format."""

    folder: str
    files: int
    lines: int = Field(description="Code lines (lines holding a token other than a comment).")
    duplicated_lines: int
    percentage: float


class DuplicatesSummary(BaseModel):
    """The whole answer in a few numbers."""

    files: int
    lines: int = Field(description="Code lines read.")
    duplicated_lines: int = Field(description="Code lines inside a non-boilerplate clone, each counted once.")
    percentage: float = Field(description="duplicated_lines / lines * 100.")
    clone_classes: int
    by_kind: dict[str, int]
    by_action: dict[str, int] = Field(default_factory=dict, description="Families per recommended action.")
    by_folder: list[FolderSummary] = Field(description="Folders with duplication, most duplicated first.")


class DuplicatesResult(BaseModel):
    """Clone classes found under the given paths, ranked (boilerplate last), one page at a time."""

    summary: DuplicatesSummary
    clones: list[CloneClass]
    page: Page
    notes: list[Note] = Field(default_factory=list)


class SimilarFunction(BaseModel):
    """An existing function that resembles the draft."""

    path: str
    start_line: int
    end_line: int
    function: str
    similarity: float


class SimilarResult(BaseModel):
    """Existing functions most like the draft (or the named function), best first."""

    query: str | None = Field(None, description="The named function compared (path:Class.method); null for a draft.")
    matches: list[SimilarFunction]
    searched_functions: int
    advice: str | None = Field(description="What to do; null when the draft is too small to judge (see notes).")
    pattern_uri: str = SEARCH_URI
    notes: list[Note] = Field(default_factory=list)
