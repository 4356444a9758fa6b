"""Plan upgrades with prorated charge."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from subscriptions.accounts import Account, get_account, save_account
from subscriptions.paygate import GatewayError, get_gateway
from subscriptions.plans import get_plan, is_upgrade

logger = logging.getLogger(__name__)

CURRENCY = "EUR"
MIN_CHARGE = Decimal("0.50")


class UpgradeError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class UpgradeResult:
    account_id: int
    old_plan: str
    new_plan: str
    charged: Decimal
    charge_id: str | None


def prorated_amount(account: Account, target_code: str, today: date) -> Decimal:
    current = get_plan(account.plan_code)
    target = get_plan(target_code)
    total_days = (account.period_end - account.period_start).days
    remaining = (account.period_end - today).days
    if total_days <= 0 or remaining <= 0:
        return Decimal("0.00")
    diff = target.monthly_price - current.monthly_price
    amount = diff * Decimal(remaining) / Decimal(total_days)
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def upgrade_plan(account_id: int, target_code: str, today: date | None = None) -> UpgradeResult:
    today = today or date.today()
    account = get_account(account_id)
    old_code = account.plan_code

    try:
        get_plan(target_code)
    except ValueError:
        raise UpgradeError("unknown_plan", f"Unknown plan '{target_code}'.")
    if target_code == old_code:
        raise UpgradeError("same_plan", "You are already on this plan.")
    if not is_upgrade(old_code, target_code):
        raise UpgradeError("not_upgrade", "Downgrades take effect at the end of the billing period.")
    if not account.payment_method_id:
        raise UpgradeError("no_payment_method", "Please add a payment method first.")

    amount = prorated_amount(account, target_code, today)
    charge_id = None
    if amount >= MIN_CHARGE:
        # one key per account/target/period so a retried request doesn't double charge
        idem = f"upgrade-{account.id}-{target_code}-{account.period_start.isoformat()}"
        try:
            result = get_gateway().charge(
                amount=amount,
                currency=CURRENCY,
                payment_method_id=account.payment_method_id,
                description=f"Upgrade {old_code} -> {target_code}",
                idempotency_key=idem,
            )
        except GatewayError as exc:
            logger.error("upgrade charge failed for account %s: %s", account.id, exc)
            raise UpgradeError(
                "payment_unavailable",
                "We couldn't reach our payment provider. Your plan was not changed; please try again shortly.",
            )
        if not result.approved:
            raise UpgradeError(
                "payment_declined",
                result.message or "Your payment was declined. Your plan was not changed.",
            )
        charge_id = result.id
    else:
        amount = Decimal("0.00")

    account.plan_code = target_code
    account.history.append(f"{today.isoformat()} upgrade {old_code}->{target_code} charged {amount} ({charge_id})")
    save_account(account)
    return UpgradeResult(account.id, old_code, target_code, amount, charge_id)
