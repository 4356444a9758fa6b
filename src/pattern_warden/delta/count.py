"""Count what a change did, per file: code lines apart from the rest, units, moves.

Three inputs lead to the same ``LocDelta``: a git range (the common case; git's own hunks
are used, so raw counts equal ``git diff --numstat``), two versions of one file, or the text
of a unified diff. Line kinds come from a scan of the whole old and new files (scan.py),
because a line inside a docstring cannot be told from code by looking at it alone.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, PrivateAttr

from pattern_warden.delta import git
from pattern_warden.delta.lines import LineSide, match_moves, parse_hunk_header, rows
from pattern_warden.delta.scan import Scan, scan
from pattern_warden.delta.symbols import SymbolChange, symbol_changes
from pattern_warden.errors import WardenError
from pattern_warden.rules.fixes import common_ends
from pattern_warden.models import Note
from pattern_warden.source import SourceFile
from pattern_warden.workspace import Skipped, Workspace

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
WORKING_TREE = "working tree"
_ZERO = "0" * 40
_SUBMODULE, _SYMLINK = "160000", "120000"
Status = Literal["added", "deleted", "modified", "renamed", "copied", "type-changed"]
Source = Literal["git", "sources", "diff"]
FileKind = Literal["python", "text", "binary", "submodule", "symlink", "unreadable"]


class FileDelta(BaseModel):
    """One file's share of the change."""

    path: str = Field(description="Path relative to the root (the new path for a rename).")
    old_path: str | None = Field(None, description="The path before a rename or copy.")
    status: Status
    kind: FileKind = Field(description="python files get code/unit counts; other text files line counts only.")
    added: int = Field(0, description="Lines added, as git diff --numstat counts them.")
    removed: int = Field(0, description="Lines removed, as git diff --numstat counts them.")
    code_added: int = Field(0, description="Code lines added (not blank, comment or docstring; moves excluded).")
    code_removed: int = Field(0, description="Code lines removed (moves excluded).")
    code_moved_in: int = Field(0, description="Code lines that arrived here by a move or rename.")
    code_moved_out: int = Field(0, description="Code lines that left here by a move or rename.")
    other_added: int = Field(0, description="Blank, comment and docstring lines added.")
    other_removed: int = Field(0, description="Blank, comment and docstring lines removed.")
    symbols: list[SymbolChange] = Field(default_factory=list)
    note: str | None = None
    _added_rows: list[int] = PrivateAttr(default_factory=list)
    _removed_rows: list[int] = PrivateAttr(default_factory=list)
    _before: SourceFile | None = PrivateAttr(None)
    _after: SourceFile | None = PrivateAttr(None)
    _added_calls: dict[str, set[str]] | None = PrivateAttr(None)

    @property
    def added_rows(self) -> list[int]:
        """Rows of the new file that the change added (for reuse, coverage and clone checks)."""
        return self._added_rows

    @property
    def added_calls(self) -> dict[str, set[str]]:
        """Names the added rows call, by enclosing unit (computed once; reuse and consolidation
        both need them)."""
        if self._added_calls is None:
            self._added_calls = scan(self._after).calls(self._added_rows) if self._after is not None else {}
        return self._added_calls

    @property
    def removed_rows(self) -> list[int]:
        """Rows of the old file that the change removed."""
        return self._removed_rows

    @property
    def after(self) -> SourceFile | None:
        """The new version (None when deleted, binary or known only from diff text)."""
        return self._after

    @property
    def before(self) -> SourceFile | None:
        """The old version (None when added, binary or known only from diff text)."""
        return self._before


class DeltaTotals(BaseModel):
    """The sums over every file."""

    files: int = 0
    added: int = 0
    removed: int = 0
    code_added: int = 0
    code_removed: int = 0
    code_moved: int = Field(0, description="Code lines moved rather than written anew.")
    other_added: int = 0
    other_removed: int = 0
    net_code: int = Field(0, description="code_added - code_removed: the net LOC impact.")
    functions_added: int = 0
    functions_removed: int = 0
    functions_modified: int = 0
    classes_added: int = 0
    classes_removed: int = 0
    classes_modified: int = 0


class LocDelta(BaseModel):
    """A change counted file by file."""

    source: Source
    base: str | None = Field(None, description="The commit compared from (git input).")
    head: str | None = Field(None, description="The commit compared to, or 'working tree'.")
    files: list[FileDelta] = Field(default_factory=list)
    totals: DeltaTotals = Field(default_factory=DeltaTotals)
    notes: list[Note] = Field(default_factory=list)


@dataclass
class PendingFile:
    """A file between parsing and counting: its two versions and the changed rows."""

    delta: FileDelta
    before: SourceFile | None = None
    after: SourceFile | None = None
    removed: LineSide = field(default_factory=LineSide)
    added: LineSide = field(default_factory=LineSide)
    guess_kinds: bool = False
    old_text: dict[int, str] = field(default_factory=dict)  # diff input only: rows the diff shows
    new_text: dict[int, str] = field(default_factory=dict)


# -- counting ------------------------------------------------------------------------------


def _count(pending: PendingFile) -> None:
    """Fill the delta's counts from the two versions and the changed rows."""
    delta = pending.delta
    delta.removed, delta.added = len(pending.removed.rows), len(pending.added.rows)
    delta._added_rows, delta._removed_rows = pending.added.rows, pending.removed.rows
    if delta.kind != "python" or pending.guess_kinds:
        delta._before, delta._after = None, None
    else:
        delta._before, delta._after = pending.before, pending.after
    if delta.kind != "python":
        return
    scans: dict[str, Scan | None] = {}
    for key, side, source, shown in (("before", pending.removed, pending.before, pending.old_text),
                                     ("after", pending.added, pending.after, pending.new_text)):
        scans[key] = None if pending.guess_kinds or source is None else scan(source)
        if scans[key] is not None:
            side.classify(scans[key].rows, scans[key])
        else:  # only the diff's own lines are known: judge each alone
            side.classify([shown.get(r, "") for r in range(1, max(shown, default=0) + 1)], None)
    delta.code_removed = len(pending.removed.code)
    delta.code_added = len(pending.added.code)
    delta.other_removed = delta.removed - delta.code_removed
    delta.other_added = delta.added - delta.code_added
    if not pending.guess_kinds:
        delta.symbols = symbol_changes(scans["before"], scans["after"], pending.removed.rows, pending.added.rows)


def finish(result: LocDelta, pending: list[PendingFile]) -> LocDelta:
    """Count every pending file, match moves across them, and total the result."""
    for item in pending:
        _count(item)
    python = [p for p in pending if p.delta.kind == "python"]
    match_moves([p.removed for p in python], [p.added for p in python])
    for item in python:
        delta = item.delta
        delta.code_removed -= item.removed.moved
        delta.code_added -= item.added.moved
        delta.code_moved_out += item.removed.moved
        delta.code_moved_in += item.added.moved
        if delta.status in ("renamed", "copied") and item.after is not None and item.before is not None:
            # git's rename detection: the lines a renamed file kept were moved, not rewritten.
            delta.code_moved_in += max(_code_lines(item.after) - len(item.added.code), 0)
            if delta.status == "renamed":
                delta.code_moved_out += max(_code_lines(item.before) - len(item.removed.code), 0)
    result.files = sorted((p.delta for p in pending), key=lambda d: d.path)
    result.totals = totals(result.files)
    return result


def _code_lines(source: SourceFile) -> int:
    return scan(source).code_count


def totals(files: Sequence[FileDelta]) -> DeltaTotals:
    """Sum the per-file counts and the unit changes."""
    t = DeltaTotals(files=len(files))
    for f in files:
        t.added += f.added
        t.removed += f.removed
        t.code_added += f.code_added
        t.code_removed += f.code_removed
        t.code_moved += f.code_moved_in
        t.other_added += f.other_added
        t.other_removed += f.other_removed
        for s in f.symbols:
            attr = f"{'functions' if s.kind == 'function' else 'classes'}_{s.change}"
            setattr(t, attr, getattr(t, attr) + 1)
    t.net_code = t.code_added - t.code_removed
    return t


def _kind_of(path: str, source: SourceFile | Skipped | None, other: SourceFile | Skipped | None) -> FileKind:
    for side in (source, other):
        if isinstance(side, Skipped):
            return "binary" if side.reason == "binary file" else "unreadable"
    return "python" if path.endswith((".py", ".pyi")) else "text"


# -- two versions of one file --------------------------------------------------------------


def count_sources(workspace: Workspace, before: str, after: str, path: str = "snippet.py") -> LocDelta:
    """Count the change from ``before`` to ``after`` (the text of one file) without git."""
    for name, value in (("before", before), ("after", after)):
        if len(value.encode("utf-8", errors="surrogatepass")) > workspace.config.limits.max_file_bytes:
            raise WardenError(f"`{name}` is larger than the file-size limit.", "Pass one file's text.")
    old, new = workspace.virtual(before, path), workspace.virtual(after, path)
    return count_versions([(path, old if before else None, new if after else None)])


def count_versions(versions: Sequence[tuple[str, SourceFile | None, SourceFile | None]], source: Source = "sources",
                   base: str | None = None, head: str | None = None) -> LocDelta:
    """Count a change given as (path, version before, version after), None for a side that does
    not exist: two sources, or the files a session changed (``session.py``)."""
    pending = []
    for path, old, new in versions:
        status: Status = "added" if old is None else "deleted" if new is None else "modified"
        item = PendingFile(FileDelta(path=path, status=status, kind=_kind_of(path, old, new)), old, new)
        removed, added = changed_rows(rows(old.text if old else ""), rows(new.text if new else ""))
        item.removed.rows.extend(removed)
        item.added.rows.extend(added)
        pending.append(item)
    return finish(LocDelta(source=source, base=base, head=head), pending)


def changed_rows(before: Sequence[str], after: Sequence[str]) -> tuple[list[int], list[int]]:
    """The 1-based rows removed from ``before`` and added in ``after``. The lines both share at
    the start and the end are set aside first: an edit touches a small middle of a file, and
    difflib's cost grows with the square of what it is given."""
    head, tail = common_ends(before, after)
    matcher = difflib.SequenceMatcher(None, before[head:len(before) - tail], after[head:len(after) - tail],
                                      autojunk=False)
    removed: list[int] = []
    added: list[int] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            removed.extend(range(head + i1 + 1, head + i2 + 1))
        if tag in ("insert", "replace"):
            added.extend(range(head + j1 + 1, head + j2 + 1))
    return removed, added


# -- a git range ---------------------------------------------------------------------------


def path_filter(workspace: Workspace, paths: Sequence[str] | None) -> list[str] | None:
    """User paths as root-relative POSIX paths; they may name files that no longer exist."""
    if not paths:
        return None
    root = workspace.root
    out: list[str] = []
    for raw in paths:
        if not isinstance(raw, str) or not raw.strip() or "\x00" in raw:
            raise WardenError(f"The path {raw!r} is empty or holds a NUL byte.", "Pass paths relative to the root.")
        candidate = Path(os.path.realpath(raw if os.path.isabs(raw) else root / raw))
        if candidate != root and root not in candidate.parents:
            raise WardenError(f"The path {raw!r} is outside the root {root}.", "Pass a path inside the root.")
        out.append(candidate.relative_to(root).as_posix() or ".")
    return None if "." in out else out


def selected(path: str, wanted: list[str] | None) -> bool:
    """Whether ``path`` falls under one of the wanted paths (None: everything)."""
    return wanted is None or any(path == w or path.startswith(w.rstrip("/") + "/") for w in wanted)


@dataclass(frozen=True)
class Range:
    """The two ends of a git comparison, resolved, with what the caller should know."""

    base: str
    head: str | None
    notes: tuple[str, ...] = ()


def resolve_range(root: Path, base: str | None, head: str | None) -> Range:
    """Resolve ``base``/``head`` with the defaults, or explain why they cannot be."""
    if git.toplevel(root) is None:
        raise WardenError(
            f"{root} is not inside a git repository.",
            "Pass `before` and `after` sources or a unified diff, or run `pattern-warden review` for the whole tree.",
        )
    notes: list[str] = []
    shallow = git.is_shallow(root)
    if not git.has_commits(root):
        if base is not None or head is not None:
            raise WardenError("The repository has no commits yet, so no reference can be compared.",
                              "Commit once, or omit base and head to count every file as added.")
        return Range(EMPTY_TREE, None, ("The repository has no commits yet: every file counts as added.",))
    if git.current_branch(root) is None:
        notes.append(f"HEAD is detached at {git.rev_parse(root, 'HEAD')[:12]}.")
    try:
        head_sha = git.rev_parse(root, head) if head is not None else None
        if base is not None:
            base_sha = git.rev_parse(root, base)
        else:
            base_sha = _default_base(root, notes, shallow)
    except git.GitError as exc:
        if shallow:
            raise WardenError(exc.message, "This is a shallow clone: fetch more history (`git fetch --deepen=50`).") \
                from exc
        raise
    return Range(base_sha, head_sha, tuple(notes))


def _default_base(root: Path, notes: list[str], shallow: bool) -> str:
    branch = git.default_branch(root)
    head = git.rev_parse(root, "HEAD")
    if branch is not None:
        found = git.merge_base(root, branch, "HEAD")
        if found:
            if found != head:
                notes.append(f"Compared with the merge-base of {branch} and HEAD ({found[:12]}).")
            return found
        if shallow:
            notes.append(f"This is a shallow clone: the merge-base with {branch} is not in the history; "
                         "compared with HEAD instead.")
    return head


def count_git(
    workspace: Workspace, base: str | None = None, head: str | None = None, paths: Sequence[str] | None = None,
    *, span: Range | None = None,
) -> LocDelta:
    """Count the change from ``base`` to ``head`` (default: the working tree, untracked included).

    The patch, the untracked list and the blobs are fetched by concurrent git processes: on a
    1,000-file change each takes a few hundred milliseconds, and they do not depend on each other.
    """
    root = workspace.root
    wanted = path_filter(workspace, paths)
    span = span or resolve_range(root, base, head)
    ends = [span.base] + ([span.head] if span.head else [])
    spec = ["--", *wanted] if wanted else []
    common = ["-M", "--relative", "--no-ext-diff", "--no-textconv", "--ignore-submodules=none"]
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="delta-git") as pool:
        patch_job = pool.submit(git.run, root, "diff", "-U0", "--no-color", *common, *ends, *spec)
        untracked_job = pool.submit(git.run, root, "ls-files", "--others", "--exclude-standard", "-z", *spec) \
            if span.head is None else None
        entries = _parse_raw(git.run(root, "diff", "--raw", "-z", "--no-abbrev", *common, *ends, *spec).stdout)
        # Against the working tree, git names the new side by a hash it never stored (asking
        # cat-file for thousands of missing objects is slow), so that side is read from disk.
        wanted_shas = [e.old_sha for e in entries] + ([e.new_sha for e in entries] if span.head else [])
        blobs = git.read_blobs(root, [sha for sha, e in zip(wanted_shas, entries * 2)
                                      if sha != _ZERO and _SUBMODULE not in (e.old_mode, e.new_mode)])
        sections = _split_patch(patch_job.result().stdout)
        untracked = [p for p in untracked_job.result().stdout.split("\0") if p] if untracked_job else []
    if len(sections) != len(entries):
        raise git.GitError("git diff gave a patch that does not match its file list.", "Report this with the range.")
    result = LocDelta(source="git", base=span.base, head=span.head or WORKING_TREE,
                      notes=[Note(message=n) for n in span.notes])
    pending = [_from_entry(workspace, e, s, blobs, span.head is None) for e, s in zip(entries, sections, strict=True)]
    pending += [_untracked(workspace, p) for p in untracked]
    return finish(result, pending)


@dataclass(frozen=True)
class _RawEntry:
    old_mode: str
    new_mode: str
    old_sha: str
    new_sha: str
    status: str
    path: str
    old_path: str | None


def _parse_raw(raw: str) -> list[_RawEntry]:
    fields = raw.split("\0")
    entries: list[_RawEntry] = []
    i = 0
    while i < len(fields) and fields[i].startswith(":"):
        old_mode, new_mode, old_sha, new_sha, status = fields[i][1:].split(" ")
        if status[0] in "RC":
            entries.append(_RawEntry(old_mode, new_mode, old_sha, new_sha, status, fields[i + 2], fields[i + 1]))
            i += 3
        else:
            entries.append(_RawEntry(old_mode, new_mode, old_sha, new_sha, status, fields[i + 1], None))
            i += 2
    return entries


def _split_patch(patch: str) -> list[list[str]]:
    sections: list[list[str]] = []
    for line in patch.split("\n"):
        if line.startswith("diff --git ") or line.startswith("diff --cc "):
            sections.append([])
        elif sections:
            sections[-1].append(line)
    return sections


_STATUS: dict[str, Status] = {"A": "added", "D": "deleted", "M": "modified", "R": "renamed", "C": "copied",
                              "T": "type-changed"}


def _from_entry(workspace: Workspace, entry: _RawEntry, section: list[str], blobs: dict[str, bytes],
                worktree: bool) -> PendingFile:
    status = _STATUS.get(entry.status[0], "modified")
    delta = FileDelta(path=entry.path, old_path=entry.old_path, status=status, kind="text")
    if _SUBMODULE in (entry.old_mode, entry.new_mode):
        delta.kind, delta.note = "submodule", "submodule: only its commit pointer changed here; not counted"
        return PendingFile(delta)
    if _SYMLINK in (entry.old_mode, entry.new_mode):
        delta.kind, delta.note = "symlink", "symbolic link: not counted"
        return PendingFile(delta)
    before = workspace.from_bytes(entry.old_path or entry.path, blobs[entry.old_sha]) \
        if entry.old_sha in blobs else None
    after: SourceFile | Skipped | None = None
    if entry.new_sha in blobs:
        after = workspace.from_bytes(entry.path, blobs[entry.new_sha])
    elif worktree and status != "deleted":
        # git names a working-tree file by its zero id, or by the hash of content it never stored.
        after = _read_worktree(workspace, entry.path)
    delta.kind = _kind_of(entry.path, before, after)
    if any(line.startswith(("Binary files ", "GIT binary patch")) for line in section):
        delta.kind = "binary"
    item = PendingFile(delta, before if isinstance(before, SourceFile) else None,
                    after if isinstance(after, SourceFile) else None)
    if delta.kind in ("binary", "unreadable"):
        skipped = next((s for s in (before, after) if isinstance(s, Skipped)), None)
        delta.note = f"{skipped.reason if skipped else 'binary file'}: not counted"
        return item
    for line in section:
        header = parse_hunk_header(line) if line.startswith("@@") else None
        if header:
            old_start, old_count, new_start, new_count = header
            item.removed.rows.extend(range(old_start, old_start + old_count))
            item.added.rows.extend(range(new_start, new_start + new_count))
    return item


def _read_worktree(workspace: Workspace, rel: str) -> SourceFile | Skipped:
    try:
        return workspace.read(workspace.resolve(rel))
    except WardenError as exc:
        return Skipped(rel, exc.message)


def _untracked(workspace: Workspace, rel: str) -> PendingFile:
    after = _read_worktree(workspace, rel)
    delta = FileDelta(path=rel, status="added", kind=_kind_of(rel, after, None), note="untracked")
    if isinstance(after, Skipped):
        delta.note = f"untracked; {after.reason}: not counted"
        return PendingFile(delta)
    item = PendingFile(delta, None, after)
    item.added.rows.extend(range(1, len(rows(after.text)) + 1))
    return item
