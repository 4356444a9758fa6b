"""The root sandbox: the only code that turns a user-supplied path into a file.

Every path an agent sends is resolved here against the configured root, symlinks included,
and refused when it lands outside it or on something that is not a regular file or folder
(a FIFO would block the server forever; a device could stream without end). Folders are
walked with .gitignore honoured through pathspec, and files come out as ``SourceFile``
objects from a bounded cache keyed by content hash, so a repeated call re-reads bytes but
re-parses only what changed.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
import threading
import time
import tokenize
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pathspec import GitIgnoreSpec

from pattern_warden import budget
from pattern_warden.config import Config, compile_globs
from pattern_warden.errors import WardenError
from pattern_warden.source import SourceFile

#: Folders that are never project code, whatever .gitignore says.
ALWAYS_EXCLUDED = (
    ".git/", ".hg/", ".svn/", "__pycache__/", ".venv/", "venv/", ".tox/", ".nox/",
    "node_modules/", ".mypy_cache/", ".pytest_cache/", ".ruff_cache/", "*.egg-info/",
    ".pattern-warden-cache/",
)
_SYSTEM_TREES = ("/proc", "/dev", "/sys")
_BINARY_SNIFF = 8192


#: Walks remembered (by paths and suffixes), and how recent a folder change may be and still be
#: trusted: a file added within the same clock tick as the walk would not change the stamp.
_WALKS_KEPT = 8
_RACY_S = 2.0


def _folder_stamp(folder: Path | str, racy_after: float | None = None) -> tuple[int, int] | None:
    """(mtime, inode) of a folder; None when unreadable or changed too recently to be trusted."""
    try:
        info = os.stat(folder)
    except OSError:
        return None
    if racy_after is not None and info.st_mtime > racy_after:
        return None
    return (info.st_mtime_ns, info.st_ino)


#: What identifies a file's content without reading it: (size, mtime_ns, ctime_ns, inode, device).
Stamp = tuple[int, int, int, int, int]
#: Stamps this many nanoseconds old or older when the file was read are trusted (git's racy-clean rule).
_RACY_NS = int(_RACY_S * 1e9)


def _stamp(info: os.stat_result) -> Stamp:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def _settled(info: os.stat_result, now_ns: int) -> bool:
    """Whether a file's stamp, taken at ``now_ns`` before its bytes were read, may stand for them.

    Only a write changes a file's content, and every write (and every ``utime``, rename or
    link that could slip other bytes under the same name) sets its ctime to the time of the
    change, which nothing but the clock can set. So once a stamp's mtime and ctime are
    ``_RACY_S`` older than the moment the stamp was taken, any later change of the bytes gives a
    later ctime, and so a different stamp, even on a filesystem whose clock ticks coarsely. A
    stamp younger than that could be shared by a second write in the same clock tick (git's
    "racily clean" case), so it is not kept: that file is read again next time.
    """
    return max(info.st_mtime_ns, info.st_ctime_ns) < now_ns - _RACY_NS


def _plain(rel: object) -> bool:
    """A relative POSIX path of plain names ('.' for the root): nothing that could climb out."""
    return isinstance(rel, str) and (rel == "." or (
        bool(rel) and not rel.startswith("/") and all(part not in ("", ".", "..") for part in rel.split("/"))))


def _file_stamp(path: Path | str) -> tuple[int, int] | None:
    """(mtime, size) of a file, None when there is none: a ``.gitignore`` edited in place
    changes what a walk finds without changing its folder's stamp."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)


@dataclass(frozen=True)
class Skipped:
    """A file that was passed over, and why (shown to the caller as a note)."""

    path: str
    reason: str


@dataclass
class Discovery:
    """The files a call will read, in a stable order, with what was passed over."""

    files: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    truncated: bool = False


class Workspace:
    """Reads files below one root, within the configured limits."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.root = config.root
        self._root_prefix = str(config.root).rstrip("/") + "/"
        self._cache: OrderedDict[tuple[str, str], SourceFile] = OrderedDict()
        self._cache_bytes = 0
        self._lock = threading.Lock()
        self._always = compile_globs([*ALWAYS_EXCLUDED, *config.settings.exclude])
        self._specs: dict[Path, GitIgnoreSpec | None] = {}
        self._specs_by_rel: dict[str, GitIgnoreSpec | None] = {}
        self._walks: OrderedDict[tuple[object, ...], tuple[Discovery, dict[Path, tuple[int, int] | None]]] = OrderedDict()
        #: Files read whole, by relative path: their settled stamp and the digest of the bytes read.
        self._stamps: dict[str, tuple[Stamp, str]] = {}
        self._stamps_added = False  # a stamp was kept that load_stamps did not give
        self._stamps_loaded = 0

    # -- paths -------------------------------------------------------------------------

    def check_root(self) -> None:
        """Fail clearly when the root has gone away since the server started."""
        if not self.root.is_dir():
            raise WardenError(
                f"The root {self.root} no longer exists or is not a directory.",
                "Restart the server with --root pointing at an existing directory.",
            )

    def resolve(self, user_path: str) -> Path:
        """The real path of ``user_path`` (relative to the root, or absolute inside it)."""
        self.check_root()
        if not isinstance(user_path, str) or not user_path.strip():
            raise WardenError("The path is empty.", "Pass a path relative to the root, such as 'src'.")
        if "\x00" in user_path:
            raise WardenError("The path contains a NUL byte.", "Pass a plain path relative to the root.")
        candidate = Path(user_path).expanduser() if user_path.startswith("~") else Path(user_path)
        if not candidate.is_absolute():
            candidate = self.root / candidate
        real = Path(os.path.realpath(candidate))
        if real != self.root and self.root not in real.parents:
            raise WardenError(
                f"The path {user_path!r} is outside the root {self.root}.",
                "Pass a path inside the root; symlinks that lead out of it are refused too.",
            )
        if any(str(real) == tree or str(real).startswith(tree + "/") for tree in _SYSTEM_TREES):
            raise WardenError(f"The path {user_path!r} is a system folder.", "Pass a path to project files.")
        try:
            mode = real.stat().st_mode
        except FileNotFoundError:
            raise WardenError(
                f"The path {user_path!r} does not exist under the root {self.root}.",
                "Check the spelling; paths are relative to the root.",
            ) from None
        except OSError as exc:
            raise WardenError(f"The path {user_path!r} cannot be read: {exc.strerror}.", "") from exc
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            raise WardenError(
                f"The path {user_path!r} is not a regular file or folder (a device, FIFO or socket).",
                "Pass source files or folders only.",
            )
        return real

    def relative(self, path: Path) -> str:
        """``path`` relative to the root, in POSIX form ('.' for the root itself).

        Paths from a walk start with the root's own text, so slicing that text answers without
        pathlib's parsing (tens of thousands of calls in a large tree's warm run).
        """
        text = str(path)
        if os.sep == "/" and text.startswith(self._root_prefix):
            return text[len(self._root_prefix):] or "."
        return path.relative_to(self.root).as_posix() or "."

    def trusted_folders(self, rels: Iterable[str]) -> dict[str, Path]:
        """Folders named by relative paths from our own cache, each checked against the sandbox.

        Taken outermost first: a real folder (not a symlink) directly inside one already found
        inside the root is inside it too, which costs one ``lstat`` where ``resolve`` walks every
        component of the path. Anything else goes through ``resolve``; a folder that no longer
        exists or leads outside is left out.
        """
        inside: dict[str, Path] = {}
        for rel in sorted(set(rels), key=lambda r: (r.count("/"), r)):
            parent = rel.rpartition("/")[0] or "."
            path = self.root if rel == "." else self.root / rel
            try:
                if not (rel == "." or (parent in inside and stat.S_ISDIR(os.lstat(path).st_mode))):
                    path = self.resolve(rel)
            except (OSError, WardenError):
                continue
            inside[rel] = path
        return inside

    def trusted_file(self, rel: str, folders: dict[str, Path]) -> Path:
        """A file named by a relative path from our own cache: a regular file (not a symlink)
        directly in a trusted folder is inside the root; anything else goes through ``resolve``
        (and raises ``WardenError`` when it is outside or gone)."""
        folder = folders.get(rel.rpartition("/")[0] or ".")
        if folder is not None:
            path = folder / rel.rpartition("/")[2]
            try:
                if stat.S_ISREG(os.lstat(path).st_mode):
                    return path
            except OSError:
                pass
        return self.resolve(rel)

    # -- discovery ---------------------------------------------------------------------

    def discover(self, paths: Sequence[str] | None = None, suffixes: Iterable[str] | None = (".py",)) -> Discovery:
        """The files named by ``paths`` (files as given, folders walked), deduplicated.

        A file named explicitly is taken even when .gitignore excludes it, as Ruff does; a
        folder is walked with .gitignore, .git/info/exclude and the config's excludes. A walk of
        folders is remembered with every folder's stamp and given again while no stamp changed
        (a file added, removed or renamed changes its folder's): walking a large tree was most
        of a warm call's time.
        """
        wanted = tuple(suffixes) if suffixes is not None else None
        key = (tuple(paths or ["."]), wanted)
        reals = [self.resolve(user_path) for user_path in paths or ["."]]
        remembered = self._walks.get(key)
        if remembered is not None and all(_folder_stamp(d) == st for d, st in remembered[1].items()):
            found = remembered[0]
            return Discovery(list(found.files), list(found.skipped), found.truncated)
        found = Discovery()
        seen: set[Path] = set()
        stamps: dict[Path, tuple[int, int] | None] | None = {}
        for real in reals:
            if real.is_file():
                stamps = None  # a named file's disappearance shows in no stamp we keep
                if wanted is None or real.name.endswith(wanted):
                    self._add(found, seen, real)
                else:
                    found.skipped.append(Skipped(self.relative(real), f"not a {'/'.join(wanted)} file"))
            else:
                self._walk(real, wanted, found, seen, stamps)
            if found.truncated:
                break
        found.files.sort()
        if stamps is not None and all(st is not None for st in stamps.values()):
            with self._lock:
                self._walks[key] = (Discovery(list(found.files), list(found.skipped), found.truncated), stamps)
                while len(self._walks) > _WALKS_KEPT:
                    self._walks.popitem(last=False)
        return found

    def dump_walks(self) -> list[tuple[object, ...]]:
        """The remembered walks as plain data, paths relative to the root, for the next process:
        every hook call is a new process, and walking a 1,500-file tree was most of a Stop's wait.
        Each walked folder keeps its stamp and its ``.gitignore``'s, which decide whether the walk
        still holds."""
        with self._lock:
            walks = list(self._walks.items())
        rel = self.relative
        return [(list(paths), list(wanted) if wanted is not None else None, [rel(f) for f in found.files],
                 [(s.path, s.reason) for s in found.skipped], found.truncated,
                 {rel(d): (st, _file_stamp(d / ".gitignore")) for d, st in stamps.items()})
                for (paths, wanted), (found, stamps) in walks]  # type: ignore[misc]

    def load_walks(self, data: object) -> int:
        """Remember the walks of ``dump_walks`` that still hold, and return how many.

        A walk holds while every folder it listed has the stamp it had then (mtime and inode:
        no entry added, removed, renamed or swapped for a symlink, and the same directory) and
        the same ``.gitignore``. Those folders were checked against the sandbox when walked, so
        their files are the ones the walk took; paths must be plain relative ones inside them.
        Anything malformed or changed is dropped: the next walk simply happens.
        """
        taken = 0
        for walk in data if isinstance(data, list) else []:
            try:
                paths, wanted, files, skipped, truncated, folders = walk
                at = self._root_prefix  # strings, not pathlib: thousands of paths per walk
                if not all(map(_plain, folders)) or "." not in folders or any(
                        _folder_stamp(at + d) != tuple(st)
                        or _file_stamp(at + d + "/.gitignore") != (tuple(gi) if gi else None)
                        for d, (st, gi) in folders.items()):
                    continue  # something was added, removed or re-ignored since
                if not all(_plain(f) and (f.rpartition("/")[0] or ".") in folders for f in files):
                    continue
                found = Discovery([Path(at + f) for f in files], [Skipped(str(p), str(r)) for p, r in skipped],
                                  bool(truncated))
                stamps = {self.root / d if d != "." else self.root: tuple(st) for d, (st, _) in folders.items()}
                key = (tuple(str(p) for p in paths), tuple(str(w) for w in wanted) if wanted is not None else None)
            except (TypeError, ValueError, AttributeError):
                continue
            with self._lock:
                self._walks[key] = (found, stamps)  # type: ignore[assignment]
                while len(self._walks) > _WALKS_KEPT:
                    self._walks.popitem(last=False)
            taken += 1
        return taken

    def _add(self, found: Discovery, seen: set[Path], path: Path) -> None:
        if path in seen:
            return
        if len(found.files) >= self.config.limits.max_files:
            found.truncated = True
            return
        seen.add(path)
        found.files.append(path)

    def _walk(
        self, top: Path, wanted: tuple[str, ...] | None, found: Discovery, seen: set[Path],
        stamps: dict[Path, tuple[int, int] | None] | None = None,
    ) -> None:
        stack = [top]
        while stack and not found.truncated:
            budget.check()
            folder = stack.pop()
            if stamps is not None:
                stamps[folder] = _folder_stamp(folder, racy_after=time.time() - _RACY_S)  # before listing it
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError as exc:
                found.skipped.append(Skipped(self.relative(folder), f"cannot list folder: {exc.strerror}"))
                continue
            base = self.relative(folder)
            prefix = "" if base == "." else base + "/"
            subfolders = [
                sub for entry in entries if (sub := self._visit(entry, prefix, wanted, found, seen)) is not None
            ]
            stack.extend(reversed(subfolders))

    def _visit(
        self, entry: os.DirEntry[str], prefix: str, wanted: tuple[str, ...] | None, found: Discovery, seen: set[Path]
    ) -> Path | None:
        """Take one folder entry: a file is added or skipped; a folder to descend into is returned."""
        is_dir = entry.is_dir(follow_symlinks=False)
        if not is_dir and wanted is not None and not entry.name.endswith(wanted):
            return None  # never taken, so not worth the .gitignore matching (most of a walk's cost)
        path = Path(entry.path)
        rel = prefix + entry.name  # string work: pathlib per entry dominated warm calls
        if self._ignored(rel, is_dir):
            return None
        if entry.is_symlink():
            target = Path(os.path.realpath(path))
            if target != self.root and self.root not in target.parents:
                found.skipped.append(Skipped(rel, "symlink leads outside the root"))
                return None
            if target.is_dir():
                return None  # walked where it really lives, never twice or in a loop
            path = target
        if is_dir:
            return path
        try:
            regular = stat.S_ISREG(path.stat().st_mode)
        except OSError:
            regular = False
        if regular:
            self._add(found, seen, path)
        else:
            found.skipped.append(Skipped(rel, "not a regular file"))
        return None

    def excluded(self, rel: str) -> bool:
        """Whether the configuration's excludes (or the folders never read) cover ``rel``: a
        change may touch such a file, and it is counted, but nothing in it is judged."""
        return bool(self._always.match_file(rel))

    def _ignored(self, rel: str, is_dir: bool) -> bool:
        probe = rel + "/" if is_dir else rel
        if self._always.match_file(probe):
            return True
        parts = rel.split("/")
        # Deepest .gitignore first: git lets a nearer file override a farther one.
        for depth in range(len(parts) - 1, -1, -1):
            spec = self._spec_for_rel("/".join(parts[:depth]))
            if spec is None:
                continue
            sub = "/".join(parts[depth:]) + ("/" if is_dir else "")
            result = spec.check_file(sub)
            if result.include is not None:
                return bool(result.include)
        return False

    def _spec_for_rel(self, folder_rel: str) -> GitIgnoreSpec | None:
        """``_spec_for`` keyed by the folder's relative path, so no Path is built on a hit."""
        if folder_rel not in self._specs_by_rel:
            self._specs_by_rel[folder_rel] = self._spec_for(self.root / folder_rel if folder_rel else self.root)
        return self._specs_by_rel[folder_rel]

    def _spec_for(self, folder: Path) -> GitIgnoreSpec | None:
        if folder not in self._specs:
            lines: list[str] = []
            for name in (".gitignore",) + ((".git/info/exclude",) if folder == self.root else ()):
                try:
                    lines += (folder / name).read_text(encoding="utf-8", errors="replace").splitlines()
                except OSError:
                    pass
            self._specs[folder] = _gitignore(lines) if lines else None
        return self._specs[folder]

    # -- reading -----------------------------------------------------------------------

    def read(self, path: Path, text_later: bool = False) -> SourceFile | Skipped:
        """A cached ``SourceFile`` for a discovered path, or why it was skipped.

        ``text_later``: a file whose stamp is the settled one recorded when its bytes were last
        read (in this process, or one whose stamps ``load_stamps`` took in) is not read again:
        it is the same content, so its digest stands, and its text is read only if it is asked
        for (``_Unread``); the stamps of the files read whole are kept for the next time.
        Reading every byte of a 1,500-file project was a seventh of a warm Stop, whose leftovers
        need most files' digests only. Only a caller that can take a refusal when the file
        changes before its text is read asks for this; other reads keep no stamps.
        """
        budget.check()
        rel = self.relative(path)
        limit = self.config.limits.max_file_bytes
        try:
            info = path.stat()
        except OSError as exc:
            return Skipped(rel, f"cannot be read: {exc.strerror}")
        if info.st_size > limit:
            return Skipped(rel, f"larger than the {limit:,}-byte limit ({info.st_size:,} bytes)")
        known = self._stamps.get(rel) if text_later else None
        if known is not None and known[0] == _stamp(info):
            return self._known(rel, path, known[1], info.st_size)
        return self._read_whole(rel, path, keep_stamp=text_later)

    def _read_whole(self, rel: str, path: Path, keep_stamp: bool) -> SourceFile | Skipped:
        """Read the file's bytes; with ``keep_stamp``, keep its stamp when it is settled (``_settled``)."""
        limit = self.config.limits.max_file_bytes
        now_ns = time.time_ns()
        try:
            with path.open("rb") as handle:
                info = os.fstat(handle.fileno())  # the file whose bytes are read, stamped before reading them
                data = handle.read(limit + 1)
        except OSError as exc:
            return Skipped(rel, f"cannot be read: {exc.strerror}")
        source = self.from_bytes(rel, data)
        if keep_stamp and isinstance(source, SourceFile) and _settled(info, now_ns):
            with self._lock:
                if self._stamps.get(rel) != (stamp := (_stamp(info), source.digest)):
                    self._stamps[rel] = stamp
                    self._stamps_added = True
        return source

    def _known(self, rel: str, path: Path, digest: str, size: int) -> SourceFile:
        """The file ``rel`` with content ``digest``: parsed already, or read when its text is wanted."""
        with self._lock:
            cached = self._cache.get((rel, digest))
        return cached if cached is not None else _Unread(rel, digest, size, path, self)

    def dump_stamps(self, rels: Iterable[str]) -> dict[str, tuple[Stamp, str]] | None:
        """The stamps of the files ``rels`` (a walk's), as plain data for the next process (every
        hook call is a new one); None when they are the ones ``load_stamps`` took in."""
        with self._lock:
            rows = {rel: known for rel in rels if (known := self._stamps.get(rel)) is not None}
            return rows if self._stamps_added or len(rows) != self._stamps_loaded else None

    def load_stamps(self, data: object) -> int:
        """Take in the stamps of ``dump_stamps`` and return how many. Each only ever stands for
        the file of that relative path that a walk finds again (nothing is opened by a name from
        it), and only while that file's stamp equals it, which a malformed stamp never does; a
        row without a digest is dropped."""
        rows = data if isinstance(data, dict) else {}
        taken = {rel: known for rel, known in rows.items()
                 if type(known) is tuple and len(known) == 2 and type(known[0]) is tuple and type(known[1]) is str}
        with self._lock:
            for rel, known in taken.items():
                self._stamps.setdefault(rel, known)
            self._stamps_loaded += len(taken)
        return len(taken)

    def from_bytes(self, rel: str, data: bytes) -> SourceFile | Skipped:
        """A cached ``SourceFile`` for bytes the caller already holds (a file at a git revision).

        Sharing the cache with ``read`` means an unchanged file is tokenized once, whether it
        was met on disk or in history.
        """
        limit = self.config.limits.max_file_bytes
        if len(data) > limit:
            return Skipped(rel, f"larger than the {limit:,}-byte limit")
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        key = (rel, digest)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        if b"\x00" in data[:_BINARY_SNIFF]:
            return Skipped(rel, "binary file")
        text = _decode(data, rel)
        if text is None:
            return Skipped(rel, "not valid UTF-8 (or its declared encoding)")
        source = SourceFile(path=rel, text=text, digest=digest, size=len(data))
        with self._lock:
            self._cache[key] = source
            self._cache_bytes += source.size
            limits = self.config.limits
            # Both bounds: a parsed file costs many times its bytes (lines, kinds, tree).
            while len(self._cache) > limits.cache_entries or (
                self._cache_bytes > limits.cache_bytes and len(self._cache) > 1
            ):
                _, evicted = self._cache.popitem(last=False)
                self._cache_bytes -= evicted.size
        return source

    def read_path(self, user_path: str) -> SourceFile:
        """Resolve and read one user-named file, raising ``WardenError`` if it cannot be had."""
        real = self.resolve(user_path)
        if not real.is_file():
            raise WardenError(f"The path {user_path!r} is a folder, not a file.", "Name a file.")
        result = self.read(real)
        if isinstance(result, Skipped):
            raise WardenError(f"The file {result.path!r} was skipped: {result.reason}.", "Name a text source file.")
        return result

    def virtual(self, code: str, name: str = "<draft>.py") -> SourceFile:
        """A ``SourceFile`` for code that is not on disk (an agent's draft)."""
        data = code.encode("utf-8", errors="surrogatepass")
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        return SourceFile(path=name, text=code, digest=digest, size=len(data))

    # -- writing (only tools whose purpose is writing call these) ------------------------

    def writable(self, user_path: str) -> Path:
        """Where ``user_path`` may be written: inside the root (symlinks resolved), outside
        ``.git``, and not over a folder, FIFO or device. The file need not exist yet."""
        self.check_root()
        if not isinstance(user_path, str) or not user_path.strip() or "\x00" in user_path:
            raise WardenError("The path is empty or holds a NUL byte.", "Pass a file path relative to the root.")
        candidate = Path(user_path)
        real = Path(os.path.realpath(candidate if candidate.is_absolute() else self.root / candidate))
        if self.root not in real.parents:
            raise WardenError(
                f"The path {user_path!r} is outside the root {self.root}.",
                "Pass a path inside the root; symlinks that lead out of it are refused too.",
            )
        if ".git" in real.relative_to(self.root).parts:
            raise WardenError(f"The path {user_path!r} is inside .git.", "Write project files only.")
        if real.exists() and not real.is_file():
            raise WardenError(f"The path {user_path!r} exists and is not a regular file.", "Name a file.")
        return real

    def write_atomic(self, real: Path, data: bytes) -> None:
        """Replace ``real`` (from ``writable``) with ``data`` in one step: a reader sees the old
        file or the new one, never half of either. The file's permissions are kept."""
        mode = real.stat().st_mode & 0o7777 if real.exists() else None
        real.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            if mode is not None:
                os.chmod(temp, mode)
            os.replace(temp, real)
        except BaseException:
            os.unlink(temp)
            raise

    @property
    def cache_size(self) -> int:
        """Files held in the parsed-file cache (bounded by ``limits.cache-entries``)."""
        return len(self._cache)

    @property
    def cache_bytes(self) -> int:
        """Source bytes held in the cache (bounded by ``limits.cache-bytes``)."""
        return self._cache_bytes


class _Unread(SourceFile):
    """A file known by its settled stamp (``Workspace.read``): its digest is the content's, and
    its text is read the first time it is asked for. Most readers of a whole project (the
    leftovers' facts, kept by digest) never ask."""

    def __init__(self, path: str, digest: str, size: int, real: Path, workspace: Workspace) -> None:
        self.path, self.digest, self.size = path, digest, size
        self._real, self._workspace = real, workspace

    @cached_property
    def text(self) -> str:  # type: ignore[override]
        """The file's text, read now; a file whose bytes are no longer the ones its stamp stood
        for changed while it was being read, and is refused rather than mixed with its old facts."""
        source = self._workspace._read_whole(self.path, self._real, keep_stamp=True)
        if isinstance(source, Skipped) or source.digest != self.digest:
            raise WardenError(f"The file {self.path!r} changed while it was being read.", "Run the call again.")
        return source.text

    def __reduce__(self) -> tuple[type[SourceFile], tuple[str, str, str, int]]:
        """Sent to another process as the plain file it is (a workspace does not cross a pipe)."""
        return SourceFile, (self.path, self.text, self.digest, self.size)


def _gitignore(lines: list[str]) -> GitIgnoreSpec:
    """A project's .gitignore as a spec; like git, a line that is not a valid pattern is ignored."""
    try:
        return compile_globs(lines)
    except ValueError:
        valid = []
        for line in lines:
            try:
                compile_globs([line])
            except ValueError:
                continue
            valid.append(line)
        return compile_globs(valid)


def _decode(data: bytes, rel: str) -> str | None:
    """Text of a file: PEP 263 cookies and BOMs for Python, UTF-8 (with BOM) otherwise."""
    encoding = "utf-8-sig"
    if rel.endswith((".py", ".pyi")):
        try:
            encoding, _ = tokenize.detect_encoding(iter(data.splitlines(keepends=True)).__next__)
        except (SyntaxError, LookupError):
            return None
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
