"""Two-level cache (memory LRU + sqlite) for geocoding results.

Keys are normalised addresses, so "10 Main St" and " 10  main st. " share an
entry. Positive results live for 30 days, "not found" results for 1 day.
Concurrent lookups of the same key wait for the first one instead of all
calling the service (per-key lock).
"""
from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import threading
import time
import unicodedata
from collections import OrderedDict
from dataclasses import asdict
from typing import Callable

from deliveries.geocoder import Location

logger = logging.getLogger(__name__)

DEFAULT_DB = os.getenv("GEOCACHE_DB", os.path.expanduser("~/.cache/deliveries/geocache.sqlite3"))
POSITIVE_TTL = 30 * 24 * 3600
NEGATIVE_TTL = 24 * 3600
_MISSING = object()

_ABBREVIATIONS = {
    r"\bstreet\b": "st",
    r"\bstr\b": "st",
    r"\bstrasse\b": "str",
    r"\bstraße\b": "str",
    r"\bavenue\b": "ave",
    r"\broad\b": "rd",
}


def normalize_address(address: str, country: str | None = None) -> str:
    s = unicodedata.normalize("NFKC", address).casefold()
    s = re.sub(r"[.,;]+", " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    for pattern, repl in _ABBREVIATIONS.items():
        s = re.sub(pattern, repl, s)
    return f"{(country or '').lower()}|{s}"


class GeoCache:
    def __init__(
        self,
        db_path: str = DEFAULT_DB,
        memory_size: int = 5000,
        positive_ttl: int = POSITIVE_TTL,
        negative_ttl: int = NEGATIVE_TTL,
    ):
        self.positive_ttl = positive_ttl
        self.negative_ttl = negative_ttl
        self.memory_size = memory_size
        self._mem: OrderedDict[str, tuple[float, Location | None]] = OrderedDict()
        self._mem_lock = threading.Lock()
        self._key_locks: dict[str, threading.Lock] = {}
        self._key_locks_guard = threading.Lock()
        self.hits = self.misses = 0

        if db_path != ":memory:":
            os.makedirs(os.path.dirname(db_path) or ".", exist_ok=True)
        self._db = sqlite3.connect(db_path, check_same_thread=False, isolation_level=None)
        self._db_lock = threading.Lock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            """CREATE TABLE IF NOT EXISTS geocache (
                   key TEXT PRIMARY KEY,
                   payload TEXT,
                   expires_at REAL NOT NULL
               )"""
        )

    # -- storage ----------------------------------------------------------

    def _mem_get(self, key: str):
        with self._mem_lock:
            item = self._mem.get(key)
            if item is None:
                return _MISSING
            expires_at, value = item
            if expires_at < time.time():
                del self._mem[key]
                return _MISSING
            self._mem.move_to_end(key)
            return value

    def _mem_set(self, key: str, value: Location | None, expires_at: float) -> None:
        with self._mem_lock:
            self._mem[key] = (expires_at, value)
            self._mem.move_to_end(key)
            while len(self._mem) > self.memory_size:
                self._mem.popitem(last=False)

    def _db_get(self, key: str):
        with self._db_lock:
            row = self._db.execute(
                "SELECT payload, expires_at FROM geocache WHERE key = ?", (key,)
            ).fetchone()
        if row is None:
            return _MISSING, 0.0
        payload, expires_at = row
        if expires_at < time.time():
            return _MISSING, 0.0
        value = Location(**json.loads(payload)) if payload else None
        return value, expires_at

    def _db_set(self, key: str, value: Location | None, expires_at: float) -> None:
        payload = json.dumps(asdict(value)) if value else None
        try:
            with self._db_lock:
                self._db.execute(
                    "INSERT OR REPLACE INTO geocache (key, payload, expires_at) VALUES (?, ?, ?)",
                    (key, payload, expires_at),
                )
        except sqlite3.Error as exc:
            # cache write failures must not break geocoding
            logger.warning("geocache write failed: %s", exc)

    def _lock_for(self, key: str) -> threading.Lock:
        with self._key_locks_guard:
            lock = self._key_locks.get(key)
            if lock is None:
                lock = self._key_locks[key] = threading.Lock()
            return lock

    # -- public -----------------------------------------------------------

    def get(self, key: str):
        value = self._mem_get(key)
        if value is not _MISSING:
            return value
        value, expires_at = self._db_get(key)
        if value is not _MISSING:
            self._mem_set(key, value, expires_at)
        return value

    def set(self, key: str, value: Location | None) -> None:
        ttl = self.positive_ttl if value is not None else self.negative_ttl
        expires_at = time.time() + ttl
        self._mem_set(key, value, expires_at)
        self._db_set(key, value, expires_at)

    def get_or_fetch(
        self, address: str, country: str | None, fetch: Callable[[str, str | None], Location | None]
    ) -> Location | None:
        key = normalize_address(address, country)
        value = self.get(key)
        if value is not _MISSING:
            self.hits += 1
            return value
        with self._lock_for(key):
            # someone else may have filled it while we waited
            value = self.get(key)
            if value is not _MISSING:
                self.hits += 1
                return value
            self.misses += 1
            value = fetch(address, country)  # errors propagate and are not cached
            self.set(key, value)
            return value

    def purge_expired(self) -> int:
        with self._db_lock:
            cur = self._db.execute("DELETE FROM geocache WHERE expires_at < ?", (time.time(),))
        return cur.rowcount

    def stats(self) -> dict:
        total = self.hits + self.misses
        return {
            "hits": self.hits,
            "misses": self.misses,
            "hit_rate": round(self.hits / total, 3) if total else 0.0,
            "memory_entries": len(self._mem),
        }


_cache: GeoCache | None = None
_cache_lock = threading.Lock()


def get_cache() -> GeoCache:
    global _cache
    with _cache_lock:
        if _cache is None:
            try:
                _cache = GeoCache()
            except (sqlite3.Error, OSError) as exc:
                logger.warning("persistent geocache unavailable (%s), using memory only", exc)
                _cache = GeoCache(db_path=":memory:")
        return _cache


def set_cache(cache: GeoCache | None) -> None:
    global _cache
    with _cache_lock:
        _cache = cache
