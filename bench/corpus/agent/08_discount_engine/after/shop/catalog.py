from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    category: str
    price: Decimal


_PRODUCTS = {
    "TEA-EG": Product("TEA-EG", "Earl Grey 100g", "tea", Decimal("6.50")),
    "TEA-GR": Product("TEA-GR", "Sencha 100g", "tea", Decimal("8.90")),
    "MUG-01": Product("MUG-01", "Stoneware mug", "accessories", Decimal("12.00")),
    "KET-02": Product("KET-02", "Gooseneck kettle", "equipment", Decimal("59.00")),
}


def get_product(sku: str) -> Product:
    try:
        return _PRODUCTS[sku]
    except KeyError:
        raise LookupError(f"unknown sku {sku}") from None
