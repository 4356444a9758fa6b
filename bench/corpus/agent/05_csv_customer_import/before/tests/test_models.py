from datetime import date

from crm.db import connect
from crm.models import Customer, CustomerStore


def test_upsert_updates_existing():
    store = CustomerStore(connect(":memory:"))
    store.upsert(Customer("A", "B", "a@x.com", "US", date(2020, 1, 1)))
    store.upsert(Customer("A", "C", "A@x.com", "US", date(2020, 1, 1), plan="pro"))
    assert store.count() == 1
    assert store.get_by_email("a@x.com").plan == "pro"
