from __future__ import annotations

import sqlite3


def list_products(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT id, sku, name, unit_cost FROM products ORDER BY sku").fetchall()


def movements_by_product(
    conn: sqlite3.Connection,
    start: str | None = None,
    end: str | None = None,
) -> dict[int, dict[str, int]]:
    """Sum of movement quantities per product and kind.

    ``start`` (inclusive) and ``end`` (exclusive) are ISO date/datetime strings;
    either may be omitted.
    """
    sql = "SELECT product_id, kind, SUM(quantity) AS qty FROM movements"
    clauses, params = [], []
    if start:
        clauses.append("created_at >= ?")
        params.append(start)
    if end:
        clauses.append("created_at < ?")
        params.append(end)
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " GROUP BY product_id, kind"
    rows = conn.execute(sql, params).fetchall()
    result: dict[int, dict[str, int]] = {}
    for row in rows:
        result.setdefault(row["product_id"], {})[row["kind"]] = row["qty"]
    return result


def stock_on_hand(conn: sqlite3.Connection, before: str | None = None) -> dict[int, int]:
    """Stock per product, optionally as it was just before ``before`` (ISO date)."""
    sql = """SELECT product_id,
                  SUM(CASE WHEN kind = 'shipment' THEN -quantity ELSE quantity END) AS qty
           FROM movements"""
    params: list[str] = []
    if before:
        sql += " WHERE created_at < ?"
        params.append(before)
    sql += " GROUP BY product_id"
    rows = conn.execute(sql, params).fetchall()
    return {r["product_id"]: r["qty"] for r in rows}
