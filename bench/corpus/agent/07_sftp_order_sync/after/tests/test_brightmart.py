import json
from decimal import Decimal

import pytest

from ordersvc.brightmart import BadOrderFile, parse_file


def sample(**overrides):
    order = {
        "order_id": 1001,
        "created_at": "2024-03-01T10:15:00Z",
        "currency": "eur",
        "customer": {"email": " Jo@Example.com "},
        "items": [{"sku": "A-1", "qty": 2, "price": "9.99"}, {"sku": "B-2", "price": 5}],
    }
    order.update(overrides)
    return order


def test_parse_file_list():
    orders = parse_file(json.dumps([sample()]).encode())
    assert len(orders) == 1
    o = orders[0]
    assert o.external_id == "1001"
    assert o.customer_email == "jo@example.com"
    assert o.currency == "EUR"
    assert o.total == Decimal("24.98")
    assert len(o.lines) == 2


def test_parse_file_wrapped():
    assert len(parse_file(json.dumps({"orders": [sample(), sample(order_id=2)]}).encode())) == 2


def test_bad_json():
    with pytest.raises(BadOrderFile):
        parse_file(b"{not json")


def test_order_without_items():
    with pytest.raises(BadOrderFile):
        parse_file(json.dumps([sample(items=[])]).encode())
