"""Claude Code hooks: the third front door, beside the server and the CLI.

Agents skip written instructions; a hook that runs on every edit is never skipped. Claude Code
runs a hook command with the event as JSON on stdin and reads its answer from the exit status:
0 lets the agent go on, 2 feeds stderr back to the agent, and a Stop hook may instead print
``{"decision": "block", "reason": ...}`` to keep the agent working. The gates accuse the agent
only of what it did (``session.py`` keeps both baselines):

- ``session-start`` (SessionStart) records the working tree as the session's baseline;
- ``pre-edit`` (PreToolUse on Write/Edit/MultiEdit) records the file just before the call;
- ``edit`` (PostToolUse) blocks on findings this call introduced: the file after the call
  compared with the file just before it (``review_findings``, the review's own comparison), less
  statements copied or moved from the project's other files; those below ``edit-severity``
  reach the agent as a note that does not block (exit 0, ``additionalContext`` on stdout);
- ``stop`` (Stop) reviews the change from the session's baseline to now with ``review_change``;
  a session that changed nothing passes silently.

Like server.py and cli.py this module only translates. A failure of the hook itself must never
stop an agent, so every error becomes one line on stderr and exit 0.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pattern_warden.config import Config, load_config
from pattern_warden.errors import WardenError
from pattern_warden.models import quantity

if TYPE_CHECKING:
    from pattern_warden.delta.models import Review, ReviewFinding, Threshold
    from pattern_warden.session import Session
    from pattern_warden.source import SourceFile
    from pattern_warden.workspace import Workspace

EDIT_TOOLS = frozenset({"Write", "Edit", "MultiEdit"})
EXIT_PASS, EXIT_BLOCK = 0, 2
#: Lines of findings a blocking answer shows; the rest are counted, so the agent's context stays small.
MAX_LINES = 20


@dataclass(frozen=True)
class Answer:
    """What the hook prints and how it exits, in Claude Code's hook contract."""

    exit_code: int = EXIT_PASS
    stderr: str = ""
    stdout: str = ""


def _config(payload: dict[str, Any]) -> Config:
    """The project Claude Code runs in.

    The payload's ``cwd`` follows the agent's ``cd``, so when it lies inside the project folder
    Claude Code names in ``CLAUDE_PROJECT_DIR``, the project folder is the root (an edit in a
    sibling folder is still checked); otherwise ``cwd`` is.
    """
    cwd = Path(payload.get("cwd") or ".").resolve()
    project = os.environ.get("CLAUDE_PROJECT_DIR")
    if project and cwd.is_relative_to(Path(project).resolve()):
        return load_config(project)
    return load_config(cwd)


def _session(payload: dict[str, Any], workspace: Workspace) -> Session:
    from pattern_warden.session import Session

    return Session(workspace, str(payload.get("session_id") or ""))


def session_start(payload: dict[str, Any]) -> Answer:
    """SessionStart: record the tree as this session's baseline (a resumed session keeps its own)."""
    config = _config(payload)
    if not (config.settings.hooks.edit or config.settings.hooks.stop):
        return Answer()
    from pattern_warden.workspace import Workspace

    _session(payload, Workspace(config)).start(replace=payload.get("source") not in ("resume", "compact"))
    return Answer()


def _edited(payload: dict[str, Any], config: Config) -> str | None:
    """The root-relative path of the Python file a Write/Edit/MultiEdit call names, or None."""
    if payload.get("tool_name") not in EDIT_TOOLS:
        return None
    file_path = (payload.get("tool_input") or {}).get("file_path")
    if not isinstance(file_path, str) or not file_path.endswith(".py"):
        return None
    real = (Path(file_path) if Path(file_path).is_absolute() else config.root / file_path).resolve()
    if not real.is_relative_to(config.root):
        return None  # a file outside the project is not the project's business
    return real.relative_to(config.root).as_posix()


def pre_edit(payload: dict[str, Any]) -> Answer:
    """PreToolUse on Write/Edit/MultiEdit of a ``.py`` file: record the file just before the call
    (and the session's baseline, when SessionStart did not run). Never blocks the call."""
    config = _config(payload)
    rel = _edited(payload, config)
    if rel is None or not (config.settings.hooks.edit or config.settings.hooks.stop):
        return Answer()
    from pattern_warden.workspace import Workspace

    session = _session(payload, Workspace(config))
    session.start(replace=False)
    session.record_before(rel, payload.get("tool_use_id"))
    return Answer()


def edit(payload: dict[str, Any]) -> Answer:
    """PostToolUse on Write/Edit/MultiEdit of a ``.py`` file: block on findings this call introduced
    at or above ``edit-severity``; tell the agent of those below it (down to ``edit-note-severity``)
    in a note that does not block."""
    config = _config(payload)
    rel = _edited(payload, config)
    settings = config.settings.hooks
    if rel is None or not settings.edit:
        return Answer()
    from pattern_warden.rules.base import Severity
    from pattern_warden.workspace import Workspace

    workspace = Workspace(config)
    session = _session(payload, workspace)
    source = workspace.read_path(rel)
    before = _before(payload, session, source)
    block = Severity.parse(settings.edit_severity)
    notes_on = settings.edit_note_severity != "never" and Severity.parse(settings.edit_note_severity) < block
    floor = settings.edit_note_severity if notes_on else settings.edit_severity
    found = _introduced(workspace, session, source, before, floor)
    blocking = [f for f in found if Severity.parse(f.severity) >= block]
    notes = [f for f in found if Severity.parse(f.severity) < block]
    attempt = _new_attempt(workspace, rel) if before is None else None
    if blocking or attempt is not None:
        return Answer(EXIT_BLOCK, stderr=_block(rel, blocking, attempt, len(notes), settings.edit_severity))
    if notes:
        return Answer(stdout=json.dumps({"hookSpecificOutput": {
            "hookEventName": "PostToolUse", "additionalContext": _note(notes, settings.edit_severity)}}) + "\n")
    return Answer()


def _listed(found: list[ReviewFinding]) -> list[str]:
    """One line per finding, ``MAX_LINES`` at most, the rest counted."""
    from pattern_warden.delta.render import finding_line

    lines = [finding_line(f) for f in found[:MAX_LINES]]
    if len(found) > MAX_LINES:
        lines.append(f"... and {len(found) - MAX_LINES} more (pattern-warden check {found[0].path})")
    return lines


def _block(rel: str, found: list[ReviewFinding], attempt: str | None, notes: int, floor: str) -> str:
    """What a blocking edit answer says on stderr: the findings at or above the floor, the attempt
    file, and the notes below the floor as one count (the block is what the agent acts on first)."""
    lines = _listed(found) + ([attempt] if attempt is not None else [])
    if notes:
        lines.append(f"... and {quantity(notes, 'note')} below {floor}, not blocking (pattern-warden check {rel})")
    count = quantity(len(found) + (attempt is not None), "finding")
    return "\n".join([f"pattern-warden: this edit introduced {count}; fix them now:", *lines]) + "\n"


def _note(found: list[ReviewFinding], floor: str) -> str:
    """What a note says: findings this call introduced below the blocking floor, for the agent to
    fix or keep on purpose.

    Claude Code reads a PostToolUse hook's stdout as JSON when it exits 0 and adds
    ``hookSpecificOutput.additionalContext`` to what the agent sees, without blocking (hooks
    reference, "PostToolUse decision control": https://code.claude.com/docs/en/hooks; on exit 2
    stdout is not read, so a note never rides on a block)."""
    head = (f"pattern-warden: {quantity(len(found), 'note')} on this edit (not blocking, below {floor}): fix what "
            "you did not mean; a deliberate fallback stays, with a log call or `# warden: fallback <reason>` in its "
            "handler.")
    return "\n".join([head, *_listed(found)])


def _new_attempt(workspace: Workspace, rel: str) -> str | None:
    """A line for a new file written as another attempt at an existing module, or None."""
    from pattern_warden.leftovers.attempts import new_attempt

    current = new_attempt(workspace.config.root, rel)
    if current is None:
        return None
    return (f"{rel}:1: leftover [attempt] new: a second version of {current}; the next session will not know "
            f"which one is current. Fix: change {current} itself (git keeps its history) and delete {rel}. "
            "(warden://patterns/leftovers)")


def _before(payload: dict[str, Any], session: Session, after: SourceFile) -> SourceFile | None:
    """The file just before this call: as PreToolUse recorded it; else as the tool's response
    quotes it (Edit's ``originalFile``); else rebuilt by undoing the Edit/MultiEdit payload; else
    as it was when the session began. None: it did not exist."""
    from pattern_warden.session import undo_edit
    from pattern_warden.workspace import Skipped

    data = session.take_before(after.path, payload.get("tool_use_id"))
    if data is False:
        response = payload.get("tool_response")
        quoted = response.get("originalFile") if isinstance(response, dict) else None
        text = quoted if isinstance(quoted, str) else \
            undo_edit(after.text, payload.get("tool_input") or {}) if payload.get("tool_name") != "Write" else None
        data = text.encode("utf-8", errors="surrogatepass") if text is not None else session.at_start(after.path)
    if data is None:
        return None
    before = session.workspace.from_bytes(after.path, data)  # type: ignore[arg-type]
    return None if isinstance(before, Skipped) else before


def _introduced(workspace: Workspace, session: Session, after: SourceFile, before: SourceFile | None,
                floor: str) -> list[ReviewFinding]:
    """Findings of ``after`` at or above ``floor`` that ``before`` did not have (and, when
    ``fail-on-worse`` is set, whole-scope findings this call made worse).

    A statement finding the agent brought from another file is not new: one that left another
    file during the session (the stop's own test, ``moved_statements``), or that another file
    holds word for word with the lines around it, now or when the session began (a module
    extracted from another is often written before the old code goes). Other files are read
    only when this call has such a candidate."""
    from pattern_warden.delta.findings import carried_statements, file_findings, review_findings
    from pattern_warden.delta.verdict import counted
    from pattern_warden.fingerprint import statement_texts
    from pattern_warden.rules.engine import Checker, CheckOptions

    checker = Checker(workspace.config, CheckOptions(min_severity=floor, new_code=True))
    if not file_findings(checker, after)[0]:
        return []  # clean: nothing to compare
    found = review_findings(checker, after, before)
    candidates = [s for s in statement_texts([f for f in found if f.new], after) if s is not None]
    if candidates:
        changed = session.changed_sources()
        carried = carried_statements(checker, after, candidates, changed, session.other_sources(after.path, changed))
        if carried:
            found = review_findings(checker, after, before, moved=carried)
    return counted(found, workspace.config.settings.review)


def stop(payload: dict[str, Any]) -> Answer:
    """Stop: review what this session changed; block when the review fails or the session added
    findings at or above ``stop-severity``. A session that changed nothing passes silently."""
    if payload.get("stop_hook_active"):
        return Answer()  # the agent already went round once for us; never loop
    config = _config(payload)
    if not config.settings.hooks.stop:
        return Answer()
    from contextlib import ExitStack

    from pattern_warden.delta.review import leftovers_ahead, review_change
    from pattern_warden.delta.verdict import counted
    from pattern_warden.diskcache import open_cache
    from pattern_warden.rules.base import Severity
    from pattern_warden.session import session_facts
    from pattern_warden.workspace import Workspace

    workspace = Workspace(config)
    session = _session(payload, workspace)
    # The same persistent cache as `pattern-warden review`: a second stop re-checks only what changed.
    disk = open_cache(config)
    with ExitStack() as stack:
        known = session.baseline()  # in git, the leftovers' read of the project begins while git answers
        ahead = leftovers_ahead(stack, workspace, disk) if known is not None and known.in_git else None
        baseline, changes = session.changes()
        if not changes:
            return Answer()
        review = review_change(workspace, limit=MAX_LINES, disk=disk, facts=session_facts(session, baseline, changes),
                               ahead=ahead)
    floor = config.settings.hooks.stop_severity
    severe = [f for f in counted(review.findings, config.settings.review)
              if floor != "never" and Severity.parse(f.severity) >= Severity.parse(floor)]
    if review.passed and not severe:
        return Answer()
    return Answer(stdout=json.dumps({"decision": "block", "reason": _reason(review, floor)}) + "\n")


#: Thresholds that count items the stop's reason lists: said once, after those items, never as
#: a reason of their own (a threshold line beside its finding made the agent read one problem twice).
_COUNTING = ("fail-on-severity", "max-findings", "max-leftovers", "max-duplicates")


def _reason(review: Review, floor: str) -> str:
    """The new and worse findings at or above the stop's severity floor, the leftovers that
    failed ``max-leftovers`` and the duplicates that failed ``max-duplicates-introduced``: what
    the agent must act on, one line each, and nothing below the floor (an info-level note is not
    a reason to keep working). Then, once, the thresholds those items fail; a failed threshold
    that counts no listed item (the net size of the change) and a failed verdict are reasons of
    their own."""
    from pattern_warden.delta.render import finding_line
    from pattern_warden.leftovers.models import HIGH
    from pattern_warden.leftovers.render import leftover_line
    from pattern_warden.rules.base import Severity

    lines = [f"pattern-warden review of {review.reviewed} failed; fix these (or say in your answer why they stay), "
             "then finish:"]
    card = review.scorecard
    if card is not None and card.verdict.status == "fail":
        lines.append(f"verdict: fail: {card.verdict.message}")
    failed = [t for t in review.thresholds if not t.passed]
    lines += [_threshold(t) for t in failed if not t.name.startswith(_COUNTING)]
    blocking = [f for f in review.findings if (f.new or f.worse_than is not None)
                and (floor == "never" or Severity.parse(f.severity) >= Severity.parse(floor))]
    lines += [finding_line(f) for f in blocking]
    rest = review.findings_new - len(blocking)
    if rest > 0:
        lines.append(f"... {quantity(rest, 'more new finding')} below {floor} or past this page (pattern-warden review)")
    if any(t.name == "max-leftovers" for t in failed):
        lines += [f"leftover: {leftover_line(item)}" for item in review.leftovers if item.confidence >= HIGH]
    if any(t.name.startswith("max-duplicates") for t in failed):
        # listed only when they are what failed: a family touched by the change is mostly old code
        lines += [f"duplicate ({c.kind}): {', '.join(c.locations)}" for c in review.duplicates[:MAX_LINES]]
    counting = [_threshold(t) for t in failed if t.name.startswith(_COUNTING)]
    if counting:
        lines.append(f"{FAILS}{'; '.join(counting)}.")
    return "\n".join(lines)


#: How the closing line of a blocking stop begins: the thresholds the items above it fail.
FAILS = "These fail "


def _threshold(threshold: Threshold) -> str:
    return f"threshold {threshold.name}: {threshold.value} (limit {threshold.limit})"


HANDLERS = {"session-start": session_start, "pre-edit": pre_edit, "edit": edit, "stop": stop}


def run(event: str, stdin: TextIO) -> Answer:
    """Read the payload and answer; an error of the hook itself is reported and never blocks."""
    try:
        payload = json.loads(stdin.read() or "{}")
        if not isinstance(payload, dict):
            raise WardenError("The hook input is not a JSON object.", "Run this as a Claude Code hook.")
        return HANDLERS[event](payload)
    except WardenError as exc:
        return Answer(stderr=f"pattern-warden hook {event}: not checked: {exc}\n")
    except json.JSONDecodeError as exc:
        return Answer(stderr=f"pattern-warden hook {event}: not checked: the input is not JSON ({exc}).\n")
    except Exception as exc:  # noqa: BLE001 - a hook's own failure must never block the agent
        return Answer(stderr=f"pattern-warden hook {event}: not checked: {type(exc).__name__}: {exc}\n")


def main(event: str) -> int:
    """Entry point for ``pattern-warden hook session-start|pre-edit|edit|stop``: stdin in, the hook contract out."""
    if sys.stdin.isatty():
        sys.stderr.write(f"pattern-warden hook {event} reads Claude Code's hook JSON on stdin; see the README.\n")
        return EXIT_PASS
    answer = run(event, sys.stdin)
    sys.stdout.write(answer.stdout)
    sys.stderr.write(answer.stderr)
    return answer.exit_code
