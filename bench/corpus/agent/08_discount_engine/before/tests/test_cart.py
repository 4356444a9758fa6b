from decimal import Decimal

from shop.cart import Cart


def test_subtotal():
    cart = Cart()
    cart.add("TEA-EG", 2)
    cart.add("MUG-01")
    assert cart.total() == Decimal("25.00")
