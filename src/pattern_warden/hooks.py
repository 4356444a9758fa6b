"""Claude Code hooks: the third front door, beside the server and the CLI.

Agents skip written instructions; a hook that runs on every edit is never skipped. Claude Code
runs a hook command with the event as JSON on stdin and reads its answer from the exit status:
0 lets the agent go on, 2 feeds stderr back to the agent, and a Stop hook may instead print
``{"decision": "block", "reason": ...}`` to keep the agent working. Like server.py and cli.py
this module only translates: the edit hook runs the rule engine on one file and asks
``fingerprint.fingerprints`` which findings the edit introduced (compared with the file at git
HEAD); the stop hook calls ``review_change`` and passes on its verdict. A failure of the hook
itself must never stop an agent, so every error becomes one line on stderr and exit 0.
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

if TYPE_CHECKING:
    from pattern_warden.delta.review import Review
    from pattern_warden.delta.models import ReviewFinding
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


def edit(payload: dict[str, Any]) -> Answer:
    """PostToolUse on Write/Edit/MultiEdit of a ``.py`` file: block on findings the edit introduced."""
    if payload.get("tool_name") not in EDIT_TOOLS:
        return Answer()
    file_path = (payload.get("tool_input") or {}).get("file_path")
    if not isinstance(file_path, str) or not file_path.endswith(".py"):
        return Answer()
    config = _config(payload)
    settings = config.settings.hooks
    if not settings.edit:
        return Answer()
    from pattern_warden.workspace import Workspace

    workspace = Workspace(config)
    real = Path(file_path) if Path(file_path).is_absolute() else config.root / file_path
    if not real.resolve().is_relative_to(config.root):
        return Answer()  # a file outside the project is not the project's business
    new = _new_findings(workspace, workspace.read_path(str(real)), settings.edit_severity)
    if not new:
        return Answer()
    lines = [f"{f.path}:{f.line}: {f.code} [{f.severity}] {f.message} Fix: {f.fix_hint}" for f in new[:MAX_LINES]]
    if len(new) > MAX_LINES:
        lines.append(f"... and {len(new) - MAX_LINES} more (pattern-warden check {new[0].path})")
    head = f"pattern-warden: this edit introduced {len(new)} finding{'s' * (len(new) != 1)}; fix them now:"
    return Answer(EXIT_BLOCK, stderr="\n".join([head, *lines]) + "\n")


def _new_findings(workspace: Workspace, source: SourceFile, floor: str) -> list[ReviewFinding]:
    """Findings in ``source`` whose identity the file at git HEAD does not have (all of them when new).

    The comparison is the review's own (``review_findings``), so the hook and the review never
    disagree about what an edit introduced."""
    from pattern_warden.delta.findings import file_findings, review_findings
    from pattern_warden.rules.engine import Checker, CheckOptions

    checker = Checker(workspace.config, CheckOptions(min_severity=floor))
    if not file_findings(checker, source)[0]:
        return []  # clean: no need to ask git for the committed version
    return [f for f in review_findings(checker, source, _at_head(workspace, source.path)) if f.new]


def _at_head(workspace: Workspace, rel: str) -> SourceFile | None:
    """The file as committed at HEAD, or None when it is new, untracked or not in git."""
    from pattern_warden.delta import git
    from pattern_warden.workspace import Skipped

    try:
        listing = git.run(workspace.root, "ls-tree", "HEAD", "--", rel, check=False).stdout.split()
        if len(listing) < 3 or listing[1] != "blob":
            return None
        data = git.read_blobs(workspace.root, [listing[2]]).get(listing[2])
    except git.GitError:
        return None
    source = workspace.from_bytes(rel, data) if data is not None else None
    return None if source is None or isinstance(source, Skipped) else source


def stop(payload: dict[str, Any]) -> Answer:
    """Stop: run the review of the change; when it fails, keep the agent working with the reason."""
    if payload.get("stop_hook_active"):
        return Answer()  # the agent already went round once for us; never loop
    config = _config(payload)
    if not config.settings.hooks.stop:
        return Answer()
    from pattern_warden.delta.review import review_change
    from pattern_warden.diskcache import open_cache
    from pattern_warden.workspace import Workspace

    # The same persistent cache as `pattern-warden review`: a second stop re-checks only what changed.
    review = review_change(Workspace(config), limit=MAX_LINES, disk=open_cache(config))
    if review.passed:
        return Answer()
    return Answer(stdout=json.dumps({"decision": "block", "reason": _reason(review)}) + "\n")


def _reason(review: Review) -> str:
    """The failed thresholds and verdict, then the new findings: what the agent must act on."""
    lines = ["pattern-warden review failed; fix these (or say in your answer why they stay), then finish:"]
    card = review.scorecard
    if card is not None and card.verdict.status == "fail":
        lines.append(f"verdict: fail: {card.verdict.message}")
    lines += [f"threshold {t.name}: {t.value} (limit {t.limit})" for t in review.thresholds if not t.passed]
    lines += [f"{f.path}:{f.line}: {f.code} [{f.severity}] {f.message}" + (f" Fix: {f.fix_hint}" if f.fix_hint else "")
              for f in review.findings if f.new]
    if review.findings_new > len(review.findings):
        lines.append(f"... {review.findings_new - len(review.findings)} more new findings (pattern-warden review)")
    lines += [f"duplicate ({c.kind}): {', '.join(c.locations)}" for c in review.duplicates[:MAX_LINES]]
    return "\n".join(lines)


HANDLERS = {"edit": edit, "stop": stop}


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
    """Entry point for ``pattern-warden hook edit|stop``: stdin in, the hook contract out."""
    if sys.stdin.isatty():
        sys.stderr.write(f"pattern-warden hook {event} reads Claude Code's hook JSON on stdin; see the README.\n")
        return EXIT_PASS
    answer = run(event, sys.stdin)
    sys.stdout.write(answer.stdout)
    sys.stderr.write(answer.stderr)
    return answer.exit_code
