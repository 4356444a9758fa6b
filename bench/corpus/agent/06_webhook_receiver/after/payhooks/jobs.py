"""Background handlers for Paywell events. Executed by RQ workers.

Handlers must be idempotent: Paywell retries, and the dedupe in the endpoint is
best effort.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone

logger = logging.getLogger(__name__)


def _obj(event: dict) -> dict:
    return (event.get("data") or {}).get("object") or {}


def _ts(value) -> datetime | None:
    if value is None:
        return None
    return datetime.fromtimestamp(int(value), tz=timezone.utc)


def handle_invoice_paid(event: dict) -> dict:
    inv = _obj(event)
    result = {
        "invoice_id": inv.get("id"),
        "customer_id": inv.get("customer"),
        "amount_paid": inv.get("amount_paid", 0) / 100,
        "currency": (inv.get("currency") or "usd").upper(),
        "paid_at": _ts(inv.get("status_transitions", {}).get("paid_at")),
    }
    logger.info("invoice paid: %s", result)
    # TODO: mark invoice paid in billing DB and extend the subscription period
    return result


def handle_invoice_payment_failed(event: dict) -> dict:
    inv = _obj(event)
    attempt = inv.get("attempt_count", 1)
    result = {
        "invoice_id": inv.get("id"),
        "customer_id": inv.get("customer"),
        "attempt": attempt,
        "next_attempt": _ts(inv.get("next_payment_attempt")),
        "notify_customer": attempt in (1, 3),
    }
    logger.warning("invoice payment failed: %s", result)
    # TODO: send dunning email via notifications service when notify_customer
    return result


def handle_subscription_deleted(event: dict) -> dict:
    sub = _obj(event)
    result = {
        "subscription_id": sub.get("id"),
        "customer_id": sub.get("customer"),
        "ended_at": _ts(sub.get("ended_at")),
        "reason": (sub.get("cancellation_details") or {}).get("reason"),
    }
    logger.info("subscription deleted: %s", result)
    # TODO: downgrade account to free plan
    return result
