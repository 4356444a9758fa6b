from decimal import Decimal

import httpx
import pytest

from storefront import flags
from storefront.checkout import Cart, LineItem, checkout_options
from storefront.flags import FlagClient


class FakeResponse:
    def __init__(self, payload, status=200):
        self._payload = payload
        self.status_code = status

    def json(self):
        return self._payload

    def raise_for_status(self):
        if self.status_code >= 400:
            raise httpx.HTTPStatusError("bad", request=None, response=None)


def test_defaults_when_service_down(monkeypatch, tmp_path):
    def boom(*a, **kw):
        raise httpx.ConnectError("down")

    monkeypatch.setattr(flags.httpx, "get", boom)
    c = FlagClient(cache_file=tmp_path / "f.json")
    assert c.refresh() is False
    assert c.is_enabled("new_tax_engine") is False
    assert c.is_enabled("does_not_exist") is False


def test_refresh_updates_and_persists(monkeypatch, tmp_path):
    monkeypatch.setattr(
        flags.httpx, "get", lambda *a, **kw: FakeResponse({"flags": {"express_checkout": True}})
    )
    cache = tmp_path / "f.json"
    c = FlagClient(cache_file=cache)
    assert c.refresh()
    assert c.is_enabled("express_checkout")
    # a new client during an outage picks up the cached values
    monkeypatch.setattr(flags.httpx, "get", lambda *a, **kw: FakeResponse({}, status=503))
    c2 = FlagClient(cache_file=cache)
    c2.refresh()
    assert c2.is_enabled("express_checkout")


def test_dict_flag_values(tmp_path):
    c = FlagClient(cache_file=None)
    c.override(new_tax_engine={"enabled": True, "rollout": 100})
    assert c.is_enabled("new_tax_engine")


def test_checkout_uses_flags(monkeypatch):
    client = FlagClient(cache_file=None)
    monkeypatch.setattr(flags, "_client", client)
    cart = Cart("c1", "US", [LineItem("A", 3, Decimal("10.00"))])
    assert checkout_options(cart) == ["standard"]
    client.override(express_checkout=True)
    assert checkout_options(cart) == ["standard", "express"]
