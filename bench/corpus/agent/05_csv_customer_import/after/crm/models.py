from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

PLANS = ("free", "starter", "pro", "enterprise")


@dataclass
class Customer:
    first_name: str
    last_name: str
    email: str
    country: str
    signup_date: date
    plan: str = "free"
    phone: str | None = None
    legacy_id: str | None = None
    id: int | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class CustomerStore:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def _row_to_customer(self, row: sqlite3.Row) -> Customer:
        return Customer(
            id=row["id"],
            legacy_id=row["legacy_id"],
            first_name=row["first_name"],
            last_name=row["last_name"],
            email=row["email"],
            phone=row["phone"],
            country=row["country"],
            signup_date=date.fromisoformat(row["signup_date"]),
            plan=row["plan"],
        )

    def get_by_email(self, email: str) -> Customer | None:
        row = self.conn.execute(
            "SELECT * FROM customers WHERE email = ?", (email.lower(),)
        ).fetchone()
        return self._row_to_customer(row) if row else None

    def count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM customers").fetchone()[0]

    def upsert(self, c: Customer, commit: bool = True) -> tuple[Customer, bool]:
        """Insert or update a customer keyed on (lower-cased) email.

        Returns the customer (with ``id`` set) and whether it was newly created.
        Pass ``commit=False`` when writing many rows and commit once at the end.
        """
        existing = self.get_by_email(c.email)
        values = (
            c.legacy_id, c.first_name, c.last_name, c.email.lower(), c.phone,
            c.country, c.signup_date.isoformat(), c.plan,
        )
        if existing:
            self.conn.execute(
                """UPDATE customers SET legacy_id=?, first_name=?, last_name=?, email=?,
                   phone=?, country=?, signup_date=?, plan=? WHERE id=?""",
                values + (existing.id,),
            )
            c.id = existing.id
        else:
            cur = self.conn.execute(
                """INSERT INTO customers (legacy_id, first_name, last_name, email, phone,
                   country, signup_date, plan) VALUES (?,?,?,?,?,?,?,?)""",
                values,
            )
            c.id = cur.lastrowid
        if commit:
            self.conn.commit()
        return c, existing is None
