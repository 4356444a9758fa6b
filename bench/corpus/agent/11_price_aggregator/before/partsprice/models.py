from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel


class Offer(BaseModel):
    supplier: str
    part_number: str
    unit_price: Decimal
    currency: str = "USD"
    quantity_available: int
    shipping: Decimal = Decimal("0")
    lead_time_days: int | None = None

    def total_for(self, qty: int) -> Decimal:
        return self.unit_price * qty + self.shipping
