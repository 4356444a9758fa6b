"""PayGate payment gateway client.

``get_gateway()`` returns the real HTTP client when PAYGATE_API_KEY is set.
Otherwise -- or with PAYGATE_MODE=fake -- it returns FakePayGate, which
simulates PayGate's responses so the upgrade flow can be exercised while their
sandbox is down. FakePayGate follows PayGate's documented test card behaviour:
payment method ids containing "decline" are declined, "error" raises a
gateway error, anything else succeeds.
"""
from __future__ import annotations

import logging
import os
import uuid
from dataclasses import dataclass
from decimal import Decimal

import requests

logger = logging.getLogger(__name__)

PAYGATE_URL = os.getenv("PAYGATE_URL", "https://api.sandbox.paygate.example")
PAYGATE_API_KEY = os.getenv("PAYGATE_API_KEY", "")


class GatewayError(Exception):
    """PayGate unreachable or returned an unexpected error; safe to retry later."""


@dataclass
class ChargeResult:
    id: str
    approved: bool
    decline_code: str | None = None
    message: str | None = None


class PayGate:
    name = "paygate"

    def __init__(self, api_key: str = PAYGATE_API_KEY, base_url: str = PAYGATE_URL, timeout: float = 15.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {api_key}"})

    def charge(self, amount: Decimal, currency: str, payment_method_id: str,
               description: str, idempotency_key: str) -> ChargeResult:
        payload = {
            "amount": int((amount * 100).to_integral_value()),
            "currency": currency.lower(),
            "payment_method": payment_method_id,
            "description": description,
            "capture": True,
        }
        try:
            resp = self.session.post(
                f"{self.base_url}/v2/charges",
                json=payload,
                headers={"Idempotency-Key": idempotency_key},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise GatewayError(f"paygate unreachable: {exc}") from exc

        if resp.status_code == 402:
            body = resp.json().get("error", {})
            return ChargeResult(
                id=body.get("charge", ""),
                approved=False,
                decline_code=body.get("decline_code", "card_declined"),
                message=body.get("message"),
            )
        if resp.status_code >= 400:
            raise GatewayError(f"paygate error {resp.status_code}: {resp.text[:200]}")
        data = resp.json()
        return ChargeResult(id=data["id"], approved=data.get("status") == "succeeded")


class FakePayGate:
    """In-process stand-in for PayGate (sandbox outage). NOT for production."""

    name = "fake"

    def __init__(self):
        self.charges: dict[str, ChargeResult] = {}

    def charge(self, amount, currency, payment_method_id, description, idempotency_key):
        if idempotency_key in self.charges:
            return self.charges[idempotency_key]
        pm = (payment_method_id or "").lower()
        if "error" in pm:
            raise GatewayError("simulated gateway error")
        if "decline" in pm:
            result = ChargeResult(id=f"ch_fake_{uuid.uuid4().hex[:12]}", approved=False,
                                  decline_code="card_declined", message="Your card was declined.")
        else:
            result = ChargeResult(id=f"ch_fake_{uuid.uuid4().hex[:12]}", approved=True)
        logger.info("FAKE paygate charge %s %s %s -> %s", amount, currency, pm, result.approved)
        self.charges[idempotency_key] = result
        return result


_gateway = None


def get_gateway():
    global _gateway
    if _gateway is None:
        mode = os.getenv("PAYGATE_MODE", "").lower()
        if mode == "fake" or not PAYGATE_API_KEY:
            logger.warning("using FakePayGate (PAYGATE_MODE=%r, key set: %s)", mode, bool(PAYGATE_API_KEY))
            _gateway = FakePayGate()
        else:
            _gateway = PayGate()
    return _gateway
