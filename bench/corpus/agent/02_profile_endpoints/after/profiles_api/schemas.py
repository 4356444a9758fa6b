"""Request/response models for the profile endpoints."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import available_timezones

from pydantic import BaseModel, Field, HttpUrl, field_validator

_TIMEZONES = available_timezones()


class ProfileBase(BaseModel):
    display_name: str = Field(min_length=1, max_length=64)
    bio: str | None = Field(default=None, max_length=500)
    avatar_url: HttpUrl | None = None
    timezone: str = "UTC"

    @field_validator("display_name")
    @classmethod
    def strip_name(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("display_name cannot be blank")
        return v

    @field_validator("timezone")
    @classmethod
    def valid_timezone(cls, v: str) -> str:
        if v not in _TIMEZONES:
            raise ValueError(f"unknown timezone: {v}")
        return v


class ProfileCreate(ProfileBase):
    user_id: int = Field(gt=0)


class ProfileUpdate(BaseModel):
    display_name: str | None = Field(default=None, min_length=1, max_length=64)
    bio: str | None = Field(default=None, max_length=500)
    avatar_url: HttpUrl | None = None
    timezone: str | None = None

    @field_validator("timezone")
    @classmethod
    def valid_timezone(cls, v: str | None) -> str | None:
        if v is not None and v not in _TIMEZONES:
            raise ValueError(f"unknown timezone: {v}")
        return v


class Profile(ProfileBase):
    user_id: int
    created_at: datetime
    updated_at: datetime


class ProfilePage(BaseModel):
    items: list[Profile]
    total: int
    page: int
    page_size: int
