"""The one persistent cache that the server and the CLI share: checked blobs in one folder.

Agents start a new server for every session, so whatever outlives one process has to live on
disk. Each engine hands this cache an opaque payload under a key it derives from everything
that changes the result (see ``key``); the cache only stores, bounds and checks bytes.

- **Where.** ``<root>/.pattern-warden-cache/`` (with a ``.gitignore`` and a ``CACHEDIR.TAG``, so
  it is never committed or backed up); when the root cannot be written, a folder named after
  the root's path under ``$XDG_CACHE_HOME`` (or ``~/.cache``) ``/pattern-warden/``; when neither
  can be written (a read-only or full disk), nothing is written and the engines keep their
  caches in memory, after exactly one warning on stderr.
- **Safe when shared.** An entry is written to a temporary file in the same folder and renamed
  over the old one (``os.replace`` is atomic), so two servers and a CLI on one root never see
  half an entry: a reader gets the old entry or the new one. The last writer wins, which is
  harmless because an entry is a pure function of its key.
- **Never trusted.** Every entry starts with a header: a magic string, the format version, the
  payload's length and a BLAKE2 checksum over the entry's name and payload. A truncated,
  corrupt or foreign file (another key's entry copied over, another program's file) fails the
  check, is deleted and counts as a miss, so the engine rebuilds it.
- **Bounded.** After each write the folder is trimmed to ``max_bytes``, least recently used
  first (a hit touches the entry's mtime, the one clock every filesystem keeps).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import struct
import tempfile
import threading
import time
from pathlib import Path

from pattern_warden.config import Config

log = logging.getLogger(__name__)

CACHE_DIR = ".pattern-warden-cache"
MAGIC = b"PWCACHE\0"
FORMAT = 1
_HEADER = struct.Struct("<8sIQ16s")  # magic, format, payload length, checksum
_SUFFIX = ".pwc"
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# pattern-warden result cache; safe to delete.\n"
_STALE_TEMP_S = 3600.0


def key(*parts: object) -> str:
    """A short hex key for JSON-able ``parts`` (versions, settings, content hashes)."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _checksum(name: str, payload: bytes) -> bytes:
    digest = hashlib.blake2b(name.encode(), digest_size=16)
    digest.update(payload)
    return digest.digest()


def open_cache(config: Config, enabled: bool = True) -> DiskCache:
    """The cache for ``config``'s root, sized by ``[tool.pattern-warden.cache]``; off when either switch says so."""
    settings = config.settings.cache
    return DiskCache(config.root, settings.max_bytes, enabled=enabled and settings.enabled)


def user_cache_dir(root: Path) -> Path:
    """The fallback folder for ``root``: one per root under the user's cache directory."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pattern-warden" / key(str(root))


class DiskCache:
    """Checked, atomically written, size-bounded blobs in one folder (or none: memory only)."""

    def __init__(self, root: Path, max_bytes: int = 512 * 1024 * 1024, enabled: bool = True) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.enabled = enabled
        self.folder: Path | None = None
        self.warned = False
        self.hits = 0
        self.misses = 0
        self.rejected = 0  # corrupt or foreign entries found (and deleted)
        self._lock = threading.Lock()
        self._chosen = not enabled

    def _choose(self) -> Path | None:
        """The first folder that can be written: the root's, then the user's; else None (and warn once)."""
        with self._lock:
            if not self._chosen:
                self._chosen = True
                problems = []
                for folder in (self.root / CACHE_DIR, user_cache_dir(self.root)):
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
        own = self.root / CACHE_DIR
        return [chosen] if chosen is not None else ([own] if own.is_dir() else [])

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
                data = path.read_bytes()
            except OSError:
                continue
            payload = _unwrap(name, data)
            if payload is None:
                self.rejected += 1
                log.info("ignoring a corrupt or foreign cache entry %s", path)
                _unlink(path)
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
        header = _HEADER.pack(MAGIC, FORMAT, len(payload), _checksum(name, payload))
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
                info = path.stat()
            except OSError:
                continue  # another process removed it
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
    """Create the folder with its .gitignore and CACHEDIR.TAG; raises OSError if it cannot be written."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in ((".gitignore", "*\n"), ("CACHEDIR.TAG", _TAG)):
        if not (folder / name).exists():
            (folder / name).write_text(text, encoding="utf-8")
    probe = tempfile.NamedTemporaryFile(dir=folder, prefix=".tmp-probe-")  # a read-only disk fails here
    probe.close()


def _unwrap(name: str, data: bytes) -> bytes | None:
    """The payload if the header checks out for this entry name, else None."""
    if len(data) < _HEADER.size:
        return None
    magic, version, length, checksum = _HEADER.unpack_from(data)
    payload = data[_HEADER.size:]
    if magic != MAGIC or version != FORMAT or length != len(payload) or checksum != _checksum(name, payload):
        return None
    return payload


def _unlink(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass
