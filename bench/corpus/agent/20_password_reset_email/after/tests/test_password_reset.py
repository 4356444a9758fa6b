import re

import pytest

from bookclub import mailer, password_reset
from bookclub.app import create_app
from bookclub.users import create_user, find_by_email


@pytest.fixture
def outbox():
    backend = mailer.ConsoleBackend()
    mailer.set_backend(backend)
    yield backend.outbox
    mailer.set_backend(None)


@pytest.fixture
def client(outbox):
    password_reset._tokens.clear()
    password_reset._last_request.clear()
    if find_by_email("ann@example.com") is None:
        create_user("ann@example.com", "Ann", "old-password-123")
    return create_app({"TESTING": True, "SECRET_KEY": "test"}).test_client()


def token_from(mail):
    return re.search(r"token=([\w-]+)", mail.text).group(1)


def test_full_flow(client, outbox):
    r = client.post("/auth/forgot", json={"email": "Ann@Example.com"})
    assert r.status_code == 202
    assert len(outbox) == 1
    token = token_from(outbox[0])
    r = client.post("/auth/reset", json={"token": token, "password": "brand-new-pass"})
    assert r.status_code == 200
    assert find_by_email("ann@example.com").check_password("brand-new-pass")


def test_token_single_use(client, outbox):
    client.post("/auth/forgot", json={"email": "ann@example.com"})
    token = token_from(outbox[0])
    assert client.post("/auth/reset", json={"token": token, "password": "first-new-pass"}).status_code == 200
    assert client.post("/auth/reset", json={"token": token, "password": "second-new-pass"}).status_code == 400


def test_unknown_email_same_response(client, outbox):
    known = client.post("/auth/forgot", json={"email": "ann@example.com"})
    unknown = client.post("/auth/forgot", json={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 202
    assert known.json == unknown.json
    assert len(outbox) == 1


def test_expired_token(client, outbox, monkeypatch):
    client.post("/auth/forgot", json={"email": "ann@example.com"})
    token = token_from(outbox[0])
    monkeypatch.setattr(password_reset.time, "time", lambda: 10**12)
    assert client.post("/auth/reset", json={"token": token, "password": "brand-new-pass"}).status_code == 400


def test_short_password_rejected(client):
    assert client.post("/auth/reset", json={"token": "x", "password": "short"}).status_code == 400
