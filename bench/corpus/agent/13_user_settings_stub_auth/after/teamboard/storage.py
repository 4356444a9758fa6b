"""Tiny JSON-document storage on sqlite, used by all teamboard features."""
from __future__ import annotations

import json
import os
import sqlite3
import threading

_local = threading.local()


def _db_path() -> str:
    return os.getenv("TEAMBOARD_DB", "teamboard.sqlite3")


def get_conn() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(_db_path())
        conn.execute(
            "CREATE TABLE IF NOT EXISTS documents ("
            " collection TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL,"
            " PRIMARY KEY (collection, key))"
        )
        _local.conn = conn
    return conn


def reset_connection() -> None:
    conn = getattr(_local, "conn", None)
    if conn is not None:
        conn.close()
        _local.conn = None


def get_doc(collection: str, key: str) -> dict | None:
    row = get_conn().execute(
        "SELECT body FROM documents WHERE collection = ? AND key = ?", (collection, key)
    ).fetchone()
    return json.loads(row[0]) if row else None


def put_doc(collection: str, key: str, body: dict) -> None:
    conn = get_conn()
    conn.execute(
        "INSERT OR REPLACE INTO documents (collection, key, body) VALUES (?, ?, ?)",
        (collection, key, json.dumps(body)),
    )
    conn.commit()


def delete_doc(collection: str, key: str) -> bool:
    conn = get_conn()
    cur = conn.execute("DELETE FROM documents WHERE collection = ? AND key = ?", (collection, key))
    conn.commit()
    return cur.rowcount > 0
