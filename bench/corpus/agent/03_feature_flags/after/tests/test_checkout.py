from decimal import Decimal

from storefront.checkout import Cart, LineItem, order_total


def test_order_total_legacy_tax():
    cart = Cart("c1", "US", [LineItem("A", 2, Decimal("10.00"))])
    assert order_total(cart) == Decimal("21.40")
