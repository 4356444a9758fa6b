from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from shop.catalog import Product, get_product

if TYPE_CHECKING:
    from shop.pricing import PriceBreakdown, PricingEngine


@dataclass
class CartLine:
    product: Product
    quantity: int

    @property
    def amount(self) -> Decimal:
        return self.product.price * self.quantity


@dataclass
class Cart:
    lines: list[CartLine] = field(default_factory=list)
    coupon: str | None = None

    def add(self, sku: str, quantity: int = 1) -> None:
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        for line in self.lines:
            if line.product.sku == sku:
                line.quantity += quantity
                return
        self.lines.append(CartLine(get_product(sku), quantity))

    def subtotal(self) -> Decimal:
        return sum((l.amount for l in self.lines), Decimal("0"))

    def apply_coupon(self, code: str | None) -> None:
        self.coupon = code.strip().upper() if code else None

    def price(self, engine: "PricingEngine | None" = None) -> "PriceBreakdown":
        from shop.pricing import default_engine

        return (engine or default_engine()).price(self, coupon=self.coupon)

    def total(self, engine: "PricingEngine | None" = None) -> Decimal:
        """Total after discounts (see shop.pricing)."""
        return self.price(engine).total
