"""Query all suppliers concurrently and pick the best offer."""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from decimal import Decimal

import httpx

from partsprice import settings
from partsprice.models import Offer
from partsprice.suppliers import Supplier, default_suppliers

logger = logging.getLogger(__name__)

# we only buy in USD today; rough rates for the odd EUR quote
FX_TO_USD = {"USD": Decimal("1"), "EUR": Decimal("1.08"), "GBP": Decimal("1.27")}


@dataclass
class LookupResult:
    part_number: str
    quantity: int
    best: Offer | None
    offers: list[Offer] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    elapsed_ms: int = 0


def total_usd(offer: Offer, qty: int) -> Decimal:
    rate = FX_TO_USD.get(offer.currency.upper())
    if rate is None:
        raise ValueError(f"no FX rate for {offer.currency}")
    return (offer.total_for(qty) * rate).quantize(Decimal("0.01"))


class PriceAggregator:
    def __init__(self, suppliers: list[Supplier] | None = None, timeout: float | None = None):
        self.suppliers = suppliers or default_suppliers()
        self.timeout = timeout or settings.LOOKUP_TIMEOUT
        self._client: httpx.AsyncClient | None = None

    async def client(self) -> httpx.AsyncClient:
        if self._client is None or self._client.is_closed:
            self._client = httpx.AsyncClient(timeout=httpx.Timeout(self.timeout, connect=1.0))
        return self._client

    async def aclose(self) -> None:
        if self._client:
            await self._client.aclose()

    async def _one(self, supplier: Supplier, client, part_number: str, qty: int):
        try:
            return supplier.name, await supplier.quote(client, part_number, qty), None
        except Exception as exc:
            logger.warning("supplier %s failed for %s: %r", supplier.name, part_number, exc)
            return supplier.name, None, f"{type(exc).__name__}: {exc}"

    async def lookup(self, part_number: str, qty: int = 1) -> LookupResult:
        started = time.monotonic()
        client = await self.client()
        tasks = {
            asyncio.create_task(self._one(s, client, part_number, qty)): s.name
            for s in self.suppliers
        }
        done, pending = await asyncio.wait(tasks, timeout=self.timeout)
        result = LookupResult(part_number=part_number, quantity=qty, best=None)

        for task in pending:
            task.cancel()
            result.failed[tasks[task]] = "timeout"

        for task in done:
            name, offer, error = task.result()
            if error:
                result.failed[name] = error
            elif offer is not None:
                result.offers.append(offer)

        in_stock = [o for o in result.offers if o.quantity_available >= qty]
        candidates = []
        for offer in in_stock:
            try:
                candidates.append((total_usd(offer, qty), offer.lead_time_days or 99, offer))
            except ValueError as exc:
                logger.warning("ignoring offer from %s: %s", offer.supplier, exc)
        if candidates:
            candidates.sort(key=lambda c: (c[0], c[1]))
            result.best = candidates[0][2]

        result.elapsed_ms = int((time.monotonic() - started) * 1000)
        return result
