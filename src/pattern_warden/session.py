"""What the agent changed: the tree when its session began, and each file just before a tool call.

The gates accuse an agent only of what it did. Two baselines answer that, both kept here:

- **The session baseline.** When a Claude Code session starts (SessionStart, or the first
  PreToolUse when that hook did not run) the working tree is recorded: in git, the commit at
  HEAD plus the content of every Python file that differs from it (modified, added or
  untracked: the user's own uncommitted work); outside git, the content of every Python file.
  The stop hook reviews the change from there to now, so a session that changed nothing passes,
  and what the user had not committed stays theirs.
- **The file before the tool call.** PreToolUse on Write/Edit/MultiEdit records the file just
  before the agent's edit; the edit hook compares the file after the call with it. When that
  record is missing (a PreToolUse that did not run), the file before is rebuilt from the
  Edit/MultiEdit payload by undoing the edit (``new_string`` back to ``old_string``).

Our state is ours: it lives under the user's cache directory (``$XDG_CACHE_HOME`` or
``~/.cache``) in a folder named for the root and the session id, never in the repository,
which could otherwise plant a baseline. File contents are stored once by their git blob id
(``blobs/``), so a second session reuses them. Sessions older than a week are removed when a
new one starts; nothing else there is ours to delete.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pattern_warden.delta import git
from pattern_warden.delta.count import WORKING_TREE, count_versions
from pattern_warden.delta.facts import BaseFacts, Facts, base_facts
from pattern_warden.diskcache import key
from pattern_warden.models import quantity
from pattern_warden.source import SourceFile
from pattern_warden.workspace import Workspace

PYTHON = (".py", ".pyi")
#: Recorded file contents a session may hold; past this, the rest are remembered by id only.
MAX_STORED_BYTES = 64 * 1024 * 1024
#: A larger file is not read (a Python file this size is data, not code anyone reviews).
MAX_FILE_BYTES = 16 * 1024 * 1024
#: Sessions (and stored contents) untouched for this long are removed when a session starts.
STALE_S = 7 * 24 * 3600.0
_BASELINE = "baseline.json"
_BASE_FACTS = "base-facts.json"
ABSENT = ""  # the blob id of a file that did not exist


def blob_id(data: bytes) -> str:
    """git's id for a blob with these bytes: the same id ``git ls-tree`` prints for a committed file."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def state_root() -> Path:
    """The folder all sessions live in: ours, under the user's cache directory."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pattern-warden" / "sessions"


@dataclass
class Baseline:
    """The tree when the session began: HEAD (in git) and the ids of the files that differ from it
    (every Python file outside git). ``ABSENT`` marks a file deleted before the session began."""

    in_git: bool
    head: str | None
    files: dict[str, str] = field(default_factory=dict)
    started: float = 0.0

    def to_json(self) -> str:
        """The baseline as stored."""
        return json.dumps({"in_git": self.in_git, "head": self.head, "files": self.files, "started": self.started})

    @classmethod
    def from_json(cls, text: str) -> Baseline:
        """A stored baseline; a malformed one raises ValueError (the caller records a new one)."""
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
            raise ValueError("not a baseline")
        head = data.get("head")
        return cls(bool(data.get("in_git")), head if isinstance(head, str) else None,
                   {str(k): str(v) for k, v in data["files"].items()}, float(data.get("started") or 0.0))


@dataclass(frozen=True)
class Change:
    """One Python file the session changed: its path and its content then (None: it did not exist)."""

    path: str
    before: bytes | None


class Session:
    """One Claude Code session on one root: its baseline, the files before each tool call, and
    the contents they refer to."""

    def __init__(self, workspace: Workspace, session_id: str, folder: Path | None = None) -> None:
        self.workspace = workspace
        self.root = workspace.root
        base = folder or state_root() / key(str(self.root))
        self.blobs = base / "blobs"
        self.folder = base / key(session_id or "-")
        self._stored = 0

    # -- the session baseline --------------------------------------------------------

    def baseline(self) -> Baseline | None:
        """The recorded baseline, or None when there is none (or it cannot be read)."""
        try:
            return Baseline.from_json((self.folder / _BASELINE).read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError):
            return None

    def start(self, replace: bool = True) -> Baseline:
        """Record the tree as it is now (SessionStart); ``replace=False`` keeps an existing baseline
        (a resumed session, or the first PreToolUse after a SessionStart that ran)."""
        if not replace and (known := self.baseline()) is not None:
            return known
        self._prune()
        head, dirty = _git_state(self.root)
        if head is None and dirty is None:
            files = {self.workspace.relative(p): self._keep_file(p) for p in self.workspace.discover(["."]).files}
            found = Baseline(False, None, files, time.time())
        else:
            found = Baseline(True, head, {rel: self._keep_file(self.root / rel) for rel in dirty or []}, time.time())
        _write(self.folder / _BASELINE, found.to_json().encode())
        return found

    def changes(self) -> tuple[Baseline, list[Change]]:
        """The baseline and every Python file whose content differs from it now, in path order."""
        known = self.baseline() or self.start()
        if not known.in_git:
            now = {self.workspace.relative(p) for p in self.workspace.discover(["."]).files}
            candidates = now | set(known.files)
            committed: dict[str, str] = {}
        else:
            head, dirty = _git_state(self.root)
            moved = set(_diff_names(self.root, known.head, head)) if known.head and head != known.head else set()
            candidates = set(dirty or []) | set(known.files) | moved
            unknown = sorted(p for p in candidates if p not in known.files)
            committed = _tree_ids(self.root, known.head, unknown) if known.head else {}
        changed: list[Change] = []
        wanted: dict[str, str] = {}
        for rel in sorted(candidates):
            then = known.files.get(rel, committed.get(rel, ABSENT))
            if _current_id(self.root, rel) != then:
                wanted[rel] = then
        from_git = git.read_blobs(self.root, [i for p, i in wanted.items() if p not in known.files and i]) \
            if known.in_git else {}
        for rel, then in wanted.items():
            data = None if then == ABSENT else (self._load(then) if rel in known.files else from_git.get(then))
            changed.append(Change(rel, data))
        return known, changed

    def base_facts(self, base: str | None) -> BaseFacts:
        """The base's definitions and code size: a pure function of the commit, so measured by the
        session's first stop and read back by the next (a few hundred ms on a large project)."""
        slot = self.folder / _BASE_FACTS
        if base is not None:
            try:
                data = json.loads(slot.read_text(encoding="utf-8"))
                if data["base"] == base:
                    defs = data["definitions"]
                    return BaseFacts({k: set(v) for k, v in defs.items()} if defs is not None else None,
                                     int(data["code_lines"]), bool(data["counted_all"]))
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                pass
        found = base_facts(self.workspace, base)
        if base is not None:
            defs = {k: sorted(v) for k, v in found.definitions.items()} if found.definitions is not None else None
            _write(slot, json.dumps({"base": base, "definitions": defs, "code_lines": found.code_lines,
                                     "counted_all": found.counted_all}).encode())
        return found

    # -- the file just before a tool call --------------------------------------------

    def record_before(self, rel: str, call: str | None) -> None:
        """PreToolUse: keep the file as it is now, just before the agent's tool call ``call``
        (its ``tool_use_id``; without one, the next edit of the same file takes it)."""
        _write(self._before_slot(rel, call), self._keep_file(self.root / rel).encode())

    def take_before(self, rel: str, call: str | None) -> bytes | None | bool:
        """The file as PreToolUse recorded it for this call, once: bytes, None when it did not
        exist, False when nothing was recorded (or the record is unreadable)."""
        slot = self._before_slot(rel, call)
        try:
            then = slot.read_text(encoding="ascii").strip()
            slot.unlink()
        except (OSError, UnicodeDecodeError):
            return False
        if then == ABSENT:
            return None
        data = self._load(then)
        return False if data is None else data

    def at_start(self, rel: str) -> bytes | None:
        """The file when the session began (None when it did not exist or is not known); with no
        baseline recorded, the file at HEAD."""
        known = self.baseline()
        if known is not None and rel in known.files:
            return self._load(known.files[rel]) if known.files[rel] else None
        head = known.head if known is not None else _git_state(self.root)[0]  # no baseline: HEAD is the best guess
        if head is None:
            return None
        found = _tree_ids(self.root, head, [rel]).get(rel)
        return git.read_blobs(self.root, [found]).get(found) if found else None

    def changed_sources(self) -> list[tuple[SourceFile | None, SourceFile | None]]:
        """Each file the session changed, as (now, when the session began); none when its start
        was not recorded (recording it now would make the current edit part of the baseline)."""
        if self.baseline() is None:
            return []
        return sources(self.workspace, [c for c in self.changes()[1] if not self.workspace.excluded(c.path)])

    def other_sources(self, rel: str, changed: Sequence[tuple[SourceFile | None, SourceFile | None]]
                      ) -> Iterator[SourceFile]:
        """The project's Python files other than ``rel``: as they are now (through the workspace,
        so ignored files stay out), then as they were when the session began, for each the
        session ``changed``. Where an edit's code may have been copied or moved from."""
        for path in self.workspace.discover(["."]).files:
            source = self.workspace.read(path)
            if isinstance(source, SourceFile) and source.path != rel:
                yield source
        yield from (then for _, then in changed if then is not None and then.path != rel)

    def _before_slot(self, rel: str, call: str | None) -> Path:
        return self.folder / "before" / key(rel, call or "")

    # -- contents by id -------------------------------------------------------------------

    def _keep_file(self, path: Path) -> str:
        """Store a file's bytes by id and return the id (``ABSENT`` when it does not exist, or is
        a link that leads out of the root: nothing outside the root is read)."""
        data = _read_inside(self.root, path)
        if data is None:
            return ABSENT
        found = blob_id(data)
        target = self.blobs / found
        if target.exists():
            os.utime(target)  # in use: not stale
        elif self._stored + len(data) <= MAX_STORED_BYTES:
            _write(target, data)
            self._stored += len(data)
        return found

    def _load(self, found: str) -> bytes | None:
        """Stored bytes whose id matches (a file altered in the store is not trusted)."""
        try:
            data = (self.blobs / found).read_bytes()
        except OSError:
            return None
        return data if blob_id(data) == found else None

    def _prune(self) -> None:
        """Remove sessions and stored contents of this root untouched for a week (ours alone)."""
        cutoff = time.time() - STALE_S
        parent = self.folder.parent
        for entry in [*(parent.iterdir() if parent.is_dir() else ()),
                      *(self.blobs.iterdir() if self.blobs.is_dir() else ())]:
            try:
                if entry.name == "blobs" or entry.stat().st_mtime >= cutoff:
                    continue
                if entry.is_dir():
                    _remove_session(entry)
                elif entry.parent == self.blobs and len(entry.name) == 40:
                    entry.unlink()
            except OSError:
                continue


def _remove_session(folder: Path) -> None:
    """Delete one session folder of ours: its baseline and its records of files before a call."""
    records = folder / "before"
    for item in records.iterdir() if records.is_dir() else ():
        item.unlink()
    if records.is_dir():
        records.rmdir()
    (folder / _BASELINE).unlink(missing_ok=True)
    (folder / _BASE_FACTS).unlink(missing_ok=True)
    folder.rmdir()


def session_facts(session: Session, baseline: Baseline, changes: Sequence[Change]) -> Facts:
    """The session's change as a review reads it: each changed file now and at the baseline,
    counted, with the facts of the base (its definitions and code size at HEAD, or on disk)."""
    workspace = session.workspace
    pairs = sources(workspace, changes)
    base = baseline.head if baseline.in_git else None
    delta = count_versions([(c.path, before, after) for c, (after, before) in zip(changes, pairs, strict=True)],
                           "git" if base else "sources", base, WORKING_TREE)
    files = [(after, before) for after, before in pairs if after is not None]
    return Facts(baseline.in_git, f"the change since this session began ({quantity(len(changes), 'file')})",
                 delta, session.base_facts(base), files)


def sources(workspace: Workspace, changes: Sequence[Change]) -> list[tuple[SourceFile | None, SourceFile | None]]:
    """Each change as (version now, version at the baseline), None for a side that does not exist
    or cannot be read as Python."""
    out: list[tuple[SourceFile | None, SourceFile | None]] = []
    for change in changes:
        now = workspace.root / change.path
        data = _read_inside(workspace.root, now)
        after = workspace.from_bytes(change.path, data) if data is not None else None
        before = workspace.from_bytes(change.path, change.before) if change.before is not None else None
        out.append((after if isinstance(after, SourceFile) else None,
                    before if isinstance(before, SourceFile) else None))
    return out


def undo_edit(after: str, tool_input: dict) -> str | None:
    """The file before an Edit/MultiEdit, rebuilt from the payload (None when it cannot be).

    Each edit replaced ``old_string`` by ``new_string`` (every occurrence with ``replace_all``);
    undone in reverse order, the new strings go back to the old ones."""
    edits = tool_input.get("edits") if isinstance(tool_input.get("edits"), list) else [tool_input]
    text = after
    for edit in reversed(edits):
        if not isinstance(edit, dict):
            return None
        old, new = edit.get("old_string"), edit.get("new_string")
        if not isinstance(old, str) or not isinstance(new, str) or (new and new not in text):
            return None
        if not new:
            return None  # a deletion leaves nothing to find the place by
        text = text.replace(new, old) if edit.get("replace_all") else text.replace(new, old, 1)
    return text


# -- git and the file system ------------------------------------------------------------


def _git_state(root: Path) -> tuple[str | None, list[str] | None]:
    """(HEAD, the Python files that differ from it) in git; (None, None) outside git.

    Before the first commit HEAD is None and every Python file differs. Two git processes: the
    prefix of ``root`` in its work tree (which fails outside git), and a porcelain status with the
    branch header (HEAD's id, then one entry per changed or untracked file, paths from the top)."""
    where = git.run(root, "rev-parse", "--show-prefix", check=False)
    if where.returncode != 0:
        return None, None
    prefix = where.stdout.strip()
    listed = git.run(root, "status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all", "--no-renames",
                     "--", ".").stdout
    head, dirty = None, []
    for entry in listed.split("\x00"):
        kind, _, rest = entry.partition(" ")
        if kind == "#":
            key, _, value = rest.partition(" ")
            head = value if key == "branch.oid" and value != "(initial)" else head
            continue
        # "1 XY sub mH mI mW hH hI path", "u XY sub m1 m2 m3 mW h1 h2 h3 path", "? path"
        fields = {"1": 8, "u": 10, "?": 1}.get(kind)
        path = entry.split(" ", fields)[-1] if fields else ""
        if path.startswith(prefix) and path.endswith(PYTHON):
            dirty.append(path[len(prefix):])
    return head, dirty


def _diff_names(root: Path, base: str, head: str | None) -> list[str]:
    """Files that differ between two commits (HEAD moved: the agent committed or checked out)."""
    if head is None:
        return []
    out = git.run(root, "diff", "--name-only", "-z", "--no-renames", "--relative", base, head, "--").stdout
    return [p for p in out.split("\x00") if p.endswith(PYTHON)]


def _tree_ids(root: Path, rev: str, paths: Iterable[str]) -> dict[str, str]:
    """The blob id of each path at ``rev`` (paths not in it are left out)."""
    wanted = list(paths)
    if not wanted:
        return {}
    out = git.run(root, "ls-tree", "-z", rev, "--", *wanted).stdout
    found = {}
    for entry in out.split("\x00"):
        meta, _, path = entry.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == "blob":
            found[path] = parts[2]
    return found


def _read_inside(root: Path, path: Path) -> bytes | None:
    """The bytes of a regular file whose real path lies inside ``root`` (and that is not larger
    than ``MAX_FILE_BYTES``); None otherwise."""
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(root) or not real.is_file() or real.stat().st_size > MAX_FILE_BYTES:
        return None
    try:
        return real.read_bytes()
    except OSError:
        return None


def _current_id(root: Path, rel: str) -> str:
    data = _read_inside(root, root / rel)
    return ABSENT if data is None else blob_id(data)


def _write(target: Path, data: bytes) -> None:
    """Write atomically (a temporary file renamed over the target), making the folder if needed."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, target)
    except OSError:
        Path(temp).unlink(missing_ok=True)
        raise

