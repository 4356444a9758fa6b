"""Parsing of Brightmart order drop files into our Order model."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from ordersvc.models import Order, OrderLine

SOURCE = "brightmart"


class BadOrderFile(ValueError):
    pass


def _decimal(value, field: str) -> Decimal:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError):
        raise BadOrderFile(f"invalid {field}: {value!r}")


def _parse_ts(value: str) -> datetime:
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        raise BadOrderFile(f"invalid timestamp: {value!r}")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt


def parse_order(raw: dict) -> Order:
    try:
        external_id = str(raw["order_id"])
        email = raw["customer"]["email"].strip().lower()
        items = raw["items"]
    except (KeyError, AttributeError, TypeError) as exc:
        raise BadOrderFile(f"missing field: {exc}")

    lines = [
        OrderLine(
            sku=str(item["sku"]),
            quantity=int(item.get("qty", 1)),
            unit_price=_decimal(item.get("price"), "price"),
        )
        for item in items
    ]
    if not lines:
        raise BadOrderFile(f"order {external_id} has no items")

    computed = sum((l.unit_price * l.quantity for l in lines), Decimal("0"))
    total = _decimal(raw.get("total", computed), "total")

    return Order(
        source=SOURCE,
        external_id=external_id,
        customer_email=email,
        placed_at=_parse_ts(raw.get("created_at", "")),
        currency=(raw.get("currency") or "EUR").upper(),
        total=total,
        status="new",
        lines=lines,
    )


def parse_file(content: bytes) -> list[Order]:
    try:
        data = json.loads(content)
    except ValueError as exc:
        raise BadOrderFile(f"not valid JSON: {exc}")
    if isinstance(data, dict):
        data = data.get("orders", [])
    if not isinstance(data, list):
        raise BadOrderFile("expected a list of orders")
    return [parse_order(o) for o in data]
