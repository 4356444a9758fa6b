import pytest

from quotesapi import ratelimit
from quotesapi.app import create_app


@pytest.fixture
def client(monkeypatch):
    monkeypatch.setitem(ratelimit.PLAN_LIMITS, "free", 3)
    monkeypatch.delenv("RATELIMIT_REDIS_URL", raising=False)
    return create_app({"TESTING": True}).test_client()


def get(client, key="k_free_demo"):
    return client.get("/api/quotes?symbols=AAPL", headers={"X-Api-Key": key})


def test_headers_present(client):
    r = get(client)
    assert r.status_code == 200
    assert r.headers["X-RateLimit-Limit"] == "3"
    assert r.headers["X-RateLimit-Remaining"] == "2"


def test_429_after_limit(client):
    for _ in range(3):
        assert get(client).status_code == 200
    r = get(client)
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) >= 1


def test_limits_are_per_key(client):
    for _ in range(4):
        get(client)
    assert get(client, "k_pro_acme").status_code == 200


def test_health_not_limited(client):
    for _ in range(10):
        assert client.get("/health").status_code == 200


def test_redis_failure_falls_back_to_memory():
    class Broken:
        def incr(self, *a):
            raise ConnectionError("redis down")

    limiter = ratelimit.RateLimiter()
    limiter.redis = Broken()
    assert limiter.hit("x", 1).allowed
    assert not limiter.hit("x", 1).allowed
