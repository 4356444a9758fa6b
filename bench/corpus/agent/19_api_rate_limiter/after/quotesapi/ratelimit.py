"""Fixed-window rate limiting per API key.

Counters live in Redis (RATELIMIT_REDIS_URL) so all instances share them.
If Redis is not configured or unreachable we fall back to per-process memory
counters: limits are then per instance (so effectively N x the limit with N
instances), which is acceptable until Redis is in every environment and much
better than failing requests.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass

from flask import Flask, g, jsonify, request

logger = logging.getLogger(__name__)

PLAN_LIMITS = {
    "free": int(os.getenv("RATELIMIT_FREE", "60")),
    "pro": int(os.getenv("RATELIMIT_PRO", "600")),
}
DEFAULT_LIMIT = 60
WINDOW = 60
EXEMPT_PATHS = {"/health"}


@dataclass
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_at: int

    @property
    def retry_after(self) -> int:
        return max(1, self.reset_at - int(time.time()))


class MemoryCounter:
    def __init__(self):
        self._counts: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def incr(self, key: str, window_start: int, ttl: int) -> int:
        with self._lock:
            start, count = self._counts.get(key, (window_start, 0))
            if start != window_start:
                start, count = window_start, 0
            count += 1
            self._counts[key] = (start, count)
            if len(self._counts) > 100_000:
                self._counts = {k: v for k, v in self._counts.items() if v[0] == window_start}
            return count


class RedisCounter:
    def __init__(self, url: str):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=0.2, socket_connect_timeout=0.2)

    def incr(self, key: str, window_start: int, ttl: int) -> int:
        full_key = f"rl:{key}:{window_start}"
        pipe = self.client.pipeline()
        pipe.incr(full_key)
        pipe.expire(full_key, ttl)
        count, _ = pipe.execute()
        return int(count)


class RateLimiter:
    def __init__(self, redis_url: str | None = None, window: int = WINDOW):
        self.window = window
        self.memory = MemoryCounter()
        self.redis: RedisCounter | None = None
        self._redis_down_until = 0.0
        if redis_url:
            try:
                self.redis = RedisCounter(redis_url)
            except Exception as exc:  # redis package missing, bad URL...
                logger.warning("rate limiter: redis unavailable (%s), using memory", exc)

    def _incr(self, key: str, window_start: int) -> int:
        if self.redis and time.monotonic() >= self._redis_down_until:
            try:
                return self.redis.incr(key, window_start, self.window * 2)
            except Exception as exc:
                # don't retry redis on every request while it's down
                logger.warning("rate limiter: redis error (%s), falling back to memory for 30s", exc)
                self._redis_down_until = time.monotonic() + 30
        return self.memory.incr(key, window_start, self.window * 2)

    def hit(self, identity: str, limit: int) -> Decision:
        now = int(time.time())
        window_start = now - now % self.window
        count = self._incr(identity, window_start)
        return Decision(
            allowed=count <= limit,
            limit=limit,
            remaining=max(0, limit - count),
            reset_at=window_start + self.window,
        )


def init_rate_limiting(app: Flask, limiter: RateLimiter | None = None) -> RateLimiter:
    limiter = limiter or RateLimiter(
        app.config.get("RATELIMIT_REDIS_URL") or os.getenv("RATELIMIT_REDIS_URL")
    )

    @app.before_request
    def _check_rate_limit():
        if request.path in EXEMPT_PATHS or not app.config.get("RATELIMIT_ENABLED", True):
            return None
        api_key = getattr(g, "api_key", None)
        if api_key is None:
            # unauthenticated requests are rejected by auth; limit by IP just in case
            identity, limit = f"ip:{request.remote_addr}", DEFAULT_LIMIT
        else:
            identity, limit = f"key:{api_key.key}", PLAN_LIMITS.get(api_key.plan, DEFAULT_LIMIT)
        decision = limiter.hit(identity, limit)
        g.rate_limit = decision
        if not decision.allowed:
            resp = jsonify(error="rate limit exceeded", retry_after=decision.retry_after)
            resp.status_code = 429
            resp.headers["Retry-After"] = str(decision.retry_after)
            _set_headers(resp, decision)
            return resp
        return None

    @app.after_request
    def _add_headers(response):
        decision = getattr(g, "rate_limit", None)
        if decision is not None:
            _set_headers(response, decision)
        return response

    app.extensions["rate_limiter"] = limiter
    return limiter


def _set_headers(response, decision: Decision) -> None:
    response.headers["X-RateLimit-Limit"] = str(decision.limit)
    response.headers["X-RateLimit-Remaining"] = str(decision.remaining)
    response.headers["X-RateLimit-Reset"] = str(decision.reset_at)
