import pytest

from teamboard import storage
from teamboard.app import create_app


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.setenv("TEAMBOARD_DB", str(tmp_path / "t.sqlite3"))
    storage.reset_connection()
    app = create_app({"TESTING": True})
    yield app.test_client()
    storage.reset_connection()


def test_defaults(client):
    r = client.get("/api/me/settings")
    assert r.status_code == 200
    assert r.json["settings"]["theme"] == "system"
    assert r.json["user"]["id"] == "u-100"


def test_patch_merges_nested(client):
    r = client.patch("/api/me/settings", json={"theme": "dark", "notifications": {"comment": True}})
    assert r.status_code == 200
    s = client.get("/api/me/settings").json["settings"]
    assert s["theme"] == "dark"
    assert s["notifications"]["comment"] is True
    assert s["notifications"]["mentioned"] is True


def test_validation(client):
    r = client.patch("/api/me/settings", json={"language": "klingon", "digest": {"day": "funday"}})
    assert r.status_code == 422
    assert set(r.json["fields"]) == {"language", "digest.day"}


def test_settings_are_per_user(client):
    client.patch("/api/me/settings", json={"theme": "dark"}, headers={"X-Demo-User": "u-101"})
    assert client.get("/api/me/settings").json["settings"]["theme"] == "system"
    r = client.get("/api/me/settings", headers={"Authorization": "Bearer demo-fox"})
    assert r.json["settings"]["theme"] == "dark"


def test_unknown_demo_user_is_401(client):
    assert client.get("/api/me/settings", headers={"X-Demo-User": "nobody"}).status_code == 401


def test_reset(client):
    client.patch("/api/me/settings", json={"language": "de"})
    r = client.post("/api/me/settings/reset")
    assert r.json["settings"]["language"] == "en"
    assert client.get("/api/me/settings").json["settings"]["language"] == "en"
