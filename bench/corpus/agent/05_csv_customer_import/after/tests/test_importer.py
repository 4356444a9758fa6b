from datetime import date
from pathlib import Path

import pytest

from crm.db import connect
from crm.importer import RowError, import_csv, validate_row
from crm.models import CustomerStore

HEADER = "id,first_name,last_name,email,phone,country,signup_date,plan\n"


def write_csv(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "customers.csv"
    p.write_text(HEADER + body, encoding="utf-8")
    return p


@pytest.fixture
def store():
    return CustomerStore(connect(":memory:"))


def test_validate_row_normalises():
    c = validate_row({"id": "7", "first_name": " Ann ", "last_name": "Lee", "email": "ANN@Ex.com",
                      "phone": "", "country": "uk", "signup_date": "03/02/2021", "plan": "Pro"})
    assert c.email == "ann@ex.com"
    assert c.country == "GB"
    assert c.plan == "pro"
    assert c.signup_date == date(2021, 2, 3)


@pytest.mark.parametrize("field,value", [
    ("email", "not-an-email"), ("country", "XX"), ("plan", "platinum"), ("signup_date", "yesterday"),
])
def test_validate_row_rejects(field, value):
    row = {"id": "1", "first_name": "A", "last_name": "B", "email": "a@b.com",
           "phone": "", "country": "US", "signup_date": "2020-01-01", "plan": "free"}
    row[field] = value
    with pytest.raises(RowError):
        validate_row(row)


def test_import_counts(tmp_path, store):
    path = write_csv(tmp_path,
        "1,Ann,Lee,ann@ex.com,,US,2020-01-01,free\n"
        "2,Bob,Ray,bad-email,,US,2020-01-01,free\n"
        "3,Cid,Moe,cid@ex.com,+44 20 7946 0000,GB,2021-05-05,pro\n"
        "4,Ann,Lee,ann@ex.com,,US,2020-01-01,starter\n")
    report = import_csv(path, store)
    assert report.created == 2
    assert report.updated == 1
    assert len(report.rejected) == 1 and report.rejected[0][0] == 3
    assert store.get_by_email("ann@ex.com").plan == "starter"


def test_dry_run_writes_nothing(tmp_path, store):
    path = write_csv(tmp_path, "1,Ann,Lee,ann@ex.com,,US,2020-01-01,free\n")
    report = import_csv(path, store, dry_run=True)
    assert report.created == 1
    assert store.count() == 0
