"""Monthly stock movement report, exported to xlsx or csv.

    stockroom-export --month 2024-05 --format xlsx -o report.xlsx
"""
from __future__ import annotations

import argparse
import csv
import sqlite3
import sys
from dataclasses import astuple, dataclass, fields
from datetime import date
from pathlib import Path

from stockroom.db import connect
from stockroom.queries import list_products, movements_by_product, stock_on_hand

HEADERS = [
    "SKU", "Product", "Opening qty", "Received", "Shipped",
    "Adjustments", "Closing qty", "Unit cost", "Stock value",
]


@dataclass
class ReportRow:
    sku: str
    name: str
    opening: int
    received: int
    shipped: int
    adjustments: int
    closing: int
    unit_cost: float
    value: float


def month_bounds(month: str) -> tuple[str, str]:
    """'2024-05' -> ('2024-05-01', '2024-06-01')."""
    try:
        year, mon = (int(x) for x in month.split("-"))
        start = date(year, mon, 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"month must look like YYYY-MM, got {month!r}")
    end = date(year + 1, 1, 1) if mon == 12 else date(year, mon + 1, 1)
    return start.isoformat(), end.isoformat()


def build_report(conn: sqlite3.Connection, month: str, include_inactive: bool = False) -> list[ReportRow]:
    start, end = month_bounds(month)
    opening = stock_on_hand(conn, before=start)
    moves = movements_by_product(conn, start=start, end=end)

    rows: list[ReportRow] = []
    for p in list_products(conn):
        m = moves.get(p["id"], {})
        received = m.get("receipt", 0) or 0
        shipped = m.get("shipment", 0) or 0
        adjustments = m.get("adjustment", 0) or 0
        open_qty = opening.get(p["id"], 0) or 0
        closing = open_qty + received - shipped + adjustments
        if not include_inactive and not (open_qty or received or shipped or adjustments):
            continue
        rows.append(
            ReportRow(
                sku=p["sku"],
                name=p["name"],
                opening=open_qty,
                received=received,
                shipped=shipped,
                adjustments=adjustments,
                closing=closing,
                unit_cost=round(p["unit_cost"], 2),
                value=round(closing * p["unit_cost"], 2),
            )
        )
    return rows


def write_csv(rows: list[ReportRow], out: Path) -> None:
    # utf-8-sig so Excel opens accented product names correctly
    with out.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        for r in rows:
            writer.writerow(astuple(r))
        writer.writerow(["TOTAL", "", "", "", "", "", "", "", round(sum(r.value for r in rows), 2)])


def write_xlsx(rows: list[ReportRow], out: Path, month: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = f"Stock {month}"
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="305496")

    for r in rows:
        ws.append(list(astuple(r)))

    last = ws.max_row
    ws.append(["TOTAL"] + [""] * 7 + [f"=SUM(I2:I{last})"])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True)

    for row in ws.iter_rows(min_row=2, min_col=8, max_col=9):
        for cell in row:
            cell.number_format = "#,##0.00"

    widths = [14, 36, 12, 10, 10, 12, 12, 10, 14]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    wb.save(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="stockroom-export", description=__doc__)
    parser.add_argument("--month", required=True, help="YYYY-MM")
    parser.add_argument("--format", choices=("xlsx", "csv"), default=None)
    parser.add_argument("-o", "--output", type=Path, default=None)
    parser.add_argument("--db", default=None, help="database path (default $STOCKROOM_DB)")
    parser.add_argument("--all", action="store_true", help="include products with no stock or movements")
    args = parser.parse_args(argv)

    fmt = args.format or (args.output.suffix.lstrip(".") if args.output else "xlsx")
    if fmt not in ("xlsx", "csv"):
        parser.error(f"unsupported format {fmt!r}")
    out = args.output or Path(f"stock-report-{args.month}.{fmt}")

    try:
        month_bounds(args.month)
    except argparse.ArgumentTypeError as exc:
        parser.error(str(exc))

    conn = connect(args.db)
    rows = build_report(conn, args.month, include_inactive=args.all)

    if fmt == "xlsx":
        try:
            write_xlsx(rows, out, args.month)
        except ImportError:
            out = out.with_suffix(".csv")
            print("openpyxl is not installed, writing CSV instead", file=sys.stderr)
            write_csv(rows, out)
    else:
        write_csv(rows, out)

    print(f"wrote {len(rows)} products to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
