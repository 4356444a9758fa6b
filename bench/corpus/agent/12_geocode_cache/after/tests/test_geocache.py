import threading
import time

import pytest

from deliveries import geocache, geocoder
from deliveries.geocache import GeoCache, normalize_address
from deliveries.geocoder import Location

LOC = Location(52.52, 13.405, "Berlin", 0.9)


@pytest.fixture
def cache(tmp_path):
    c = GeoCache(db_path=str(tmp_path / "g.sqlite3"))
    geocache.set_cache(c)
    yield c
    geocache.set_cache(None)


def test_normalize():
    assert normalize_address(" 10  Main Street. ", "US") == normalize_address("10 main st", "us")


def test_cache_hit_avoids_service(cache, monkeypatch):
    calls = []
    monkeypatch.setattr(geocoder, "_call_service", lambda a, c=None: calls.append(a) or LOC)
    assert geocoder.geocode("Alexanderplatz 1, Berlin", "DE") == LOC
    assert geocoder.geocode("alexanderplatz 1 berlin", "de") == LOC
    assert len(calls) == 1


def test_negative_results_cached(cache):
    calls = []
    fetch = lambda a, c: calls.append(a)  # returns None
    assert cache.get_or_fetch("nowhere", None, fetch) is None
    assert cache.get_or_fetch("nowhere", None, fetch) is None
    assert len(calls) == 1


def test_survives_restart(tmp_path):
    path = str(tmp_path / "g.sqlite3")
    GeoCache(db_path=path).get_or_fetch("x", None, lambda a, c: LOC)
    assert GeoCache(db_path=path).get_or_fetch("x", None, lambda a, c: pytest.fail("called")) == LOC


def test_expiry(tmp_path):
    c = GeoCache(db_path=str(tmp_path / "g.sqlite3"), positive_ttl=-1)
    c.get_or_fetch("x", None, lambda a, cc: LOC)
    calls = []
    c.get_or_fetch("x", None, lambda a, cc: calls.append(1) or LOC)
    assert calls == [1]


def test_concurrent_single_fetch(cache):
    calls = []

    def slow(a, c):
        calls.append(a)
        time.sleep(0.1)
        return LOC

    threads = [threading.Thread(target=cache.get_or_fetch, args=("same", None, slow)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
