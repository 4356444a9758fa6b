"""Feature flag client for the Flagpole service.

Design goals (checkout must never go down because of flags):
  * flags are fetched in a background thread, never on the request path
  * if Flagpole is down/slow we keep serving the last known values
  * last known values are persisted to disk so a cold start during an
    outage still gets real values instead of defaults
  * if nothing is known at all, the DEFAULTS below are used
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from storefront import settings

logger = logging.getLogger(__name__)

# Safe values when we know nothing. Keep these conservative (old behaviour).
DEFAULTS: dict[str, Any] = {
    "new_tax_engine": False,
    "express_checkout": False,
}

CACHE_FILE = Path(os.getenv("FLAGPOLE_CACHE_FILE", Path(tempfile.gettempdir()) / "storefront-flags.json"))


class FlagClient:
    def __init__(
        self,
        base_url: str = settings.FLAGPOLE_URL,
        token: str = settings.FLAGPOLE_TOKEN,
        env: str = settings.ENV,
        refresh_interval: float = 30.0,
        timeout: float = 2.0,
        cache_file: Path | None = CACHE_FILE,
    ):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.env = env
        self.refresh_interval = refresh_interval
        self.timeout = timeout
        self.cache_file = cache_file
        self._flags: dict[str, Any] = dict(DEFAULTS)
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_success: float | None = None
        self._load_cache()

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> None:
        if self._thread and self._thread.is_alive():
            return
        # one synchronous attempt so we start with fresh values if possible,
        # but never let it fail startup
        self.refresh()
        self._thread = threading.Thread(target=self._loop, name="flagpole-refresh", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=1)

    def _loop(self) -> None:
        while not self._stop.wait(self.refresh_interval):
            self.refresh()

    # -- fetching ----------------------------------------------------------

    def refresh(self) -> bool:
        try:
            headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
            resp = httpx.get(
                f"{self.base_url}/api/flags",
                params={"env": self.env},
                headers=headers,
                timeout=self.timeout,
            )
            resp.raise_for_status()
            payload = resp.json()
            flags = payload.get("flags", payload)
            if not isinstance(flags, dict):
                raise ValueError(f"unexpected flag payload: {type(flags).__name__}")
        except Exception as exc:  # never let flag problems escape
            logger.warning("flagpole refresh failed, keeping last known flags: %s", exc)
            return False

        with self._lock:
            self._flags = {**DEFAULTS, **flags}
            self.last_success = time.time()
        self._save_cache()
        return True

    def _load_cache(self) -> None:
        if not self.cache_file:
            return
        try:
            data = json.loads(self.cache_file.read_text())
            with self._lock:
                self._flags = {**DEFAULTS, **data}
            logger.info("loaded %d cached flags from %s", len(data), self.cache_file)
        except FileNotFoundError:
            pass
        except Exception as exc:
            logger.warning("ignoring unreadable flag cache %s: %s", self.cache_file, exc)

    def _save_cache(self) -> None:
        if not self.cache_file:
            return
        try:
            tmp = self.cache_file.with_suffix(".tmp")
            with self._lock:
                tmp.write_text(json.dumps(self._flags))
            tmp.replace(self.cache_file)
        except OSError as exc:
            logger.warning("could not write flag cache: %s", exc)

    # -- reading -----------------------------------------------------------

    def is_enabled(self, name: str, default: bool | None = None) -> bool:
        with self._lock:
            value = self._flags.get(name, DEFAULTS.get(name, default))
        if value is None:
            return False
        if isinstance(value, dict):
            # Flagpole may return {"enabled": true, "rollout": 50}
            value = value.get("enabled", False)
        return bool(value)

    def get(self, name: str, default: Any = None) -> Any:
        with self._lock:
            return self._flags.get(name, DEFAULTS.get(name, default))

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return dict(self._flags)

    def override(self, **values: Any) -> None:
        """For tests and local dev."""
        with self._lock:
            self._flags.update(values)


_client: FlagClient | None = None
_client_lock = threading.Lock()


def get_flags() -> FlagClient:
    global _client
    with _client_lock:
        if _client is None:
            _client = FlagClient()
            if os.getenv("FLAGPOLE_DISABLED") != "1":
                _client.start()
        return _client


def is_enabled(name: str) -> bool:
    return get_flags().is_enabled(name)
