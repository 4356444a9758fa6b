from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Account:
    id: int
    owner_email: str
    plan_code: str
    period_start: date
    period_end: date
    payment_method_id: str | None = None
    history: list[str] = field(default_factory=list)


_ACCOUNTS: dict[int, Account] = {}


def get_account(account_id: int) -> Account:
    return _ACCOUNTS[account_id]


def save_account(account: Account) -> None:
    _ACCOUNTS[account.id] = account
