"""Config-driven discount engine.

Rules live in discounts.yaml (see that file for the format). The engine
evaluates every active rule against a cart and returns a PriceBreakdown:

  * stackable rules all apply
  * of the non-stackable ("exclusive") rules only the one giving the largest
    discount applies
  * the total discount never exceeds the subtotal
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import yaml

if TYPE_CHECKING:
    from shop.cart import Cart

CENT = Decimal("0.01")
DEFAULT_CONFIG = Path(__file__).with_name("discounts.yaml")


def money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Rule:
    id: str
    type: str
    stackable: bool = True
    starts: date | None = None
    ends: date | None = None
    params: dict = field(default_factory=dict)

    def active(self, today: date) -> bool:
        if self.starts and today < self.starts:
            return False
        if self.ends and today > self.ends:
            return False
        return True


@dataclass
class AppliedDiscount:
    rule_id: str
    description: str
    amount: Decimal


@dataclass
class PriceBreakdown:
    subtotal: Decimal
    discounts: list[AppliedDiscount]

    @property
    def discount_total(self) -> Decimal:
        return sum((d.amount for d in self.discounts), Decimal("0"))

    @property
    def total(self) -> Decimal:
        return max(self.subtotal - self.discount_total, Decimal("0.00"))


# --- rule evaluators: return (amount, description) or None -----------------

def _category_percent(rule: Rule, cart: "Cart", coupon: str | None):
    cat = rule.params["category"]
    pct = Decimal(str(rule.params["percent"])) / 100
    base = sum((l.amount for l in cart.lines if l.product.category == cat), Decimal("0"))
    if not base:
        return None
    return money(base * pct), f"{rule.params['percent']}% off {cat}"


def _cart_threshold(rule: Rule, cart: "Cart", coupon: str | None):
    threshold = money(rule.params["threshold"])
    if cart.subtotal() < threshold:
        return None
    return money(rule.params["amount"]), f"{money(rule.params['amount'])} off orders over {threshold}"


def _buy_x_get_y(rule: Rule, cart: "Cart", coupon: str | None):
    sku = rule.params["sku"]
    buy, free = int(rule.params["buy"]), int(rule.params["free"])
    for line in cart.lines:
        if line.product.sku == sku:
            groups = line.quantity // (buy + free)
            if groups:
                return money(line.product.price * groups * free), f"buy {buy} get {free} free on {sku}"
    return None


def _coupon(rule: Rule, cart: "Cart", coupon: str | None):
    if not coupon or coupon.strip().upper() != str(rule.params["code"]).upper():
        return None
    if "percent" in rule.params:
        pct = Decimal(str(rule.params["percent"])) / 100
        return money(cart.subtotal() * pct), f"coupon {rule.params['code']}"
    return money(rule.params["amount"]), f"coupon {rule.params['code']}"


EVALUATORS: dict[str, Callable] = {
    "category_percent": _category_percent,
    "cart_threshold": _cart_threshold,
    "buy_x_get_y": _buy_x_get_y,
    "coupon": _coupon,
}


def _parse_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def load_rules(path: Path | str = DEFAULT_CONFIG) -> list[Rule]:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    rules = []
    for raw in data.get("rules", []):
        raw = dict(raw)
        rtype = raw.pop("type")
        if rtype not in EVALUATORS:
            raise ValueError(f"unknown rule type {rtype!r} in {path}")
        rules.append(
            Rule(
                id=str(raw.pop("id")),
                type=rtype,
                stackable=bool(raw.pop("stackable", True)),
                starts=_parse_date(raw.pop("starts", None)),
                ends=_parse_date(raw.pop("ends", None)),
                params=raw,
            )
        )
    return rules


class PricingEngine:
    def __init__(self, rules: list[Rule] | None = None):
        self.rules = rules if rules is not None else load_rules()

    @classmethod
    def from_file(cls, path: Path | str) -> "PricingEngine":
        return cls(load_rules(path))

    def price(self, cart: "Cart", coupon: str | None = None, today: date | None = None) -> PriceBreakdown:
        today = today or date.today()
        subtotal = money(cart.subtotal())
        stackable: list[AppliedDiscount] = []
        best_exclusive: AppliedDiscount | None = None

        for rule in self.rules:
            if not rule.active(today):
                continue
            res = EVALUATORS[rule.type](rule, cart, coupon)
            if not res:
                continue
            amount, desc = res
            if amount <= 0:
                continue
            applied = AppliedDiscount(rule.id, desc, amount)
            if rule.stackable:
                stackable.append(applied)
            elif best_exclusive is None or amount > best_exclusive.amount:
                best_exclusive = applied

        discounts = stackable + ([best_exclusive] if best_exclusive else [])
        # never discount below zero: trim the last discounts if needed
        remaining = subtotal
        capped: list[AppliedDiscount] = []
        for d in discounts:
            amt = min(d.amount, remaining)
            if amt > 0:
                capped.append(AppliedDiscount(d.rule_id, d.description, amt))
                remaining -= amt
        return PriceBreakdown(subtotal=subtotal, discounts=capped)


_default_engine: PricingEngine | None = None


def default_engine() -> PricingEngine:
    global _default_engine
    if _default_engine is None:
        _default_engine = PricingEngine()
    return _default_engine
