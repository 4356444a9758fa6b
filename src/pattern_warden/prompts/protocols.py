"""Two working protocols as prompts: search before writing, and score after.

``search_first`` runs before an agent writes a feature: it embeds the pattern documents that
match the feature and, when the clones engine is installed, the project code most similar
to it, then asks the model to reuse or extend before it adds. ``implementation_scorecard``
runs after: it embeds the LOC scorecard and the rule findings the change introduced, and
asks for the post-implementation report with figures taken from those facts, not recalled.
"""

from __future__ import annotations

import logging

from pattern_warden.errors import WardenError
from pattern_warden.patterns.library import PatternLibrary
from pattern_warden.prompts.change import (
    dump,
    engine,
    findings_section,
    git_section,
    read_change,
    scorecard_section,
)
from pattern_warden.workspace import Workspace

log = logging.getLogger(__name__)

_TOP_PATTERNS = 5


def search_first_messages(
    workspace: Workspace, library: PatternLibrary, feature: str, draft: str | None = None
) -> list[str]:
    """The patterns for ``feature`` and the project code most like ``draft``, then the
    instruction to reuse first. Similar code needs code to compare: a description alone
    cannot be matched against functions, so without a draft the prompt says so."""
    if not feature or not feature.strip():
        raise WardenError("The feature is empty.", "Describe in a few words what you are about to build.")
    feature = feature.strip()
    result = library.search(feature[:500], limit=_TOP_PATTERNS)
    if result.hits:
        patterns = "\n".join(
            f"- [{hit.title}]({hit.uri}) (score {hit.score}): {hit.snippet}" for hit in result.hits
        )
    else:
        patterns = "none: no pattern document matches these words; try search_patterns with other keywords."
    facts = f"""# Before writing: {feature}

## Pattern documents that match (search_patterns)
{patterns}

## Similar code already in the project (find_similar)
{_similar(workspace, draft)}
"""
    request = f"""Before you write any code for "{feature}":
1. Read the pattern documents above that apply (get_pattern, or the warden://patterns/ resources), \
and search_patterns again with other words if none fits.
2. Call find_similar with a sketch of the code you are about to write, and look at every hit \
(warden://patterns/search-before-writing).
3. Decide, and say which and why: reuse as is, extend an existing function, consolidate the \
similar pieces into one (warden://patterns/consolidation-decision-tree), or write new code \
because nothing fits.
4. Only then write the code, the smallest change that does the job."""
    return [facts, request]


def _similar(workspace: Workspace, draft: str | None) -> str:
    find_similar = engine("pattern_warden.clones.similar", "find_similar")
    if find_similar is None:
        return "not available: the clones engine (pattern_warden.clones.similar) is not installed."
    if not draft or not draft.strip():
        return "not run: no draft was given (pass `draft`, a sketch of the code, to compare it with the project)."
    try:
        return dump(find_similar(workspace, code=draft))  # type: ignore[operator]
    except Exception as exc:  # noqa: BLE001 - another engine's failure is reported, not hidden
        log.warning("find_similar failed", exc_info=True)
        return f"not available: find_similar failed ({type(exc).__name__}: {exc})."


def scorecard_messages(workspace: Workspace) -> list[str]:
    """The change's facts, then the request for the post-implementation report."""
    change = read_change(workspace)
    facts = f"""# Facts about the change at {workspace.root}

## Git
{git_section(change)}

## LOC scorecard
{scorecard_section(workspace, change)}

## Rule findings introduced by the change
{findings_section(workspace, change)}
"""
    request = """Write the post-implementation report for this change (warden://patterns/net-loc-discipline), \
one line per item, each figure taken from the facts above or from a command you run now, and marked \
"not available" otherwise:
- Net LOC impact: +added / -removed code lines (target: 0 or below).
- Reuse rate: share of the new code that calls existing project functions rather than new ones.
- Functions consolidated: functions removed vs added (target: more removed than added).
- Duplicates: eliminated and introduced (run find_duplicates on the changed files if it is available).
- Test coverage: the figure from a coverage run, with the command (minimum 80%).
- New rule findings: each one fixed, or the reason it stays.
Finish with one sentence: is the change as small as it could be, and if not, what would shrink it."""
    return [facts, request]
