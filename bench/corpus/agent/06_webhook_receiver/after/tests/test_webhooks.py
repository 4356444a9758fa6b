import hashlib
import hmac
import json
import time

import fakeredis
import pytest

from payhooks import webhooks
from payhooks.app import create_app

SECRET = "whsec_test"


def sign(body: bytes, ts: int | None = None, secret: str = SECRET) -> str:
    ts = ts or int(time.time())
    mac = hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={ts},v1={mac}"


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    fake = fakeredis.FakeRedis()
    monkeypatch.setattr(webhooks, "get_redis", lambda: fake)
    monkeypatch.setattr(webhooks, "enqueue", lambda f, *a, **kw: calls.append((f, a, kw)))
    return calls


@pytest.fixture
def client():
    app = create_app({"TESTING": True, "PAYWELL_WEBHOOK_SECRET": SECRET})
    return app.test_client()


def event(eid="evt_1", etype="invoice.paid"):
    return json.dumps({"id": eid, "type": etype, "data": {"object": {"id": "in_1"}}}).encode()


def test_valid_event_is_enqueued(client, enqueued):
    body = event()
    r = client.post("/webhooks/paywell", data=body, headers={"Paywell-Signature": sign(body)})
    assert r.status_code == 200
    assert len(enqueued) == 1
    assert enqueued[0][2]["queue"] == "webhooks"


def test_bad_signature_rejected(client, enqueued):
    body = event()
    r = client.post("/webhooks/paywell", data=body,
                    headers={"Paywell-Signature": sign(body, secret="wrong")})
    assert r.status_code == 400
    assert enqueued == []


def test_old_timestamp_rejected(client, enqueued):
    body = event()
    r = client.post("/webhooks/paywell", data=body,
                    headers={"Paywell-Signature": sign(body, ts=int(time.time()) - 3600)})
    assert r.status_code == 400


def test_duplicate_ignored(client, enqueued):
    body = event("evt_dup")
    for _ in range(2):
        client.post("/webhooks/paywell", data=body, headers={"Paywell-Signature": sign(body)})
    assert len(enqueued) == 1


def test_unknown_type_acknowledged(client, enqueued):
    body = event(etype="charge.refunded")
    r = client.post("/webhooks/paywell", data=body, headers={"Paywell-Signature": sign(body)})
    assert r.status_code == 200
    assert r.json["handled"] is False
    assert enqueued == []
