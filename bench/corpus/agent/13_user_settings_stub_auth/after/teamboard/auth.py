"""Authentication -- TEMPORARY STUB.

The platform team is delivering real auth (OIDC) in a few weeks. Until then
this module identifies the user so the settings page can be demoed:

  * ``Authorization: Bearer <anything>`` -> the token is looked up in DEMO_TOKENS,
    unknown tokens map to the default demo user
  * ``X-Demo-User: <user id>`` picks a demo user directly (handy in the demo)
  * no header at all -> default demo user

When real auth lands, replace ``current_user()`` and keep ``login_required``'s
contract (sets ``g.user``, returns 401 otherwise).
"""
from __future__ import annotations

import functools
import logging
import os
from dataclasses import dataclass

from flask import g, jsonify, request

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class User:
    id: str
    email: str
    name: str
    is_admin: bool = False


DEMO_USERS = {
    "u-100": User("u-100", "dana@acme-demo.com", "Dana Scully", is_admin=True),
    "u-101": User("u-101", "fox@acme-demo.com", "Fox Mulder"),
    "u-102": User("u-102", "walter@acme-demo.com", "Walter Skinner"),
}
DEMO_TOKENS = {
    "demo-dana": "u-100",
    "demo-fox": "u-101",
    "demo-walter": "u-102",
}
DEFAULT_DEMO_USER = os.getenv("TEAMBOARD_DEMO_USER", "u-100")


def current_user() -> User | None:
    # TODO(auth): replace with real token validation from the platform team
    demo_id = request.headers.get("X-Demo-User")
    if demo_id:
        return DEMO_USERS.get(demo_id)

    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        token = header[len("Bearer "):].strip()
        user_id = DEMO_TOKENS.get(token, DEFAULT_DEMO_USER)
        return DEMO_USERS.get(user_id)

    return DEMO_USERS.get(DEFAULT_DEMO_USER)


def login_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        user = current_user()
        if user is None:
            return jsonify(error="unauthenticated"), 401
        g.user = user
        return view(*args, **kwargs)

    return wrapper
