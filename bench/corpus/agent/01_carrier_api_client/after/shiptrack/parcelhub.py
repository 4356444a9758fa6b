"""Client for the Parcelhub tracking REST API.

Wraps the two endpoints the dashboard needs (shipment lookup and event list)
with retry/backoff for transient failures and a small in-memory TTL cache,
because the dashboard polls the same tracking numbers constantly.
"""
from __future__ import annotations

import logging
import random
import threading
import time
from datetime import datetime
from typing import Any

import requests

from shiptrack.config import Settings, load_settings
from shiptrack.models import Shipment, ShipmentStatus, TrackingEvent

logger = logging.getLogger(__name__)

RETRYABLE_STATUS = {429, 500, 502, 503, 504}

_STATUS_MAP = {
    "CREATED": ShipmentStatus.CREATED,
    "LABEL_CREATED": ShipmentStatus.CREATED,
    "IN_TRANSIT": ShipmentStatus.IN_TRANSIT,
    "OUT_FOR_DELIVERY": ShipmentStatus.OUT_FOR_DELIVERY,
    "DELIVERED": ShipmentStatus.DELIVERED,
    "EXCEPTION": ShipmentStatus.EXCEPTION,
}


class ParcelhubError(Exception):
    """Raised when the Parcelhub API returns an error we can't recover from."""

    def __init__(self, message: str, status_code: int | None = None):
        super().__init__(message)
        self.status_code = status_code


class ShipmentNotFound(ParcelhubError):
    pass


class TTLCache:
    """Very small thread-safe TTL cache. Good enough for one process."""

    def __init__(self, ttl_seconds: float, max_entries: int = 1000):
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._data: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Any | None:
        with self._lock:
            item = self._data.get(key)
            if item is None:
                return None
            expires_at, value = item
            if time.monotonic() > expires_at:
                del self._data[key]
                return None
            return value

    def set(self, key: str, value: Any) -> None:
        with self._lock:
            if len(self._data) >= self.max_entries:
                # drop the oldest entry; dicts keep insertion order
                oldest = next(iter(self._data))
                del self._data[oldest]
            self._data[key] = (time.monotonic() + self.ttl, value)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


class ParcelhubClient:
    def __init__(
        self,
        settings: Settings | None = None,
        session: requests.Session | None = None,
        max_retries: int = 3,
        backoff_base: float = 0.5,
    ):
        self.settings = settings or load_settings()
        self.session = session or requests.Session()
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.cache = TTLCache(self.settings.cache_ttl_seconds)
        self.session.headers.update(
            {
                "Authorization": f"Bearer {self.settings.parcelhub_api_key}",
                "Accept": "application/json",
                "User-Agent": "shiptrack/0.3",
            }
        )

    # -- low level -------------------------------------------------------

    def _url(self, path: str) -> str:
        return self.settings.parcelhub_base_url.rstrip("/") + "/" + path.lstrip("/")

    def _sleep_before_retry(self, attempt: int, retry_after: str | None) -> None:
        if retry_after:
            try:
                time.sleep(float(retry_after))
                return
            except ValueError:
                pass
        delay = self.backoff_base * (2 ** attempt) + random.uniform(0, 0.1)
        time.sleep(delay)

    def _get(self, path: str, params: dict | None = None) -> dict:
        cache_key = path + "?" + "&".join(f"{k}={v}" for k, v in sorted((params or {}).items()))
        cached = self.cache.get(cache_key)
        if cached is not None:
            return cached

        last_exc: Exception | None = None
        for attempt in range(self.max_retries + 1):
            try:
                resp = self.session.get(
                    self._url(path), params=params, timeout=self.settings.http_timeout
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                last_exc = exc
                logger.warning("parcelhub %s failed (%s), attempt %d", path, exc, attempt + 1)
                if attempt < self.max_retries:
                    self._sleep_before_retry(attempt, None)
                continue

            if resp.status_code == 404:
                raise ShipmentNotFound(f"not found: {path}", 404)
            if resp.status_code in RETRYABLE_STATUS:
                last_exc = ParcelhubError(
                    f"parcelhub returned {resp.status_code}", resp.status_code
                )
                logger.warning("parcelhub %s -> %s, attempt %d", path, resp.status_code, attempt + 1)
                if attempt < self.max_retries:
                    self._sleep_before_retry(attempt, resp.headers.get("Retry-After"))
                continue
            if resp.status_code >= 400:
                raise ParcelhubError(
                    f"parcelhub returned {resp.status_code}: {resp.text[:200]}",
                    resp.status_code,
                )

            data = resp.json()
            self.cache.set(cache_key, data)
            return data

        raise ParcelhubError(f"giving up on {path} after {self.max_retries + 1} attempts") from last_exc

    # -- public API ------------------------------------------------------

    def get_shipment(self, tracking_number: str) -> Shipment:
        data = self._get(f"/shipments/{tracking_number}")
        return self._parse_shipment(data)

    def list_events(self, tracking_number: str) -> list[TrackingEvent]:
        data = self._get(f"/shipments/{tracking_number}/events", params={"limit": 100})
        return [self._parse_event(e) for e in data.get("events", [])]

    def get_shipment_with_events(self, tracking_number: str) -> Shipment:
        shipment = self.get_shipment(tracking_number)
        try:
            shipment.events = self.list_events(tracking_number)
        except ParcelhubError as exc:
            # events are nice to have on the dashboard, status is what matters
            logger.error("could not load events for %s: %s", tracking_number, exc)
        return shipment

    # -- parsing ---------------------------------------------------------

    @staticmethod
    def _parse_dt(value: str | None) -> datetime | None:
        if not value:
            return None
        return datetime.fromisoformat(value.replace("Z", "+00:00"))

    def _parse_event(self, raw: dict) -> TrackingEvent:
        return TrackingEvent(
            occurred_at=self._parse_dt(raw.get("timestamp")),
            location=raw.get("location", {}).get("city") if raw.get("location") else None,
            code=raw.get("code", "UNKNOWN"),
            description=raw.get("description", ""),
        )

    def _parse_shipment(self, raw: dict) -> Shipment:
        status = _STATUS_MAP.get(str(raw.get("status", "")).upper(), ShipmentStatus.UNKNOWN)
        return Shipment(
            tracking_number=raw["tracking_number"],
            carrier="parcelhub",
            status=status,
            estimated_delivery=self._parse_dt(raw.get("estimated_delivery")),
        )
