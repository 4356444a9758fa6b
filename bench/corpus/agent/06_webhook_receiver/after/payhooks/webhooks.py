"""Paywell webhook endpoint: verify, dedupe, enqueue, return fast."""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time

from flask import Blueprint, current_app, jsonify, request

from payhooks import jobs
from payhooks.queue import enqueue, get_redis

logger = logging.getLogger(__name__)

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")

HANDLERS = {
    "invoice.paid": jobs.handle_invoice_paid,
    "invoice.payment_failed": jobs.handle_invoice_payment_failed,
    "customer.subscription.deleted": jobs.handle_subscription_deleted,
}

SEEN_KEY = "payhooks:seen:{}"
SEEN_TTL = 7 * 24 * 3600


class SignatureError(Exception):
    pass


def parse_signature_header(header: str) -> tuple[int, list[str]]:
    timestamp = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise SignatureError("bad timestamp in signature header")
        elif key == "v1":
            signatures.append(value)
    if timestamp is None or not signatures:
        raise SignatureError("malformed signature header")
    return timestamp, signatures


def verify_signature(payload: bytes, header: str, secret: str, tolerance: int = 300) -> None:
    timestamp, signatures = parse_signature_header(header)
    if abs(time.time() - timestamp) > tolerance:
        raise SignatureError("timestamp outside tolerance")
    signed = f"{timestamp}.".encode() + payload
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        raise SignatureError("signature mismatch")


def _already_seen(event_id: str) -> bool:
    """Mark event as seen; return True if it was seen before.

    Uses Redis SET NX so it works across workers. If Redis is unavailable we
    let the event through; the job handlers are idempotent anyway.
    """
    try:
        added = get_redis().set(SEEN_KEY.format(event_id), "1", nx=True, ex=SEEN_TTL)
        return not added
    except Exception as exc:
        logger.warning("dedupe check failed for %s: %s", event_id, exc)
        return False


@bp.post("/paywell")
def paywell_webhook():
    payload = request.get_data()
    secret = current_app.config.get("PAYWELL_WEBHOOK_SECRET", "")
    header = request.headers.get("Paywell-Signature", "")

    if secret:
        try:
            verify_signature(
                payload, header, secret,
                tolerance=int(current_app.config.get("PAYWELL_SIGNATURE_TOLERANCE", 300)),
            )
        except SignatureError as exc:
            logger.warning("rejected paywell webhook: %s", exc)
            return jsonify(error="invalid signature"), 400
    else:
        # TODO: make the secret mandatory once it's in the prod vault
        logger.warning("PAYWELL_WEBHOOK_SECRET not set, skipping signature verification")

    try:
        event = json.loads(payload)
        event_id = event["id"]
        event_type = event["type"]
    except (ValueError, KeyError, TypeError):
        return jsonify(error="malformed event"), 400

    handler = HANDLERS.get(event_type)
    if handler is None:
        # acknowledge so Paywell stops retrying events we don't care about
        return jsonify(received=True, handled=False), 200

    if _already_seen(event_id):
        logger.info("duplicate paywell event %s ignored", event_id)
        return jsonify(received=True, duplicate=True), 200

    try:
        enqueue(handler, event, queue="webhooks", job_id=f"paywell-{event_id}")
    except Exception:
        logger.exception("could not enqueue %s, running inline", event_id)
        try:
            handler(event)
        except Exception:
            logger.exception("inline handling of %s failed", event_id)
            # forget it so Paywell's retry gets processed
            try:
                get_redis().delete(SEEN_KEY.format(event_id))
            except Exception:
                pass
            return jsonify(error="processing failed"), 500

    return jsonify(received=True), 200
