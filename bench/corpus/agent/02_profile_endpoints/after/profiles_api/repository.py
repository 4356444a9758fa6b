"""Profile persistence.

TEMPORARY: the DB team is delivering the real repository next sprint. Until then
this module provides an in-memory implementation with the interface we agreed on
(``ProfileRepository``) so the endpoints and the frontend can be built against it.
Swap ``get_repository`` to return the real implementation when it lands.
"""
from __future__ import annotations

import threading
from datetime import datetime, timezone
from typing import Protocol

from profiles_api.schemas import Profile, ProfileCreate, ProfileUpdate


class ProfileRepository(Protocol):
    def get(self, user_id: int) -> Profile | None: ...
    def list(self, offset: int, limit: int) -> tuple[list[Profile], int]: ...
    def create(self, data: ProfileCreate) -> Profile: ...
    def update(self, user_id: int, data: ProfileUpdate) -> Profile | None: ...
    def delete(self, user_id: int) -> bool: ...


class InMemoryProfileRepository:
    def __init__(self, seed: bool = True):
        self._rows: dict[int, Profile] = {}
        self._lock = threading.Lock()
        if seed:
            self._seed()

    def _seed(self) -> None:
        # a few fake users so the frontend has something to render
        demo = [
            (1, "Ada Lovelace", "First programmer.", "Europe/London"),
            (2, "Grace Hopper", "Found the first bug.", "America/New_York"),
            (3, "Alan Turing", None, "Europe/London"),
            (4, "Katherine Johnson", "Orbital mechanics.", "America/Chicago"),
        ]
        for uid, name, bio, tz in demo:
            self.create(ProfileCreate(user_id=uid, display_name=name, bio=bio, timezone=tz))

    def get(self, user_id: int) -> Profile | None:
        return self._rows.get(user_id)

    def list(self, offset: int, limit: int) -> tuple[list[Profile], int]:
        with self._lock:
            rows = sorted(self._rows.values(), key=lambda p: p.user_id)
        return rows[offset : offset + limit], len(rows)

    def create(self, data: ProfileCreate) -> Profile:
        now = datetime.now(timezone.utc)
        profile = Profile(**data.model_dump(), created_at=now, updated_at=now)
        with self._lock:
            if data.user_id in self._rows:
                raise ValueError(f"profile for user {data.user_id} already exists")
            self._rows[data.user_id] = profile
        return profile

    def update(self, user_id: int, data: ProfileUpdate) -> Profile | None:
        with self._lock:
            current = self._rows.get(user_id)
            if current is None:
                return None
            changes = data.model_dump(exclude_unset=True)
            updated = current.model_copy(
                update={**changes, "updated_at": datetime.now(timezone.utc)}
            )
            self._rows[user_id] = updated
            return updated

    def delete(self, user_id: int) -> bool:
        with self._lock:
            return self._rows.pop(user_id, None) is not None


_repo: ProfileRepository | None = None


def get_repository() -> ProfileRepository:
    # TODO: return the SQL repository once the DB team ships it
    global _repo
    if _repo is None:
        _repo = InMemoryProfileRepository()
    return _repo
