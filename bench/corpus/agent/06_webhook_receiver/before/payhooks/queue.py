"""Thin wrapper around RQ so callers don't import rq everywhere."""
from __future__ import annotations

import os
from functools import lru_cache

from redis import Redis
from rq import Queue


@lru_cache(maxsize=None)
def get_redis(url: str | None = None) -> Redis:
    return Redis.from_url(url or os.getenv("PAYHOOKS_REDIS_URL", "redis://localhost:6379/0"))


def get_queue(name: str = "default") -> Queue:
    return Queue(name, connection=get_redis())


def enqueue(func, *args, queue: str = "default", **kwargs):
    return get_queue(queue).enqueue(func, *args, **kwargs)
