from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from shop.catalog import Product, get_product


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

    def total(self) -> Decimal:
        return self.subtotal()
