"""Step one of a review: read what is to be reviewed, from git once (or from the tree outside git).

The answer says what it covers: a range, the last commit when the working tree holds no
change (a newcomer's first run then shows something real), or the whole tree outside git.
Input that cannot be reviewed (a path that does not exist, a reference git does not know,
base/head outside git) is an error that says what to pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pattern_warden.delta import git
from pattern_warden.delta.count import EMPTY_TREE, WORKING_TREE, LocDelta, Range, count_git, resolve_range
from pattern_warden.delta.score import check_paths_exist
from pattern_warden.errors import WardenError
from pattern_warden.source import SourceFile
from pattern_warden.workspace import Workspace


@dataclass
class Facts:
    """The files to review (new version, base version) and a sentence saying what they are."""

    in_git: bool
    reviewed: str
    delta: LocDelta | None = None
    files: list[tuple[SourceFile, SourceFile | None]] = field(default_factory=list)


def read_facts(workspace: Workspace, path: str | None, base: str | None, head: str | None) -> Facts:
    """The change under ``path`` from ``base`` to ``head`` (defaults: merge-base..working tree)."""
    root = workspace.root
    real = workspace.resolve(path) if path else root  # refuses a path outside the root
    paths = [path] if path and path != "." else None
    if git.toplevel(root) is None:
        if base is not None or head is not None:
            raise WardenError(f"base/head need a git checkout, and {root} is not inside a git repository.",
                              "Omit base and head to review the whole tree.")
        if not real.exists():
            raise WardenError(f"The path {path!r} does not exist under the root {root}.",
                              "Pass an existing file or folder relative to the root, or omit it.")
        found = workspace.discover(paths)
        files = [(s, None) for p in found.files if isinstance(s := workspace.read(p), SourceFile)]
        return Facts(False, f"the whole tree under {path or '.'} ({len(files)} Python files): not a git checkout, "
                            "so every finding not in the baseline counts as new", files=files)
    span = resolve_range(root, base, head)
    delta = count_git(workspace, paths=paths, span=span)
    check_paths_exist(workspace, paths, delta)
    reviewed = f"the change {span.base[:12]} -> {(span.head or WORKING_TREE)[:12]} ({len(delta.files)} files)"
    last = git.head_commit(root) if not delta.files and base is None and head is None else None
    if last is not None:
        delta = count_git(workspace, paths=paths, span=_last_commit(root, last[0]))
        reviewed = (f"no change against {span.base[:12]}, so the last commit {last[0][:12]} \"{last[1]}\" "
                    f"({len(delta.files)} files); pass base/head (--base/--head) to review another range")
    files = [(f.after, f.before) for f in delta.files if f.kind == "python" and f.after is not None]
    return Facts(True, reviewed, delta, files)


def _last_commit(root: Path, sha: str) -> Range:
    try:
        parent = git.rev_parse(root, "HEAD~1")
    except git.GitError:  # the first commit: everything in it is new
        parent = EMPTY_TREE
    return Range(parent, sha)
