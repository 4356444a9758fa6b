"""Supplier API adapters. Each returns an Offer or None (no stock / unknown part)."""
from __future__ import annotations

import logging
import os
from decimal import Decimal
from typing import Protocol

import httpx

from partsprice import settings
from partsprice.models import Offer

logger = logging.getLogger(__name__)


class Supplier(Protocol):
    name: str

    async def quote(self, client: httpx.AsyncClient, part_number: str, qty: int) -> Offer | None: ...


class AcmeSupply:
    name = "acme"

    async def quote(self, client, part_number, qty):
        resp = await client.get(
            f"{settings.ACME_URL}/items/{part_number}/price",
            params={"quantity": qty},
            headers={"X-Api-Key": settings.ACME_API_KEY},
        )
        if resp.status_code == 404:
            return None
        resp.raise_for_status()
        data = resp.json()
        return Offer(
            supplier=self.name,
            part_number=part_number,
            unit_price=Decimal(str(data["price"]["amount"])),
            currency=data["price"].get("currency", "USD"),
            quantity_available=int(data.get("stock", 0)),
            shipping=Decimal(str(data.get("shipping", {}).get("amount", "0"))),
            lead_time_days=data.get("leadTimeDays"),
        )


class Boltworks:
    name = "boltworks"

    async def quote(self, client, part_number, qty):
        resp = await client.post(
            f"{settings.BOLTWORKS_URL}/quotes",
            json={"sku": part_number, "qty": qty},
            headers={"Authorization": f"Token {settings.BOLTWORKS_TOKEN}"},
        )
        if resp.status_code in (404, 422):
            return None
        resp.raise_for_status()
        data = resp.json()["quote"]
        # boltworks prices are in cents and tiered; pick the tier for qty
        tiers = sorted(data["tiers"], key=lambda t: t["min_qty"])
        unit_cents = tiers[0]["unit_cents"]
        for tier in tiers:
            if qty >= tier["min_qty"]:
                unit_cents = tier["unit_cents"]
        return Offer(
            supplier=self.name,
            part_number=part_number,
            unit_price=Decimal(unit_cents) / 100,
            currency="USD",
            quantity_available=int(data["available"]),
            shipping=Decimal(data.get("freight_cents", 0)) / 100,
            lead_time_days=data.get("ships_in_days"),
        )


QUICKPARTS_QUERY = """
query Price($pn: String!, $qty: Int!) {
  part(number: $pn) { price(quantity: $qty) { unit currency } inventory shippingEstimate leadDays }
}
"""


class QuickParts:
    name = "quickparts"

    def __init__(self):
        self._token: str | None = None

    @property
    def configured(self) -> bool:
        return bool(settings.QUICKPARTS_CLIENT_ID and settings.QUICKPARTS_CLIENT_SECRET)

    async def _auth(self, client: httpx.AsyncClient) -> str:
        if self._token:
            return self._token
        resp = await client.post(
            settings.QUICKPARTS_URL.replace("/graphql", "/oauth/token"),
            data={
                "grant_type": "client_credentials",
                "client_id": settings.QUICKPARTS_CLIENT_ID,
                "client_secret": settings.QUICKPARTS_CLIENT_SECRET,
            },
        )
        resp.raise_for_status()
        self._token = resp.json()["access_token"]
        return self._token

    async def quote(self, client, part_number, qty):
        if not self.configured:
            if os.getenv("QUICKPARTS_FAKE") == "1":
                # dev only: lets the frontend see three suppliers
                return Offer(
                    supplier=self.name, part_number=part_number, unit_price=Decimal("9.99"),
                    quantity_available=1000, shipping=Decimal("4.50"), lead_time_days=2,
                )
            # TODO: remove once QuickParts credentials are provisioned
            logger.debug("quickparts not configured, skipping")
            return None

        token = await self._auth(client)
        resp = await client.post(
            settings.QUICKPARTS_URL,
            json={"query": QUICKPARTS_QUERY, "variables": {"pn": part_number, "qty": qty}},
            headers={"Authorization": f"Bearer {token}"},
        )
        if resp.status_code == 401:
            self._token = None
        resp.raise_for_status()
        part = (resp.json().get("data") or {}).get("part")
        if not part:
            return None
        return Offer(
            supplier=self.name,
            part_number=part_number,
            unit_price=Decimal(str(part["price"]["unit"])),
            currency=part["price"]["currency"],
            quantity_available=part["inventory"],
            shipping=Decimal(str(part.get("shippingEstimate") or 0)),
            lead_time_days=part.get("leadDays"),
        )


def default_suppliers() -> list[Supplier]:
    return [AcmeSupply(), Boltworks(), QuickParts()]
