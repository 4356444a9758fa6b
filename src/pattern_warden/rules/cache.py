"""The CLI's on-disk result cache under ``<root>/.pattern-warden-cache/``.

Writing this folder is part of what ``pattern-warden check`` is for (as ``.ruff_cache`` is for
Ruff): a repeated run re-checks only files whose stat signature changed. One JSON file per rule
configuration fingerprint holds, per file, its (mtime, size) and its findings; a run keeps only
the files it saw, and only the few most recent configurations are kept. The folder carries a
``.gitignore`` and a ``CACHEDIR.TAG`` so it is never committed or backed up. ``--no-cache``
turns it off.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

from pattern_warden.rules.engine import StatKey
from pattern_warden.rules.results import Finding

log = logging.getLogger(__name__)

CACHE_DIR = ".pattern-warden-cache"
_KEEP_CONFIGS = 4
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# pattern-warden result cache; safe to delete.\n"


class DiskStore:
    """A ``ResultStore`` persisted as JSON, bounded to the files of the last run."""

    def __init__(self, root: Path, max_entries: int = 100_000) -> None:
        self.folder = root / CACHE_DIR
        self.max_entries = max_entries
        self._fingerprint: str | None = None
        self._old: dict[str, list] = {}
        self._new: dict[str, list] = {}

    def _file(self, fingerprint: str) -> Path:
        return self.folder / f"rules-{fingerprint}.json"

    def _load(self, fingerprint: str) -> None:
        if self._fingerprint == fingerprint:
            return
        self._fingerprint, self._old, self._new = fingerprint, {}, {}
        try:
            self._old = json.loads(self._file(fingerprint).read_text(encoding="utf-8"))
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable cache %s: %s", self._file(fingerprint), exc)

    def lookup(self, fingerprint: str, rel: str, stat_key: StatKey) -> list[Finding] | None:
        """The findings stored for this file and stat signature, or None."""
        self._load(fingerprint)
        entry = self._old.get(rel)
        if entry is None or (entry[0], entry[1]) != stat_key:
            return None
        self._new[rel] = entry
        return [Finding.model_construct(**f) for f in entry[2]]

    def store(self, fingerprint: str, rel: str, stat_key: StatKey, findings: list[Finding]) -> None:
        """Keep the findings of one file for this run (and the next)."""
        self._load(fingerprint)
        if len(self._new) < self.max_entries:
            self._new[rel] = [stat_key[0], stat_key[1], [f.model_dump() for f in findings]]

    def save(self) -> None:
        """Write this run's entries (atomically) and drop caches of older configurations."""
        if self._fingerprint is None or (self._new == self._old):
            return
        try:
            self.folder.mkdir(exist_ok=True)
            for name, text in ((".gitignore", "*\n"), ("CACHEDIR.TAG", _TAG)):
                if not (self.folder / name).exists():
                    (self.folder / name).write_text(text, encoding="utf-8")
            handle, temp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(self._new, out, separators=(",", ":"))
            os.replace(temp, self._file(self._fingerprint))
            others = sorted(self.folder.glob("rules-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
            for stale in others[_KEEP_CONFIGS:]:
                stale.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("cannot write the cache in %s: %s", self.folder, exc)
