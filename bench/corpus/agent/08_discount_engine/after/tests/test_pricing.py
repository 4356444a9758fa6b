from datetime import date
from decimal import Decimal

import pytest

from shop.cart import Cart
from shop.pricing import DEFAULT_CONFIG, PricingEngine, load_rules

TODAY = date(2024, 6, 1)


@pytest.fixture
def engine():
    return PricingEngine.from_file(DEFAULT_CONFIG)


def test_config_loads():
    rules = load_rules()
    assert {r.type for r in rules} == {"category_percent", "cart_threshold", "buy_x_get_y", "coupon"}


def test_category_percent(engine):
    cart = Cart()
    cart.add("TEA-EG", 2)  # 13.00
    b = engine.price(cart, today=TODAY)
    assert [d.rule_id for d in b.discounts] == ["tea-week"]
    assert b.total == Decimal("11.70")


def test_threshold_stacks_with_category(engine):
    cart = Cart()
    cart.add("KET-02")
    cart.add("TEA-GR")  # 59 + 8.90 = 67.90
    b = engine.price(cart, today=TODAY)
    assert {d.rule_id for d in b.discounts} == {"tea-week", "spend-50-save-5"}
    assert b.total == Decimal("67.90") - Decimal("0.89") - Decimal("5.00")


def test_best_exclusive_wins(engine):
    cart = Cart()
    cart.add("MUG-01", 3)  # 36.00, 3-for-2 saves 12, coupon saves 5.40
    b = engine.price(cart, coupon="welcome15", today=TODAY)
    exclusive = [d for d in b.discounts if d.rule_id in ("mug-3-for-2", "WELCOME15")]
    assert len(exclusive) == 1 and exclusive[0].rule_id == "mug-3-for-2"


def test_expired_coupon_ignored(engine):
    cart = Cart()
    cart.add("KET-02")
    b = engine.price(cart, coupon="WELCOME15", today=date(2031, 1, 1))
    assert all(d.rule_id != "WELCOME15" for d in b.discounts)


def test_cart_total_uses_engine(engine):
    cart = Cart()
    cart.add("MUG-01")
    cart.apply_coupon("welcome15")
    assert cart.total(engine) == Decimal("10.20")
