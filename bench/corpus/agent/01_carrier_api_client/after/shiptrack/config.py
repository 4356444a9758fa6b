"""Runtime settings, read from the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    parcelhub_base_url: str = "https://api.parcelhub.example/v2"
    parcelhub_api_key: str = ""
    http_timeout: float = 10.0
    cache_ttl_seconds: int = 60


def load_settings() -> Settings:
    return Settings(
        parcelhub_base_url=os.environ.get(
            "PARCELHUB_BASE_URL", "https://api.parcelhub.example/v2"
        ),
        parcelhub_api_key=os.environ.get("PARCELHUB_API_KEY", ""),
        http_timeout=float(os.environ.get("HTTP_TIMEOUT", "10")),
        cache_ttl_seconds=int(os.environ.get("CACHE_TTL_SECONDS", "60")),
    )
