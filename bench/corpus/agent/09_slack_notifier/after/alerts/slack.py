"""Slack incoming-webhook sender with per-channel throttling and flood collapsing."""
from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass

import requests

from alerts.config import load_config
from alerts.events import Event, Severity
from alerts.templates import render

logger = logging.getLogger(__name__)

DEFAULT_ROUTES = {
    "deploy_finished": "#deploys",
    "job_failed": "#alerts",
    "monitor_fired": "#incidents",
}


@dataclass
class _Recent:
    first_seen: float
    last_sent: float
    suppressed: int = 0


class ChannelThrottle:
    """Allows one message per `min_interval` seconds per channel."""

    def __init__(self, min_interval: float = 1.1):
        self.min_interval = min_interval
        self._next: dict[str, float] = defaultdict(float)
        self._lock = threading.Lock()

    def wait(self, channel: str) -> None:
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next[channel])
            self._next[channel] = slot + self.min_interval
        delay = slot - now
        if delay > 0:
            time.sleep(delay)

    def penalise(self, channel: str, seconds: float) -> None:
        with self._lock:
            self._next[channel] = max(self._next[channel], time.monotonic() + seconds)


class SlackNotifier:
    def __init__(
        self,
        webhooks: dict[str, str] | None = None,
        routes: dict[str, str] | None = None,
        dedupe_window: float = 300.0,
        session: requests.Session | None = None,
        max_attempts: int = 3,
    ):
        cfg = load_config().get("slack", {})
        self.webhooks = webhooks if webhooks is not None else cfg.get("webhooks", {})
        self.routes = {**DEFAULT_ROUTES, **(routes or cfg.get("routes", {}))}
        self.dedupe_window = dedupe_window
        self.session = session or requests.Session()
        self.max_attempts = max_attempts
        self.throttle = ChannelThrottle()
        self._recent: dict[str, _Recent] = {}
        self._recent_lock = threading.Lock()

    def channel_for(self, event: Event) -> str:
        return self.routes.get(event.kind, "#alerts")

    def _should_send(self, event: Event) -> tuple[bool, int]:
        """Collapse identical alerts within the dedupe window.

        Returns (send?, number of suppressed duplicates to mention).
        """
        now = time.monotonic()
        key = event.fingerprint
        with self._recent_lock:
            # cheap cleanup
            for k in [k for k, r in self._recent.items() if now - r.last_sent > self.dedupe_window]:
                del self._recent[k]
            recent = self._recent.get(key)
            if recent is None:
                self._recent[key] = _Recent(first_seen=now, last_sent=now)
                return True, 0
            if event.severity is Severity.CRITICAL and now - recent.last_sent > 60:
                # keep nagging about critical stuff, but at most once a minute
                suppressed, recent.suppressed = recent.suppressed, 0
                recent.last_sent = now
                return True, suppressed
            recent.suppressed += 1
            return False, 0

    def notify(self, event: Event) -> bool:
        send, suppressed = self._should_send(event)
        if not send:
            logger.debug("suppressed duplicate alert %s", event.fingerprint)
            return False
        text = render(event)
        if suppressed:
            text += f"\n_(+{suppressed} similar alerts suppressed)_"
        return self.post(self.channel_for(event), text)

    def post(self, channel: str, text: str) -> bool:
        url = self.webhooks.get(channel)
        if not url:
            logger.warning("no webhook configured for %s; message dropped: %s", channel, text[:80])
            return False

        for attempt in range(1, self.max_attempts + 1):
            self.throttle.wait(channel)
            try:
                resp = self.session.post(url, json={"text": text}, timeout=5)
            except requests.RequestException as exc:
                logger.warning("slack post to %s failed (%s), attempt %d", channel, exc, attempt)
                time.sleep(attempt)
                continue

            if resp.status_code == 200:
                return True
            if resp.status_code == 429:
                retry_after = float(resp.headers.get("Retry-After", "1"))
                logger.warning("slack rate limited %s, retry after %.0fs", channel, retry_after)
                self.throttle.penalise(channel, retry_after)
                continue
            if 500 <= resp.status_code < 600:
                time.sleep(attempt)
                continue
            # 400/403/404: bad payload or revoked webhook -- retrying won't help
            logger.error("slack rejected message for %s: %s %s", channel, resp.status_code, resp.text)
            return False

        logger.error("giving up posting to %s after %d attempts", channel, self.max_attempts)
        return False


_notifier: SlackNotifier | None = None


def notify(event: Event) -> bool:
    global _notifier
    if _notifier is None:
        _notifier = SlackNotifier()
    try:
        return _notifier.notify(event)
    except Exception:
        # notifications must never break the caller
        logger.exception("failed to send notification for %s", event.kind)
        return False
