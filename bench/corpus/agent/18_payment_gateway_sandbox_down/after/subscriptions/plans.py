from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Plan:
    code: str
    name: str
    monthly_price: Decimal
    seats: int


PLANS = {
    "basic": Plan("basic", "Basic", Decimal("9.00"), 3),
    "team": Plan("team", "Team", Decimal("29.00"), 10),
    "business": Plan("business", "Business", Decimal("99.00"), 50),
}

ORDER = ["basic", "team", "business"]


def get_plan(code: str) -> Plan:
    try:
        return PLANS[code]
    except KeyError:
        raise ValueError(f"unknown plan {code!r}") from None


def is_upgrade(current: str, target: str) -> bool:
    return ORDER.index(target) > ORDER.index(current)
