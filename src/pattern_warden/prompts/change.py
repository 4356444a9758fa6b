"""What the current change is, read from git and the other engines, for the prompts to quote.

``handoff_context`` and ``implementation_scorecard`` both describe "the change": the work
tree against the base it branched from (the merge base with the default branch; on the
default branch itself, uncommitted work against HEAD). Every fact is gathered on its own
and a fact that cannot be had is kept as the reason why, so a prompt can say "not a git
repository" or "the rules engine is not installed" instead of inventing a figure.

The LOC scorecard and the rule findings come from the delta and rules engines when they are
importable; they are looked up at call time, so this module works before they land.
"""

from __future__ import annotations

import importlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from pattern_warden.delta import git
from pattern_warden.errors import WardenError
from pattern_warden.source import SourceFile
from pattern_warden.workspace import Workspace

log = logging.getLogger(__name__)

_MARKER = re.compile(r"(?:#|//|/\*|<!--|--)\s*.*?\b(TODO|FIXME|XXX)\b")
_MAX_COMMITS = 30
_MAX_ROWS = 40
_MAX_EMBEDDED = 8_000
_MAX_UNTRACKED_READ = 500


@dataclass
class Change:
    """The change in the work tree, or why it could not be read."""

    missing: str | None = None
    branch: str | None = None
    head: tuple[str, str] | None = None
    base: str | None = None
    base_label: str = ""
    commits: list[tuple[str, str]] = field(default_factory=list)
    changed: list[tuple[str, str]] = field(default_factory=list)
    added: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    review: object | None = None  # the review of the change, once asked for
    review_missing: str = ""


def read_change(workspace: Workspace) -> Change:
    """The change under the workspace root; paths are made relative to the root."""
    root = workspace.root
    try:
        top = git.toplevel(root)
    except git.GitError as exc:
        return Change(missing=f"not available: {exc}")
    if top is None:
        return Change(missing=f"not available: the root {root} is not inside a git repository")
    change = Change(branch=git.current_branch(root), head=git.head_commit(root))
    try:
        if change.head is None:
            change.base_label = "none: the repository has no commit yet (every file is new)"
            change.changed = [("?", p) for p in _under_root(git.untracked_files(root), top, root)]
        else:
            _set_base(change, root)
            if change.base != "HEAD":
                change.commits = git.commits_between(root, change.base, "HEAD", limit=_MAX_COMMITS + 1)
            change.changed = _pairs_under_root(git.changed_files(root, change.base), top, root)
            added = git.added_lines(root, change.base)
            change.added = {rel: rows for path, rows in added.items() if (rel := _relative(path, top, root))}
    except git.GitError as exc:
        change.missing = f"not available: the change could not be read ({exc})"
        return change
    untracked = [rel for status, rel in change.changed if status == "?" and rel.endswith(_TEXT_SUFFIXES)]
    for rel in untracked[:_MAX_UNTRACKED_READ]:  # every line of a new file is an added line
        if (source := _read(workspace, rel)) is not None:
            change.added[rel] = list(enumerate(source.lines, start=1))
    if len(untracked) > _MAX_UNTRACKED_READ:
        change.notes.append(f"Only the first {_MAX_UNTRACKED_READ} of {len(untracked)} untracked files were read.")
    return change


def _set_base(change: Change, root: Path) -> None:
    """The base of the change: where the branch left the default branch, else HEAD."""
    default = git.default_branch(root)
    if default is None:
        change.base, change.base_label = "HEAD", "HEAD (no main, master or origin/HEAD to compare with)"
    elif change.branch and default in (change.branch, f"origin/{change.branch}"):
        change.base, change.base_label = "HEAD", f"HEAD (on the default branch {default}: uncommitted work only)"
    else:
        merge = git.merge_base(root, default, "HEAD")
        change.base = merge or "HEAD"
        change.base_label = f"{default} (merge base {merge[:12]})" if merge else f"HEAD ({default} shares no history)"


_TEXT_SUFFIXES = (".py", ".pyi", ".md", ".txt", ".rst", ".toml", ".cfg", ".ini", ".yaml", ".yml", ".js", ".ts", ".sh")


def _read(workspace: Workspace, rel: str) -> SourceFile | None:
    """An untracked file's text, or None when the workspace will not read it (binary, too large)."""
    try:
        return workspace.read_path(rel)
    except WardenError:
        return None


def _relative(path: str, top: Path, root: Path) -> str | None:
    """A repository path relative to the root, or None when it lies outside the root."""
    full = top / path
    try:
        return full.relative_to(root).as_posix()
    except ValueError:
        return None


def _under_root(paths: list[str], top: Path, root: Path) -> list[str]:
    return [rel for p in paths if (rel := _relative(p, top, root)) is not None]


def _pairs_under_root(pairs: list[tuple[str, str]], top: Path, root: Path) -> list[tuple[str, str]]:
    return [(s, rel) for s, p in pairs if (rel := _relative(p, top, root)) is not None]


def git_section(change: Change) -> str:
    """Branch, HEAD, base, commits and changed files, as markdown."""
    if change.head is None and change.missing:
        return f"- Git: {change.missing}."
    lines = [
        f"- Branch: {change.branch or 'detached HEAD'}",
        f"- HEAD: {change.head[0][:12]} {change.head[1]}" if change.head else "- HEAD: none (no commit yet)",
        f"- Base: {change.base_label}",
    ]
    if change.missing:
        lines.append(f"- {change.missing}")
    if change.base and change.base != "HEAD":
        shown = change.commits[:_MAX_COMMITS]
        lines.append(f"- Commits since the base: {len(shown)}{'+' if len(change.commits) > _MAX_COMMITS else ''}")
        lines += [f"  - {sha} {subject}" for sha, subject in shown]
    status = {"A": "added", "M": "modified", "D": "deleted", "T": "type changed", "?": "untracked"}
    lines.append(f"- Changed files: {len(change.changed)}" + ("" if change.changed else " (none)"))
    lines += [f"  - {status.get(s, s)}: {p}" for s, p in change.changed[:_MAX_ROWS]]
    if len(change.changed) > _MAX_ROWS:
        lines.append(f"  - ... and {len(change.changed) - _MAX_ROWS} more")
    lines += [f"- Note: {note}" for note in change.notes]
    return "\n".join(lines)


def todo_section(change: Change) -> str:
    """TODO, FIXME and XXX comments on lines the change added."""
    if change.missing:
        return change.missing
    found = [
        f"- {path}:{number}: {text.strip()[:160]}"
        for path, lines in sorted(change.added.items())
        for number, text in lines
        if _MARKER.search(text)
    ]
    if not found:
        return "none: the change adds no TODO, FIXME or XXX comment."
    more = f"\n- ... and {len(found) - _MAX_ROWS} more" if len(found) > _MAX_ROWS else ""
    return "\n".join(found[:_MAX_ROWS]) + more


def engine(module: str, attribute: str) -> object | None:
    """``module.attribute`` when that engine is installed, else None (looked up at call time)."""
    try:
        return getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError):
        return None


def _review(workspace: Workspace, change: Change) -> tuple[object | None, str]:
    """The review of the change (computed once for both sections), or why there is none."""
    if change.review is not None or change.review_missing:
        return change.review, change.review_missing
    review_change = engine("pattern_warden.delta.review", "review_change")
    if review_change is None:
        change.review_missing = "not available: the LOC scorecard engine (pattern_warden.delta) is not installed."
    elif change.missing or change.base is None:
        change.review_missing = change.missing or "not available: there is no commit to compare with."
    else:
        try:
            change.review = review_change(workspace, base=change.base)  # type: ignore[operator]
        except Exception as exc:  # noqa: BLE001 - another engine's failure is reported, not hidden
            log.warning("review failed", exc_info=True)
            change.review_missing = f"not available: the LOC scorecard failed ({type(exc).__name__}: {exc})."
    return change.review, change.review_missing


def scorecard_section(workspace: Workspace, change: Change) -> str:
    """The change's scorecard, the same figures `review` and score_loc_delta give, or why there is none."""
    review, missing = _review(workspace, change)
    if review is None:
        return missing
    from pattern_warden.delta.render import scorecard_lines

    card = review.scorecard  # type: ignore[attr-defined]
    return "\n".join(scorecard_lines(card)) if card is not None else "not available: not a git checkout."


def findings_section(workspace: Workspace, change: Change) -> str:
    """The rule findings the change introduced (new by fingerprint, as `review` counts them)."""
    if engine("pattern_warden.rules.engine", "check_paths") is None:
        return "not available: the rules engine (pattern_warden.rules.engine) is not installed."
    review, missing = _review(workspace, change)
    if review is None:
        return missing
    new, existing = review.findings_new, review.findings_existing  # type: ignore[attr-defined]
    old = f"; {existing} existing finding(s) in the changed files are not the change's" if existing else ""
    if not new:
        return f"none: the change introduced no rule finding{old}."
    rows = [f"- {f.path}:{f.line} {f.code} ({f.severity}): {f.message} -> {f.pattern_uri}"
            for f in [f for f in review.findings if f.new][:_MAX_ROWS]]  # type: ignore[attr-defined]
    more = [f"- ... and {new - len(rows)} more (review_change lists them)"] if new > len(rows) else []
    return "\n".join([f"{new} finding(s) introduced by the change{old}:", *rows, *more])


def dump(model: object) -> str:
    """A result model for a prompt: its own ``summary`` text when it has one (the engines write
    it for agents), else its fields as indented JSON, cut to a size that fits in a prompt."""
    summary = getattr(model, "summary", None)
    if isinstance(summary, str) and summary.strip():
        return summary.strip()
    dumper = getattr(model, "model_dump_json", None)
    text = dumper(indent=1, exclude_none=True) if callable(dumper) else str(model)
    if len(text) > _MAX_EMBEDDED:
        text = text[:_MAX_EMBEDDED] + "\n... (cut)"
    return f"```json\n{text}\n```"
