"""Rule results kept between calls and between processes, through the shared ``DiskCache``.

One table per rule configuration fingerprint (``Checker.fingerprint``: the rules' version, the
package version, the selected codes, every ``[tool.pattern-warden.rules]`` setting, the
severity floor and ``fix``), so a changed rule, setting or release never serves a stale
answer: it reads another table. Within a table a file is keyed by its path and its stat
signature (mtime in nanoseconds, size), as Ruff does: that is what lets a warm call skip
reading the file at all, and an edit changes the signature. The server and the CLI use the
same store; with the disk cache off (``--no-cache``) it is a bounded in-memory store.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict

from pattern_warden.diskcache import DiskCache
from pattern_warden.rules.engine import StatKey
from pattern_warden.rules.results import Finding

log = logging.getLogger(__name__)

_KIND = "rules"
_KEEP_CONFIGS = 4  # rule configurations kept in memory (the default one, and a few select= variants)

_Entry = list  # [mtime_ns, size, dependencies, findings as dicts (from disk) or as models (once used)]


class _Table:
    """The entries of one rule configuration, least recently used first."""

    def __init__(self, entries: dict[str, _Entry]) -> None:
        self.entries: OrderedDict[str, _Entry] = OrderedDict(entries)
        self.dirty = False


class DiskStore:
    """A ``ResultStore`` in memory, loaded from and saved to the shared disk cache."""

    def __init__(self, cache: DiskCache | None, max_entries: int = 100_000) -> None:
        self.cache = cache
        self.max_entries = max_entries
        self._tables: OrderedDict[str, _Table] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return sum(len(t.entries) for t in list(self._tables.values()))

    def _table(self, fingerprint: str) -> _Table:
        table = self._tables.get(fingerprint)
        if table is None:
            table = self._tables[fingerprint] = _Table(self._read(fingerprint))
            while len(self._tables) > _KEEP_CONFIGS:
                old, dropped = self._tables.popitem(last=False)
                if dropped.dirty:
                    self._write(old, dropped)
        self._tables.move_to_end(fingerprint)
        return table

    def _read(self, fingerprint: str) -> dict[str, _Entry]:
        payload = self.cache.get(_KIND, fingerprint) if self.cache is not None else None
        if payload is None:
            return {}
        try:
            data = json.loads(payload)
        except ValueError:
            return {}
        if not isinstance(data, dict):
            return {}
        return {rel: e for rel, e in data.items() if isinstance(e, list) and len(e) == 4 and isinstance(e[3], list)}

    def lookup(self, fingerprint: str, rel: str, stat_key: StatKey) -> list[Finding] | None:
        """The findings stored for this file and stat signature, or None."""
        with self._lock:
            table = self._table(fingerprint)
            entry = table.entries.get(rel)
            if entry is None or (entry[0], entry[1], entry[2]) != stat_key:
                return None
            table.entries.move_to_end(rel)
            findings = entry[3]
            if findings and isinstance(findings[0], dict):
                try:
                    findings = entry[3] = [Finding.model_construct(**f) for f in findings]
                except TypeError:
                    del table.entries[rel]  # a malformed entry: check the file again
                    return None
            return list(findings)

    def store(self, fingerprint: str, rel: str, stat_key: StatKey, findings: list[Finding]) -> None:
        """Keep the findings of one file under its stat signature."""
        with self._lock:
            table = self._table(fingerprint)
            table.entries[rel] = [*stat_key, findings]
            table.entries.move_to_end(rel)
            table.dirty = True
            while len(table.entries) > self.max_entries:
                table.entries.popitem(last=False)

    def save(self) -> None:
        """Write every changed table to the disk cache (each atomically)."""
        with self._lock:
            for fingerprint, table in self._tables.items():
                if table.dirty:
                    self._write(fingerprint, table)

    def _write(self, fingerprint: str, table: _Table) -> None:
        table.dirty = False
        if self.cache is None:
            return
        data = {rel: [e[0], e[1], e[2], [f if isinstance(f, dict) else f.model_dump() for f in e[3]]]
                for rel, e in table.entries.items()}
        self.cache.put(_KIND, fingerprint, json.dumps(data, separators=(",", ":")).encode())
