import os
from functools import lru_cache

from pydantic import BaseModel


class Settings(BaseModel):
    environment: str = "dev"
    database_url: str = ""
    default_page_size: int = 20
    max_page_size: int = 100


@lru_cache
def get_settings() -> Settings:
    return Settings(
        environment=os.getenv("APP_ENV", "dev"),
        database_url=os.getenv("DATABASE_URL", ""),
    )
