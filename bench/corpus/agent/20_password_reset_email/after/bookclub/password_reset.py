"""Forgot-password flow.

Tokens are random, stored hashed with an expiry, and consumed on use. The
token also encodes nothing about the user, so a leaked URL reveals nothing
without the database.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from dataclasses import dataclass

from flask import Blueprint, current_app, jsonify, request

from bookclub.mailer import Mail, send_mail
from bookclub.users import find_by_email, get_user

logger = logging.getLogger(__name__)

bp = Blueprint("password_reset", __name__, url_prefix="/auth")

TOKEN_TTL = 3600
MIN_PASSWORD_LENGTH = 10
# per-email throttle so /auth/forgot can't be used to spam someone's inbox
REQUEST_COOLDOWN = 60


@dataclass
class ResetToken:
    user_id: int
    expires_at: float
    used: bool = False


# TODO: move to the database with the rest of the user data
_tokens: dict[str, ResetToken] = {}
_last_request: dict[str, float] = {}
_lock = threading.Lock()


def _hash(token: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()


def create_token(user_id: int) -> str:
    token = secrets.token_urlsafe(32)
    with _lock:
        # invalidate older tokens for this user
        for t in _tokens.values():
            if t.user_id == user_id:
                t.used = True
        _tokens[_hash(token)] = ResetToken(user_id, time.time() + TOKEN_TTL)
    return token


def consume_token(token: str) -> int | None:
    with _lock:
        entry = _tokens.get(_hash(token))
        if entry is None or entry.used or entry.expires_at < time.time():
            return None
        entry.used = True
        return entry.user_id


def _reset_email(to: str, name: str, link: str) -> Mail:
    text = (
        f"Hi {name},\n\n"
        "Someone asked to reset the password for your Bookclub account.\n"
        f"Use this link within the next hour:\n\n{link}\n\n"
        "If it wasn't you, you can ignore this email.\n"
    )
    html = (
        f"<p>Hi {name},</p><p>Someone asked to reset the password for your Bookclub account.</p>"
        f'<p><a href="{link}">Reset your password</a> (valid for one hour)</p>'
        "<p>If it wasn't you, you can ignore this email.</p>"
    )
    return Mail(to=to, subject="Reset your Bookclub password", text=text, html=html)


@bp.post("/forgot")
def forgot_password():
    data = request.get_json(silent=True) or {}
    email = str(data.get("email", "")).strip().lower()
    generic = jsonify(message="If that address is registered, a reset link is on its way.")
    if not email or "@" not in email:
        return jsonify(error="please provide an email address"), 400

    now = time.time()
    with _lock:
        last = _last_request.get(email, 0)
        _last_request[email] = now
    if now - last < REQUEST_COOLDOWN:
        return generic, 202

    user = find_by_email(email)
    if user is None:
        logger.info("password reset requested for unknown email")
        return generic, 202

    token = create_token(user.id)
    link = f"{current_app.config['BASE_URL'].rstrip('/')}/reset-password?token={token}"
    send_mail(_reset_email(user.email, user.name, link))
    return generic, 202


@bp.post("/reset")
def reset_password():
    data = request.get_json(silent=True) or {}
    token = str(data.get("token", ""))
    password = str(data.get("password", ""))
    if len(password) < MIN_PASSWORD_LENGTH:
        return jsonify(error=f"password must be at least {MIN_PASSWORD_LENGTH} characters"), 400

    user_id = consume_token(token) if token else None
    user = get_user(user_id) if user_id else None
    if user is None:
        return jsonify(error="this reset link is invalid or has expired"), 400

    user.set_password(password)
    logger.info("password reset for user %s", user.id)
    return jsonify(message="password updated"), 200
