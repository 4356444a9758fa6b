"""The ``handoff_context`` prompt and the ``write_handoff`` tool.

A session that ends hands its work to one that starts knowing nothing. Written from memory,
a handoff drifts from the truth: tests "pass" that last failed, a TODO added an hour ago is
forgotten. So the prompt gathers what the repository can prove (branch, commits, changed
files, the LOC scorecard, new rule findings, added TODO/FIXME/XXX comments, the last test
outcome, the open items of the previous handoff) and asks the model to add only what it
alone knows. ``write_handoff`` saves the result where the next ``handoff_context`` reads it.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from pattern_warden.errors import WardenError
from pattern_warden.prompts.change import (
    findings_section,
    git_section,
    read_change,
    scorecard_section,
    todo_section,
)
from pattern_warden.prompts.handoff_template import template
from pattern_warden.prompts.models import HandoffWritten
from pattern_warden.workspace import Workspace

DEFAULT_PATH = ".handoff/HANDOFF.md"
PATTERN_URI = "warden://patterns/handoff-context"
_LASTFAILED = ".pytest_cache/v/cache/lastfailed"
_JUNIT_NAMES = ("junit.xml", "report.xml", "test-results.xml", "pytest.xml", "reports/junit.xml",
                "test-reports/junit.xml", "build/test-results/junit.xml")
_OPEN_ITEM = re.compile(r"^\s*[-*]\s+\[ \]\s+(.+)$")
_OPEN_SECTIONS = re.compile(r"^#+\s*(blockers?|next steps?|open items?|todo)\b", re.IGNORECASE)
_MAX_CONTENT = 100_000
_MAX_ITEMS = 30

TEMPLATE = template()


def handoff_messages(workspace: Workspace, goal: str, notes: str | None = None) -> list[str]:
    """The facts, the template, and the request, as three user messages."""
    if not goal or not goal.strip():
        raise WardenError("The goal is empty.", "Say in a line what the work is for.")
    change = read_change(workspace)
    facts = f"""# Facts gathered from the repository at {workspace.root}

## Goal
{goal.strip()}

## Git
{git_section(change)}

## LOC scorecard of the change
{scorecard_section(workspace, change)}

## Rule findings introduced by the change
{findings_section(workspace, change)}

## TODO / FIXME / XXX comments the change added
{todo_section(change)}

## Last test outcome
{last_tests(workspace)}

## Open items from the previous handoff ({DEFAULT_PATH})
{previous_open_items(workspace)}

## Notes from the agent (what the repository does not show)
{notes.strip() if notes and notes.strip() else 'none given'}
"""
    template = f"Use this template for the handoff ({PATTERN_URI}):\n\n```markdown\n{TEMPLATE}```"
    request = (
        "Write the handoff for the next session from the facts above. Be concise and specific: name files, "
        "functions, commands and test ids; write next steps as actions someone can start at once; carry over "
        "the previous handoff's open items that are still open. Where a fact above says 'not available', say "
        "so instead of guessing. Then save it with the tool write_handoff."
    )
    return [facts, template, request]


def last_tests(workspace: Workspace) -> str:
    """The last test outcome from pytest's cache and any JUnit XML report, or why it is unknown."""
    parts = [_pytest_cache(workspace), *_junit_reports(workspace)]
    found = [p for p in parts if p]
    return "\n".join(found) if found else (
        f"not available: no pytest cache ({_LASTFAILED}) and no JUnit XML report ({', '.join(_JUNIT_NAMES[:3])}, ...)."
    )


def _optional(workspace: Workspace, rel: str) -> tuple[str, datetime] | None:
    """The text and modification time of a file that may not exist, read through the workspace."""
    try:
        real = workspace.resolve(rel)
        source = workspace.read_path(rel)
    except WardenError:
        return None
    return source.text, datetime.fromtimestamp(real.stat().st_mtime, tz=UTC)


def _pytest_cache(workspace: Workspace) -> str | None:
    got = _optional(workspace, _LASTFAILED)
    if got is None:
        return None
    text, when = got
    try:
        failed = json.loads(text)
    except json.JSONDecodeError:
        return f"- pytest cache ({_LASTFAILED}): unreadable JSON."
    stamp = when.strftime("%Y-%m-%d %H:%M UTC")
    if not failed:
        return f"- pytest (cache written {stamp}): the last run recorded no failing test."
    ids = sorted(failed)
    shown = "\n".join(f"  - {node}" for node in ids[:_MAX_ITEMS])
    more = f"\n  - ... and {len(ids) - _MAX_ITEMS} more" if len(ids) > _MAX_ITEMS else ""
    return f"- pytest (cache written {stamp}): {len(ids)} test(s) failed in the last run:\n{shown}{more}"


def _junit_reports(workspace: Workspace) -> list[str]:
    reports = []
    for rel in _JUNIT_NAMES:
        got = _optional(workspace, rel)
        if got is not None:
            reports.append(_junit_summary(rel, *got))
    return reports


def _junit_summary(rel: str, text: str, when: datetime) -> str:
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        return f"- JUnit report {rel}: not valid XML ({exc})."
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    totals = {k: sum(int(s.get(k, 0) or 0) for s in suites) for k in ("tests", "failures", "errors", "skipped")}
    failing = [
        f"{case.get('classname', '')}::{case.get('name', '')}".lstrip(":")
        for case in root.iter("testcase")
        if case.find("failure") is not None or case.find("error") is not None
    ]
    head = (f"- JUnit report {rel} (written {when:%Y-%m-%d %H:%M} UTC): {totals['tests']} tests, "
            f"{totals['failures']} failures, {totals['errors']} errors, {totals['skipped']} skipped.")
    return "\n".join([head, *(f"  - failed: {name}" for name in failing[:_MAX_ITEMS])])


def previous_open_items(workspace: Workspace, rel: str = DEFAULT_PATH) -> str:
    """Unchecked boxes and the Blockers / Next steps sections of the previous handoff."""
    got = _optional(workspace, rel)
    if got is None:
        return "none: there is no previous handoff file."
    text, when = got
    items: list[str] = []
    in_open_section = False
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            in_open_section = bool(_OPEN_SECTIONS.match(line.strip()))
            continue
        if _OPEN_ITEM.match(line) or (in_open_section and line.strip() and not line.strip().startswith("- [x]")):
            items.append(line.rstrip())
    if not items:
        return f"none: the previous handoff (written {when:%Y-%m-%d %H:%M} UTC) lists no open item."
    more = [f"- ... and {len(items) - _MAX_ITEMS} more"] if len(items) > _MAX_ITEMS else []
    return "\n".join([f"From the handoff written {when:%Y-%m-%d %H:%M} UTC:", *items[:_MAX_ITEMS], *more])


def write_handoff(workspace: Workspace, content: str, path: str = DEFAULT_PATH) -> HandoffWritten:
    """Save ``content`` as a markdown file inside the root, atomically, and return it."""
    if not isinstance(content, str) or not content.strip():
        raise WardenError("The handoff is empty.", "Pass the markdown text of the handoff.")
    if len(content) > _MAX_CONTENT:
        raise WardenError(f"The handoff is {len(content):,} characters long.", f"Keep it under {_MAX_CONTENT:,}.")
    if not isinstance(path, str) or not path.endswith(".md"):
        raise WardenError(f"{path!r} is not a .md file.", f"A handoff is markdown; omit the path for {DEFAULT_PATH}.")
    target = workspace.writable(path)
    data = (content if content.endswith("\n") else content + "\n").encode("utf-8")
    workspace.write_atomic(target, data)
    written = workspace.read_path(workspace.relative(target))
    return HandoffWritten(path=written.path, bytes=len(data), content_hash=written.digest, content=written.text)
