import csv

import pytest

from stockroom.db import connect
from stockroom.export import build_report, main, month_bounds


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "s.db")


@pytest.fixture
def conn(db_path):
    c = connect(db_path)
    c.executemany("INSERT INTO products (id, sku, name, unit_cost) VALUES (?,?,?,?)", [
        (1, "A-1", "Widget", 2.5),
        (2, "B-2", "Gadget", 10.0),
        (3, "C-3", "Unused", 1.0),
    ])
    c.executemany("INSERT INTO movements (product_id, kind, quantity, created_at) VALUES (?,?,?,?)", [
        (1, "receipt", 100, "2024-04-10"),
        (1, "shipment", 30, "2024-05-02"),
        (1, "receipt", 20, "2024-05-15"),
        (1, "adjustment", -2, "2024-05-31T23:00:00"),
        (2, "receipt", 5, "2024-05-20"),
        (2, "shipment", 1, "2024-06-01"),
    ])
    c.commit()
    return c


def test_month_bounds_december():
    assert month_bounds("2024-12") == ("2024-12-01", "2025-01-01")


def test_build_report(conn):
    rows = {r.sku: r for r in build_report(conn, "2024-05")}
    a = rows["A-1"]
    assert (a.opening, a.received, a.shipped, a.adjustments, a.closing) == (100, 20, 30, -2, 88)
    assert a.value == 220.0
    assert rows["B-2"].closing == 5
    assert "C-3" not in rows


def test_cli_csv(conn, db_path, tmp_path):
    out = tmp_path / "r.csv"
    assert main(["--month", "2024-05", "--format", "csv", "-o", str(out), "--db", db_path]) == 0
    with out.open(encoding="utf-8-sig") as fh:
        data = list(csv.reader(fh))
    assert data[0][0] == "SKU"
    assert data[-1][0] == "TOTAL"
