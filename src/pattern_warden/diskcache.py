"""The one persistent cache that the server and the CLI share: authenticated blobs in one folder.

Agents start a new server for every session, so whatever outlives one process has to live on
disk. Each engine hands this cache an opaque payload under a key it derives from everything
that changes the result (see ``key``); the cache only stores, bounds and checks bytes.

- **Where.** ``<root>/.pattern-warden-cache/`` (with a ``.gitignore`` and a ``CACHEDIR.TAG``, so
  it is never committed or backed up); when the root cannot be written, or that folder is not
  ours to use (a symbolic link, which could lead out of the root, or a folder the repository
  tracks, whose entries anyone could have committed), a folder named after the root's path
  under ``$XDG_CACHE_HOME`` (or ``~/.cache``) ``/pattern-warden/``; when neither can be written
  (a read-only or full disk), nothing is written and the engines keep their caches in memory,
  after exactly one warning on stderr. No file in the folder is opened through a link.
- **Safe when shared.** An entry is written to a temporary file in the same folder and renamed
  over the old one (``os.replace`` is atomic), so two servers and a CLI on one root never see
  half an entry: a reader gets the old entry or the new one. The last writer wins, which is
  harmless because an entry is a pure function of its key.
- **Never trusted.** Every entry starts with a header: a magic string, the format version, the
  payload's length and a keyed BLAKE2 MAC over the entry's name and payload. The key is random,
  made once per user in ``<user cache dir>/pattern-warden/key`` (mode 0600, never inside the
  root), so the repository cannot hold it: an entry committed, copied from another machine or
  forged by someone who read this code fails the check like a truncated or corrupt one, and is
  a miss (the engine rebuilds it and the rebuilt entry replaces it). A failed check deletes
  nothing: the file may not be ours.
- **Bounded.** After each write the folder is trimmed to ``max_bytes``, least recently used
  first (a hit touches the entry's mtime, the one clock every filesystem keeps).
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import logging
import os
import secrets
import stat
import struct
import tempfile
import threading
import time
from pathlib import Path

from pattern_warden.config import Config

log = logging.getLogger(__name__)

CACHE_DIR = ".pattern-warden-cache"
MAGIC = b"PWCACHE\0"
FORMAT = 2  # 2: the checksum is a MAC keyed with the user's secret
_HEADER = struct.Struct("<8sIQ16s")  # magic, format, payload length, MAC
_KEY_FILE = "key"
_KEY_BYTES = 32
_KEYS: dict[Path, bytes] = {}  # the user's secret, read once per process (per cache directory)
_KEYS_LOCK = threading.Lock()
_SUFFIX = ".pwc"
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# pattern-warden result cache; safe to delete.\n"
_STALE_TEMP_S = 3600.0


def key(*parts: object) -> str:
    """A short hex key for JSON-able ``parts`` (versions, settings, content hashes)."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _mac(secret: bytes, name: str, payload: bytes) -> bytes:
    digest = hashlib.blake2b(name.encode() + b"\0", digest_size=16, key=secret)
    digest.update(payload)
    return digest.digest()


def open_cache(config: Config, enabled: bool = True) -> DiskCache:
    """The cache for ``config``'s root, sized by ``[tool.pattern-warden.cache]``; off when either switch says so."""
    settings = config.settings.cache
    return DiskCache(config.root, settings.max_bytes, enabled=enabled and settings.enabled)


def user_base() -> Path:
    """``$XDG_CACHE_HOME/pattern-warden`` (or ``~/.cache/pattern-warden``): the user's key and fallback folders."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pattern-warden"


def user_cache_dir(root: Path) -> Path:
    """The fallback folder for ``root``: one per root under the user's cache directory."""
    return user_base() / key(str(root))


def user_key(root: Path) -> bytes:
    """The user's secret for authenticating entries, made on first use; raises OSError saying why
    there is none (it would lie inside ``root``, it cannot be written, or it is not private)."""
    base = user_base()
    if _inside(base, root):
        raise OSError(errno.EPERM, f"the user cache directory {base} is inside the root; set XDG_CACHE_HOME elsewhere")
    path = (base / _KEY_FILE).absolute()
    with _KEYS_LOCK:
        if path not in _KEYS:
            _KEYS[path] = _read_or_make_key(path)
        return _KEYS[path]


def _read_or_make_key(path: Path) -> bytes:
    """Read the key file, creating it (0600, atomically: a racing process's key wins) if missing."""
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-key-")  # mkstemp makes it 0600
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(secrets.token_bytes(_KEY_BYTES))
        try:
            os.link(temp, path)  # never replaces a key another process made meanwhile
        except FileExistsError:
            pass
    finally:
        _unlink(Path(temp))
    return _read_key(path)


def _read_key(path: Path) -> bytes:
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(handle, "rb") as file:
        info = os.fstat(file.fileno())
        data = file.read(_KEY_BYTES + 1)
    mine = not hasattr(os, "geteuid") or info.st_uid == os.geteuid()
    if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077 or not mine or len(data) != _KEY_BYTES:
        raise OSError(errno.EPERM, f"{path} is not a private {_KEY_BYTES}-byte key of this user (delete it to make a new one)")
    return data


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def _own_folder_refused(root: Path) -> str | None:
    """Why ``<root>/.pattern-warden-cache`` must not be used, or None: a link (it could lead
    anywhere), something that is not a folder, or a folder the repository tracks."""
    folder = root / CACHE_DIR
    try:
        info = folder.lstat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return str(exc.strerror or exc)
    if stat.S_ISLNK(info.st_mode):
        return "it is a symbolic link"
    if not stat.S_ISDIR(info.st_mode):
        return "it is not a folder"
    from pattern_warden.delta.git import tracks  # the one module that runs git

    if tracks(root, CACHE_DIR):
        return "the repository tracks it"
    return None


class DiskCache:
    """Authenticated, atomically written, size-bounded blobs in one folder (or none: memory only)."""

    def __init__(self, root: Path, max_bytes: int = 512 * 1024 * 1024, enabled: bool = True) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.enabled = enabled
        self.folder: Path | None = None
        self.warned = False
        self.hits = 0
        self.misses = 0
        self.rejected = 0  # corrupt, foreign or forged entries found (and ignored)
        self._lock = threading.Lock()
        self._chosen = not enabled
        self._secret: bytes | None = None
        self._own_ok = False  # the root's own folder may be read (not a link, not tracked)

    def _choose(self) -> Path | None:
        """The first folder that can be written: the root's (unless refused), then the user's;
        else None (and warn once). Without the user's key nothing can be trusted: None too."""
        with self._lock:
            if not self._chosen:
                self._chosen = True
                problems = []
                try:
                    self._secret = user_key(self.root)
                except OSError as exc:
                    problems.append(f"no key to authenticate entries: {exc.strerror or exc}")
                refused = _own_folder_refused(self.root)
                if refused is not None:
                    log.info("not using %s: %s", self.root / CACHE_DIR, refused)
                self._own_ok = refused is None
                candidates = ([self.root / CACHE_DIR] if self._own_ok else []) + [user_cache_dir(self.root)]
                for folder in candidates if self._secret is not None else ():
                    try:
                        _prepare(folder)
                    except OSError as exc:
                        problems.append(f"{folder}: {exc.strerror or exc}")
                        continue
                    self.folder = folder
                    break
                else:
                    self._warn(f"cannot write a cache ({'; '.join(problems)}); keeping results in memory only")
            return self.folder

    def _readable(self) -> list[Path]:
        """Folders an entry may be read from: the chosen one, or (read-only root) the root's own."""
        if not self.enabled:
            return []
        chosen = self._choose()
        if self._secret is None:
            return []
        own = self.root / CACHE_DIR
        return [chosen] if chosen is not None else ([own] if self._own_ok and own.is_dir() else [])

    def _warn(self, message: str) -> None:
        if not self.warned:
            self.warned = True
            log.warning("%s", message)

    def get(self, kind: str, entry_key: str) -> bytes | None:
        """The payload stored under ``kind``/``entry_key``, or None (missing, corrupt or foreign)."""
        name = f"{kind}-{entry_key}"
        for folder in self._readable():
            path = folder / (name + _SUFFIX)
            try:
                data = _read_nofollow(path)
            except OSError:
                continue
            payload = _unwrap(self._secret or b"", name, data)
            if payload is None:
                self.rejected += 1
                log.info("ignoring a corrupt, foreign or forged cache entry %s", path)
                continue
            self.hits += 1
            try:
                os.utime(path)  # recency for the LRU trim
            except OSError:
                pass
            return payload
        self.misses += 1
        return None

    def put(self, kind: str, entry_key: str, payload: bytes) -> bool:
        """Store ``payload`` atomically; False (after one warning) when nothing can be written."""
        folder = self._choose() if self.enabled else None
        if folder is None:
            return False
        name = f"{kind}-{entry_key}"
        header = _HEADER.pack(MAGIC, FORMAT, len(payload), _mac(self._secret or b"", name, payload))
        temp = None
        try:
            handle, temp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=_SUFFIX)
            with os.fdopen(handle, "wb") as out:
                out.write(header)
                out.write(payload)
            os.replace(temp, folder / (name + _SUFFIX))
        except OSError as exc:
            if temp is not None:
                _unlink(Path(temp))
            self._warn(f"cannot write the cache in {folder} ({exc.strerror or exc}); keeping results in memory only")
            with self._lock:
                self.folder = None  # a full or read-only disk: stop trying
            return False
        self.trim(keep=folder / (name + _SUFFIX))
        return True

    def trim(self, keep: Path | None = None) -> None:
        """Delete least recently used entries until the folder holds at most ``max_bytes``."""
        folder = self.folder
        if folder is None:
            return
        entries = []
        now = time.time()
        for path in folder.glob("*" + _SUFFIX):
            try:
                info = path.lstat()
            except OSError:
                continue  # another process removed it
            if not stat.S_ISREG(info.st_mode):
                continue  # not an entry we wrote (a link, say): never ours to delete
            if path.name.startswith(".tmp-"):
                if now - info.st_mtime > _STALE_TEMP_S:  # left by a writer that died
                    _unlink(path)
                continue
            entries.append((info.st_mtime, info.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries, key=lambda e: e[0]):
            if total <= self.max_bytes:
                break
            if path != keep:
                _unlink(path)
                total -= size

    def usage(self) -> int:
        """Bytes of entries on disk now, for the status resource."""
        folder = self.folder
        size = 0
        for path in folder.glob("*" + _SUFFIX) if folder is not None else ():
            try:
                size += path.stat().st_size
            except OSError:
                continue  # removed meanwhile
        return size

    def where(self) -> str:
        """The folder in use, or why there is none."""
        if not self.enabled:
            return "off"
        folder = self._choose()
        return str(folder) if folder is not None else "memory only"


def _prepare(folder: Path) -> None:
    """Create the folder with its .gitignore and CACHEDIR.TAG; raises OSError if it cannot be written.
    The marker files are created exclusively and without following links: a link planted in
    their place is left alone, never written through."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in ((".gitignore", "*\n"), ("CACHEDIR.TAG", _TAG)):
        try:
            handle = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except FileExistsError:
            continue
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
    probe = tempfile.NamedTemporaryFile(dir=folder, prefix=".tmp-probe-")  # a read-only disk fails here
    probe.close()


def _read_nofollow(path: Path) -> bytes:
    """The bytes of a regular file at ``path``; OSError for a link (``O_NOFOLLOW``) or anything else."""
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(handle, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        return file.read()


def _unwrap(secret: bytes, name: str, data: bytes) -> bytes | None:
    """The payload if the header checks out for this entry name under ``secret``, else None."""
    if len(data) < _HEADER.size:
        return None
    magic, version, length, mac = _HEADER.unpack_from(data)
    payload = data[_HEADER.size:]
    if magic != MAGIC or version != FORMAT or length != len(payload):
        return None
    return payload if hmac.compare_digest(mac, _mac(secret, name, payload)) else None


def _unlink(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass
