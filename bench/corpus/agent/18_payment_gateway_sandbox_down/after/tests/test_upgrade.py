from datetime import date
from decimal import Decimal

import pytest

from subscriptions import paygate
from subscriptions.accounts import Account, get_account, save_account
from subscriptions.paygate import FakePayGate
from subscriptions.upgrade import UpgradeError, prorated_amount, upgrade_plan

TODAY = date(2024, 6, 16)


@pytest.fixture(autouse=True)
def fake_gateway(monkeypatch):
    gw = FakePayGate()
    monkeypatch.setattr(paygate, "_gateway", gw)
    return gw


def account(pm="pm_card_visa", plan="basic"):
    a = Account(1, "o@x.com", plan, date(2024, 6, 1), date(2024, 7, 1), payment_method_id=pm)
    save_account(a)
    return a


def test_prorated_amount():
    # 15 of 30 days left, (29 - 9) / 2
    assert prorated_amount(account(), "team", TODAY) == Decimal("10.00")


def test_upgrade_success():
    account()
    r = upgrade_plan(1, "team", today=TODAY)
    assert r.charged == Decimal("10.00")
    assert r.charge_id.startswith("ch_fake_")
    assert get_account(1).plan_code == "team"


def test_decline_keeps_plan():
    account(pm="pm_card_decline")
    with pytest.raises(UpgradeError) as e:
        upgrade_plan(1, "team", today=TODAY)
    assert e.value.code == "payment_declined"
    assert get_account(1).plan_code == "basic"


def test_gateway_error_keeps_plan():
    account(pm="pm_card_error")
    with pytest.raises(UpgradeError) as e:
        upgrade_plan(1, "business", today=TODAY)
    assert e.value.code == "payment_unavailable"
    assert get_account(1).plan_code == "basic"


def test_downgrade_rejected():
    account(plan="team")
    with pytest.raises(UpgradeError) as e:
        upgrade_plan(1, "basic", today=TODAY)
    assert e.value.code == "not_upgrade"


def test_idempotent_retry(fake_gateway):
    account()
    upgrade_plan(1, "team", today=TODAY)
    assert len(fake_gateway.charges) == 1
