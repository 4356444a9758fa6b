import asyncio
from decimal import Decimal

import pytest

from partsprice.aggregator import PriceAggregator
from partsprice.models import Offer


class FakeSupplier:
    def __init__(self, name, offer=None, delay=0.0, exc=None):
        self.name = name
        self.offer = offer
        self.delay = delay
        self.exc = exc

    async def quote(self, client, part_number, qty):
        await asyncio.sleep(self.delay)
        if self.exc:
            raise self.exc
        return self.offer


def offer(supplier, price, stock=100, shipping="0", currency="USD"):
    return Offer(supplier=supplier, part_number="P1", unit_price=Decimal(price),
                 quantity_available=stock, shipping=Decimal(shipping), currency=currency)


@pytest.mark.asyncio
async def test_picks_cheapest_including_shipping():
    agg = PriceAggregator([
        FakeSupplier("a", offer("a", "1.00", shipping="20")),
        FakeSupplier("b", offer("b", "1.10", shipping="0")),
    ], timeout=1)
    r = await agg.lookup("P1", 10)
    assert r.best.supplier == "b"
    await agg.aclose()


@pytest.mark.asyncio
async def test_ignores_out_of_stock():
    agg = PriceAggregator([
        FakeSupplier("a", offer("a", "0.50", stock=5)),
        FakeSupplier("b", offer("b", "2.00")),
    ], timeout=1)
    r = await agg.lookup("P1", 10)
    assert r.best.supplier == "b"


@pytest.mark.asyncio
async def test_slow_supplier_times_out():
    agg = PriceAggregator([
        FakeSupplier("slow", offer("slow", "0.01"), delay=5),
        FakeSupplier("fast", offer("fast", "3.00")),
    ], timeout=0.2)
    r = await agg.lookup("P1", 1)
    assert r.best.supplier == "fast"
    assert r.failed == {"slow": "timeout"}


@pytest.mark.asyncio
async def test_failing_supplier_reported():
    agg = PriceAggregator([
        FakeSupplier("bad", exc=RuntimeError("500")),
        FakeSupplier("ok", offer("ok", "1.00")),
    ], timeout=1)
    r = await agg.lookup("P1", 1)
    assert r.best.supplier == "ok"
    assert "bad" in r.failed
