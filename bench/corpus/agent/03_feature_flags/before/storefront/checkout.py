from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from storefront import settings


@dataclass
class LineItem:
    sku: str
    quantity: int
    unit_price: Decimal


@dataclass
class Cart:
    customer_id: str
    region: str
    items: list[LineItem] = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        return sum((i.unit_price * i.quantity for i in self.items), Decimal("0"))


LEGACY_TAX_RATES = {"EU": Decimal("0.20"), "US": Decimal("0.07"), "UK": Decimal("0.20")}


def _legacy_tax(cart: Cart) -> Decimal:
    rate = LEGACY_TAX_RATES.get(cart.region, Decimal("0"))
    return (cart.subtotal * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _new_tax(cart: Cart) -> Decimal:
    # per-line rounding as required by the new engine
    rate = LEGACY_TAX_RATES.get(cart.region, Decimal("0"))
    total = Decimal("0")
    for item in cart.items:
        line = item.unit_price * item.quantity * rate
        total += line.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return total


def compute_tax(cart: Cart) -> Decimal:
    if settings.USE_NEW_TAX_ENGINE:
        return _new_tax(cart)
    return _legacy_tax(cart)


def checkout_options(cart: Cart) -> list[str]:
    options = ["standard"]
    if settings.ENABLE_EXPRESS_CHECKOUT and cart.subtotal >= Decimal("20"):
        options.append("express")
    return options


def order_total(cart: Cart) -> Decimal:
    return cart.subtotal + compute_tax(cart)
