"""Account settings API for the current user.

    GET    /api/me/settings          -> current settings (defaults filled in)
    PATCH  /api/me/settings          -> partial update, returns new settings
    POST   /api/me/settings/reset    -> back to defaults
"""
from __future__ import annotations

import copy
from datetime import datetime, timezone

from flask import Blueprint, g, jsonify, request

from teamboard import storage
from teamboard.auth import login_required

bp = Blueprint("user_settings", __name__, url_prefix="/api/me/settings")

COLLECTION = "user_settings"

LANGUAGES = {"en", "de", "fr", "es", "nl"}
THEMES = {"light", "dark", "system"}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
NOTIFICATION_EVENTS = {"mentioned", "assigned", "comment", "due_soon", "status_changed"}

DEFAULTS: dict = {
    "language": "en",
    "theme": "system",
    "notifications": {
        "mentioned": True,
        "assigned": True,
        "comment": False,
        "due_soon": True,
        "status_changed": False,
    },
    "digest": {"enabled": True, "day": "monday"},
}


class ValidationError(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__("invalid settings")
        self.errors = errors


def _merge(base: dict, patch: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def validate_patch(patch: dict) -> None:
    errors: dict[str, str] = {}
    unknown = set(patch) - set(DEFAULTS)
    for key in unknown:
        errors[key] = "unknown setting"

    if "language" in patch and patch["language"] not in LANGUAGES:
        errors["language"] = f"must be one of {sorted(LANGUAGES)}"
    if "theme" in patch and patch["theme"] not in THEMES:
        errors["theme"] = f"must be one of {sorted(THEMES)}"

    notif = patch.get("notifications")
    if notif is not None:
        if not isinstance(notif, dict):
            errors["notifications"] = "must be an object"
        else:
            for ev, on in notif.items():
                if ev not in NOTIFICATION_EVENTS:
                    errors[f"notifications.{ev}"] = "unknown event type"
                elif not isinstance(on, bool):
                    errors[f"notifications.{ev}"] = "must be true or false"

    digest = patch.get("digest")
    if digest is not None:
        if not isinstance(digest, dict):
            errors["digest"] = "must be an object"
        else:
            if "enabled" in digest and not isinstance(digest["enabled"], bool):
                errors["digest.enabled"] = "must be true or false"
            if "day" in digest and str(digest["day"]).lower() not in WEEKDAYS:
                errors["digest.day"] = "must be a weekday name"
            extra = set(digest) - {"enabled", "day"}
            for k in extra:
                errors[f"digest.{k}"] = "unknown setting"

    if errors:
        raise ValidationError(errors)


def load_settings(user_id: str) -> dict:
    stored = storage.get_doc(COLLECTION, user_id) or {}
    stored.pop("updated_at", None)
    return _merge(DEFAULTS, stored)


def save_settings(user_id: str, settings: dict) -> dict:
    doc = {**settings, "updated_at": datetime.now(timezone.utc).isoformat()}
    storage.put_doc(COLLECTION, user_id, doc)
    return doc


@bp.get("")
@login_required
def get_settings():
    return jsonify(user={"id": g.user.id, "name": g.user.name, "email": g.user.email},
                   settings=load_settings(g.user.id))


@bp.patch("")
@login_required
def update_settings():
    patch = request.get_json(silent=True)
    if not isinstance(patch, dict) or not patch:
        return jsonify(error="expected a JSON object with settings to change"), 400
    if "digest" in patch and isinstance(patch["digest"], dict) and "day" in patch["digest"]:
        patch["digest"]["day"] = str(patch["digest"]["day"]).lower()
    try:
        validate_patch(patch)
    except ValidationError as exc:
        return jsonify(error="validation failed", fields=exc.errors), 422

    merged = _merge(load_settings(g.user.id), patch)
    doc = save_settings(g.user.id, merged)
    return jsonify(settings=merged, updated_at=doc["updated_at"])


@bp.post("/reset")
@login_required
def reset_settings():
    storage.delete_doc(COLLECTION, g.user.id)
    return jsonify(settings=copy.deepcopy(DEFAULTS))
