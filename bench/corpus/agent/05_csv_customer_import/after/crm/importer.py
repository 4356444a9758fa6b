"""Import customers exported from the legacy CRM (CSV) into CustomerStore.

Usage:
    python -m crm.importer customers.csv --db crm.sqlite3 [--dry-run] [--report report.csv]
"""
from __future__ import annotations

import argparse
import csv
import re
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from crm.db import connect
from crm.models import PLANS, Customer, CustomerStore

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[a-zA-Z]{2,}$")
PHONE_RE = re.compile(r"^\+?[0-9 ()\-.]{6,20}$")
REQUIRED_COLUMNS = {"id", "first_name", "last_name", "email", "country", "signup_date", "plan"}

# ISO 3166-1 alpha-2 codes we have customers in; extend as needed
COUNTRIES = set(
    "AD AE AR AT AU BE BG BR CA CH CL CN CO CY CZ DE DK EE EG ES FI FR GB GR HK HR HU "
    "ID IE IL IN IS IT JP KE KR LT LU LV MA MT MX MY NG NL NO NZ PE PH PK PL PT RO RS "
    "SA SE SG SI SK TH TR TW UA US UY VN ZA".split()
)
COUNTRY_ALIASES = {"UK": "GB", "USA": "US", "U.S.": "US"}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d")
BATCH_SIZE = 1000


class RowError(ValueError):
    pass


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # (line, email, reason)
    duplicates_in_file: int = 0
    elapsed: float = 0.0

    @property
    def total_ok(self) -> int:
        return self.created + self.updated

    def summary(self) -> str:
        lines = [
            f"created:    {self.created}",
            f"updated:    {self.updated}",
            f"rejected:   {len(self.rejected)}",
            f"duplicates in file (last row wins): {self.duplicates_in_file}",
            f"time:       {self.elapsed:.1f}s",
        ]
        if self.rejected:
            lines.append("first rejections:")
            for line_no, email, reason in self.rejected[:10]:
                lines.append(f"  line {line_no}: {email or '<no email>'}: {reason}")
        return "\n".join(lines)

    def write_csv(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["line", "email", "reason"])
            w.writerows(self.rejected)


def parse_date(value: str) -> date:
    value = value.strip()
    for fmt in DATE_FORMATS:
        try:
            d = datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        if d > date.today():
            raise RowError(f"signup_date in the future: {value}")
        return d
    raise RowError(f"bad signup_date: {value!r}")


def validate_row(row: dict[str, str]) -> Customer:
    get = lambda k: (row.get(k) or "").strip()  # noqa: E731

    email = get("email").lower()
    if not EMAIL_RE.match(email):
        raise RowError(f"invalid email: {email!r}")

    first, last = get("first_name"), get("last_name")
    if not first and not last:
        raise RowError("missing name")

    country = get("country").upper()
    country = COUNTRY_ALIASES.get(country, country)
    if country not in COUNTRIES:
        raise RowError(f"unknown country code: {get('country')!r}")

    plan = get("plan").lower() or "free"
    if plan not in PLANS:
        raise RowError(f"unknown plan: {plan!r}")

    phone = get("phone") or None
    if phone and not PHONE_RE.match(phone):
        raise RowError(f"invalid phone: {phone!r}")

    return Customer(
        first_name=first,
        last_name=last,
        email=email,
        phone=phone,
        country=country,
        signup_date=parse_date(get("signup_date")),
        plan=plan,
        legacy_id=get("id") or None,
    )


def import_csv(
    path: Path, store: CustomerStore, dry_run: bool = False, batch_size: int = BATCH_SIZE
) -> ImportReport:
    report = ImportReport()
    started = time.monotonic()
    seen_emails: set[str] = set()

    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = REQUIRED_COLUMNS - set(reader.fieldnames or [])
        if missing:
            raise SystemExit(f"CSV is missing columns: {', '.join(sorted(missing))}")

        pending = 0
        for line_no, row in enumerate(reader, start=2):
            try:
                customer = validate_row(row)
            except RowError as exc:
                report.rejected.append((line_no, (row.get("email") or "").strip(), str(exc)))
                continue

            if customer.email in seen_emails:
                report.duplicates_in_file += 1
            seen_emails.add(customer.email)

            if dry_run:
                if store.get_by_email(customer.email):
                    report.updated += 1
                else:
                    report.created += 1
                continue

            try:
                _, created = store.upsert(customer, commit=False)
            except sqlite3.DatabaseError as exc:
                report.rejected.append((line_no, customer.email, f"db error: {exc}"))
                continue
            if created:
                report.created += 1
            else:
                report.updated += 1

            pending += 1
            if pending >= batch_size:
                store.conn.commit()
                pending = 0

        if not dry_run:
            store.conn.commit()

    report.elapsed = time.monotonic() - started
    return report


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Import legacy CRM customers from CSV")
    p.add_argument("csv_path", type=Path)
    p.add_argument("--db", default="crm.sqlite3")
    p.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
    p.add_argument("--report", type=Path, help="write rejected rows to this CSV")
    args = p.parse_args(argv)

    store = CustomerStore(connect(args.db))
    report = import_csv(args.csv_path, store, dry_run=args.dry_run)
    print(("[dry run]\n" if args.dry_run else "") + report.summary())
    if args.report:
        report.write_csv(args.report)
        print(f"rejections written to {args.report}")
    return 0 if not report.rejected else 2


if __name__ == "__main__":
    sys.exit(main())
