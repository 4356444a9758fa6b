"""One text renderer per result model: what the CLI prints and what an MCP tool answers as text.

Each renderer lives beside its engine (``report.text_report``, ``clones.render``,
``delta.render``, ``patterns.render``); this registry maps a model type to it and
to the name of its paged list, so both front doors render a model the same way. The few models
without a renderer of their own get a small one here, for their engines to replace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from pattern_warden.models import Page

if TYPE_CHECKING:
    from pattern_warden.prompts.models import DocstringEdit
    from pattern_warden.rules.reference import RuleIndex


@dataclass(frozen=True)
class View:
    """How a model reads as text, and which of its lists is paged (``None``: none is)."""

    render: Callable[[Any], str]
    items: str | None = None


def render_text(model: BaseModel) -> str:
    """The model's text: its renderer's output, then where this page sits when there are more."""
    view = view_of(model)
    text = view.render(model)
    text = text if text.endswith("\n") else text + "\n"
    page = getattr(model, "page", None)
    if isinstance(page, Page) and view.items:
        text += page_line(page, len(getattr(model, view.items)))
    return text


def page_line(page: Page, shown: int) -> str:
    """``Page 51-100 of 646; next cursor=...``, plus why the page is short; empty for a whole answer."""
    if page.next_cursor is None and page.offset == 0 and page.note is None:
        return ""
    line = f"Page {page.offset + 1}-{page.offset + shown} of {page.total}" if shown else f"Page: none of {page.total}"
    line += f"; next: cursor={page.next_cursor!r}" if page.next_cursor else "; last page"
    return line + (f". {page.note}" if page.note else "") + "\n"


def view_of(model: BaseModel) -> View:
    """The registered view of ``model``'s type; a model without one is a programming error."""
    views = _views()
    for kind in type(model).__mro__:
        if kind in views:
            return views[kind]
    raise KeyError(f"no text renderer is registered for {type(model).__name__}")


@lru_cache(maxsize=1)
def _views() -> dict[type, View]:
    # Imported on first use so that the server starts without loading every engine.
    from pattern_warden.clones.models import DuplicatesResult, SimilarResult
    from pattern_warden.clones.render import duplicates_text, similar_text
    from pattern_warden.delta.models import Review, Scorecard
    from pattern_warden.delta.render import render_review, render_scorecard
    from pattern_warden.leftovers.models import LeftoversResult
    from pattern_warden.leftovers.render import leftovers_text
    from pattern_warden.patterns.library import PatternDocument, PatternIndex
    from pattern_warden.patterns.render import index_text, search_text
    from pattern_warden.patterns.search import PatternSearchResult
    from pattern_warden.prompts.models import DocstringEdit, HandoffWritten
    from pattern_warden.report import text_report
    from pattern_warden.rules.reference import RuleIndex
    from pattern_warden.rules.results import CheckResult

    return {
        CheckResult: View(text_report, "findings"),
        DuplicatesResult: View(lambda r: duplicates_text(r.summary, r.clones, r.notes, r.page.offset + 1), "clones"),
        SimilarResult: View(similar_text),
        LeftoversResult: View(leftovers_text, "leftovers"),
        Scorecard: View(render_scorecard, "files"),
        Review: View(render_review, "findings"),
        PatternSearchResult: View(search_text),
        PatternDocument: View(lambda d: d.markdown),
        PatternIndex: View(index_text),
        RuleIndex: View(rules_text),
        DocstringEdit: View(docstring_edit_text),
        HandoffWritten: View(lambda h: f"Wrote {h.path} ({h.bytes} bytes, content_hash {h.content_hash}).\n"),
    }


def rules_text(index: RuleIndex) -> str:
    """One line per rule: code, severity, name, message and its documentation URI."""
    lines = [f"{index.count} rules; read warden://rules/{{code}} for one rule's documentation"]
    lines += [f"{r.code} {r.severity} {r.name}: {r.message}" for r in index.rules]
    return "\n".join(lines) + "\n"


def docstring_edit_text(edit: DocstringEdit) -> str:
    """What was (or would be) done, the hashes to pass on, then the diff."""
    done = "written" if edit.written else ("dry run, nothing written" if edit.dry_run else "not written")
    head = (f"{edit.action} the docstring of {edit.symbol} at {edit.path}:{edit.line} ({done}); "
            f"content_hash {edit.content_hash}, new_hash {edit.new_hash}")
    return head + "\n" + edit.diff

