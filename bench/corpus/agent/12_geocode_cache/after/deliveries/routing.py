from __future__ import annotations

import math

from deliveries.geocoder import Location, geocode


def haversine_km(a: Location, b: Location) -> float:
    r = 6371.0
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp = p2 - p1
    dl = math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


def plan_route(depot: str, stops: list[str], country: str = "DE") -> list[tuple[str, Location]]:
    """Greedy nearest-neighbour route starting at the depot."""
    start = geocode(depot, country)
    if start is None:
        raise ValueError(f"cannot geocode depot {depot!r}")
    located = [(s, geocode(s, country)) for s in stops]
    remaining = [(s, loc) for s, loc in located if loc is not None]
    route, current = [], start
    while remaining:
        nxt = min(remaining, key=lambda item: haversine_km(current, item[1]))
        remaining.remove(nxt)
        route.append(nxt)
        current = nxt[1]
    return route
