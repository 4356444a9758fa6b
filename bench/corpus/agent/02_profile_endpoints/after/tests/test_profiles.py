import pytest
from fastapi.testclient import TestClient

from profiles_api.main import app
from profiles_api.repository import InMemoryProfileRepository, get_repository


@pytest.fixture
def client():
    repo = InMemoryProfileRepository(seed=True)
    app.dependency_overrides[get_repository] = lambda: repo
    yield TestClient(app)
    app.dependency_overrides.clear()


def test_list_profiles(client):
    r = client.get("/profiles", params={"page": 1, "page_size": 2})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 4
    assert len(body["items"]) == 2


def test_get_profile(client):
    r = client.get("/profiles/1")
    assert r.status_code == 200
    assert r.json()["display_name"] == "Ada Lovelace"


def test_get_missing_profile(client):
    assert client.get("/profiles/999").status_code == 404


def test_create_and_update(client):
    r = client.post("/profiles", json={"user_id": 10, "display_name": "New User"})
    assert r.status_code == 201
    r = client.patch("/profiles/10", json={"bio": "hello", "timezone": "Europe/Paris"})
    assert r.status_code == 200
    assert r.json()["bio"] == "hello"
    assert r.json()["display_name"] == "New User"


def test_update_rejects_bad_timezone(client):
    r = client.patch("/profiles/1", json={"timezone": "Mars/Olympus"})
    assert r.status_code == 422


def test_delete(client):
    assert client.delete("/profiles/2").status_code == 204
    assert client.get("/profiles/2").status_code == 404
