from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ApiKey:
    key: str
    customer: str
    plan: str = "free"


_KEYS = {
    "k_free_demo": ApiKey("k_free_demo", "demo", "free"),
    "k_pro_acme": ApiKey("k_pro_acme", "acme", "pro"),
}


def lookup_key(raw: str | None) -> ApiKey | None:
    if not raw:
        return None
    return _KEYS.get(raw.strip())
