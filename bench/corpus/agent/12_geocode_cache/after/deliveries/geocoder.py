from __future__ import annotations

import os
from dataclasses import dataclass

import requests

GEOCODER_URL = os.getenv("GEOCODER_URL", "https://geo.internal.example/v1/search")
GEOCODER_KEY = os.getenv("GEOCODER_KEY", "")


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float
    formatted: str
    confidence: float


class GeocodingError(Exception):
    pass


def _call_service(address: str, country: str | None = None) -> Location | None:
    params = {"q": address, "limit": 1, "key": GEOCODER_KEY}
    if country:
        params["countrycodes"] = country.lower()
    try:
        resp = requests.get(GEOCODER_URL, params=params, timeout=10)
        resp.raise_for_status()
    except requests.RequestException as exc:
        raise GeocodingError(str(exc)) from exc
    results = resp.json().get("results", [])
    if not results:
        return None
    r = results[0]
    return Location(
        lat=float(r["lat"]),
        lon=float(r["lon"]),
        formatted=r.get("display_name", address),
        confidence=float(r.get("confidence", 0.0)),
    )


def geocode(address: str, country: str | None = None, use_cache: bool = True) -> Location | None:
    """Geocode an address, returning None if the service has no match.

    Results are cached (see deliveries.geocache); pass ``use_cache=False`` to
    force a call to the service. Raises GeocodingError on service failures.
    """
    if not address or not address.strip():
        return None
    if not use_cache or os.getenv("GEOCACHE_DISABLED") == "1":
        return _call_service(address, country)
    from deliveries.geocache import get_cache  # avoid import cycle

    return get_cache().get_or_fetch(address, country, _call_service)
