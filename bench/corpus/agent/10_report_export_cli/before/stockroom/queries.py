from __future__ import annotations

import sqlite3


def list_products(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT id, sku, name, unit_cost FROM products ORDER BY sku").fetchall()


def movements_by_product(conn: sqlite3.Connection) -> dict[int, dict[str, int]]:
    """Sum of movement quantities per product and kind."""
    rows = conn.execute(
        "SELECT product_id, kind, SUM(quantity) AS qty FROM movements GROUP BY product_id, kind"
    ).fetchall()
    result: dict[int, dict[str, int]] = {}
    for row in rows:
        result.setdefault(row["product_id"], {})[row["kind"]] = row["qty"]
    return result


def stock_on_hand(conn: sqlite3.Connection) -> dict[int, int]:
    rows = conn.execute(
        """SELECT product_id,
                  SUM(CASE WHEN kind = 'shipment' THEN -quantity ELSE quantity END) AS qty
           FROM movements GROUP BY product_id"""
    ).fetchall()
    return {r["product_id"]: r["qty"] for r in rows}
