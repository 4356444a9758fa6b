from __future__ import annotations

from dataclasses import dataclass

from werkzeug.security import check_password_hash, generate_password_hash


@dataclass
class User:
    id: int
    email: str
    name: str
    password_hash: str

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)


_USERS: dict[int, User] = {}


def create_user(email: str, name: str, password: str) -> User:
    user = User(len(_USERS) + 1, email.lower(), name, generate_password_hash(password))
    _USERS[user.id] = user
    return user


def find_by_email(email: str) -> User | None:
    email = email.strip().lower()
    return next((u for u in _USERS.values() if u.email == email), None)


def get_user(user_id: int) -> User | None:
    return _USERS.get(user_id)
